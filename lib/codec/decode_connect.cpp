#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

namespace {

/// Connect flags bits (MQTT 5.0 section 3.1.2.3, the same in 3.1 and 3.1.1).
constexpr std::uint8_t kReserved = 0x01;
constexpr std::uint8_t kCleanStart = 0x02;
constexpr std::uint8_t kWillFlag = 0x04;
constexpr std::uint8_t kWillRetain = 0x20;
constexpr std::uint8_t kPasswordFlag = 0x40;
constexpr std::uint8_t kUserNameFlag = 0x80;

/// The flag rules that only exist on the wire (will QoS and retain without a
/// will cannot be expressed in a Connect value). Returns false on failure.
bool check_flags(Reader& r, std::uint8_t flags, ProtocolVersion v, std::size_t at) {
  const bool v5 = v == ProtocolVersion::v5;
  const QoS will_qos = static_cast<QoS>((flags >> 3) & 0x03);
  // The flags were read, so a lenient reader notes these and goes on.
  if (flags & kReserved)
    r.violate({ErrorKind::Malformed, 0, "connect flags", "reserved bit 0 is set", "MQTT-3.1.2-3"}, at);
  else if (!(flags & kWillFlag) && will_qos != 0)
    r.violate({ErrorKind::Malformed, 0, "connect flags", "will QoS is not 0 but the will flag is 0",
               v5 ? "MQTT-3.1.2-11" : "MQTT-3.1.2-13"},
              at);
  else if (!(flags & kWillFlag) && (flags & kWillRetain))
    r.violate({ErrorKind::Malformed, 0, "connect flags", "will retain is set but the will flag is 0",
               v5 ? "MQTT-3.1.2-13" : "MQTT-3.1.2-15"},
              at);
  else if (auto e = check_will_qos(will_qos, v))
    fail_rule(r, e, at);
  else
    fail_rule(r, check_credentials(flags & kUserNameFlag, flags & kPasswordFlag, v), at);
  return !r.failed();
}

void read_will(Reader& r, std::uint8_t flags, ProtocolVersion v, Will& will) {
  will.qos = static_cast<QoS>((flags >> 3) & 0x03);
  will.retain = flags & kWillRetain;
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Connect, PropertyPlace::Will, will.properties);
  if (r.failed()) return;
  const std::size_t topic_at = r.offset() + 2;
  will.topic = r.string("will topic");
  if (!r.failed()) fail_rule(r, check_topic_name_field(will.topic, "will topic", v, false), topic_at);
  will.payload = r.binary("will payload");
}

}  // namespace

void decode_connect(Reader& r, Connect& out) {
  const std::size_t name_at = r.offset();
  out.protocol_name = r.string("protocol name");
  if (r.failed()) return;
  fail_rule(r, check_protocol_name(out.protocol_name), name_at);
  const std::size_t level_at = r.offset();
  std::uint8_t level = r.u8("protocol level");
  if (r.failed()) return;
  // mosquitto bridges set bit 7 of a 3.1 or 3.1.1 level (try_private): the
  // packet is otherwise that level's CONNECT, so it decodes and says so.
  if (level == 0x83 || level == 0x84) {
    out.bridge = true;
    level &= 0x7F;
  }
  fail_rule(r, check_protocol_level(level), level_at);
  fail_rule(r, check_protocol_pair(out.protocol_name, level), name_at);
  if (r.failed()) return;
  out.version = static_cast<ProtocolVersion>(level);
  const ProtocolVersion v = out.version;

  const std::size_t flags_at = r.offset();
  const std::uint8_t flags = r.u8("connect flags");
  if (r.failed() || !check_flags(r, flags, v, flags_at)) return;
  out.reserved_flag = flags & kReserved;
  out.clean_start = flags & kCleanStart;
  out.keep_alive = r.u16("keep alive");
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Connect, PropertyPlace::Packet, out.properties);
  if (r.failed()) return;
  out.client_id = read_utf8(r, "client identifier", "MQTT-3.1.3-4");
  if (r.failed()) return;

  if (flags & kWillFlag) {
    FieldTrace* trace = r.trace();
    const std::size_t index = trace ? trace->size() : 0;
    const std::size_t will_at = r.offset();
    const int depth = r.depth();
    r.set_depth(depth + 1);
    read_will(r, flags, v, out.will.emplace());
    r.set_depth(depth);
    if (trace)
      trace->insert(trace->begin() + static_cast<std::ptrdiff_t>(index),
                    TracedField{will_at, r.offset() - will_at, "will", depth});
    if (r.failed()) return;
  }
  if (flags & kUserNameFlag)
    out.username = read_utf8(r, "user name", v == ProtocolVersion::v5 ? "MQTT-3.1.3-12" : "MQTT-3.1.3-11");
  if (flags & kPasswordFlag) out.password = r.binary("password");
}

}  // namespace mq::detail
