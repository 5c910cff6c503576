// NDJSON back to RunResult: what merge and compare read. Only exact fields
// are read (counts, histograms, seconds); derived figures (rates,
// percentiles in microseconds) are recomputed, never trusted.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "bench/output.hpp"

namespace mq::bench {

using json = nlohmann::ordered_json;

namespace {

// Reads typed members of one object; the first problem is kept in `error`
// with the path of the member ("summary.latency.e2e.histogram: ...").
struct Fields {
  const json& j;
  std::string where;
  std::string& error;

  const json* member(const char* key) const {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (error.empty()) error = fmt::format("{}: \"{}\" is missing", where, key);
      return nullptr;
    }
    return &*it;
  }
  void u64(const char* key, std::uint64_t& out) const {
    const json* v = member(key);
    if (v && (v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0)))
      out = v->get<std::uint64_t>();
    else if (v && error.empty())
      error = fmt::format("{}: \"{}\" must be a non-negative integer", where, key);
  }
  void u32(const char* key, unsigned& out) const {
    std::uint64_t v = out;
    u64(key, v);
    if (v > UINT32_MAX && error.empty()) error = fmt::format("{}: \"{}\" is too large", where, key);
    out = static_cast<unsigned>(v);
  }
  void number(const char* key, double& out) const {
    const json* v = member(key);
    if (v && v->is_number())
      out = v->get<double>();
    else if (v && error.empty())
      error = fmt::format("{}: \"{}\" must be a number", where, key);
  }
  void string(const char* key, std::string& out) const {
    const json* v = member(key);
    if (v && v->is_string())
      out = v->get<std::string>();
    else if (v && error.empty())
      error = fmt::format("{}: \"{}\" must be a string", where, key);
  }
  void boolean(const char* key, bool& out) const {
    const json* v = member(key);
    if (v && v->is_boolean())
      out = v->get<bool>();
    else if (v && error.empty())
      error = fmt::format("{}: \"{}\" must be true or false", where, key);
  }
  // A member object, read by `f(Fields)`.
  template <class F>
  void object(const char* key, F&& f) const {
    const json* v = member(key);
    if (v && v->is_object())
      f(Fields{*v, where + "." + key, error});
    else if (v && error.empty())
      error = fmt::format("{}: \"{}\" must be an object", where, key);
  }
  void counters(const char* key, Counters& c) const {
    object(key, [&](const Fields& f) {
      for (const auto& field : kCounterFields) f.u64(field.name, c.*field.member);
    });
  }
  void histogram(const char* key, LatencyHistogram& h) const {
    const json* v = member(key);
    if (!v || !error.empty()) return;
    if (auto e = histogram_from_json(*v, h)) {
      constexpr std::string_view prefix = "histogram: ";  // the path below says it already
      if (e->rfind(prefix, 0) == 0) e->erase(0, prefix.size());
      error = fmt::format("{}.{}: {}", where, key, *e);
    }
  }
  void string_counts(const char* key, std::map<std::string, std::uint64_t>& out) const {
    object(key, [&](const Fields& f) {
      for (const auto& [k, value] : f.j.items()) f.u64(k.c_str(), out[k]);
    });
  }
  void usage(const char* key, ProcessUsage& u) const {
    object(key, [&](const Fields& f) {
      f.boolean("known", u.known);
      f.number("cpu_user_s", u.cpu_user_s);
      f.number("cpu_sys_s", u.cpu_sys_s);
      if (const json* rss = f.member("peak_rss_bytes"); rss && rss->is_null()) u.rss_shared = true;
      else f.u64("peak_rss_bytes", u.peak_rss_bytes);
    });
  }
};

