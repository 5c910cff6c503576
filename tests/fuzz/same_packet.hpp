#pragma once
/// Field-by-field equality of decoded packets, for the fuzzers' round-trip
/// invariants. The packet structs hold views, so two packets are equal when
/// every field holds the same bytes, wherever those bytes live.

#include <algorithm>
#include <variant>

#include "codec/packets.hpp"

namespace mq::fuzz {

/// Same bytes in two views.
inline bool same_bytes(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

/// Same properties in the same order (Property compares its views by content).
inline bool same_properties(const Properties& a, const Properties& b) { return a == b; }

inline bool same_will(const Will& a, const Will& b) {
  return a.topic == b.topic && same_bytes(a.payload, b.payload) && a.qos == b.qos && a.retain == b.retain &&
         same_properties(a.properties, b.properties);
}

inline bool same_fields(const Connect& a, const Connect& b) {
  const bool wills = a.will.has_value() == b.will.has_value() && (!a.will || same_will(*a.will, *b.will));
  const bool passwords =
      a.password.has_value() == b.password.has_value() && (!a.password || same_bytes(*a.password, *b.password));
  return a.protocol_name == b.protocol_name && a.version == b.version && a.clean_start == b.clean_start &&
         a.reserved_flag == b.reserved_flag && a.bridge == b.bridge && a.keep_alive == b.keep_alive &&
         same_properties(a.properties, b.properties) && a.client_id == b.client_id && wills &&
         a.username == b.username && passwords;
}

inline bool same_fields(const Connack& a, const Connack& b) {
  return a.session_present == b.session_present && a.reason_code == b.reason_code &&
         same_properties(a.properties, b.properties);
}

inline bool same_fields(const Publish& a, const Publish& b) {
  return a.dup == b.dup && a.qos == b.qos && a.retain == b.retain && a.topic == b.topic && a.packet_id == b.packet_id &&
         same_properties(a.properties, b.properties) && same_bytes(a.payload, b.payload);
}

template <PacketType T>
bool same_fields(const Ack<T>& a, const Ack<T>& b) {
  return a.packet_id == b.packet_id && a.reason_code == b.reason_code && same_properties(a.properties, b.properties) &&
         a.form == b.form;
}

inline bool same_fields(const Subscribe& a, const Subscribe& b) {
  auto same_sub = [](const Subscription& x, const Subscription& y) {
    return x.filter == y.filter && x.qos == y.qos && x.no_local == y.no_local &&
           x.retain_as_published == y.retain_as_published && x.retain_handling == y.retain_handling &&
           x.reserved == y.reserved;
  };
  return a.packet_id == b.packet_id && same_properties(a.properties, b.properties) &&
         std::ranges::equal(a.subscriptions, b.subscriptions, same_sub);
}

inline bool same_fields(const Suback& a, const Suback& b) {
  return a.packet_id == b.packet_id && same_properties(a.properties, b.properties) && a.reason_codes == b.reason_codes;
}

inline bool same_fields(const Unsubscribe& a, const Unsubscribe& b) {
  return a.packet_id == b.packet_id && same_properties(a.properties, b.properties) && a.filters == b.filters;
}

inline bool same_fields(const Unsuback& a, const Unsuback& b) {
  return a.packet_id == b.packet_id && same_properties(a.properties, b.properties) && a.reason_codes == b.reason_codes;
}

inline bool same_fields(const Pingreq&, const Pingreq&) { return true; }
inline bool same_fields(const Pingresp&, const Pingresp&) { return true; }

inline bool same_fields(const Disconnect& a, const Disconnect& b) {
  return a.reason_code == b.reason_code && same_properties(a.properties, b.properties) && a.form == b.form;
}

inline bool same_fields(const Auth& a, const Auth& b) {
  return a.reason_code == b.reason_code && same_properties(a.properties, b.properties) && a.form == b.form;
}

/// True when both hold the same packet type with equal fields.
inline bool same_packet(const Packet& a, const Packet& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        return same_fields(x, std::get<T>(b));
      },
      a);
}

}  // namespace mq::fuzz
