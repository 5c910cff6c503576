// PUBLISH at every level: bytes written from MQTT 3.1.1 section 3.3 and
// MQTT 5.0 section 3.3, decoded field by field, re-encoded, and broken.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

// QoS 1 PUBLISH, topic "a/b", packet id 10, payload "hi" (3.1 and 3.1.1 agree).
const Bytes kQos1 = {
    0x32,                    // PUBLISH, DUP 0, QoS 1, RETAIN 0
    0x09,                    // remaining length 9
    0x00, 0x03, 'a', '/', 'b',  // topic name "a/b"
    0x00, 0x0A,              // packet identifier 10
    'h', 'i',                // payload
};

// 5.0 QoS 0 PUBLISH with RETAIN and every property PUBLISH may carry.
const Bytes kV5Props = {
    0x31,              // PUBLISH, QoS 0, RETAIN 1
    0x2D,              // remaining length 45
    0x00, 0x01, 't',   // topic name "t"
    0x28,              // property length 40
    0x01, 0x01,        // Payload Format Indicator 1 (byte)
    0x02, 0x00, 0x00, 0x00, 0x3C,  // Message Expiry Interval 60 (four-byte integer)
    0x03, 0x00, 0x04, 't', 'e', 'x', 't',  // Content Type "text" (UTF-8 string)
    0x08, 0x00, 0x03, 'r', '/', 'x',  // Response Topic "r/x"
    0x09, 0x00, 0x02, 0xAB, 0xCD,     // Correlation Data AB CD (binary data)
    0x0B, 0x05,                       // Subscription Identifier 5 (variable byte integer)
    0x0B, 0x80, 0x01,                 // Subscription Identifier 128 (two-byte varint)
    0x23, 0x00, 0x07,                 // Topic Alias 7 (two-byte integer)
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // User Property k=v (string pair)
    'x',               // payload
};

}  // namespace

TEST_CASE("PUBLISH QoS 1 at 3.1.1 and 3.1") {
  for (auto v : {ProtocolVersion::v311, ProtocolVersion::v31}) {
    auto p = decode_as<Publish>(kQos1, v);
    CHECK_FALSE(p.dup);
    CHECK(p.qos == 1);
    CHECK_FALSE(p.retain);
    CHECK(p.topic == "a/b");
    CHECK(p.packet_id == 10);
    CHECK(p.properties.empty());
    CHECK(as_chars(p.payload) == "hi");
    // Views into the input, not copies.
    CHECK(reinterpret_cast<const std::uint8_t*>(p.topic.data()) == kQos1.data() + 4);
    CHECK(p.payload.data() == kQos1.data() + 9);
    check_round_trip(kQos1, v);
  }
}

TEST_CASE("PUBLISH QoS 0 and QoS 2, empty payload") {
  const Bytes qos0 = {0x30, 0x03, 0x00, 0x01, 'x'};  // QoS 0: no packet identifier, empty payload
  auto p = decode_as<Publish>(qos0, ProtocolVersion::v311);
  CHECK(p.qos == 0);
  CHECK(p.packet_id == 0);
  CHECK(p.payload.empty());
  check_round_trip(qos0, ProtocolVersion::v311);

  const Bytes qos2 = {0x3D, 0x06, 0x00, 0x01, 'x', 0xFF, 0xFF, 0x00};  // DUP, QoS 2, RETAIN; id 65535; payload 00
  auto q = decode_as<Publish>(qos2, ProtocolVersion::v311);
  CHECK(q.dup);
  CHECK(q.qos == 2);
  CHECK(q.retain);
  CHECK(q.packet_id == 0xFFFF);
  CHECK(q.payload.size() == 1);
  check_round_trip(qos2, ProtocolVersion::v311);
}

TEST_CASE("PUBLISH 5.0 with every PUBLISH property") {
  auto p = decode_as<Publish>(kV5Props, ProtocolVersion::v5);
  CHECK(p.retain);
  CHECK(p.topic == "t");
  REQUIRE(p.properties.size() == 9);
  CHECK(p.properties[0] == Property{PropertyId::PayloadFormatIndicator, 1, {}, {}});
  CHECK(p.properties[1] == Property{PropertyId::MessageExpiryInterval, 60, {}, {}});
  CHECK(p.properties[2] == Property{PropertyId::ContentType, 0, {}, "text"});
  CHECK(p.properties[3] == Property{PropertyId::ResponseTopic, 0, {}, "r/x"});
  CHECK(p.properties[4] == Property{PropertyId::CorrelationData, 0, {}, "\xAB\xCD"});
  CHECK(p.properties[5] == Property{PropertyId::SubscriptionIdentifier, 5, {}, {}});
  CHECK(p.properties[6] == Property{PropertyId::SubscriptionIdentifier, 128, {}, {}});
  CHECK(p.properties[7] == Property{PropertyId::TopicAlias, 7, {}, {}});
  CHECK(p.properties[8] == Property{PropertyId::UserProperty, 0, "k", "v"});
  CHECK(as_chars(p.payload) == "x");
  check_round_trip(kV5Props, ProtocolVersion::v5);
}

