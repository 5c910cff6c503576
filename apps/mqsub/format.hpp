#pragma once
/// mosquitto_sub's -F output format, compiled once and applied per message:
/// %-parameters with flags (0, -), width and maximum width, @-fields passed
/// to strftime (@N nanoseconds), and backslash escapes. The semantics follow
/// mosquitto_sub(1), section OUTPUT FORMAT, so existing scripts port over.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/message.hpp"

namespace mq::mqsub {

/// A received message and the facts the format can show about it.
struct MessageView {
  const client::Message* message = nullptr;
  std::uint16_t packet_id = 0;
  bool dup = false;
  std::chrono::system_clock::time_point received;
};

class OutputFormat {
 public:
  /// Compiles `spec`; nullopt and `error` (with the position) when it is malformed.
  static std::optional<OutputFormat> compile(std::string_view spec, std::string* error);

  /// Appends the formatted message to `out`. Problems that concern one
  /// message (a %J payload that is not JSON) go to `warning`.
  void render(const MessageView& m, std::string& out, std::string* warning) const;

  /// --pretty: %j and %J are indented over several lines, as mosquitto_sub's --pretty.
  void set_pretty(bool pretty) { pretty_ = pretty; }

 private:
  struct Piece {
    enum class Kind : std::uint8_t { Literal, Param, Time } kind = Kind::Literal;
    std::string text;  ///< literal bytes, or the strftime spec for Time
    char param = 0;
    bool left = false;
    bool zero = false;
    int width = 0;
    int max_width = -1;
  };
  std::vector<Piece> pieces_;
  bool pretty_ = false;
};

/// `json` (valid JSON text) indented by two spaces per level.
std::string pretty_json(const std::string& json);

/// mosquitto's %j/%J object: {"tst":...,"topic":...,"qos":..,"retain":..,
/// "payloadlen":..,"properties":{..},"payload":..}. With `raw_payload` the
/// payload is inserted as JSON (nullopt when it is not valid JSON).
std::optional<std::string> mosquitto_json(const MessageView& m, bool raw_payload);

}  // namespace mq::mqsub
