// The runner's results as a table, JSON and JUnit XML; the catalogue with
// its coverage for --list.

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "conform/runner.hpp"

namespace mq::conform {

namespace {

std::string_view mqtt_name(ProtocolVersion v) { return v == ProtocolVersion::v5 ? "5.0" : "3.1.1"; }

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 has no place for most control characters.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t') out += '?';
        else out += ch;
    }
  }
  return out;
}

struct Counts {
  std::size_t pass = 0, fail = 0, na = 0;
};

Counts count(const std::vector<CheckResult>& results) {
  Counts c;
  for (const auto& r : results) {
    if (r.verdict == Verdict::Pass) ++c.pass;
    else if (r.verdict == Verdict::Fail) ++c.fail;
    else ++c.na;
  }
  return c;
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "FAIL";
    case Verdict::NotApplicable: return "n/a";
  }
  return "?";
}

std::vector<std::string> covered_statements(ProtocolVersion version) {
  std::set<std::string> ids;
  for (const auto& check : catalogue())
    for (auto& id : statement_ids(check, version)) ids.insert(std::move(id));
  std::vector<std::string> out;
  for (const auto& s : server_statements())
    if (s.version == version && ids.count("MQTT-" + std::string(s.id))) out.push_back("MQTT-" + std::string(s.id));
  return out;
}

std::string format_table(const std::vector<CheckResult>& results, const Capabilities& caps) {
  std::string out;
  std::size_t width = 5;
  for (const auto& r : results) width = std::max(width, r.check->name.size());
  out += fmt::format("{:<{}}  {:<5}  {:<4}  {}\n", "check", width, "MQTT", "", "result");
  for (const auto& r : results) {
    std::string detail = r.verdict == Verdict::Pass ? std::string() : r.reason;
    if (!r.choices.empty()) detail += (detail.empty() ? "" : "; ") + fmt::format("chose: {}", fmt::join(r.choices, ", "));
    out += fmt::format("{:<{}}  {:<5}  {:<4}  {}\n", r.check->name, width, mqtt_name(r.version), verdict_name(r.verdict), detail);
  }
  for (const auto& r : results) {
    if (r.verdict != Verdict::Fail) continue;
    out += fmt::format("\nFAIL {} (MQTT {}): {}\n  statements: {}\n", r.check->name, mqtt_name(r.version), r.reason,
                       fmt::join(statement_ids(*r.check, r.version), " "));
    out += r.transcript;
  }
  Counts c = count(results);
  out += fmt::format("\n{} passed, {} failed, {} not applicable (broker: 3.1.1 {}, 5.0 {}, maximum QoS {}, retain {}, "
                     "wildcards {}, shared {}, subscription ids {})\n",
                     c.pass, c.fail, c.na, caps.v311 ? "yes" : "no", caps.v5 ? "yes" : "no", caps.max_qos,
                     caps.retain ? "yes" : "no", caps.wildcards ? "yes" : "no", caps.shared ? "yes" : "no",
                     caps.sub_ids ? "yes" : "no");
  return out;
}

std::string format_json(const std::vector<CheckResult>& results, const Capabilities& caps) {
  nlohmann::ordered_json doc;
  doc["broker"] = {{"mqtt311", caps.v311}, {"mqtt5", caps.v5},           {"maximum_qos", caps.max_qos},
                   {"retain", caps.retain}, {"wildcards", caps.wildcards}, {"shared", caps.shared},
                   {"subscription_ids", caps.sub_ids}};
  Counts c = count(results);
  doc["summary"] = {{"passed", c.pass}, {"failed", c.fail}, {"not_applicable", c.na}};
  auto& list = doc["results"] = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json j;
    j["check"] = r.check->name;
    j["mqtt"] = mqtt_name(r.version);
    j["result"] = r.verdict == Verdict::Pass ? "pass" : r.verdict == Verdict::Fail ? "fail" : "not_applicable";
    j["statements"] = statement_ids(*r.check, r.version);
    j["choices"] = r.choices;
    if (!r.reason.empty()) j["reason"] = r.reason;
    if (!r.transcript.empty()) j["transcript"] = r.transcript;
    j["seconds"] = std::round(r.seconds * 1000) / 1000;
    list.push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_junit(const std::vector<CheckResult>& results) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mqbench conform\">\n";
  for (ProtocolVersion v : {ProtocolVersion::v311, ProtocolVersion::v5}) {
    std::vector<const CheckResult*> mine;
    for (const auto& r : results)
      if (r.version == v) mine.push_back(&r);
    if (mine.empty()) continue;
    std::size_t failures = 0, skipped = 0;
    double time = 0;
    for (const auto* r : mine) {
      failures += r->verdict == Verdict::Fail;
      skipped += r->verdict == Verdict::NotApplicable;
      time += r->seconds;
    }
    out += fmt::format("  <testsuite name=\"MQTT {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                       mqtt_name(v), mine.size(), failures, skipped, time);
    for (const auto* r : mine) {
      out += fmt::format("    <testcase classname=\"mqtt{}\" name=\"{} {}\" time=\"{:.3f}\"", v == ProtocolVersion::v5 ? "5" : "311",
                         r->check->name, xml_escape(fmt::format("[{}]", fmt::join(statement_ids(*r->check, v), " "))), r->seconds);
      if (r->verdict == Verdict::Pass) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (r->verdict == Verdict::Fail)
        out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(r->reason), xml_escape(r->transcript));
      else
        out += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(r->reason));
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

std::string format_list(const std::vector<std::string>& patterns) {
  std::string out;
  std::size_t width = 0;
  for (const auto& c : catalogue()) width = std::max(width, c.name.size());
  for (const auto& c : catalogue()) {
    bool any = false;
    for (ProtocolVersion v : {ProtocolVersion::v311, ProtocolVersion::v5})
      any |= !(v == ProtocolVersion::v5 ? c.ids5 : c.ids311).empty() && selected(c, v, patterns);
    if (!any) continue;
    out += fmt::format("{:<{}}  {}\n", c.name, width, c.title);
    if (!c.ids311.empty()) out += fmt::format("{:<{}}    3.1.1: {}\n", "", width, fmt::join(statement_ids(c, ProtocolVersion::v311), " "));
    if (!c.ids5.empty()) out += fmt::format("{:<{}}    5.0:   {}\n", "", width, fmt::join(statement_ids(c, ProtocolVersion::v5), " "));
  }
  if (!patterns.empty()) return out;
  std::size_t total = 0;
  for (ProtocolVersion v : {ProtocolVersion::v311, ProtocolVersion::v5}) {
    auto covered = covered_statements(v);
    std::set<std::string> cov(covered.begin(), covered.end());
    std::size_t all = 0;
    std::string gaps;
    for (const auto& s : server_statements()) {
      if (s.version != v) continue;
      ++all;
      std::string id = "MQTT-" + std::string(s.id);
      if (!cov.count(id)) gaps += fmt::format("  {:<16} {}\n", id, gap_name(s.gap));
    }
    total += covered.size();
    out += fmt::format("\nMQTT {}: {} of {} server-side statements checked\n  checked: {}\n  not checked:\n{}", mqtt_name(v),
                       covered.size(), all, fmt::join(covered, " "), gaps);
  }
  out += fmt::format("\n{} server-side statement ids checked across both versions\n", total);
  return out;
}

}  // namespace mq::conform
