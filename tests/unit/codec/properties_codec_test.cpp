// Property lists (MQTT 5.0 section 2.2.2): every wire type, duplicates,
// placement, value rules and lengths. Every property is also decoded in
// the CONNECT, CONNACK and PUBLISH tests; this file checks that the three
// together cover the whole table.

#include <set>

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

/// A 5.0 QoS 0 PUBLISH to "t" with the given property bytes and payload "x".
Bytes publish_with(const Bytes& props) {
  Bytes b = {0x30, static_cast<std::uint8_t>(3 + 1 + props.size() + 1), 0x00, 0x01, 't',
             static_cast<std::uint8_t>(props.size())};
  b.insert(b.end(), props.begin(), props.end());
  b.push_back('x');
  return b;
}

// Properties start at offset 6 in publish_with().
constexpr std::size_t kFirst = 6;

}  // namespace

TEST_CASE("every property of the table is covered by a hand-written packet") {
  std::set<PropertyId> seen;
  auto collect = [&](const Properties& props) {
    for (const auto& p : props) seen.insert(p.id);
  };
  // The same packets as in connect_test, connack_test and publish_test, decoded again here.
  const Bytes connect = {0x10, 0x33, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x06, 0x00, 0x00,
                         0x1B,                                      // property length 27
                         0x11, 0x00, 0x00, 0x00, 0x01,              // Session Expiry Interval
                         0x21, 0x00, 0x01,                          // Receive Maximum
                         0x27, 0x00, 0x00, 0x00, 0x10,              // Maximum Packet Size
                         0x22, 0x00, 0x01,                          // Topic Alias Maximum
                         0x19, 0x00,                                // Request Response Information
                         0x17, 0x01,                                // Request Problem Information
                         0x15, 0x00, 0x01, 'm',                     // Authentication Method
                         0x16, 0x00, 0x00,                          // Authentication Data (empty)
                         0x00, 0x00,                                // client id
                         0x05, 0x18, 0x00, 0x00, 0x00, 0x00,        // will properties: Will Delay Interval
                         0x00, 0x01, 'w', 0x00, 0x00};              // will topic, will payload
  auto c = decode_as<Connect>(connect, std::nullopt);
  check_round_trip(connect, ProtocolVersion::v5);
  collect(c.properties);
  collect(c.will->properties);
  const Bytes connack = {0x20, 0x28, 0x00, 0x00, 0x25,  // CONNACK, remaining length 40, flags, Success, property length 37
                         0x12, 0x00, 0x01, 'c',     // Assigned Client Identifier
                         0x13, 0x00, 0x05,          // Server Keep Alive
                         0x1A, 0x00, 0x01, 'r',     // Response Information
                         0x1C, 0x00, 0x01, 's',     // Server Reference
                         0x1F, 0x00, 0x01, 'o',     // Reason String
                         0x24, 0x00,                // Maximum QoS 0
                         0x25, 0x01,                // Retain Available
                         0x28, 0x00,                // Wildcard Subscription Available
                         0x29, 0x01,                // Subscription Identifier Available
                         0x2A, 0x00,                // Shared Subscription Available
                         0x26, 0x00, 0x00, 0x00, 0x00,  // User Property with empty key and value
                         0x21, 0xFF, 0xFF};         // Receive Maximum 65535
  collect(decode_as<Connack>(connack, ProtocolVersion::v5).properties);
  check_round_trip(connack, ProtocolVersion::v5);
  const Bytes publish = publish_with({0x01, 0x01,                    // Payload Format Indicator
                                      0x02, 0xFF, 0xFF, 0xFF, 0xFF,  // Message Expiry Interval 2^32-1
                                      0x03, 0x00, 0x00,              // Content Type ""
                                      0x08, 0x00, 0x01, 'r',         // Response Topic
                                      0x09, 0x00, 0x00,              // Correlation Data (empty)
                                      0x0B, 0xFF, 0xFF, 0xFF, 0x7F,  // Subscription Identifier 268,435,455
                                      0x23, 0xFF, 0xFF});            // Topic Alias 65535
  auto p = decode_as<Publish>(publish, ProtocolVersion::v5);
  CHECK(p.properties[1].number == 0xFFFFFFFFu);
  CHECK(p.properties[5].number == kVarIntMax);
  collect(p.properties);
  check_round_trip(publish, ProtocolVersion::v5);
  for (const auto& info : all_properties()) {
    INFO(info.name);
    CHECK(seen.count(info.id) == 1);
  }
}

