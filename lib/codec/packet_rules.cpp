#include "codec/packet_rules.hpp"

#include <string>

#include <fmt/format.h>

#include "codec/reason_codes.hpp"
#include "codec/rules.hpp"

namespace mq {

namespace {

DecodeError error(ErrorKind kind, std::string_view field, std::string message, std::string_view rule = {},
                  std::size_t offset = 0) {
  return DecodeError{kind, offset, std::string(field), std::move(message), std::string(rule)};
}

bool is_utf8_rule(std::string_view rule) { return rule.substr(0, 9) == "MQTT-1.5."; }

/// A content-rule violation as an error: UTF-8 problems make the packet
/// malformed, the other topic rules are protocol errors.
DecodeError from_violation(const Violation& v, std::string_view field) {
  return error(is_utf8_rule(v.rule) ? ErrorKind::Malformed : ErrorKind::ProtocolError, field,
               std::string(v.message), v.rule, v.position);
}

}  // namespace

std::string_view reserved_flags_rule(ProtocolVersion v) {
  return v == ProtocolVersion::v5 ? "MQTT-2.1.3-1" : "MQTT-2.2.2-1";
}

std::optional<DecodeError> check_fixed_flags(PacketType t, std::uint8_t flags, ProtocolVersion v) {
  const std::uint8_t required = required_flags(t);
  if (flags == required) return std::nullopt;
  if (resend_flag_allowed(t, v)) {
    if (flags == (required | 0x08)) return std::nullopt;
    return error(ErrorKind::Malformed, "fixed header",
                 fmt::format("reserved flags of {} are 0x{:X}, must be 0x{:X} (0x{:X} when resent)", packet_type_name(t),
                             flags, required, required | 0x08),
                 reserved_flags_rule(v));
  }
  return error(ErrorKind::Malformed, "fixed header",
               fmt::format("reserved flags of {} are 0x{:X}, must be 0x{:X}", packet_type_name(t), flags, required),
               reserved_flags_rule(v));
}

std::optional<DecodeError> check_publish_flags(QoS qos, bool dup) {
  if (qos > 2) return error(ErrorKind::Malformed, "fixed header", "PUBLISH with QoS 3", "MQTT-3.3.1-4");
  if (dup && qos == 0)
    return error(ErrorKind::Malformed, "fixed header", "DUP flag set on a QoS 0 PUBLISH", "MQTT-3.3.1-2");
  return std::nullopt;
}

std::optional<DecodeError> check_packet_id(std::uint16_t id, ProtocolVersion v) {
  if (id != 0) return std::nullopt;
  return error(ErrorKind::ProtocolError, "packet identifier", "packet identifier 0 is not allowed",
               v == ProtocolVersion::v5 ? "MQTT-2.2.1-3" : "MQTT-2.3.1-1");
}

std::optional<DecodeError> check_utf8_field(std::string_view s, std::string_view field, std::string_view rule) {
  auto v = check_utf8(s);
  if (!v) return std::nullopt;
  DecodeError e = from_violation(*v, field);
  if (!rule.empty()) e.rule = std::string(rule);
  return e;
}

std::optional<DecodeError> check_topic_name_field(std::string_view topic, std::string_view field,
                                                  ProtocolVersion v, bool has_topic_alias) {
  if (topic.empty()) {
    if (v == ProtocolVersion::v5 && has_topic_alias) return std::nullopt;
    return error(ErrorKind::ProtocolError, field,
                 v == ProtocolVersion::v5 && field == "topic name" ? "topic name is empty and there is no Topic Alias"
                                                                  : "topic name is empty",
                 "MQTT-4.7.3-1");
  }
  if (auto viol = check_topic_name(topic)) return from_violation(*viol, field);
  return std::nullopt;
}

std::optional<DecodeError> check_topic_filter_field(std::string_view filter) {
  if (auto viol = check_topic_filter(filter)) return from_violation(*viol, "topic filter");
  return std::nullopt;
}

std::optional<DecodeError> check_subscription(const Subscription& s, ProtocolVersion v) {
  constexpr std::string_view field = "subscription options";
  if (v != ProtocolVersion::v5) {
    if (s.qos > 2)
      return error(ErrorKind::Malformed, field, "requested QoS 3", "MQTT-3.8.3-4");
    if (s.reserved || s.no_local || s.retain_as_published || s.retain_handling)
      return error(ErrorKind::Malformed, field, "reserved bits 2-7 are not 0", "MQTT-3.8.3-4");
    return std::nullopt;
  }
  if (s.qos > 2) return error(ErrorKind::ProtocolError, field, "Maximum QoS 3");
  if (s.reserved) return error(ErrorKind::Malformed, field, "reserved bits 6-7 are not 0", "MQTT-3.8.3-5");
  if (s.retain_handling > 2) return error(ErrorKind::ProtocolError, field, "Retain Handling 3");
  if (s.no_local && parse_shared(s.filter))
    return error(ErrorKind::ProtocolError, field, "No Local set on a shared subscription", "MQTT-3.8.3-4");
  return std::nullopt;
}

std::string_view reason_field(PacketType t, ProtocolVersion v) {
  return v == ProtocolVersion::v5 || (t != PacketType::Connack && t != PacketType::Suback) ? "reason code"
                                                                                            : "return code";
}

std::optional<DecodeError> check_reason_code(PacketType t, std::uint8_t code, ProtocolVersion v) {
  std::string_view field = reason_field(t, v);
  if (v == ProtocolVersion::v5) {
    if (reason_allowed(t, code)) return std::nullopt;
    return error(ErrorKind::Malformed, field,
                 fmt::format("reason code 0x{:02X} is not defined for {}", code, packet_type_name(t)));
  }
  if (t == PacketType::Connack) {
    if (code <= 5) return std::nullopt;
    return error(ErrorKind::ProtocolError, field, fmt::format("return code {} is reserved", code));
  }
  if (t == PacketType::Suback) {
    if (code <= 2 || (code == 0x80 && v == ProtocolVersion::v311)) return std::nullopt;
    return error(ErrorKind::ProtocolError, field, fmt::format("return code 0x{:02X} is not allowed", code),
                 v == ProtocolVersion::v311 ? "MQTT-3.9.3-2" : "");
  }
  return std::nullopt;
}

std::optional<DecodeError> check_session_present(bool session_present, std::uint8_t code, ProtocolVersion v) {
  if (!session_present) return std::nullopt;
  if (v == ProtocolVersion::v31)
    return error(ErrorKind::Malformed, "acknowledge flags", "MQTT 3.1 has no Session Present flag");
  if (code != 0)
    return error(ErrorKind::ProtocolError, "acknowledge flags", "Session Present set with a non-zero code",
                 v == ProtocolVersion::v5 ? "MQTT-3.2.2-6" : "MQTT-3.2.2-4");
  return std::nullopt;
}

std::optional<DecodeError> check_protocol_name(std::string_view name) {
  if (name == "MQTT" || name == "MQIsdp") return std::nullopt;
  return error(ErrorKind::ProtocolError, "protocol name", "protocol name is neither \"MQTT\" nor \"MQIsdp\"",
               "MQTT-3.1.2-1");
}

std::optional<DecodeError> check_protocol_level(std::uint8_t level) {
  if (level >= 3 && level <= 5) return std::nullopt;
  return error(ErrorKind::ProtocolError, "protocol level", fmt::format("unsupported protocol level {}", level),
               "MQTT-3.1.2-2");
}

std::optional<DecodeError> check_protocol_pair(std::string_view name, std::uint8_t level) {
  if ((level == 3) == (name == "MQIsdp")) return std::nullopt;
  return error(ErrorKind::ProtocolError, "protocol name",
               fmt::format("protocol name \"{}\" does not go with protocol level {} ({} expected)", name, level,
                           level == 3 ? "MQIsdp" : "MQTT"),
               "MQTT-3.1.2-1");
}

std::optional<DecodeError> check_will_qos(QoS qos, ProtocolVersion v) {
  if (qos <= 2) return std::nullopt;
  return error(ErrorKind::Malformed, "connect flags", "will QoS 3",
               v == ProtocolVersion::v5 ? "MQTT-3.1.2-12" : "MQTT-3.1.2-14");
}

std::optional<DecodeError> check_credentials(bool has_username, bool has_password, ProtocolVersion v) {
  if (v == ProtocolVersion::v5 || has_username || !has_password) return std::nullopt;
  return error(ErrorKind::ProtocolError, "connect flags", "password flag set without the user name flag",
               "MQTT-3.1.2-22");
}

}  // namespace mq
