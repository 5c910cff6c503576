// Lint findings as text and as NDJSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "lint/lint.hpp"

namespace mq::lint {

namespace {

using observe::direction_arrow;
using observe::format_time_utc;

/// "client \"dev\", connection 2, packet 5 PUBLISH c->s": the parts known.
std::string evidence(const LintFinding& f) {
  std::string out;
  auto add = [&](std::string part) { out += (out.empty() ? "" : ", ") + part; };
  if (!f.client_id.empty()) add(fmt::format("client \"{}\"", f.client_id));
  if (f.connection) add(fmt::format("connection {}", f.connection));
  if (f.packet) add(fmt::format("packet {}", f.packet));
  if (!f.type.empty()) add(f.direction ? fmt::format("{} {}", f.type, direction_arrow(*f.direction)) : f.type);
  return out;
}

}  // namespace

std::string format_lint_text(const LintFinding& f) {
  const LintRuleInfo& r = lint_rule(f.rule);
  std::string out = fmt::format("{}: ", r.id);
  if (!f.topic.empty()) out += fmt::format("\"{}\": ", f.topic);
  out += f.detail;
  if (auto e = evidence(f); !e.empty()) out += fmt::format(" ({})", e);
  return out + fmt::format("\n  advice: {}\n", r.advice);
}

nlohmann::ordered_json lint_json(const LintFinding& f) {
  const LintRuleInfo& r = lint_rule(f.rule);
  nlohmann::ordered_json j;
  j["rule"] = r.id;
  j["group"] = r.group;
  if (f.time_us) j["time"] = format_time_utc(f.time_us);
  if (!f.client_id.empty()) j["client_id"] = f.client_id;
  if (f.connection) j["connection"] = f.connection;
  if (f.packet) j["packet"] = f.packet;
  if (!f.type.empty()) j["type"] = f.type;
  if (f.direction) j["direction"] = direction_arrow(*f.direction);
  if (!f.topic.empty()) j["topic"] = f.topic;
  j["detail"] = f.detail;
  j["advice"] = r.advice;
  return j;
}

std::string format_lint_json(const LintFinding& f) {
  return lint_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mq::lint