TEST_CASE("repeatable and duplicated properties") {
  // Two User Properties with the same key: both kept, in order.
  const Bytes users = publish_with({0x26, 0x00, 0x01, 'k', 0x00, 0x01, '1', 0x26, 0x00, 0x01, 'k', 0x00, 0x01, '2'});
  auto p = decode_as<Publish>(users, ProtocolVersion::v5);
  REQUIRE(p.properties.size() == 2);
  CHECK(p.properties[0].value == "1");
  CHECK(p.properties[1].value == "2");
  check_round_trip(users, ProtocolVersion::v5);
  // A second Content Type is a Protocol Error, reported at the second one.
  expect_error(publish_with({0x03, 0x00, 0x01, 'a', 0x03, 0x00, 0x01, 'b'}), ProtocolVersion::v5,
               ErrorKind::ProtocolError, kFirst + 4, "properties/Content Type");
  expect_error(publish_with({0x23, 0x00, 0x01, 0x23, 0x00, 0x02}), ProtocolVersion::v5, ErrorKind::ProtocolError,
               kFirst + 3, "properties/Topic Alias");
}

TEST_CASE("property identifiers and placement") {
  // Unknown, or not valid for the packet: a Malformed Packet either way (5.0 section 2.2.2.2).
  expect_error(publish_with({0x05, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed, kFirst, "properties");
  expect_error(publish_with({0x11, 0x00, 0x00, 0x00, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed, kFirst,
               "properties/Session Expiry Interval");
  expect_error(publish_with({0x18, 0x00, 0x00, 0x00, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed, kFirst,
               "properties/Will Delay Interval");
  // SUBSCRIBE id 1 with Topic Alias 1, "t" QoS 0; UNSUBSCRIBE id 1 with Content Type "a", "t".
  expect_error({0x82, 0x0A, 0x00, 0x01, 0x03, 0x23, 0x00, 0x01, 0x00, 0x01, 't', 0x00}, ProtocolVersion::v5,
               ErrorKind::Malformed, 5, "properties/Topic Alias");
  expect_error({0xA2, 0x0A, 0x00, 0x01, 0x04, 0x03, 0x00, 0x01, 'a', 0x00, 0x01, 't'}, ProtocolVersion::v5,
               ErrorKind::Malformed, 5, "properties/Content Type");
}

TEST_CASE("property values") {
  expect_error(publish_with({0x01, 0x02}), ProtocolVersion::v5, ErrorKind::ProtocolError, kFirst + 1,
               "properties/Payload Format Indicator");
  expect_error(publish_with({0x23, 0x00, 0x00}), ProtocolVersion::v5, ErrorKind::ProtocolError, kFirst + 1,
               "properties/Topic Alias", "MQTT-3.3.2-8");
  expect_error(publish_with({0x0B, 0x00}), ProtocolVersion::v5, ErrorKind::ProtocolError, kFirst + 1,
               "properties/Subscription Identifier");
  expect_error(publish_with({0x0B, 0x80, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed, kFirst + 1,
               "properties/Subscription Identifier", "MQTT-1.5.5-1");
  expect_error(publish_with({0x08, 0x00, 0x01, '#'}), ProtocolVersion::v5, ErrorKind::ProtocolError, kFirst + 3,
               "properties/Response Topic", "MQTT-3.3.2-2");
  expect_error(publish_with({0x03, 0x00, 0x02, 'a', 0xFF}), ProtocolVersion::v5, ErrorKind::Malformed, kFirst + 4,
               "properties/Content Type", "MQTT-1.5.4-1");
  expect_error(publish_with({0x26, 0x00, 0x01, 'k', 0x00, 0x01, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed,
               kFirst + 6, "properties/User Property", "MQTT-1.5.4-2");
  expect_error(publish_with({0x26, 0x00, 0x01, 0xC0, 0x00, 0x00}), ProtocolVersion::v5, ErrorKind::Malformed,
               kFirst + 3, "properties/User Property", "MQTT-1.5.4-1");
}

TEST_CASE("property lengths") {
  SUBCASE("property length past the end of the packet") {
    expect_error({0x30, 0x05, 0x00, 0x01, 't', 0x05, 0x01}, ProtocolVersion::v5, ErrorKind::Malformed, 6,
                 "properties");
  }
  SUBCASE("a value past the end of the property length") {
    // Property length 2 covers the identifier of Message Expiry Interval and one of its four bytes.
    const Bytes b = {0x30, 0x0A, 0x00, 0x01, 't', 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 'x'};
    DecodeError e = decode_err(b, ProtocolVersion::v5);
    CHECK(e.kind == ErrorKind::Malformed);
    CHECK(e.field == "properties/Message Expiry Interval");
    CHECK(e.offset == 7);
  }
  SUBCASE("a string past the end of the property length") {
    const Bytes b = {0x30, 0x09, 0x00, 0x01, 't', 0x03, 0x03, 0x00, 0x05, 'a', 'b'};
    expect_error(b, ProtocolVersion::v5, ErrorKind::Malformed, 9, "properties/Content Type");
  }
}
