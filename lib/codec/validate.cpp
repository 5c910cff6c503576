#include "codec/validate.hpp"

#include <fmt/format.h>

#include "codec/packet_rules.hpp"
#include "codec/property_rules.hpp"

namespace mq {

namespace {

using Check = std::optional<DecodeError>;

Check error(ErrorKind kind, std::string_view field, std::string message, std::string_view rule = {}) {
  return DecodeError{kind, 0, std::string(field), std::move(message), std::string(rule)};
}

/// The checks return errors with offsets inside the field; a validator
/// error has offset 0.
Check at_zero(Check e) {
  if (e) e->offset = 0;
  return e;
}

/// A packet's own property list: the table's rules at 5.0, absent before.
Check check_props(const Properties& props, PacketType t, ProtocolVersion v, PropertyPlace place = PropertyPlace::Packet) {
  if (v == ProtocolVersion::v5) return check_properties(props, t, place);
  if (props.empty()) return std::nullopt;
  return error(ErrorKind::ProtocolError, property_length_field(place),
               fmt::format("properties exist only in MQTT 5.0, not {}", version_name(v)));
}

/// The 5.0 reason code and tail of acknowledgements, DISCONNECT and AUTH.
Check check_tail(PacketType t, std::uint8_t code, const Properties& props, TailForm form, ProtocolVersion v) {
  if (v != ProtocolVersion::v5) {
    if (code != 0) return error(ErrorKind::ProtocolError, "reason code", "reason codes exist only in MQTT 5.0");
    if (form != TailForm::Shortest)
      return error(ErrorKind::ProtocolError, "reason code", "the tail form applies only to MQTT 5.0");
    return check_props(props, t, v);
  }
  if (auto e = check_reason_code(t, code, v)) return e;
  return check_props(props, t, v);
}

Check check_codes(PacketType t, const std::vector<std::uint8_t>& codes, ProtocolVersion v) {
  if (codes.empty())
    return error(ErrorKind::ProtocolError, reason_field(t, v),
                 fmt::format("{} with no reason code", packet_type_name(t)));
  for (auto code : codes)
    if (auto e = check_reason_code(t, code, v)) return e;
  return std::nullopt;
}

Check check_connect(const Connect& c) {
  if (auto e = check_protocol_name(c.protocol_name)) return e;
  const auto level = static_cast<std::uint8_t>(c.version);
  if (auto e = check_protocol_level(level)) return e;
  if (auto e = check_protocol_pair(c.protocol_name, level)) return e;
  const ProtocolVersion v = c.version;
  if (c.reserved_flag) return error(ErrorKind::Malformed, "connect flags", "reserved bit 0 is set", "MQTT-3.1.2-3");
  if (c.will)
    if (auto e = check_will_qos(c.will->qos, v)) return e;
  if (auto e = check_credentials(c.username.has_value(), c.password.has_value(), v)) return e;
  if (auto e = check_props(c.properties, PacketType::Connect, v)) return e;
  // Every string field has a two-byte length (MQTT 5.0 section 1.5.4, 3.1.1 section 1.5.3).
  if (c.client_id.size() > 0xFFFF)
    return error(ErrorKind::Malformed, "client identifier", "longer than 65,535 bytes");
  if (c.username && c.username->size() > 0xFFFF)
    return error(ErrorKind::Malformed, "user name", "longer than 65,535 bytes");
  if (auto e = check_utf8_field(c.client_id, "client identifier", "MQTT-3.1.3-4")) return e;
  if (c.will) {
    if (auto e = check_props(c.will->properties, PacketType::Connect, v, PropertyPlace::Will)) return e;
    if (auto e = check_topic_name_field(c.will->topic, "will topic", v, false)) return e;
    if (c.will->payload.size() > 0xFFFF)
      return error(ErrorKind::Malformed, "will payload", "longer than 65,535 bytes");
  }
  if (c.username)
    if (auto e = check_utf8_field(*c.username, "user name", v == ProtocolVersion::v5 ? "MQTT-3.1.3-12" : "MQTT-3.1.3-11"))
      return e;
  if (c.password && c.password->size() > 0xFFFF)
    return error(ErrorKind::Malformed, "password", "longer than 65,535 bytes");
  return std::nullopt;
}

Check check_publish(const Publish& p, ProtocolVersion v) {
  if (auto e = check_publish_flags(p.qos, p.dup)) return e;
  if (p.qos > 0) {
    if (auto e = check_packet_id(p.packet_id, v)) return e;
  } else if (p.packet_id != 0) {
    return error(ErrorKind::ProtocolError, "packet identifier", "a QoS 0 PUBLISH has no packet identifier",
                 v == ProtocolVersion::v5 ? "MQTT-2.2.1-2" : "MQTT-2.3.1-5");
  }
  if (auto e = check_props(p.properties, PacketType::Publish, v)) return e;
  return check_topic_name_field(p.topic, "topic name", v, find(p.properties, PropertyId::TopicAlias) != nullptr);
}

Check check_subscribe(const Subscribe& s, ProtocolVersion v) {
  if (auto e = check_packet_id(s.packet_id, v)) return e;
  if (auto e = check_props(s.properties, PacketType::Subscribe, v)) return e;
  if (s.subscriptions.empty())
    return error(ErrorKind::ProtocolError, "topic filter", "SUBSCRIBE with no topic filter",
                 v == ProtocolVersion::v5 ? "MQTT-3.8.3-2" : "MQTT-3.8.3-3");
  for (const auto& sub : s.subscriptions) {
    if (auto e = check_topic_filter_field(sub.filter)) return e;
    if (auto e = check_subscription(sub, v)) return e;
  }
  return std::nullopt;
}

Check check_unsubscribe(const Unsubscribe& u, ProtocolVersion v) {
  if (auto e = check_packet_id(u.packet_id, v)) return e;
  if (auto e = check_props(u.properties, PacketType::Unsubscribe, v)) return e;
  if (u.filters.empty())
    return error(ErrorKind::ProtocolError, "topic filter", "UNSUBSCRIBE with no topic filter", "MQTT-3.10.3-2");
  for (auto f : u.filters)
    if (auto e = check_topic_filter_field(f)) return e;
  return std::nullopt;
}

Check check(const Packet& packet, ProtocolVersion v) {
  if (resend_dup(packet)) {
    const PacketType t = type_of(packet);
    if (auto e = check_fixed_flags(t, static_cast<std::uint8_t>(required_flags(t) | 0x08), v)) return e;
  }
  return std::visit(
      [v](const auto& x) -> Check {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Connect>) {
          return check_connect(x);
        } else if constexpr (std::is_same_v<T, Connack>) {
          if (auto e = check_session_present(x.session_present, x.reason_code, v)) return e;
          if (auto e = check_reason_code(PacketType::Connack, x.reason_code, v)) return e;
          return check_props(x.properties, PacketType::Connack, v);
        } else if constexpr (std::is_same_v<T, Publish>) {
          return check_publish(x, v);
        } else if constexpr (std::is_same_v<T, Puback> || std::is_same_v<T, Pubrec> || std::is_same_v<T, Pubrel> ||
                             std::is_same_v<T, Pubcomp>) {
          if (auto e = check_packet_id(x.packet_id, v)) return e;
          return check_tail(T::kType, x.reason_code, x.properties, x.form, v);
        } else if constexpr (std::is_same_v<T, Subscribe>) {
          return check_subscribe(x, v);
        } else if constexpr (std::is_same_v<T, Suback>) {
          if (auto e = check_packet_id(x.packet_id, v)) return e;
          if (auto e = check_props(x.properties, PacketType::Suback, v)) return e;
          return check_codes(PacketType::Suback, x.reason_codes, v);
        } else if constexpr (std::is_same_v<T, Unsubscribe>) {
          return check_unsubscribe(x, v);
        } else if constexpr (std::is_same_v<T, Unsuback>) {
          if (auto e = check_packet_id(x.packet_id, v)) return e;
          if (auto e = check_props(x.properties, PacketType::Unsuback, v)) return e;
          if (v == ProtocolVersion::v5) return check_codes(PacketType::Unsuback, x.reason_codes, v);
          if (!x.reason_codes.empty())
            return error(ErrorKind::ProtocolError, "reason code", "UNSUBACK reason codes exist only in MQTT 5.0");
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, Disconnect>) {
          return check_tail(PacketType::Disconnect, x.reason_code, x.properties, x.form, v);
        } else if constexpr (std::is_same_v<T, Auth>) {
          if (v != ProtocolVersion::v5)
            return error(ErrorKind::Malformed, "fixed header",
                         fmt::format("AUTH does not exist in MQTT {}", version_name(v)));
          return check_tail(PacketType::Auth, x.reason_code, x.properties, x.form, v);
        } else {
          return std::nullopt;  // PINGREQ, PINGRESP
        }
      },
      packet);
}

}  // namespace

std::optional<DecodeError> validate(const Packet& p, ProtocolVersion version) {
  auto e = at_zero(check(p, version));
  if (e) return e;
  // Lengths the wire cannot express.
  if (const auto* pub = std::get_if<Publish>(&p); pub && pub->topic.size() > 0xFFFF)
    return error(ErrorKind::Malformed, "topic name", "longer than 65,535 bytes");
  return std::nullopt;
}

}  // namespace mq
