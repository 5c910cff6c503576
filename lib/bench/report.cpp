// The HTML report: the page (report_page.hpp) with the run's figures
// embedded as one JSON object. Every figure is computed here, from the
// histograms; the page's script only draws. User text (settings, host
// names) reaches the page only through JSON and textContent, never as markup.

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "bench/output.hpp"
#include "bench/report_page.hpp"

namespace mq::bench {

using json = nlohmann::ordered_json;

namespace {

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Rates and percentiles per interval, as columns for the plots.
json over_time(const RunResult& r) {
  json t = json::array(), published = json::array(), acked = json::array(), received = json::array(),
       connects = json::array();
  json lat = json::object();
  for (const auto& p : kPercentiles) lat[p.name] = json::array();
  lat["max"] = json::array();
  for (const auto& i : r.intervals) {
    if (i.partial) continue;  // a sliver's rate is noise, not a drop
    const double len = i.end_s - i.start_s;
    t.push_back(i.end_s);
    published.push_back(rate_per_s(i.delta.published, len));
    acked.push_back(rate_per_s(i.delta.acked, len));
    received.push_back(rate_per_s(i.delta.received, len));
    connects.push_back(rate_per_s(i.delta.connects_ok, len));
    // An interval without deliveries has no latency: null leaves a gap.
    for (const auto& p : kPercentiles)
      lat[p.name].push_back(i.e2e.count() ? json(us(i.e2e.percentile(p.fraction))) : json(nullptr));
    lat["max"].push_back(i.e2e.count() ? json(us(i.e2e.max())) : json(nullptr));
  }
  return json{{"t", t},
              {"rates", json{{"published", published}, {"acked", acked}, {"received", received}, {"connects", connects}}},
              {"latency", lat}};
}

// The distribution as a percentile spectrum: after each bucket, the share
// of values at or below its (capped) upper edge.
json distribution(const LatencyHistogram& h) {
  json points = json::array();
  std::uint64_t seen = 0;
  h.for_each_bucket([&](std::uint64_t, std::uint64_t hi, std::uint64_t n) {
    seen += n;
    points.push_back(json::array({static_cast<double>(seen) / static_cast<double>(h.count()), us(std::min(hi, h.max()))}));
  });
  return points;
}

json latency_summary(const RunResult& r) {
  json rows = json::array();
  for (const auto& f : kLatencyFields) {
    const LatencyHistogram& h = r.*f.member;
    if (h.count() == 0) continue;
    json row = json::array({f.name, h.count(), us(h.min())});
    for (const auto& p : kPercentiles) row.push_back(us(h.percentile(p.fraction)));
    row.push_back(us(h.max()));
    row.push_back(h.mean() / 1000.0);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::string html_report(const RunResult& r) {
  json d;
  d["started_at"] = r.started_at;
  d["measured_s"] = r.measured_s;
  d["warmup_s"] = r.warmup_s;
  d["workers"] = r.merged_from;
  d["settings"] = r.settings;
  d["machine"] = json{{"hostname", r.machine.hostname},
                      {"os", r.machine.os},
                      {"cpu", r.machine.cpu_model},
                      {"cpus", r.machine.cpus},
                      {"memory", fmt::format("{:.1f} GiB", static_cast<double>(r.machine.memory_bytes) / 1073741824.0)}};
  d["over_time"] = over_time(r);
  // End to end when messages were measured; connect latency in a conn run.
  const bool e2e = r.e2e.count() != 0 || r.connect.count() == 0;
  d["distribution_of"] = e2e ? "end to end" : "connect to CONNACK";
  d["distribution"] = distribution(e2e ? r.e2e : r.connect);
  json head = json::array({"latency (us)", "count", "min"});
  for (const auto& p : kPercentiles) head.push_back(p.name);
  head.push_back("max");
  head.push_back("mean");
  d["latency_head"] = std::move(head);
  d["latency_rows"] = latency_summary(r);
  d["table"] = format_table(r);
  d["warnings"] = r.warnings;
  std::string data = d.dump(-1, ' ', false, json::error_handler_t::replace);
  // '<' appears only inside JSON strings; escaped, no text can end the script element.
  std::string safe;
  safe.reserve(data.size());
  for (char c : data) {
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  }
  std::string page(kReportPage);
  const std::string marker = "@DATA@";
  page.replace(page.find(marker), marker.size(), safe);
  return page;
}

std::optional<std::string> write_html_report(const RunResult& result, const std::string& path) {
  const std::string page = html_report(result);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fmt::format("--report {}: cannot create the file", path);
  out.write(page.data(), static_cast<std::streamsize>(page.size()));
  out.close();
  if (!out) return fmt::format("--report {}: write failed (disk full?)", path);
  return std::nullopt;
}

}  // namespace mq::bench
