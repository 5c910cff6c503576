// format_compare: two runs side by side, each figure with the ratio B/A,
// and the settings that differ, so a change in a figure can be traced to a
// change in the load.

#include <fmt/format.h>

#include "bench/output.hpp"

namespace mq::bench {

namespace {

struct Row {
  std::string name;
  double a;
  double b;
  int decimals;
};

std::string ratio(double a, double b) {
  if (a == 0) return b == 0 ? "=" : "new";  // no ratio to a zero
  return fmt::format("{:.3f}", b / a);
}

std::string show(const nlohmann::ordered_json* v) {
  return v == nullptr ? std::string("(unset)") : v->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::string format_compare(const RunResult& a, const RunResult& b, std::string_view name_a, std::string_view name_b) {
  std::vector<Row> rows;
  auto rate = [&](const char* label, std::uint64_t Counters::*m) {
    rows.push_back({label, rate_per_s(a.totals.*m, a.measured_s), rate_per_s(b.totals.*m, b.measured_s), 1});
  };
  rate("published/s", &Counters::published);
  rate("acked/s", &Counters::acked);
  rate("received/s", &Counters::received);
  rate("bytes received/s", &Counters::bytes_received);
  for (const char* name : {"lost", "duplicates", "reordered", "connects_failed", "subscribes_failed"})
    for (const auto& f : kCounterFields)
      if (std::string_view(f.name) == name)
        rows.push_back({name, static_cast<double>(a.totals.*f.member), static_cast<double>(b.totals.*f.member), 0});
  for (const auto& f : kLatencyFields) {
    const LatencyHistogram& ha = a.*f.member;
    const LatencyHistogram& hb = b.*f.member;
    if (ha.count() == 0 && hb.count() == 0) continue;
    auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    for (const auto& p : kPercentiles)
      rows.push_back({fmt::format("{} {} us", f.name, p.name), us(ha.percentile(p.fraction)),
                      us(hb.percentile(p.fraction)), 1});
    rows.push_back({fmt::format("{} max us", f.name), us(ha.max()), us(hb.max()), 1});
    rows.push_back({fmt::format("{} mean us", f.name), ha.mean() / 1000.0, hb.mean() / 1000.0, 1});
  }
  if (a.lag.scheduled + b.lag.scheduled != 0)
    rows.push_back({"sends late %", 100.0 * a.lag.late_share(), 100.0 * b.lag.late_share(), 2});
  if (a.self.known || b.self.known)
    rows.push_back({"mqbench cores", a.self.cores_used(a.measured_s), b.self.cores_used(b.measured_s), 2});
  if (a.broker.known || b.broker.known) {
    rows.push_back({"broker cores", a.broker.cores_used(a.measured_s), b.broker.cores_used(b.measured_s), 2});
    if (!a.broker.rss_shared && !b.broker.rss_shared)
      rows.push_back({"broker peak RSS MiB", static_cast<double>(a.broker.peak_rss_bytes) / 1048576.0,
                      static_cast<double>(b.broker.peak_rss_bytes) / 1048576.0, 1});
  }

  std::string out = fmt::format("{:<22}{:>16}{:>16}{:>10}\n", "", name_a, name_b, "B/A");
  for (const auto& r : rows)
    out += fmt::format("{:<22}{:>16.{}f}{:>16.{}f}{:>10}\n", r.name, r.a, r.decimals, r.b, r.decimals, ratio(r.a, r.b));

  // Settings that differ, in A's order, then those only B has.
  std::string diff;
  const auto& sa = a.settings;
  const auto& sb = b.settings;
  if (sa.is_object() && sb.is_object()) {
    for (const auto& [k, v] : sa.items()) {
      const auto it = sb.find(k);
      const nlohmann::ordered_json* other = it == sb.end() ? nullptr : &*it;
      if (other == nullptr || *other != v) diff += fmt::format("  {}: {} -> {}\n", k, show(&v), show(other));
    }
    for (const auto& [k, v] : sb.items())
      if (sa.find(k) == sa.end()) diff += fmt::format("  {}: {} -> {}\n", k, show(nullptr), show(&v));
  }
  if (a.measured_s != b.measured_s)
    diff += fmt::format("  measured: {:.2f} s -> {:.2f} s\n", a.measured_s, b.measured_s);
  if (a.machine.hostname != b.machine.hostname || a.machine.cpu_model != b.machine.cpu_model)
    diff += fmt::format("  machine: {} ({}) -> {} ({})\n", a.machine.hostname, a.machine.cpu_model,
                        b.machine.hostname, b.machine.cpu_model);
  out += diff.empty() ? "\nsame settings\n" : "\nsettings that differ\n" + diff;
  return out;
}

}  // namespace mq::bench
