// validate(): the decoder's rules checked on packets built in memory, and
// encode(valid packet) decoding back to an equal packet.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

void expect_invalid(const Packet& p, ProtocolVersion v, ErrorKind kind, std::string_view field,
                    std::string_view rule = {}) {
  auto e = validate(p, v);
  REQUIRE(e);
  INFO(to_string(*e));
  CHECK(e->kind == kind);
  CHECK(e->offset == 0);
  CHECK(e->field == field);
  CHECK(e->rule == rule);
}

/// A valid packet must encode, decode back equal, and re-encode the same.
void expect_round_trip(const Packet& p, ProtocolVersion v) {
  auto e = validate(p, v);
  if (e) FAIL_CHECK(to_string(*e));
  Bytes b = encode(p, v);
  CHECK(encoded_size(p, v) == b.size());
  auto d = decode_packet(b, v);
  if (!d) FAIL_CHECK(to_string(d.error()));
  REQUIRE(d.ok());
  CHECK(encode(*d, v) == b);
  CHECK(type_of(*d) == type_of(p));
}

}  // namespace

TEST_CASE("validate PUBLISH") {
  Publish p;
  p.topic = "a/b";
  p.qos = 1;
  p.packet_id = 7;
  p.payload = as_bytes("hello");
  expect_round_trip(p, ProtocolVersion::v311);
  const Bytes wire = encode(p, ProtocolVersion::v5);  // the decoded views point into it
  auto d = decode_as<Publish>(wire, ProtocolVersion::v5);
  CHECK(d.topic == p.topic);
  CHECK(d.packet_id == 7);
  CHECK(as_chars(d.payload) == "hello");

  Publish bad = p;
  bad.packet_id = 0;
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::ProtocolError, "packet identifier", "MQTT-2.3.1-1");
  bad = p;
  bad.qos = 3;
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::Malformed, "fixed header", "MQTT-3.3.1-4");
  bad = p;
  bad.qos = 0;
  bad.dup = true;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "fixed header", "MQTT-3.3.1-2");
  bad.dup = false;  // QoS 0 with a packet identifier would be lost on the wire
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "packet identifier", "MQTT-2.2.1-2");
  bad = p;
  bad.topic = "a/#";
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::ProtocolError, "topic name", "MQTT-3.3.2-2");
  bad = p;
  bad.topic = "";
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "topic name", "MQTT-4.7.3-1");
  bad.properties.push_back({PropertyId::TopicAlias, 3, {}, {}});
  expect_round_trip(bad, ProtocolVersion::v5);
  bad.properties.push_back({PropertyId::TopicAlias, 4, {}, {}});
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "properties/Topic Alias");
  bad = p;
  bad.properties.push_back({PropertyId::ContentType, 0, {}, "text"});
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::ProtocolError, "property length");
  bad.properties[0].id = static_cast<PropertyId>(0x05);
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "properties");
  bad.properties[0] = {PropertyId::SessionExpiryInterval, 1, {}, {}};
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "properties/Session Expiry Interval");
}

TEST_CASE("validate CONNECT") {
  Connect c;
  c.client_id = "me";
  c.username = "u";
  c.password = as_bytes("p");
  c.will = Will{"w/t", as_bytes("bye"), 1, true, {}};
  expect_round_trip(c, ProtocolVersion::v311);
  c.version = ProtocolVersion::v5;
  c.properties.push_back({PropertyId::SessionExpiryInterval, 60, {}, {}});
  c.will->properties.push_back({PropertyId::WillDelayInterval, 5, {}, {}});
  expect_round_trip(c, ProtocolVersion::v5);
  const Bytes wire = encode(c, ProtocolVersion::v5);
  auto d = decode_as<Connect>(wire, std::nullopt);
  CHECK(d.client_id == "me");
  CHECK(d.will->topic == "w/t");
  CHECK(d.will->properties == c.will->properties);
  CHECK(d.properties == c.properties);

  Connect bad = c;
  bad.will->properties[0].id = PropertyId::SessionExpiryInterval;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "will properties/Session Expiry Interval");
  bad = c;
  bad.will->qos = 3;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "connect flags", "MQTT-3.1.2-12");
  bad = c;
  bad.reserved_flag = true;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "connect flags", "MQTT-3.1.2-3");
  bad = c;
  bad.protocol_name = "MQIsdp";
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "protocol name", "MQTT-3.1.2-1");
  bad = c;
  bad.version = static_cast<ProtocolVersion>(7);
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "protocol level", "MQTT-3.1.2-2");
  bad = c;
  bad.version = ProtocolVersion::v311;
  bad.properties.clear();
  bad.will->properties.clear();
  bad.username.reset();
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::ProtocolError, "connect flags", "MQTT-3.1.2-22");
  bad = c;
  bad.client_id = std::string_view("a\0b", 3);
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::Malformed, "client identifier", "MQTT-3.1.3-4");
  bad = c;
  bad.will->topic = "w/+";
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "will topic", "MQTT-3.3.2-2");

  Connect v31;
  v31.protocol_name = "MQIsdp";
  v31.version = ProtocolVersion::v31;
  v31.client_id = "c";
  expect_round_trip(v31, ProtocolVersion::v31);
}

