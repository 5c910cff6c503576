#pragma once
/// Content rules shared by the decoder and the validator: UTF-8 strings,
/// topic names, topic filters and shared-subscription filters. Each check
/// returns the rule that was broken, or nothing.

#include <cstddef>
#include <optional>
#include <string_view>

namespace mq {

/// A broken rule: a message for people, the spec's statement id (may be
/// empty), and where in the checked text the problem starts.
struct Violation {
  std::string_view message;
  std::string_view rule;
  std::size_t position = 0;
};

/// UTF-8 Encoded String rules (MQTT 5.0 section 1.5.4): well-formed UTF-8
/// [MQTT-1.5.4-1], no surrogates, no U+0000 [MQTT-1.5.4-2].
std::optional<Violation> check_utf8(std::string_view s);

/// True when `s` is well-formed UTF-8 (U+0000 allowed). Used to decide how to
/// show a payload.
bool is_valid_utf8(std::string_view s);

/// Topic Name rules for PUBLISH and the will: at least one character
/// [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2], plus the UTF-8 rules.
std::optional<Violation> check_topic_name(std::string_view topic);

/// Topic Filter rules for SUBSCRIBE/UNSUBSCRIBE: not empty, '#' only last and
/// alone in its level [MQTT-4.7.1-1], '+' alone in its level [MQTT-4.7.1-2],
/// well-formed shared subscriptions [MQTT-4.8.2-1] [MQTT-4.8.2-2], plus UTF-8.
std::optional<Violation> check_topic_filter(std::string_view filter);

/// A shared-subscription filter split into its parts.
struct SharedFilter {
  std::string_view group;   ///< the ShareName
  std::string_view filter;  ///< the filter after "$share/group/"
};

/// Splits "$share/group/filter"; nothing when `filter` is not a shared one.
/// Does not check the parts (check_topic_filter does).
std::optional<SharedFilter> parse_shared(std::string_view filter);

/// Does the (non-shared) `filter` match `topic`? Implements '+', '#' and the
/// rule that wildcards at the first level do not match topics starting with
/// '$' [MQTT-4.7.2-1]. Both arguments are assumed valid.
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mq
