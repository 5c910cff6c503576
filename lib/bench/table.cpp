// The final table and CSV. Latencies are in microseconds everywhere, as
// the request asks; the warm-up is never in any figure.

#include <algorithm>

#include <fmt/format.h>

#include "bench/output.hpp"

namespace mq::bench {

namespace {

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string mib(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576.0); }

// The QoS of the run as the runner recorded it in settings["qos"]; 0 when
// absent or not a number.
int run_qos(const RunResult& r) {
  const auto it = r.settings.find("qos");
  return it != r.settings.end() && it->is_number_integer() ? it->get<int>() : 0;
}

void latency_row(std::string& out, const char* name, const LatencyHistogram& h) {
  if (h.count() == 0) return;
  out += fmt::format("  {:<10}{:>10.1f}", name, us(h.min()));
  for (const auto& p : kPercentiles) out += fmt::format("{:>10.1f}", us(h.percentile(p.fraction)));
  out += fmt::format("{:>10.1f}{:>10.1f}{:>12}\n", us(h.max()), h.mean() / 1000.0, h.count());
}

void usage_line(std::string& out, const char* who, const ProcessUsage& u, double seconds) {
  if (!u.known) return;
  out += fmt::format("{:<9}CPU {:.2f} cores ({:.2f} s user, {:.2f} s system), peak RSS {}\n", who,
                     u.cores_used(seconds), u.cpu_user_s, u.cpu_sys_s,
                     u.rss_shared ? std::string("shared with mqbench") : mib(u.peak_rss_bytes));
}

}  // namespace

std::string format_table(const RunResult& r) {
  std::string out;
  const double s = r.measured_s;
  out += fmt::format("measured {:.2f} s after a {:.2f} s warm-up", s, r.warmup_s);
  if (r.merged_from > 1) out += fmt::format(", {} workers merged", r.merged_from);
  out += "\n";
  out += fmt::format("  {:<18}{:>16}{:>16}\n", "", "total", "per second");
  for (const char* name : {"published", "acked", "received", "bytes_published", "bytes_received"})
    for (const auto& f : kCounterFields)
      if (std::string_view(f.name) == name && (r.totals.*f.member != 0 || std::string_view(name) != "acked"))
        out += fmt::format("  {:<18}{:>16}{:>16.1f}\n", name, r.totals.*f.member, rate_per_s(r.totals.*f.member, s));
  const auto& c = r.totals;
  out += fmt::format("  lost {}, duplicates {}, reordered {}\n", c.lost, c.duplicates, c.reordered);
  if (!r.per_subscriber_received.empty()) {
    auto v = r.per_subscriber_received;
    std::sort(v.begin(), v.end());
    out += fmt::format("  per subscriber ({}): min {}, median {}, max {} received\n", v.size(), v.front(),
                       v[(v.size() - 1) / 2], v.back());
  }
  if (c.connects_ok + c.connects_failed + c.subscribes_ok + c.subscribes_failed != 0)
    out += fmt::format("  connects {} ok, {} failed; subscribes {} ok, {} failed\n", c.connects_ok,
                       c.connects_failed, c.subscribes_ok, c.subscribes_failed);
  if (c.publish_failed + c.disconnects != 0)
    out += fmt::format("  publishes refused {}, connections lost {}\n", c.publish_failed, c.disconnects);

  if (std::any_of(kLatencyFields.begin(), kLatencyFields.end(), [&](const auto& f) { return (r.*f.member).count(); })) {
    out += fmt::format("\n  {:<10}{:>10}", "latency us", "min");
    for (const auto& p : kPercentiles) out += fmt::format("{:>10}", p.name);
    out += fmt::format("{:>10}{:>10}{:>12}\n", "max", "mean", "count");
    for (const auto& f : kLatencyFields) latency_row(out, f.name, r.*f.member);
  }
  if (!r.failures_by_cause.empty() || !r.failures_by_reason.empty()) {
    out += "\nfailures\n";
    for (const auto& [k, v] : r.failures_by_cause) out += fmt::format("  {:<40}{:>10}\n", k, v);
    for (const auto& [k, v] : r.failures_by_reason) out += fmt::format("  {:<40}{:>10}\n", k, v);
  }
  out += "\n";
  if (r.lag.scheduled != 0)
    out += fmt::format("generator: {} of {} sends ({:.2f}%) more than {:.3f} ms behind schedule, at most {:.3f} ms\n",
                       r.lag.late, r.lag.scheduled, 100.0 * r.lag.late_share(),
                       static_cast<double>(r.lag.late_threshold_ns) / 1e6, static_cast<double>(r.lag.max_ns) / 1e6);
  usage_line(out, "mqbench", r.self, s);
  usage_line(out, "broker", r.broker, s);
  // A loss at QoS 1 or 2 is a broken promise, not noise: said first and loudly.
  if (c.lost != 0 && run_qos(r) >= 1)
    out = fmt::format("LOSS: {} message{} lost at QoS {}\n", c.lost, c.lost == 1 ? "" : "s", run_qos(r)) + out;
  for (const auto& w : r.warnings) out += fmt::format("warning: {}\n", w);
  return out;
}

std::string csv_header() {
  std::string h = "interval,start_s,end_s";
  for (const auto& f : kCounterFields) h += fmt::format(",{}", f.name);
  h += ",received_per_s,e2e_count,e2e_min_us";
  for (const auto& p : kPercentiles) h += fmt::format(",e2e_{}_us", p.name);
  h += ",e2e_max_us,e2e_mean_us\n";
  return h;
}

namespace {

std::string csv_row(const std::string& label, double start, double end, const Counters& c, const LatencyHistogram& h) {
  std::string row = fmt::format("{},{:.3f},{:.3f}", label, start, end);
  for (const auto& f : kCounterFields) row += fmt::format(",{}", c.*f.member);
  row += fmt::format(",{:.1f},{},{:.3f}", rate_per_s(c.received, end - start), h.count(), us(h.min()));
  for (const auto& p : kPercentiles) row += fmt::format(",{:.3f}", us(h.percentile(p.fraction)));
  row += fmt::format(",{:.3f},{:.3f}\n", us(h.max()), h.mean() / 1000.0);
  return row;
}

}  // namespace

std::string csv_interval_row(const IntervalRecord& i) {
  return csv_row(fmt::format("{:.0f}", i.start_s), i.start_s, i.end_s, i.delta, i.e2e);
}

std::string csv_total_row(const RunResult& r) { return csv_row("total", 0.0, r.measured_s, r.totals, r.e2e); }

std::string format_csv(const RunResult& r) {
  std::string out = csv_header();
  for (const auto& i : r.intervals) out += csv_interval_row(i);
  out += csv_total_row(r);
  return out;
}

}  // namespace mq::bench
