#pragma once
/// Reads mosquitto.conf-style configuration: one `key value...` per line,
/// `#` comments, `include_dir`, per-listener options applying to the last
/// `listener` line. Unknown keys are errors that name the file and line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/keys.hpp"
#include "server/config/settings.hpp"

namespace mq::server {

/// A configuration problem: where ("file:line", or "--flag") and what.
struct ConfigError {
  std::string where;
  std::string message;
};

/// "mosquitto.conf:12: max_inflight_messages: expected a number from 0 to 65535, got \"x\""
std::string to_string(const ConfigError& e);

/// Applies configuration lines to a Settings, in order.
class ConfigReader {
 public:
  /// Writes into `out`, which starts from its defaults.
  explicit ConfigReader(Settings& out) : out_(out) {}

  /// Reads `path` (and the directories it includes).
  std::optional<ConfigError> read_file(const std::string& path);
  /// Reads configuration text; `source` names it in errors.
  std::optional<ConfigError> read_text(std::string_view text, const std::string& source);
  /// Applies one directive: `key` with its value text (may hold several
  /// words). `where` names its origin in errors.
  std::optional<ConfigError> apply(std::string_view key, std::string_view value, const std::string& where);
  /// Checks what only the whole configuration can tell (a TLS listener
  /// without a key file, a certificate required without CAs...).
  std::optional<ConfigError> finish();

 private:
  Settings& out_;
  int include_depth_ = 0;
};

/// Reads `path` into fresh Settings and checks them.
std::optional<ConfigError> read_config_file(const std::string& path, Settings& out);

}  // namespace mq::server
