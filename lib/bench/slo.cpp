#include "bench/slo.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace mq::bench {

namespace {

// Count metrics: name in --slo, and the Counters field (or "rate").
struct CountMetric {
  const char* name;
  const char* counter;  ///< a kCounterFields name, or "rate"
};
constexpr CountMetric kCountMetrics[] = {
    {"loss", "lost"},
    {"duplicates", "duplicates"},
    {"reordered", "reordered"},
    {"rate", "rate"},
    {"received", "received"},
    {"published", "published"},
    {"acked", "acked"},
    {"connect_failures", "connects_failed"},
    {"subscribe_failures", "subscribes_failed"},
    {"publish_failures", "publish_failed"},
    {"disconnects", "disconnects"},
};

struct Unit {
  const char* name;
  double ns;
};
constexpr Unit kUnits[] = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "p99.9" -> 0.999; "max" -> 1; "min" -> 0; "mean" sets `mean`. False when
// `s` is none of these; `error` set when it looks like a percentile but is not one.
bool parse_statistic(std::string_view s, SloObjective& o, std::string& error) {
  if (s == "max") return o.fraction = 1.0, true;
  if (s == "min") return o.fraction = 0.0, true;
  if (s == "mean") return o.mean = true, true;
  if (s.size() < 2 || s[0] != 'p') return false;
  double pct = 0;
  const auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), pct);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (!(pct > 0 && pct <= 100)) {
    error = fmt::format("percentile {} is outside 0..100", s);
    return false;
  }
  o.fraction = pct / 100.0;
  return true;
}

const char* op_text(SloObjective::Op op) {
  switch (op) {
    case SloObjective::Op::less: return "<";
    case SloObjective::Op::less_equal: return "<=";
    case SloObjective::Op::greater: return ">";
    case SloObjective::Op::greater_equal: return ">=";
    case SloObjective::Op::equal: return "=";
  }
  return "?";
}

std::optional<std::string> parse_one(std::string_view item, SloObjective& o) {
  o.text = std::string(item);
  const auto q = [&](const std::string& why) { return fmt::format("--slo: '{}': {}", item, why); };
  const std::size_t at = item.find_first_of("<>=");
  if (at == std::string_view::npos) return q("no comparison; use <, <=, >, >= or =");
  const std::string_view metric = trim(item.substr(0, at));
  std::size_t value_at = at + 1;
  const char c = item[at];
  const bool eq_next = value_at < item.size() && item[value_at] == '=';
  if (c == '<') o.op = eq_next ? SloObjective::Op::less_equal : SloObjective::Op::less;
  if (c == '>') o.op = eq_next ? SloObjective::Op::greater_equal : SloObjective::Op::greater;
  if (c == '=') o.op = SloObjective::Op::equal;
  if (eq_next) ++value_at;
  if (metric.empty()) return q("no metric before the comparison");

  std::string error;
  bool latency = false;
  for (const auto& f : kLatencyFields) {  // "ack_p99", "connect_max"...
    const std::string prefix = std::string(f.name) + "_";
    if (metric.substr(0, prefix.size()) == prefix && parse_statistic(metric.substr(prefix.size()), o, error)) {
      o.histogram = f.name;
      latency = true;
    }
  }
  if (!latency && parse_statistic(metric, o, error)) {
    o.histogram = "e2e";
    latency = true;
  }
  if (!error.empty()) return q(error);
  if (!latency) {
    for (const auto& m : kCountMetrics)
      if (metric == m.name) o.counter = m.counter;
    if (o.counter.empty())
      return q(fmt::format("unknown metric '{}'; use p50..p99.99, max, min, mean (optionally prefixed ack_, "
                           "connect_, subscribe_), loss, duplicates, reordered, rate, received, published, acked, "
                           "connect_failures, subscribe_failures, publish_failures or disconnects",
                           metric));
  }

  const std::string_view value = trim(item.substr(value_at));
  if (value.empty()) return q("no number after the comparison");
  double number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || !std::isfinite(number))
    return q(fmt::format("'{}' is not a number", value));
  const std::string_view unit =
      trim(std::string_view(end, static_cast<std::size_t>(value.data() + value.size() - end)));
  if (!latency) {
    if (!unit.empty())
      return q(fmt::format("{} is a {} and takes no unit", metric,
                           metric == "rate" ? "rate (received messages per second)" : "count"));
    o.threshold = number;
    return std::nullopt;
  }
  if (unit.empty()) return q("a latency needs a unit: us, ms or s");
  for (const auto& u : kUnits)
    if (unit == u.name) {
      o.threshold = number * u.ns;
      o.unit = u.name;
      return std::nullopt;
    }
  return q(fmt::format("unknown unit '{}'; use ns, us, ms or s", unit));
}

std::string show(double value, const SloObjective& o) {
  if (o.histogram.empty()) return fmt::format("{}", value);
  for (const auto& u : kUnits)
    if (o.unit == u.name) return fmt::format("{:.3f} {}", value / u.ns, u.name);
  return fmt::format("{} ns", value);
}

}  // namespace

std::optional<std::string> parse_slo(std::string_view text, std::vector<SloObjective>& out) {
  if (trim(text).empty()) return "--slo: empty; give objectives such as 'p99<5ms,loss=0,rate>=100000'";
  std::vector<SloObjective> parsed;
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = trim(text.substr(pos, comma - pos));
    if (item.empty()) return fmt::format("--slo: objective {} is empty (two commas in a row?)", parsed.size() + 1);
    SloObjective o;
    if (auto e = parse_one(item, o)) return e;
    parsed.push_back(std::move(o));
    if (comma == text.size()) break;
    pos = comma + 1;
  }
  out = std::move(parsed);
  return std::nullopt;
}

std::vector<SloVerdict> evaluate_slo(const std::vector<SloObjective>& objectives, const RunResult& r) {
  std::vector<SloVerdict> verdicts;
  for (const auto& o : objectives) {
    SloVerdict v;
    v.objective = &o;
    if (!o.histogram.empty()) {
      const LatencyHistogram* h = nullptr;
      for (const auto& f : kLatencyFields)
        if (o.histogram == f.name) h = &(r.*f.member);
      if (h == nullptr || h->count() == 0) {
        v.message = fmt::format("{}: failed, no {} latency was measured", o.text, o.histogram);
        verdicts.push_back(std::move(v));
        continue;
      }
      v.measured = o.mean ? h->mean()
                          : static_cast<double>(o.fraction == 0.0 ? h->min() : h->percentile(o.fraction));
    } else if (o.counter == "rate") {
      v.measured = rate_per_s(r.totals.received, r.measured_s);
    } else {
      for (const auto& f : kCounterFields)
        if (o.counter == f.name) v.measured = static_cast<double>(r.totals.*f.member);
    }
    switch (o.op) {
      case SloObjective::Op::less: v.passed = v.measured < o.threshold; break;
      case SloObjective::Op::less_equal: v.passed = v.measured <= o.threshold; break;
      case SloObjective::Op::greater: v.passed = v.measured > o.threshold; break;
      case SloObjective::Op::greater_equal: v.passed = v.measured >= o.threshold; break;
      case SloObjective::Op::equal: v.passed = v.measured == o.threshold; break;
    }
    v.message = fmt::format("{}: {}, measured {} (wanted {} {})", o.text, v.passed ? "passed" : "failed",
                            show(v.measured, o), op_text(o.op), show(o.threshold, o));
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

bool slo_passed(const std::vector<SloVerdict>& verdicts) {
  for (const auto& v : verdicts)
    if (!v.passed) return false;
  return true;
}

}  // namespace mq::bench
