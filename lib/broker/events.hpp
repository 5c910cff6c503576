#pragma once
/// What the broker core tells whoever logs for it: decisions the network
/// layer cannot see in the bytes it carries (subscriptions, takeovers).

#include <cstdint>
#include <string_view>

#include "broker/output.hpp"

namespace mq::broker {

/// Implemented by the server (or a test) and set with Broker::set_events.
/// Called synchronously while the core handles a packet: an implementation
/// must not call back into the Broker. Views are valid only during the call.
class Events {
 public:
  virtual ~Events() = default;
  /// `client_id` on `connection` asked for `filter`: `result` is the
  /// granted QoS (0..2) or the refusal it got (0x80 and above; 5.0 codes).
  virtual void subscribed(ConnectionId connection, std::string_view client_id, std::string_view filter,
                          std::uint8_t result) = 0;
  /// `client_id` on `connection` removed `filter` (`existed`: it had it).
  virtual void unsubscribed(ConnectionId connection, std::string_view client_id, std::string_view filter,
                            bool existed) = 0;
  /// A CONNECT on `by` named `client_id`, already connected on `old`,
  /// which is closed now [MQTT-3.1.4-3].
  virtual void taken_over(std::string_view client_id, ConnectionId old, ConnectionId by) = 0;
};

}  // namespace mq::broker
