#pragma once
/// The configuration keys: one table that the reader, the command-line
/// flags and the man page all read.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/settings.hpp"

namespace mq::server {

/// Where a key applies.
enum class KeyScope : unsigned char {
  Global,    ///< the whole broker
  Listener,  ///< the last `listener` (or the default listener)
  Security,  ///< global, or the last listener with per_listener_settings true
};

/// Applies a key's words to the settings; returns an error message.
using KeyHandler = std::optional<std::string> (*)(Settings& s, const std::vector<std::string>& words);

/// One configuration key.
struct KeyInfo {
  std::string_view name;        ///< "max_inflight_messages"
  KeyScope scope;
  std::string_view value_name;  ///< "COUNT", "PORT [ADDRESS]"
  std::string_view help;        ///< one sentence for --help and the man page
  bool ours;                    ///< true for keys mosquitto does not have
  KeyHandler apply;
};

/// Every key the reader knows, in documentation order.
std::span<const KeyInfo> config_keys();
/// The lint's keys (lint, lint_disable, one per threshold of the rule
/// table), last in config_keys().
std::vector<KeyInfo> lint_keys();
/// The key named `name`, or nullptr.
const KeyInfo* find_key(std::string_view name);

/// mosquitto keys that mqbroker does not implement, with the reason, so a
/// configuration that uses one is refused with a clear message.
std::optional<std::string_view> unsupported_key(std::string_view name);

/// A mosquitto key that does not apply to mqbroker.
struct InertKey {
  std::string_view name;
  std::string_view value;  ///< the only value accepted; empty: any
  std::string_view note;   ///< why it does not apply
};
/// Every inert key, for the man page.
std::span<const InertKey> inert_keys();
/// The inert key named `name`, or nullptr.
const InertKey* inert_key(std::string_view name);

/// The known, inert or unsupported key nearest to a misspelt `name`, if
/// one is within a few edits.
std::optional<std::string_view> closest_key(std::string_view name);

}  // namespace mq::server
