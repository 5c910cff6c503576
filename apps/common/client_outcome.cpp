#include "client_outcome.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "dump/names.hpp"
#include "text.hpp"

namespace mq::apps {

Outcome outcome_of(const net::NetError& e) {
  using net::NetErrc;
  switch (e.code) {
    case NetErrc::None: return {};
    case NetErrc::Tls:
    case NetErrc::TlsVerify: return {ClientExit::Tls, e.message};
    case NetErrc::Timeout: return {ClientExit::Timeout, e.message};
    case NetErrc::Config: return {ClientExit::Usage, e.message};
    case NetErrc::PeerClosed: return {ClientExit::ConnectionLost, e.message};
    default: return {ClientExit::Connect, e.message};
  }
}

std::string describe_reason(PacketType type, std::uint8_t code, ProtocolVersion version,
                            const std::string& reason_string) {
  std::string_view name = dump::reason_label(type, code, version);
  std::string text = name.empty() ? fmt::format("0x{:02x}", code) : fmt::format("0x{:02x} {}", code, name);
  if (!reason_string.empty()) text += fmt::format(" ({})", reason_string);
  return text;
}

std::optional<Outcome> outcome_of(const client::Event& event, ProtocolVersion version) {
  if (const auto* r = std::get_if<client::ConnectRefused>(&event))
    return Outcome{ClientExit::Refused, "the broker refused the connection: " +
                                            describe_reason(PacketType::Connack, r->reason_code, version,
                                                            r->reason_string)};
  if (const auto* d = std::get_if<client::ServerDisconnected>(&event))
    return Outcome{ClientExit::ConnectionLost,
                   "the broker ended the connection: " +
                       describe_reason(PacketType::Disconnect, d->reason_code, version, d->reason_string) +
                       (d->reason_code == 0x8E ? ": another client connected with the same client id" : "")};
  if (const auto* v = std::get_if<client::ProtocolViolation>(&event))
    return Outcome{ClientExit::ConnectionLost, "the broker broke the protocol: " + to_string(v->error)};
  if (const auto* a = std::get_if<client::AuthChallenge>(&event))
    return Outcome{ClientExit::Refused,
                   fmt::format("the broker asks for a further authentication step ({}); --auth-command can answer "
                               "it",
                               a->method.empty() ? "no method named" : "method " + a->method)};
  if (std::holds_alternative<client::KeepaliveTimeout>(event))
    return Outcome{ClientExit::ConnectionLost, "the broker did not answer a keepalive ping in time"};
  if (std::holds_alternative<client::ConnectTimeout>(event))
    return Outcome{ClientExit::Timeout, "no CONNACK from the broker within the connect timeout"};
  return std::nullopt;
}

ClientExit exit_for(const client::ClientError& error) {
  switch (error.code) {
    case client::ClientErrorCode::SessionDiscarded:
    case client::ClientErrorCode::ConnectionLost:
    case client::ClientErrorCode::NotConnected: return ClientExit::ConnectionLost;
    case client::ClientErrorCode::InvalidRequest: return ClientExit::Usage;
    default: return ClientExit::Rejected;
  }
}

int report(const std::string& app, const Outcome& outcome) {
  if (!outcome.message.empty()) note(app.c_str(), outcome.message);
  return code(outcome.exit);
}

namespace {
bool g_quiet = false;  ///< --quiet; one per process, set while parsing the command line
}  // namespace

void set_quiet(bool quiet) { g_quiet = quiet; }

void note(const char* app, const std::string& message) {
  if (g_quiet) return;
  std::fprintf(stderr, "%s: %s\n", app, printable(message).c_str());
}

}  // namespace mq::apps
