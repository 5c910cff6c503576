#pragma once
/// A RunResult as text: NDJSON (what `mqbench --json` writes and
/// `mqbench merge`/`compare` read back), CSV, the final table, a side-by-side
/// comparison; and merge(), which combines the results of N workers exactly.
///
/// NDJSON: one object per line. Each interval is
///   {"type":"interval","worker":I,"start_s","end_s","counters":{...},"e2e":HISTOGRAM}
/// and the run ends with one
///   {"type":"summary","worker":I,"workers":N,"settings":{...},"machine":{...},
///    "counters":{...},"rates":{...},"latency":{"e2e":{"us":{...},"histogram":H},...},...}
/// Percentiles in "us" are there for people and jq; the histograms are what
/// merge and compare read, so no figure is ever averaged.

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/results.hpp"

namespace mq::bench {

/// Writes one interval record as a single NDJSON line (with '\n').
void write_interval_ndjson(std::ostream& out, const IntervalRecord& interval, unsigned worker_index);
/// Writes the run's summary as a single NDJSON line (with '\n'); intervals
/// are not repeated in it.
void write_summary_ndjson(std::ostream& out, const RunResult& result);
/// Writes every interval, then the summary.
void write_ndjson(std::ostream& out, const RunResult& result);

/// The summary line's object (write_summary_ndjson writes it on one line).
nlohmann::ordered_json summary_to_json(const RunResult& result);
/// The interval line's object.
nlohmann::ordered_json interval_to_json(const IntervalRecord& interval, unsigned worker_index);

/// Reads NDJSON as written above from `text` and appends one RunResult per
/// summary line to `out`, with the interval lines before it. `name` prefixes
/// errors ("a.json:3: ..."). Blank lines are skipped; a file must end with
/// a summary.
std::optional<std::string> read_results_text(std::string_view text, std::string_view name,
                                             std::vector<RunResult>& out);
/// read_results_text on the contents of the file at `path`.
std::optional<std::string> read_results(const std::string& path, std::vector<RunResult>& out);

/// Combines the results of several workers of one load into `out`, exactly:
/// counters summed, histograms merged bucket by bucket, per-subscriber counts
/// concatenated in worker order, intervals merged by index (interval k of
/// every worker covers the same second when the workers started together;
/// started_unix_s and a warning say how far apart they started), failures
/// summed by key, CPU summed, peak RSS the largest, measured_s the longest.
/// Fails on an empty list or a worker index given twice.
std::optional<std::string> merge(const std::vector<RunResult>& parts, RunResult& out);

/// The final human-readable table: rates, loss, latency percentiles in
/// microseconds, failures, generator lag, CPU and memory, warnings.
std::string format_table(const RunResult& result);

/// CSV: a header, one row per interval, a last row "total" for the run.
std::string csv_header();
std::string csv_interval_row(const IntervalRecord& interval);
std::string csv_total_row(const RunResult& result);
std::string format_csv(const RunResult& result);

/// Two runs side by side with the ratio B/A for every figure, and the
/// settings that differ between them.
std::string format_compare(const RunResult& a, const RunResult& b, std::string_view name_a = "A",
                           std::string_view name_b = "B");

/// One self-contained HTML page (inline CSS, JS and SVG; no network fetches)
/// with throughput and latency percentiles over time, the latency
/// distribution, the settings and the machine.
std::string html_report(const RunResult& result);
/// html_report written to `path`; an error names the path and the reason.
std::optional<std::string> write_html_report(const RunResult& result, const std::string& path);

}  // namespace mq::bench
