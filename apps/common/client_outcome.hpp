#pragma once
/// How a client run ended, as an exit status and the one line on stderr
/// that says why: shared by mqpub and mqsub so both word failures alike.

#include <optional>
#include <string>

#include "client/events.hpp"
#include "exit_codes.hpp"
#include "net/error.hpp"

namespace mq::apps {

/// An exit status and the sentence for stderr (empty for success).
struct Outcome {
  ClientExit exit = ClientExit::Ok;
  std::string message;
};

/// A failed or broken transport: resolve/connect, TLS, timeout.
Outcome outcome_of(const net::NetError& error);

/// The session event that ends a connection, or nothing for other events.
std::optional<Outcome> outcome_of(const client::Event& event, ProtocolVersion version);

/// The exit status for a request the session refused or abandoned.
ClientExit exit_for(const client::ClientError& error);

/// "0x87 Not authorized" (or just the hex when the code has no name), with
/// the reason string appended when there is one.
std::string describe_reason(PacketType type, std::uint8_t code, ProtocolVersion version,
                            const std::string& reason_string = {});

/// Keeps the first failure of a run: later ones do not replace it.
class OutcomeKeeper {
 public:
  /// Records `o` unless a failure is already recorded.
  void fail(Outcome o) {
    if (!failed()) outcome_ = std::move(o);
  }
  bool failed() const { return outcome_.exit != ClientExit::Ok; }
  const Outcome& outcome() const { return outcome_; }

 private:
  Outcome outcome_;
};

/// Writes "mqpub: message" to stderr when there is a message; returns the code.
int report(const std::string& app, const Outcome& outcome);

/// Writes "app: message" and a newline on stderr, with control characters
/// escaped (the message may quote what the broker sent).
void note(const char* app, const std::string& message);

/// --quiet: report() and note() print nothing; exit statuses are unchanged.
void set_quiet(bool quiet);

}  // namespace mq::apps
