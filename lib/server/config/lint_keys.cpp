// The lint's configuration keys, generated from the lint's rule table: lint,
// lint_disable and one lint_THRESHOLD key per threshold, named as mqdump's
// --lint-THRESHOLD options (the flags are --lint-disable, --lint-max-payload...).
#include <charconv>
#include <cmath>
#include <deque>
#include <utility>

#include <fmt/format.h>

#include "server/config/keys.hpp"

namespace mq::server {
namespace {

using Words = std::vector<std::string>;
using Error = std::optional<std::string>;

Error key_lint(Settings& s, const Words& w) {
  if (w.size() != 1 || (w[0] != "true" && w[0] != "false"))
    return fmt::format("expected true or false, got \"{}\"", w.empty() ? "" : w[0]);
  s.lint = w[0] == "true";
  return std::nullopt;
}

Error key_lint_disable(Settings& s, const Words& w) {
  if (w.empty()) return "a rule is missing";
  for (const auto& id : w) {
    const lint::LintRuleInfo* r = lint::find_lint_rule(id);
    if (!r) return fmt::format("no lint rule \"{}\" (see LINT RULES in mqdump(1))", id);
    s.lint_settings.enabled[static_cast<std::size_t>(r->rule)] = false;
  }
  return std::nullopt;
}

/// Sets the threshold of rule I: a key handler is a plain function, so
/// there is one per rule.
template <std::size_t I>
Error key_lint_threshold(Settings& s, const Words& w) {
  if (w.size() != 1) return "expected one number";
  double v = 0;
  const std::string& t = w[0];
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v) || v < 0)
    return fmt::format("expected a number of at least 0, got \"{}\"", t);
  s.lint_settings.threshold[I] = v;
  return std::nullopt;
}

template <std::size_t... I>
constexpr std::array<KeyHandler, sizeof...(I)> threshold_handlers(std::index_sequence<I...>) {
  return {&key_lint_threshold<I>...};
}

}  // namespace

std::vector<KeyInfo> lint_keys() {
  // Names and help outlive the table that views them.
  static std::deque<std::string> text;
  static constexpr auto handlers = threshold_handlers(std::make_index_sequence<lint::kLintRuleCount>());
  std::vector<KeyInfo> keys{
      {"lint", KeyScope::Global, "true|false",
       "Log best-practice findings about clients (mqdump's LINT RULES), each once per client id and rule; "
       "see LINT", true, key_lint},
      {"lint_disable", KeyScope::Global, "RULE", "Turn a lint rule off (repeatable)", true, key_lint_disable},
  };
  for (const auto& r : lint::lint_rules()) {
    if (r.threshold_flag.empty()) continue;
    const std::string& name = text.emplace_back(fmt::format("lint_{}", r.threshold_flag));
    for (char& c : text.back())
      if (c == '-') c = '_';
    const std::string& help = text.emplace_back(
        fmt::format("Threshold of lint rule {}, in {} (default {})", r.id, r.threshold_unit, r.threshold));
    keys.push_back({name, KeyScope::Global, "N", help, true, handlers[static_cast<std::size_t>(r.rule)]});
  }
  return keys;
}

}  // namespace mq::server
