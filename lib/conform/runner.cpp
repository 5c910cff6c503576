#include "conform/runner.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

namespace mq::conform {

namespace {

bool matches(const CheckDef& check, ProtocolVersion version, std::string_view pattern) {
  if (pattern.starts_with("311:") || pattern.starts_with("5:")) {
    bool want5 = pattern[0] == '5';
    if (want5 != (version == ProtocolVersion::v5)) return false;
    pattern.remove_prefix(pattern.find(':') + 1);
    if (pattern.empty()) return true;
  }
  std::string p(pattern);
  std::string name(check.name);
  if (name.find(p) != std::string::npos || fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  std::string id = p.starts_with("MQTT-") ? p : "MQTT-" + p;
  for (const auto& s : statement_ids(check, version))
    if (s == id) return true;
  return false;
}

}  // namespace

bool selected(const CheckDef& check, ProtocolVersion version, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns)
    if (matches(check, version, p)) return true;
  return false;
}

Capabilities discover(const Target& target, std::string& error) {
  Capabilities caps;
  net::Loop loop;
  // Client identifiers of this process only, so that runs side by side do not take each other over.
  const std::string own = fmt::format("{:x}", static_cast<unsigned>(::getpid()));
  {
    Ctx c(loop, target, ProtocolVersion::v5, caps, own + "d5");
    try {
      Conn& conn = c.open();
      conn.send(c.connect_packet({}));
      Received r = c.next(conn);
      const auto* ack = r.as<Connack>();
      if (!ack || ack->reason_code != 0) {
        caps.v5 = false;
      } else {
        for (const auto& p : ack->properties) {
          switch (p.id) {
            case PropertyId::MaximumQoS: caps.max_qos = p.number; break;
            case PropertyId::RetainAvailable: caps.retain = p.number != 0; break;
            case PropertyId::WildcardSubscriptionAvailable: caps.wildcards = p.number != 0; break;
            case PropertyId::SharedSubscriptionAvailable: caps.shared = p.number != 0; break;
            case PropertyId::SubscriptionIdentifierAvailable: caps.sub_ids = p.number != 0; break;
            case PropertyId::TopicAliasMaximum: caps.topic_alias_max = static_cast<std::uint16_t>(p.number); break;
            case PropertyId::ReceiveMaximum: caps.receive_max = static_cast<std::uint16_t>(p.number); break;
            case PropertyId::MaximumPacketSize: caps.max_packet = p.number; break;
            default: break;
          }
        }
        c.disconnect(conn);
      }
    } catch (const CheckStop& stop) {
      error = stop.reason;
      caps.v5 = false;
    }
  }
  {
    Ctx c(loop, target, ProtocolVersion::v311, caps, own + "d4");
    try {
      Conn& conn = c.open();
      conn.send(c.connect_packet({}));
      Received r = c.next(conn);
      const auto* ack = r.as<Connack>();
      caps.v311 = ack && ack->reason_code == 0;
      if (caps.v311) c.disconnect(conn);
    } catch (const CheckStop& stop) {
      error = stop.reason;
      caps.v311 = false;
    }
  }
  loop.close();
  return caps;
}

std::vector<CheckResult> run_checks(const RunOptions& options, const Capabilities& caps,
                                    const std::function<void(const CheckResult&)>& progress) {
  std::vector<CheckResult> results;
  // Topics and client ids of this run differ from any other run's.
  const unsigned run = static_cast<unsigned>((::getpid() * 2654435761u) ^
                                             std::chrono::steady_clock::now().time_since_epoch().count()) & 0xFFFFu;
  const auto& table = catalogue();
  for (ProtocolVersion version : {ProtocolVersion::v311, ProtocolVersion::v5}) {
    if ((version == ProtocolVersion::v5 && !options.v5) || (version == ProtocolVersion::v311 && !options.v311)) continue;
    for (std::size_t i = 0; i < table.size(); ++i) {
      const CheckDef& check = table[i];
      if ((version == ProtocolVersion::v5 ? check.ids5 : check.ids311).empty()) continue;
      if (!selected(check, version, options.patterns)) continue;
      CheckResult result;
      result.check = &check;
      result.version = version;
      const auto start = std::chrono::steady_clock::now();
      const bool offered = version == ProtocolVersion::v5 ? caps.v5 : caps.v311;
      std::string missing;
      if (!offered) missing = "the broker does not accept this protocol version";
      else if ((check.needs & kNeedRetain) && !caps.retain) missing = "the broker offers no retained messages";
      else if ((check.needs & kNeedWildcards) && !caps.wildcards) missing = "the broker offers no wildcard subscriptions";
      else if ((check.needs & kNeedShared) && !caps.shared) missing = "the broker offers no shared subscriptions";
      else if ((check.needs & kNeedSubIds) && !caps.sub_ids) missing = "the broker offers no subscription identifiers";
      else if ((check.needs & kNeedQos1) && caps.max_qos < 1) missing = "the broker's Maximum QoS is 0";
      else if ((check.needs & kNeedQos2) && caps.max_qos < 2) missing = "the broker's Maximum QoS is below 2";
      if (!missing.empty()) {
        result.verdict = Verdict::NotApplicable;
        result.reason = missing;
      } else {
        net::Loop loop;  // one loop per check: nothing outlives it
        Transcript transcript;
        {
          Ctx c(loop, options.target, version, caps, fmt::format("{:04x}{}{}", run, i, version == ProtocolVersion::v5 ? "f" : "e"));
          try {
            check.run(c);
          } catch (const CheckStop& stop) {
            result.verdict = stop.not_applicable ? Verdict::NotApplicable : Verdict::Fail;
            result.reason = stop.reason;
          }
          result.choices = c.choices;
          if (result.verdict == Verdict::Fail) result.transcript = c.transcript.render();
        }
        loop.close();
      }
      result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress) progress(result);
      results.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace mq::conform
