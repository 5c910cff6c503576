#pragma once
/// An application message as the broker routes it: a view for the hot path
/// (pointing into the received packet) and an owned, shared copy made only
/// when the message must outlive that packet (queued, in flight, retained,
/// a will).

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "broker/output.hpp"
#include "codec/properties.hpp"

namespace mq::broker {

/// Properties the broker regenerates per delivery instead of forwarding:
/// Topic Alias (per connection), Message Expiry Interval (rewritten as the
/// time remaining), Subscription Identifier (per subscriber); and Will Delay
/// Interval, a will property that has no place in the PUBLISH of the will.
inline bool is_regenerated(PropertyId id) {
  return id == PropertyId::TopicAlias || id == PropertyId::MessageExpiryInterval ||
         id == PropertyId::SubscriptionIdentifier || id == PropertyId::WillDelayInterval;
}

/// A message being routed. Views point into storage the caller keeps alive.
struct MessageView {
  std::string_view topic;
  ByteView payload;
  /// Properties as received; the regenerated ones are skipped on output, the
  /// rest (payload format, content type, response topic, correlation data,
  /// user properties) are forwarded unchanged and in order.
  const Properties* properties = nullptr;
  QoS qos = 0;
  bool retain = false;
  /// When the Message Expiry Interval runs out; nullopt = never.
  std::optional<TimePoint> expires;
};

/// An owned message: one buffer holds the topic, the payload and the text of
/// the forwarded properties. Immutable once made, shared by every session
/// that queues it.
class Message {
 public:
  /// Copies `v` (dropping the regenerated properties).
  static std::shared_ptr<const Message> make(const MessageView& v);

  /// A view of this message for routing and encoding.
  MessageView view() const { return {topic_, payload_, &properties_, qos_, retain_, expires_}; }
  std::string_view topic() const { return topic_; }
  ByteView payload() const { return payload_; }
  const Properties& properties() const { return properties_; }
  QoS qos() const { return qos_; }
  bool retain() const { return retain_; }
  const std::optional<TimePoint>& expires() const { return expires_; }
  /// Bytes this message counts for in queue limits: topic, payload, properties.
  std::size_t cost() const { return storage_.size(); }
  /// True once the Message Expiry Interval has run out at `now`.
  bool expired(TimePoint now) const { return expires_ && *expires_ <= now; }

  /// Only make() builds one; the views point into storage_, so no copies.
  Message() = default;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

 private:
  std::vector<std::uint8_t> storage_;
  std::string_view topic_;
  ByteView payload_;
  Properties properties_;
  QoS qos_ = 0;
  bool retain_ = false;
  std::optional<TimePoint> expires_;
};

/// A shared owned message.
using MessagePtr = std::shared_ptr<const Message>;

}  // namespace mq::broker
