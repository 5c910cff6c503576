#pragma once
/// Writes outgoing PUBLISH packets straight into a connection's output
/// buffer from a MessageView plus what differs per delivery, without
/// building a Packet. The fan-out path encodes once and copies the bytes,
/// patching only the packet identifier.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "broker/message.hpp"

namespace mq::broker {

/// What one delivery adds to the message.
struct DeliveryFields {
  QoS qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
  /// Subscription Identifiers of every matching subscription (5.0).
  std::span<const std::uint32_t> subscription_ids;
  /// Topic Alias to send (5.0), 0 for none; with `alias_only` the topic name
  /// is sent empty because the client already knows the alias.
  std::uint16_t topic_alias = 0;
  bool alias_only = false;
  /// Message Expiry Interval to send, the seconds left (5.0).
  std::optional<std::uint32_t> expiry_remaining;
};

/// Size of the PUBLISH, fixed header included.
std::size_t publish_size(const MessageView& m, const DeliveryFields& d, ProtocolVersion v);

/// Appends the PUBLISH to `out`; returns its size.
std::size_t encode_publish(std::vector<std::uint8_t>& out, const MessageView& m, const DeliveryFields& d,
                           ProtocolVersion v);

/// Offset of the packet identifier inside a PUBLISH of QoS > 0 that starts at
/// `packet` (fixed header, then the two-byte topic length and the topic).
std::size_t packet_id_offset(ByteView packet);

/// Seconds left before `expires` at `now`, rounded up (so at least 1 while
/// any time is left); 0 once it has passed; nullopt when there is none.
std::optional<std::uint32_t> seconds_left(const std::optional<TimePoint>& expires, TimePoint now);

}  // namespace mq::broker
