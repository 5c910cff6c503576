#pragma once
/// Owned forms of the codec's views: a property list and an application
/// message that keep their own storage, because they outlive the input
/// buffer a packet was decoded from and the caller's buffers alike.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/packets.hpp"
#include "codec/properties.hpp"

namespace mq::client {

/// One property with owned text. Same meaning as mq::Property: integer
/// properties use `number`, strings and binary data `value`, a User Property
/// `name` and `value`.
struct OwnedProperty {
  PropertyId id{};
  std::uint32_t number = 0;
  std::string name;
  std::string value;

  bool operator==(const OwnedProperty&) const = default;
};

/// A property list in wire order with owned storage.
class OwnedProperties {
 public:
  OwnedProperties() = default;
  /// Deep copy of a decoded (view) property list.
  explicit OwnedProperties(const Properties& props);

  /// Appends an integer-valued property (Byte, Two/Four Byte Integer, VarInt).
  OwnedProperties& add(PropertyId id, std::uint32_t number);
  /// Appends a string or binary property.
  OwnedProperties& add(PropertyId id, std::string value);
  /// Appends a User Property (name, value); duplicates are kept.
  OwnedProperties& add_user(std::string name, std::string value);

  /// First property with this identifier, or nullptr.
  const OwnedProperty* find(PropertyId id) const;
  /// The integer of the first property `id`, or `fallback` when absent.
  std::uint32_t number_or(PropertyId id, std::uint32_t fallback) const;
  /// The text of the first property `id`, or empty when absent.
  std::string_view text(PropertyId id) const;
  /// Removes every property with this identifier.
  void remove(PropertyId id);

  /// Views into this list for the encoder; valid while the list is unchanged.
  Properties view() const;
  /// Appends views of this list to `out` (several lists can be joined).
  void append_views(Properties& out) const;

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<OwnedProperty>& items() const { return items_; }
  bool operator==(const OwnedProperties&) const = default;

 private:
  std::vector<OwnedProperty> items_;
};

/// An application message with owned data: what the caller publishes and
/// what a MessageReceived event delivers. `payload` holds bytes (not
/// necessarily text); std::string so a line read from stdin moves in without
/// a copy.
struct Message {
  std::string topic;
  std::string payload;
  QoS qos = 0;
  bool retain = false;
  OwnedProperties properties;  ///< 5.0 PUBLISH (or will) properties

  bool operator==(const Message&) const = default;
};

/// Copies a decoded PUBLISH into a Message; `topic` replaces the packet's
/// topic (the resolved one when a Topic Alias was used).
Message to_message(const Publish& p, std::string_view topic);

}  // namespace mq::client
