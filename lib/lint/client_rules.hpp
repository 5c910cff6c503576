#pragma once
/// What a running broker's lint has already reported: for each client id,
/// the rules it was reported under. Bounded: at most `max_clients` client
/// ids, each a 64-bit hash of the id and one bit per rule, the oldest id
/// forgotten first, so a client churning ids or topics cannot make it grow.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>

#include "lint/lint_rules.hpp"

namespace mq::lint {

/// Client ids and the rules reported for each, oldest id evicted first.
class ClientRuleSet {
 public:
  /// Remembers at most `max_clients` client ids (at least one).
  explicit ClientRuleSet(std::size_t max_clients);
  /// True when `rule` was not reported yet for `client_id` (or the id was
  /// evicted since), and notes it.
  bool insert(std::string_view client_id, LintRule rule);
  /// True when `rule` was reported for `client_id` and is still remembered.
  bool contains(std::string_view client_id, LintRule rule) const;
  /// Client ids remembered now.
  std::size_t clients() const { return rules_.size(); }
  /// The most client ids remembered at once.
  std::size_t max_clients() const { return max_; }

 private:
  static_assert(kLintRuleCount <= 32, "one bit per rule");
  std::size_t max_;
  std::unordered_map<std::uint64_t, std::uint32_t> rules_;  ///< id hash -> reported rules
  std::deque<std::uint64_t> order_;                          ///< id hashes, oldest first
};

}  // namespace mq::lint
