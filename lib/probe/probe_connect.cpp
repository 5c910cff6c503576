// What a CONNECT alone tells: the protocol levels accepted, the client ids
// allowed, and the authentication methods the broker answers to.

#include <fmt/format.h>

#include "probe/prober.hpp"

namespace mq::probe {

namespace {

struct Level {
  ProtocolVersion version;
  const char* key;
  const char* label;
};
constexpr Level kLevels[] = {
    {ProtocolVersion::v5, "protocol_5_0", "MQTT 5.0"},
    {ProtocolVersion::v311, "protocol_3_1_1", "MQTT 3.1.1"},
    {ProtocolVersion::v31, "protocol_3_1", "MQTT 3.1"},
};

/// The client ids of one character class, tried in turn.
struct IdClass {
  const char* name;
  const char* sample;
};
constexpr IdClass kIdClasses[] = {
    {"-_", "-_"}, {".:", ".:"}, {"space", " "}, {"/+#", "/+#"}, {"UTF-8", "\xC3\xA9\xE2\x82\xAC"},
};

}  // namespace

void probe_levels(Prober& p, ProbeResult& result) {
  std::optional<ProtocolVersion> chosen;
  std::string refusals;
  bool any_answer = false;
  for (const auto& level : kLevels) {
    ConnectSpec spec;
    spec.version = level.version;
    spec.client_id = p.client_id("level");
    Opened o = p.open(spec);
    if (o.transport_error) {
      result.end = ProbeEnd::Unreachable;
      result.error = o.transport_error->message;
      return;
    }
    const bool ok = o.accepted();
    any_answer = any_answer || o.outcome == Outcome::Packet;
    if (!ok && o.connack()) refusals += fmt::format("{}{}: {}", refusals.empty() ? "" : ", ", level.label, o.text());
    if (o.outcome == Outcome::Timeout)
      p.report.add(level.key, level.label, Status::Unknown, {}, "no CONNACK");
    else
      p.report.measured(level.key, level.label, ok, o.text());
    const bool wanted = p.config().version ? *p.config().version == level.version : !chosen;
    if (ok && wanted) {
      chosen = level.version;
      p.connack = std::move(o.answer);
    }
    if (o.link) o.link->disconnect(p.config().wait);
  }
  if (!chosen) {
    result.end = refusals.empty() ? ProbeEnd::Unreachable : ProbeEnd::Refused;
    result.error = !refusals.empty() ? "every connection was refused: " + refusals
                   : any_answer      ? "no level was accepted"
                                     : fmt::format("no CONNACK within {} ms at any level", p.config().wait.count());
    return;
  }
  p.version = *chosen;
}

void probe_client_ids(Prober& p) {
  auto accepted = [&](const std::string& id, bool clean = true) {
    ConnectSpec spec;
    spec.version = p.version;
    spec.client_id = id;
    spec.clean_start = clean;
    Opened o = p.open(spec);
    if (o.link) o.link->disconnect(p.config().wait);
    return o;
  };
  // Longest client id, by bisection on fresh connections.
  const std::string stem = p.client_id("len");
  // A CONNECT must fit the broker's packet limit: stay some bytes below it.
  std::uint32_t bad = std::min<std::uint32_t>(65535, p.config().max_size);
  std::string cap_note = bad < 65535 ? " (the probe's cap)" : " (the protocol's limit)";
  if (const auto* f = p.report.find("maximum_packet_size"); f && std::holds_alternative<std::int64_t>(f->value))
    if (const auto within = std::max<std::int64_t>(std::get<std::int64_t>(f->value) - 64, 24); within < bad) {
      bad = static_cast<std::uint32_t>(within);
      cap_note = " (the probe's cap: a CONNECT within the Maximum Packet Size)";
    }
  std::uint32_t ok = 0;
  std::string bad_text, unknown;
  auto try_len = [&](std::uint32_t n) {
    std::string id = stem;
    id.resize(n, 'a');
    if (n < stem.size()) id = std::string(n, 'a');
    Opened o = accepted(id);
    if (o.accepted()) return 1;
    if (o.outcome == Outcome::Timeout || o.outcome == Outcome::Malformed) {
      unknown = fmt::format("{}: {}", n, o.text());
      return -1;
    }
    bad_text = o.text();
    return 0;
  };
  const int top = try_len(bad);
  if (top == 1) {
    p.report.measured("client_id_length_max", "Client id length", std::int64_t{bad}, fmt::format("{} accepted{}", bad, cap_note));
    p.report.findings.back().at_least = true;
  } else if (top < 0) {
    p.report.add("client_id_length_max", "Client id length", Status::Unknown, {}, unknown);
  } else {
    ok = 1;
    bool lost = false;
    for (int steps = 0; bad - ok > 1 && steps < 20 && !lost; ++steps) {
      const std::uint32_t mid = ok + (bad - ok) / 2;
      const int r = try_len(mid);
      if (r < 0) lost = true;
      else if (r == 1) ok = mid;
      else bad = mid;
    }
    if (lost) p.report.add("client_id_length_max", "Client id length", Status::Unknown, {}, unknown);
    else
      p.report.measured("client_id_length_max", "Client id length", std::int64_t{ok},
                        fmt::format("{} accepted, {}: {}", ok, bad, bad_text));
  }
  // Characters beyond the [0-9a-zA-Z] every broker must take [MQTT-3.1.3-5].
  std::string taken, refused, silent;
  for (const auto& c : kIdClasses) {
    Opened o = accepted(p.client_id("chars") + c.sample);
    std::string& into = o.accepted() ? taken : o.outcome == Outcome::Timeout ? silent : refused;
    into += fmt::format("{}{}", into.empty() ? "" : ", ", c.name);
  }
  std::string detail = fmt::format("accepted: {}; refused: {}", taken.empty() ? "none" : taken, refused.empty() ? "none" : refused);
  if (!silent.empty()) detail += "; no answer: " + silent;
  p.report.measured("client_id_characters", "Client id characters", "0-9a-zA-Z" + (taken.empty() ? "" : ", " + taken), detail);
  // Empty client id: with a clean start the broker may assign one; with
  // clean start 0 a 3.1.1 broker must refuse it [MQTT-3.1.3-8].
  Opened o = accepted("", true);
  std::string edetail = "clean start 1: " + o.text();
  if (o.accepted() && p.v5()) {
    if (const auto* c = o.connack())
      if (const auto* id = find(c->properties, PropertyId::AssignedClientIdentifier))
        edetail += fmt::format(" (Assigned Client Identifier '{}')", id->value);
  }
  Opened o2 = accepted("", false);
  edetail += "; clean start 0: " + o2.text();
  if (o.outcome == Outcome::Timeout) p.report.add("empty_client_id", "Empty client id", Status::Unknown, {}, edetail);
  else p.report.measured("empty_client_id", "Empty client id", o.accepted(), edetail);
}

void probe_auth(Prober& p) {
  if (!p.v5()) {
    p.report.add("auth_methods", "Authentication methods", Status::NotApplicable, {}, "MQTT 5.0 only");
    return;
  }
  // A SCRAM client-first message, so that a SCRAM server can answer with
  // its challenge; the other methods get no data.
  static const char* kMethods[] = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN", "OAUTHBEARER", "KERBEROS"};
  const std::string scram_first = "n,,n=mqprobe,r=mqbenchprobenonce";
  std::string offered, detail;
  bool unknown = false;
  for (const char* method : kMethods) {
    ConnectSpec spec;
    spec.version = ProtocolVersion::v5;
    spec.client_id = p.client_id("auth");
    spec.properties.push_back(Property{PropertyId::AuthenticationMethod, 0, {}, method});
    if (std::string_view(method).starts_with("SCRAM"))
      spec.properties.push_back(Property{PropertyId::AuthenticationData, 0, {}, scram_first});
    Opened o = p.open(spec);
    std::string said = o.text();
    // AUTH 0x18 (continue) or a success both mean the method is known.
    const bool known = std::holds_alternative<Auth>(o.answer.packet) && o.outcome == Outcome::Packet;
    if (known) said = fmt::format("AUTH {}", hex(std::get<Auth>(o.answer.packet).reason_code));
    if (known) offered += fmt::format("{}{}", offered.empty() ? "" : " ", method);
    if (o.accepted()) said += " (without an exchange)";
    if (o.outcome == Outcome::Timeout) unknown = true;
    detail += fmt::format("{}{}: {}", detail.empty() ? "" : "; ", method, said);
    if (o.link) o.link->abort();  // mid-exchange: nothing more to say
  }
  if (unknown && offered.empty()) p.report.add("auth_methods", "Authentication methods", Status::Unknown, {}, detail);
  else p.report.measured("auth_methods", "Authentication methods", offered.empty() ? std::string("none") : offered, detail);
}

}  // namespace mq::probe
