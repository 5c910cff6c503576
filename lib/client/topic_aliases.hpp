#pragma once
/// Topic aliases (MQTT 5.0 section 3.3.2.3.4) for one network connection:
/// the aliases we assign to topics we send, and the ones the server assigns
/// to topics it sends us. Both are forgotten when the connection ends.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mq::client {

/// Aliases for outgoing PUBLISHes, assigned in order 1..maximum; once all
/// are used, further topics go out in full.
class OutgoingAliases {
 public:
  /// What to put in a PUBLISH for a topic.
  struct Use {
    std::uint16_t alias = 0;   ///< 0: no alias
    bool send_topic = true;    ///< false once the server knows the alias
  };

  /// Starts a connection whose server accepts `maximum` aliases (0: none).
  void reset(std::uint16_t maximum);
  /// The alias to use for `topic`, assigning a new one if there is room.
  Use use(std::string_view topic);

 private:
  std::uint16_t maximum_ = 0;
  std::unordered_map<std::string, std::uint16_t> by_topic_;
};

/// Aliases the server sets in its PUBLISHes, up to our Topic Alias Maximum.
class IncomingAliases {
 public:
  /// Starts a connection where we accept `maximum` aliases.
  void reset(std::uint16_t maximum);
  std::uint16_t maximum() const { return maximum_; }
  /// Records `alias` -> `topic`. The caller checked 1 <= alias <= maximum.
  void set(std::uint16_t alias, std::string_view topic);
  /// The topic of `alias`, or nothing when it was never set.
  std::optional<std::string_view> find(std::uint16_t alias) const;

 private:
  std::uint16_t maximum_ = 0;
  std::vector<std::string> topics_;  ///< index alias - 1; empty: unset
};

}  // namespace mq::client