TEST_CASE("PUBLISH 5.0: empty topic needs a Topic Alias") {
  const Bytes with_alias = {0x30, 0x06, 0x00, 0x00,  // empty topic
                            0x03, 0x23, 0x00, 0x01};  // properties: Topic Alias 1
  CHECK(decode_as<Publish>(with_alias, ProtocolVersion::v5).topic.empty());
  check_round_trip(with_alias, ProtocolVersion::v5);
  const Bytes without = {0x30, 0x03, 0x00, 0x00, 0x00};  // empty topic, no properties
  expect_error(without, ProtocolVersion::v5, ErrorKind::ProtocolError, 4, "topic name", "MQTT-4.7.3-1");
  const Bytes v311 = {0x30, 0x02, 0x00, 0x00};
  expect_error(v311, ProtocolVersion::v311, ErrorKind::ProtocolError, 4, "topic name", "MQTT-4.7.3-1");
}

TEST_CASE("PUBLISH errors") {
  SUBCASE("QoS 3") {
    expect_error({0x36, 0x05, 0x00, 0x01, 'a', 0x00, 0x01}, ProtocolVersion::v311, ErrorKind::Malformed, 0,
                 "fixed header", "MQTT-3.3.1-4");
  }
  SUBCASE("DUP with QoS 0") {
    expect_error({0x38, 0x03, 0x00, 0x01, 'a'}, ProtocolVersion::v5, ErrorKind::Malformed, 0, "fixed header",
                 "MQTT-3.3.1-2");
  }
  SUBCASE("packet identifier 0") {
    expect_error({0x32, 0x05, 0x00, 0x01, 'a', 0x00, 0x00}, ProtocolVersion::v311, ErrorKind::ProtocolError, 5,
                 "packet identifier", "MQTT-2.3.1-1");
    expect_error({0x32, 0x06, 0x00, 0x01, 'a', 0x00, 0x00, 0x00}, ProtocolVersion::v5, ErrorKind::ProtocolError, 5,
                 "packet identifier", "MQTT-2.2.1-3");
  }
  SUBCASE("wildcard in the topic name") {
    expect_error({0x30, 0x05, 0x00, 0x03, 'a', '/', '+'}, ProtocolVersion::v311, ErrorKind::ProtocolError, 6,
                 "topic name", "MQTT-3.3.2-2");
  }
  SUBCASE("U+0000 in the topic name") {
    expect_error({0x30, 0x05, 0x00, 0x03, 'a', 0x00, 'b'}, ProtocolVersion::v311, ErrorKind::Malformed, 5,
                 "topic name", "MQTT-1.5.4-2");
  }
  SUBCASE("ill-formed UTF-8 in the topic name") {
    expect_error({0x30, 0x04, 0x00, 0x02, 'a', 0xC3}, ProtocolVersion::v5, ErrorKind::Malformed, 5, "topic name",
                 "MQTT-1.5.4-1");
  }
  SUBCASE("topic length past the remaining length") {
    expect_error({0x30, 0x03, 0x00, 0x05, 'a'}, ProtocolVersion::v311, ErrorKind::Malformed, 4, "topic name");
  }
  SUBCASE("QoS 1 with no room for the packet identifier") {
    expect_error({0x32, 0x04, 0x00, 0x01, 'a', 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 5,
                 "packet identifier");
  }
  SUBCASE("5.0 without a property length") {
    expect_error({0x30, 0x03, 0x00, 0x01, 'a'}, ProtocolVersion::v5, ErrorKind::Malformed, 5, "property length");
  }
  SUBCASE("bytes after the declared packet") {
    expect_error({0x30, 0x03, 0x00, 0x01, 'a', 'z'}, ProtocolVersion::v311, ErrorKind::Malformed, 5,
                 "remaining length");
  }
}