TEST_CASE("validate SUBSCRIBE family") {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions.push_back({"a/+", 1, false, false, 0, 0});
  expect_round_trip(s, ProtocolVersion::v311);
  s.subscriptions.push_back({"$share/g/b", 2, false, true, 2, 0});
  expect_round_trip(s, ProtocolVersion::v5);
  Subscribe bad = s;
  bad.subscriptions[1].no_local = true;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "subscription options", "MQTT-3.8.3-4");
  bad = s;
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::Malformed, "subscription options", "MQTT-3.8.3-4");
  bad.subscriptions.clear();
  expect_invalid(bad, ProtocolVersion::v311, ErrorKind::ProtocolError, "topic filter", "MQTT-3.8.3-3");
  bad = s;
  bad.subscriptions[0].retain_handling = 3;
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "subscription options");
  bad = s;
  bad.subscriptions[0].filter = "a/#/c";
  expect_invalid(bad, ProtocolVersion::v5, ErrorKind::ProtocolError, "topic filter", "MQTT-4.7.1-1");

  Suback a{1, {}, {0, 1, 0x80}};
  expect_round_trip(a, ProtocolVersion::v311);
  a.reason_codes = {0x11};
  expect_invalid(a, ProtocolVersion::v5, ErrorKind::Malformed, "reason code");
  a.reason_codes = {};
  expect_invalid(a, ProtocolVersion::v311, ErrorKind::ProtocolError, "return code");

  Unsubscribe u{2, {}, {"a", "b/#"}};
  expect_round_trip(u, ProtocolVersion::v5);
  u.filters.clear();
  expect_invalid(u, ProtocolVersion::v5, ErrorKind::ProtocolError, "topic filter", "MQTT-3.10.3-2");

  Unsuback ua{2, {}, {0x00, 0x11}};
  expect_round_trip(ua, ProtocolVersion::v5);
  expect_invalid(ua, ProtocolVersion::v311, ErrorKind::ProtocolError, "reason code");
}

TEST_CASE("validate acknowledgements, DISCONNECT, AUTH, CONNACK") {
  Puback a;
  a.packet_id = 9;
  a.reason_code = 0x10;
  expect_round_trip(a, ProtocolVersion::v5);
  expect_invalid(a, ProtocolVersion::v311, ErrorKind::ProtocolError, "reason code");
  a.reason_code = 0x92;  // Packet Identifier not found: PUBREL/PUBCOMP only
  expect_invalid(a, ProtocolVersion::v5, ErrorKind::Malformed, "reason code");
  Pubrel r;
  r.packet_id = 0;
  expect_invalid(r, ProtocolVersion::v5, ErrorKind::ProtocolError, "packet identifier", "MQTT-2.2.1-3");

  Disconnect d;
  d.reason_code = 0x8E;
  d.properties.push_back({PropertyId::ReasonString, 0, {}, "taken over"});
  expect_round_trip(d, ProtocolVersion::v5);
  d.properties.push_back({PropertyId::ReceiveMaximum, 1, {}, {}});
  expect_invalid(d, ProtocolVersion::v5, ErrorKind::Malformed, "properties/Receive Maximum");

  Auth au;
  au.reason_code = 0x18;
  au.properties.push_back({PropertyId::AuthenticationMethod, 0, {}, "m"});
  expect_round_trip(au, ProtocolVersion::v5);
  expect_invalid(au, ProtocolVersion::v311, ErrorKind::Malformed, "fixed header");
  au.properties[0].id = PropertyId::AuthenticationData;
  expect_invalid(au, ProtocolVersion::v5, ErrorKind::ProtocolError, "properties/Authentication Data");

  Connack c;
  c.session_present = true;
  expect_round_trip(c, ProtocolVersion::v311);
  c.reason_code = 5;
  expect_invalid(c, ProtocolVersion::v311, ErrorKind::ProtocolError, "acknowledge flags", "MQTT-3.2.2-4");
  c.session_present = false;
  c.reason_code = 6;
  expect_invalid(c, ProtocolVersion::v311, ErrorKind::ProtocolError, "return code");
  c.reason_code = 0x87;
  c.properties.push_back({PropertyId::MaximumQoS, 2, {}, {}});
  expect_invalid(c, ProtocolVersion::v5, ErrorKind::ProtocolError, "properties/Maximum QoS");

  expect_round_trip(Pingreq{}, ProtocolVersion::v31);
  expect_round_trip(Pingresp{}, ProtocolVersion::v5);
}