void read_summary(const Fields& f, RunResult& r) {
  f.u32("worker", r.worker_index);
  f.u32("workers", r.worker_count);
  f.u32("merged_from", r.merged_from);
  f.string("started_at", r.started_at);
  f.number("started_unix_s", r.started_unix_s);
  f.number("warmup_s", r.warmup_s);
  f.number("measured_s", r.measured_s);
  if (const json* s = f.member("settings")) {
    if (s->is_object())
      r.settings = *s;
    else if (f.error.empty())
      f.error = f.where + ": \"settings\" must be an object";
  }
  f.object("machine", [&](const Fields& m) {
    m.string("hostname", r.machine.hostname);
    m.string("os", r.machine.os);
    m.string("cpu_model", r.machine.cpu_model);
    m.u32("cpus", r.machine.cpus);
    m.u64("memory_bytes", r.machine.memory_bytes);
  });
  f.counters("counters", r.totals);
  f.object("subscribers", [&](const Fields& s) {
    const json* list = s.member("received");
    if (!list) return;
    if (!list->is_array()) {
      if (s.error.empty()) s.error = s.where + ": \"received\" must be an array";
      return;
    }
    for (const auto& n : *list) {
      if (!n.is_number_integer() || (!n.is_number_unsigned() && n.get<std::int64_t>() < 0)) {
        if (s.error.empty()) s.error = s.where + ": \"received\" must hold non-negative integers";
        return;
      }
      r.per_subscriber_received.push_back(n.get<std::uint64_t>());
    }
  });
  f.object("latency", [&](const Fields& l) {
    for (const auto& field : kLatencyFields)
      l.object(field.name, [&](const Fields& h) { h.histogram("histogram", r.*field.member); });
  });
  f.object("failures", [&](const Fields& fl) {
    fl.string_counts("by_cause", r.failures_by_cause);
    fl.string_counts("by_reason", r.failures_by_reason);
  });
  f.object("generator_lag", [&](const Fields& g) {
    g.u64("scheduled", r.lag.scheduled);
    g.u64("late", r.lag.late);
    g.u64("max_ns", r.lag.max_ns);
    g.u64("late_threshold_ns", r.lag.late_threshold_ns);
  });
  f.usage("self", r.self);
  f.usage("broker", r.broker);
  if (const json* w = f.member("warnings")) {
    if (!w->is_array()) {
      if (f.error.empty()) f.error = f.where + ": \"warnings\" must be an array";
    } else {
      for (const auto& s : *w)
        if (s.is_string()) r.warnings.push_back(s.get<std::string>());
    }
  }
}

}  // namespace

std::optional<std::string> read_results_text(std::string_view text, std::string_view name,
                                             std::vector<RunResult>& out) {
  std::vector<IntervalRecord> pending;
  unsigned pending_worker = 0;  // the worker of the intervals in `pending`
  std::size_t line_no = 0, runs = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const json j = json::parse(line, nullptr, false);
    const std::string at = fmt::format("{}:{}", name, line_no);
    if (j.is_discarded()) return fmt::format("{}: not JSON (mqbench --json writes one object per line)", at);
    if (!j.is_object()) return fmt::format("{}: expected a JSON object", at);
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string())
      return fmt::format("{}: no \"type\"; not a line written by mqbench --json", at);
    std::string error;
    if (*type == "interval") {
      IntervalRecord r;
      unsigned worker = 0;
      const Fields f{j, "interval", error};
      f.u32("worker", worker);
      f.number("start_s", r.start_s);
      f.number("end_s", r.end_s);
      if (const auto p = j.find("partial"); p != j.end() && p->is_boolean()) r.partial = p->get<bool>();
      f.counters("counters", r.delta);
      f.histogram("e2e", r.e2e);
      if (!error.empty()) return fmt::format("{}: {}", at, error);
      if (!pending.empty() && pending_worker != worker)
        return fmt::format("{}: interval of worker {} among those of worker {}", at, worker, pending_worker);
      pending_worker = worker;
      pending.push_back(std::move(r));
    } else if (*type == "summary") {
      RunResult r;
      read_summary(Fields{j, "summary", error}, r);
      if (!error.empty()) return fmt::format("{}: {}", at, error);
      if (!pending.empty() && pending_worker != r.worker_index)
        return fmt::format("{}: summary of worker {} after intervals of worker {}", at, r.worker_index,
                           pending_worker);
      r.intervals = std::move(pending);
      pending.clear();
      out.push_back(std::move(r));
      ++runs;
    } else {
      return fmt::format("{}: unknown record type \"{}\"", at, type->get<std::string>());
    }
  }
  if (!pending.empty()) return fmt::format("{}: ends without a summary line (was the run cut short?)", name);
  if (runs == 0) return fmt::format("{}: no summary line; is this mqbench --json output?", name);
  return std::nullopt;
}

std::optional<std::string> read_results(const std::string& path, std::vector<RunResult>& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fmt::format("{}: is a directory", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot open", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fmt::format("{}: read error", path);
  return read_results_text(text.str(), path, out);
}

}  // namespace mq::bench
