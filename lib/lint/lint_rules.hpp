#pragma once
/// The best-practice rules of mqdump --lint and mqbroker --lint: one table holding, for each
/// rule, its short id, its group, what it looks for, its threshold (if any)
/// and its one-line advice. The lint, the command-line threshold flags and
/// the man page section LINT RULES all read this table.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mq::lint {

/// Every rule, in table order.
enum class LintRule : std::uint8_t {
  TopicLeadingSlash,
  TopicTrailingSlash,
  TopicEmptyLevel,
  TopicWhitespace,
  TopicNonAscii,
  TopicDeep,
  TopicLong,
  TopicDollarPublish,
  TopicPerMessage,
  SubscribeBroadDevice,
  SubscribeOverlap,
  ClientIdCollision,
  TakeoverLoop,
  RandomIdPersistent,
  SessionNeverExpires,
  CleanSessionQos,
  Qos2Telemetry,
  RetainHighRate,
  RetainClutter,
  RetainCommand,
  PayloadLarge,
  KeepAliveTiny,
  KeepAliveNone,
  NoWillDevice,
  ReceiveMaximumBurst,
  AliasNeverReused,
  UserPropertyNative,
  RequestWithoutCorrelation,
};

/// How many rules there are.
inline constexpr std::size_t kLintRuleCount = static_cast<std::size_t>(LintRule::RequestWithoutCorrelation) + 1;

/// One row of the table.
struct LintRuleInfo {
  LintRule rule;
  std::string_view id;         ///< short id, e.g. "topic-leading-slash"
  std::string_view group;      ///< "topics", "subscriptions", "sessions", "qos-retain", "payload-timing", "mqtt5"
  std::string_view looks_for;  ///< what triggers it, for the man page
  std::string_view advice;     ///< one line for the user
  std::string_view threshold_flag;  ///< command-line flag of its threshold ("" when it has none)
  double threshold = 0;             ///< default threshold
  std::string_view threshold_unit;  ///< what the threshold counts
};

/// Every rule, in LintRule order.
std::span<const LintRuleInfo> lint_rules();
/// The row of a rule.
const LintRuleInfo& lint_rule(LintRule r);
/// The rule with this short id, or nullptr.
const LintRuleInfo* find_lint_rule(std::string_view id);

/// Thresholds in force and rules turned off; starts from the table.
struct LintSettings {
  LintSettings();
  std::array<double, kLintRuleCount> threshold{};
  std::array<bool, kLintRuleCount> enabled{};
  double operator[](LintRule r) const { return threshold[static_cast<std::size_t>(r)]; }
  bool on(LintRule r) const { return enabled[static_cast<std::size_t>(r)]; }
};

/// The LINT RULES man page section, built from the table.
std::string lint_rules_man_text();

}  // namespace mq::lint
