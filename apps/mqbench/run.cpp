#include "run.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "bench/output.hpp"
#include "bench/slo.hpp"
#include "exit_codes.hpp"
#include "server/embedded.hpp"

namespace mq::mqbench {

using bench::IntervalRecord;
using bench::RunResult;

namespace {

std::atomic<bool> g_interrupted{false};

int fail(Exit e, const std::string& message) {
  fmt::print(stderr, "mqbench: {}\n", message);
  return code(e);
}

/// An output file, or stdout for "-".
class Sink {
 public:
  bool open(const std::string& path) {
    if (path.empty()) return true;
    if (path == "-") {
      out_ = &std::cout;
      return true;
    }
    file_.open(path, std::ios::binary | std::ios::trunc);
    out_ = &file_;
    return file_.good();
  }
  std::ostream* get() { return out_; }
  bool good() const { return !out_ || out_->good(); }

 private:
  std::ofstream file_;
  std::ostream* out_ = nullptr;
};

/// The status line shown once per interval on a terminal.
void status_line(const IntervalRecord& r, const RunResult& total) {
  const double dt = r.end_s - r.start_s;
  fmt::print(stderr, "\r\033[K{:6.1f}s  pub {:>10.0f}/s  recv {:>10.0f}/s  conn {:>7}  p99 {:>9.1f} us  lost {}",
             r.end_s, bench::rate_per_s(r.delta.published, dt), bench::rate_per_s(r.delta.received, dt),
             total.totals.connects_ok, static_cast<double>(r.e2e.percentile(0.99)) / 1e3, total.totals.lost);
}

/// The settings object of the result: the options by their long names.
nlohmann::ordered_json settings_json(const BenchOptions& o, const bench::RunConfig& c, bool embedded) {
  nlohmann::ordered_json s;
  s["mode"] = o.mode;
  s["broker"] = embedded ? std::string("embedded") : net::to_string(c.url);
  s["protocol"] = c.version == ProtocolVersion::v5 ? "5.0" : "3.1.1";
  s["publishers"] = c.total_publishers;
  s["subscribers"] = o.subscribers;
  s["qos"] = c.qos;
  s["size"] = o.size;
  s["topic"] = c.topic;
  if (!c.sub_topic.empty()) s["sub_topic"] = c.sub_topic;
  if (!c.share_group.empty()) s["shared"] = c.share_group;
  s["retain"] = c.retain;
  s["rate"] = o.rate;
  s["window"] = c.window;
  s["duration"] = o.duration;
  s["warmup"] = c.warmup_s;
  s["count"] = c.count;
  if (c.mode == bench::Mode::Conn) {
    s["connections"] = o.clients;
    s["hold"] = c.hold;
    s["in_flight"] = c.in_flight;
    s["connect_rate"] = o.connect_rate;
  }
  if (!c.sources.empty()) s["sources"] = c.sources.size();
  return s;
}

}  // namespace

int run_bench(const CLI::App& app, const BenchOptions& o) {
  bool embedded = false;
  auto made = make_config(app, o, embedded);
  if (auto* e = std::get_if<std::string>(&made)) return fail(Exit::Usage, *e);
  auto& cfg = std::get<bench::RunConfig>(made);

  std::vector<bench::SloObjective> slo;
  if (!o.slo.empty())
    if (auto e = bench::parse_slo(o.slo, slo)) return fail(Exit::Usage, *e);
  Sink json, csv;
  if (!json.open(o.json)) return fail(Exit::Failure, fmt::format("--json: cannot write '{}'", o.json));
  if (!csv.open(o.csv)) return fail(Exit::Failure, fmt::format("--csv: cannot write '{}'", o.csv));

  std::unique_ptr<server::EmbeddedBroker> broker;
  if (embedded) {
    auto settings = server::EmbeddedBroker::loopback_settings();
    // A benchmark target: no in-flight or queue limit to measure instead of the broker.
    settings.max_inflight_messages = 0;
    settings.max_queued_messages = 0;
    if (auto e = server::EmbeddedBroker::start(settings, broker))
      return fail(Exit::Connect, "the embedded broker did not start: " + *e);
    cfg.url.scheme = net::Scheme::Mqtt;
    cfg.url.host = "127.0.0.1";
    cfg.url.port = broker->port();
    cfg.broker_tid = broker->thread_id();
    fmt::print(stderr, "mqbench: no broker given: the embedded broker listens on 127.0.0.1:{} (its own thread)\n",
               broker->port());
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });
  const bool live = !o.quiet && ::isatty(STDERR_FILENO);
  if (csv.get()) *csv.get() << bench::csv_header();
  cfg.on_interval = [&](const IntervalRecord& r, const RunResult& total) {
    if (json.get()) {
      bench::write_interval_ndjson(*json.get(), r, cfg.worker_index);
      json.get()->flush();
    }
    if (csv.get()) *csv.get() << bench::csv_interval_row(r);
    if (live) status_line(r, total);
  };
  cfg.interrupted = [] { return g_interrupted.load(); };

