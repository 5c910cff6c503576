#pragma once
/// Rules on packet fields, written once and used by both the decoder (which
/// adds the byte offset) and the validator. Each check returns the broken
/// rule as a DecodeError whose offset counts from the start of the checked
/// field (0 for whole-field rules; the bad character for strings).

#include <cstdint>
#include <optional>
#include <string_view>
#include <cstddef>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/error.hpp"
#include "codec/packets.hpp"

namespace mq {

/// Statement id for reserved fixed-header flags: MQTT-2.2.2-1 (3.x), MQTT-2.1.3-1 (5.0).
std::string_view reserved_flags_rule(ProtocolVersion v);

/// Whether the fixed header of `t` may carry DUP (0x08) on top of
/// required_flags: MQTT 3.1 sends PUBREL, SUBSCRIBE and UNSUBSCRIBE at QoS 1
/// and sets DUP when it resends them; 3.1.1 and 5.0 reserve the bit.
inline bool resend_flag_allowed(PacketType t, ProtocolVersion v) {
  return v == ProtocolVersion::v31 && required_flags(t) == 0x2;
}
/// The flags nibble of a packet other than PUBLISH: required_flags, plus
/// DUP where resend_flag_allowed [MQTT-2.2.2-1] / [MQTT-2.1.3-1]. Field "fixed header".
std::optional<DecodeError> check_fixed_flags(PacketType t, std::uint8_t flags, ProtocolVersion v);

/// PUBLISH flags: QoS 3 [MQTT-3.3.1-4], DUP with QoS 0 [MQTT-3.3.1-2]. Field "fixed header".
std::optional<DecodeError> check_publish_flags(QoS qos, bool dup);
/// The common case of check_publish_flags, cheap enough for every packet.
inline bool publish_flags_ok(QoS qos, bool dup) { return qos <= 2 && (qos != 0 || !dup); }

/// True for a topic name made only of printable-range ASCII with no
/// wildcard and no U+0000: such a topic passes every topic-name rule, so
/// the decoder's hot path can skip the full check. False says nothing.
inline bool plain_ascii_topic(std::string_view topic) {
  const auto* p = reinterpret_cast<const unsigned char*>(topic.data());
  const std::size_t n = topic.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] == 0 || p[i] >= 0x80 || p[i] == '#' || p[i] == '+') return false;
    return n > 0;
  }
#if defined(__SSE2__)
  if (n >= 16) {
    // Sixteen bytes at a time, the last block overlapping the one before it.
    // A byte is flagged by its high bit (>= 0x80), by being 0, or by being a
    // wildcard: '#' (0x23) and '+' (0x2B) differ only in bit 3.
    auto flagged = [](const unsigned char* q) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      const __m128i zero = _mm_cmpeq_epi8(x, _mm_setzero_si128());
      const __m128i wild = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x08)), _mm_set1_epi8(0x2B));
      return _mm_movemask_epi8(_mm_or_si128(x, _mm_or_si128(zero, wild)));
    };
    int bad = flagged(p + n - 16);
    for (std::size_t i = 0; i + 16 < n; i += 16) bad |= flagged(p + i);
    return bad == 0;
  }
#endif
  // Eight bytes at a time, the last word overlapping the one before it.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  auto plain = [](std::uint64_t w) {
    // '#' (0x23) and '+' (0x2B) differ only in bit 3: setting it maps both to 0x2B.
    const std::uint64_t wild = (w | kOnes * 0x08) ^ (kOnes * 0x2B);
    // A byte is flagged when its high bit is set, when it is 0, or when it is a wildcard.
    return ((w | ((w - kOnes) & ~w) | ((wild - kOnes) & ~wild)) & kHigh) == 0;
  };
  std::uint64_t w;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    __builtin_memcpy(&w, p + i, 8);
    if (!plain(w)) return false;
  }
  __builtin_memcpy(&w, p + n - 8, 8);
  return plain(w);
}

/// A packet identifier that must be non-zero [MQTT-2.3.1-1] / [MQTT-2.2.1-3].
std::optional<DecodeError> check_packet_id(std::uint16_t id, ProtocolVersion v);

/// UTF-8 string rules on `s`, reported against `field`; `rule` replaces the
/// generic MQTT-1.5.x id when the packet section has its own (client id).
std::optional<DecodeError> check_utf8_field(std::string_view s, std::string_view field, std::string_view rule = {});

/// Topic name rules for PUBLISH (or the will, `field` "will topic"). At 5.0 an
/// empty topic is allowed when a Topic Alias is present.
std::optional<DecodeError> check_topic_name_field(std::string_view topic, std::string_view field,
                                                  ProtocolVersion v, bool has_topic_alias);

/// Topic filter rules (SUBSCRIBE, UNSUBSCRIBE). Field "topic filter".
std::optional<DecodeError> check_topic_filter_field(std::string_view filter);

/// Subscription options: QoS 3, reserved bits, retain handling 3, and at 5.0
/// No Local on a shared subscription [MQTT-3.8.3-4]. Field "subscription options".
std::optional<DecodeError> check_subscription(const Subscription& s, ProtocolVersion v);

/// A reason code (5.0) or return code (3.x) defined for this packet type.
/// Field "reason code" or "return code".
std::optional<DecodeError> check_reason_code(PacketType t, std::uint8_t code, ProtocolVersion v);

/// The field name a reason code has in this packet at this level.
std::string_view reason_field(PacketType t, ProtocolVersion v);

/// CONNACK: Session Present must be 0 with a non-zero code [MQTT-3.2.2-4] /
/// [MQTT-3.2.2-6], and 3.1 has no Session Present. Field "acknowledge flags".
std::optional<DecodeError> check_session_present(bool session_present, std::uint8_t code, ProtocolVersion v);

/// CONNECT protocol name: "MQTT" or "MQIsdp" [MQTT-3.1.2-1]. Field "protocol name".
std::optional<DecodeError> check_protocol_name(std::string_view name);
/// CONNECT protocol level: 3, 4 or 5 [MQTT-3.1.2-2] (ProtocolError, field
/// "protocol level", so a broker can answer 0x84 / return code 1).
std::optional<DecodeError> check_protocol_level(std::uint8_t level);
/// Name and level must agree: "MQIsdp" with 3, "MQTT" with 4 or 5. Field "protocol name".
std::optional<DecodeError> check_protocol_pair(std::string_view name, std::uint8_t level);

/// Will QoS 3 [MQTT-3.1.2-14] (3.x) / [MQTT-3.1.2-12] (5.0). Field "connect flags".
std::optional<DecodeError> check_will_qos(QoS qos, ProtocolVersion v);
/// Password without a user name, forbidden before 5.0 [MQTT-3.1.2-22]. Field "connect flags".
std::optional<DecodeError> check_credentials(bool has_username, bool has_password, ProtocolVersion v);

}  // namespace mq