  RunResult result;
  result.settings = settings_json(o, cfg, embedded);
  bench::HoldMemory hold;
  auto error = bench::run(cfg, result, &hold);
  if (live) fmt::print(stderr, "\r\033[K");
  broker.reset();
  if (error) return fail(error->kind == bench::RunError::Kind::Connect ? Exit::Connect : Exit::Refused, error->message);

  if (cfg.hold && hold.connections > 0) {
    const auto per = [&](std::uint64_t before, std::uint64_t held) {
      return held > before ? static_cast<double>(held - before) / static_cast<double>(hold.connections) : 0.0;
    };
    result.settings["held_connections"] = hold.connections;
    result.settings["mqbench_bytes_per_connection"] = per(hold.self_before, hold.self_held);
    if (hold.broker_held) result.settings["broker_bytes_per_connection"] = per(hold.broker_before, hold.broker_held);
  }
  const bool lossy = cfg.qos > 0 && (result.totals.lost > 0 || (cfg.qos == 2 && result.totals.duplicates > 0));
  if (lossy)
    result.warnings.push_back(fmt::format("MESSAGES LOST AT QoS {}: {} lost, {} duplicates", cfg.qos,
                                          result.totals.lost, result.totals.duplicates));
  if (json.get()) bench::write_summary_ndjson(*json.get(), result);
  if (csv.get()) *csv.get() << bench::csv_total_row(result);
  if (!json.good() || !csv.good()) return fail(Exit::Failure, "an output file could not be written");
  if (!o.quiet) fmt::print(stderr, "{}", bench::format_table(result));
  if (cfg.hold && hold.connections > 0 && !o.quiet) {
    fmt::print(stderr, "held connections: {}; mqbench memory per connection: {:.0f} bytes\n", hold.connections,
               result.settings["mqbench_bytes_per_connection"].get<double>());
    if (hold.broker_held)
      fmt::print(stderr, "broker memory per connection: {:.0f} bytes\n",
                 result.settings["broker_bytes_per_connection"].get<double>());
  }
  if (!o.report.empty())
    if (auto e = bench::write_html_report(result, o.report)) return fail(Exit::Failure, *e);

  if (lossy) return fail(Exit::Loss, result.warnings.back());
  if (!slo.empty()) {
    auto verdicts = bench::evaluate_slo(slo, result);
    for (const auto& v : verdicts) fmt::print(stderr, "slo: {}\n", v.message);
    if (!bench::slo_passed(verdicts)) return code(Exit::Slo);
  }
  if (g_interrupted) return code(Exit::Interrupted);
  return code(Exit::Ok);
}

int run_merge(const BenchOptions& o) {
  if (o.files.empty()) return fail(Exit::Usage, "merge needs the result files of the workers");
  std::vector<RunResult> parts;
  for (const auto& f : o.files)
    if (auto e = bench::read_results(f, parts)) return fail(Exit::Failure, *e);
  RunResult merged;
  if (auto e = bench::merge(parts, merged)) return fail(Exit::Failure, *e);
  Sink json, csv;
  if (!json.open(o.json)) return fail(Exit::Failure, fmt::format("--json: cannot write '{}'", o.json));
  if (!csv.open(o.csv)) return fail(Exit::Failure, fmt::format("--csv: cannot write '{}'", o.csv));
  if (json.get()) bench::write_ndjson(*json.get(), merged);
  if (csv.get()) *csv.get() << bench::format_csv(merged);
  if (!o.quiet) fmt::print(stderr, "{}", bench::format_table(merged));
  if (!o.report.empty())
    if (auto e = bench::write_html_report(merged, o.report)) return fail(Exit::Failure, *e);
  if (!json.good() || !csv.good()) return fail(Exit::Failure, "an output file could not be written");
  if (!o.slo.empty()) {
    std::vector<bench::SloObjective> slo;
    if (auto e = bench::parse_slo(o.slo, slo)) return fail(Exit::Usage, *e);
    auto verdicts = bench::evaluate_slo(slo, merged);
    for (const auto& v : verdicts) fmt::print(stderr, "slo: {}\n", v.message);
    if (!bench::slo_passed(verdicts)) return code(Exit::Slo);
  }
  return code(Exit::Ok);
}

int run_compare(const BenchOptions& o) {
  if (o.files.size() != 2) return fail(Exit::Usage, "compare needs two result files: compare A.json B.json");
  std::vector<RunResult> a, b;
  if (auto e = bench::read_results(o.files[0], a)) return fail(Exit::Failure, *e);
  if (auto e = bench::read_results(o.files[1], b)) return fail(Exit::Failure, *e);
  // A file of several workers' results is compared as their merge.
  RunResult ma, mb;
  if (auto e = bench::merge(a, ma)) return fail(Exit::Failure, o.files[0] + ": " + *e);
  if (auto e = bench::merge(b, mb)) return fail(Exit::Failure, o.files[1] + ": " + *e);
  fmt::print("{}", bench::format_compare(ma, mb, o.files[0], o.files[1]));
  return code(Exit::Ok);
}

}  // namespace mq::mqbench
