// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK: MQTT 3.1.1 sections 3.8-3.11
// and MQTT 5.0 sections 3.8-3.11.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

const Bytes kSubscribeV311 = {
    0x82,                       // SUBSCRIBE, flags 0010
    0x0C,                       // remaining length 12
    0x00, 0x0A,                 // packet identifier 10
    0x00, 0x03, 'a', '/', 'b',  // topic filter "a/b"
    0x01,                       // requested QoS 1
    0x00, 0x01, '#',            // topic filter "#"
    0x02,                       // requested QoS 2
};

const Bytes kSubscribeV5 = {
    0x82,                       // SUBSCRIBE
    0x18,                       // remaining length 24
    0x00, 0x0B,                 // packet identifier 11
    0x02,                       // property length 2
    0x0B, 0x07,                 // Subscription Identifier 7
    0x00, 0x03, 'a', '/', '+',  // topic filter "a/+"
    0x2D,                       // options: retain handling 2, retain as published, no local, QoS 1
    0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'x',  // topic filter "$share/g/x"
    0x10,                       // options: retain handling 1, QoS 0
};

/// A 5.0 SUBSCRIBE of filter "a" with the given options byte.
Bytes subscribe_v5(std::uint8_t options, std::string_view filter = "a") {
  Bytes b = {0x82, static_cast<std::uint8_t>(2 + 1 + 2 + filter.size() + 1), 0x00, 0x01, 0x00, 0x00,
             static_cast<std::uint8_t>(filter.size())};
  b.insert(b.end(), filter.begin(), filter.end());
  b.push_back(options);
  return b;
}

}  // namespace

TEST_CASE("SUBSCRIBE 3.1.1") {
  auto s = decode_as<Subscribe>(kSubscribeV311, ProtocolVersion::v311);
  CHECK(s.packet_id == 10);
  REQUIRE(s.subscriptions.size() == 2);
  CHECK(s.subscriptions[0].filter == "a/b");
  CHECK(s.subscriptions[0].qos == 1);
  CHECK(s.subscriptions[1].filter == "#");
  CHECK(s.subscriptions[1].qos == 2);
  check_round_trip(kSubscribeV311, ProtocolVersion::v311);
  check_round_trip(kSubscribeV311, ProtocolVersion::v31);
}

TEST_CASE("SUBSCRIBE 5.0 with options and a Subscription Identifier") {
  auto s = decode_as<Subscribe>(kSubscribeV5, ProtocolVersion::v5);
  CHECK(s.packet_id == 11);
  REQUIRE(s.properties.size() == 1);
  CHECK(s.properties[0] == Property{PropertyId::SubscriptionIdentifier, 7, {}, {}});
  REQUIRE(s.subscriptions.size() == 2);
  const auto& a = s.subscriptions[0];
  CHECK(a.filter == "a/+");
  CHECK(a.qos == 1);
  CHECK(a.no_local);
  CHECK(a.retain_as_published);
  CHECK(a.retain_handling == 2);
  CHECK(a.reserved == 0);
  const auto& b = s.subscriptions[1];
  CHECK(b.filter == "$share/g/x");
  CHECK(b.qos == 0);
  CHECK_FALSE(b.no_local);
  CHECK(b.retain_handling == 1);
  check_round_trip(kSubscribeV5, ProtocolVersion::v5);
}

TEST_CASE("SUBSCRIBE errors") {
  SUBCASE("no topic filter") {
    expect_error({0x82, 0x02, 0x00, 0x01}, ProtocolVersion::v311, ErrorKind::ProtocolError, 4, "topic filter",
                 "MQTT-3.8.3-3");
    expect_error({0x82, 0x03, 0x00, 0x01, 0x00}, ProtocolVersion::v5, ErrorKind::ProtocolError, 5, "topic filter",
                 "MQTT-3.8.3-2");
  }
  SUBCASE("reserved fixed-header flags") {
    expect_error({0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 0,
                 "fixed header", "MQTT-2.2.2-1");
  }
  SUBCASE("packet identifier 0") {
    expect_error({0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 'a', 0x00}, ProtocolVersion::v311, ErrorKind::ProtocolError, 2,
                 "packet identifier", "MQTT-2.3.1-1");
  }
  SUBCASE("3.1.1 reserved option bits and QoS 3") {
    expect_error({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x04}, ProtocolVersion::v311, ErrorKind::Malformed, 7,
                 "subscription options", "MQTT-3.8.3-4");
    expect_error({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x03}, ProtocolVersion::v311, ErrorKind::Malformed, 7,
                 "subscription options", "MQTT-3.8.3-4");
  }
  SUBCASE("3.1.1 filter without options") {
    expect_error({0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'}, ProtocolVersion::v311, ErrorKind::Malformed, 7,
                 "subscription options");
  }
  SUBCASE("5.0 option rules") {
    // The options byte is at offset 8.
    expect_error(subscribe_v5(0x40), ProtocolVersion::v5, ErrorKind::Malformed, 8, "subscription options",
                 "MQTT-3.8.3-5");
    expect_error(subscribe_v5(0x30), ProtocolVersion::v5, ErrorKind::ProtocolError, 8, "subscription options");
    expect_error(subscribe_v5(0x03), ProtocolVersion::v5, ErrorKind::ProtocolError, 8, "subscription options");
    expect_error(subscribe_v5(0x04, "$share/g/a"), ProtocolVersion::v5, ErrorKind::ProtocolError, 17,
                 "subscription options", "MQTT-3.8.3-4");
    check_round_trip(subscribe_v5(0x04), ProtocolVersion::v5);  // No Local on an ordinary filter is fine
  }
  SUBCASE("topic filter rules") {
    expect_error(subscribe_v5(0x00, "a/#/b"), ProtocolVersion::v5, ErrorKind::ProtocolError, 9, "topic filter",
                 "MQTT-4.7.1-1");
    expect_error(subscribe_v5(0x00, "a+"), ProtocolVersion::v5, ErrorKind::ProtocolError, 8, "topic filter",
                 "MQTT-4.7.1-2");
    expect_error(subscribe_v5(0x00, "$share//a"), ProtocolVersion::v5, ErrorKind::ProtocolError, 14,
                 "topic filter", "MQTT-4.8.2-1");
    expect_error(subscribe_v5(0x00, ""), ProtocolVersion::v5, ErrorKind::ProtocolError, 7, "topic filter",
                 "MQTT-4.7.3-1");
    expect_error(subscribe_v5(0x00, "\xED\xA0\x80"), ProtocolVersion::v5, ErrorKind::Malformed, 7, "topic filter",
                 "MQTT-1.5.4-1");
  }
  SUBCASE("Subscription Identifier: once, and not 0") {
    const Bytes twice = {0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, 'a', 0x00};
    expect_error(twice, ProtocolVersion::v5, ErrorKind::ProtocolError, 7, "properties/Subscription Identifier");
    const Bytes zero = {0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, 'a', 0x00};
    expect_error(zero, ProtocolVersion::v5, ErrorKind::ProtocolError, 6, "properties/Subscription Identifier");
  }
}

TEST_CASE("SUBACK") {
  const Bytes v311 = {0x90, 0x05,  // SUBACK, remaining length 5
                      0x00, 0x0A,  // packet identifier 10
                      0x00, 0x01, 0x80};  // granted QoS 0, QoS 1, failure
  auto s = decode_as<Suback>(v311, ProtocolVersion::v311);
  CHECK(s.packet_id == 10);
  CHECK(s.reason_codes == std::vector<std::uint8_t>{0x00, 0x01, 0x80});
  check_round_trip(v311, ProtocolVersion::v311);
  check_round_trip({0x90, 0x03, 0x00, 0x0A, 0x02}, ProtocolVersion::v31);

  const Bytes v5 = {0x90, 0x0C,  // SUBACK, remaining length 12
                    0x00, 0x0B,  // packet identifier 11
                    0x04,        // property length 4
                    0x1F, 0x00, 0x01, 'r',  // Reason String "r"
                    0x02, 0x87, 0x97, 0xA2, 0x8F};  // Granted QoS 2, Not authorized, Quota exceeded, Wildcard..., Topic Filter invalid
  auto t = decode_as<Suback>(v5, ProtocolVersion::v5);
  CHECK(t.packet_id == 11);
  REQUIRE(t.properties.size() == 1);
  CHECK(t.reason_codes == std::vector<std::uint8_t>{0x02, 0x87, 0x97, 0xA2, 0x8F});
  check_round_trip(v5, ProtocolVersion::v5);

  expect_error({0x90, 0x03, 0x00, 0x0A, 0x03}, ProtocolVersion::v311, ErrorKind::ProtocolError, 4, "return code",
               "MQTT-3.9.3-2");
  expect_error({0x90, 0x03, 0x00, 0x0A, 0x80}, ProtocolVersion::v31, ErrorKind::ProtocolError, 4, "return code");
  expect_error({0x90, 0x04, 0x00, 0x0A, 0x00, 0x11}, ProtocolVersion::v5, ErrorKind::Malformed, 5, "reason code");
  expect_error({0x90, 0x02, 0x00, 0x0A}, ProtocolVersion::v311, ErrorKind::ProtocolError, 4, "return code");
  expect_error({0x90, 0x03, 0x00, 0x0A, 0x00}, ProtocolVersion::v5, ErrorKind::ProtocolError, 5, "reason code");
}

TEST_CASE("UNSUBSCRIBE") {
  const Bytes v311 = {0xA2, 0x0A,  // UNSUBSCRIBE, remaining length 10
                      0x00, 0x0C,  // packet identifier 12
                      0x00, 0x01, 'a',              // topic filter "a"
                      0x00, 0x03, 'b', '/', '#'};   // topic filter "b/#"
  auto u = decode_as<Unsubscribe>(v311, ProtocolVersion::v311);
  CHECK(u.packet_id == 12);
  CHECK(u.filters == std::vector<std::string_view>{"a", "b/#"});
  check_round_trip(v311, ProtocolVersion::v311);

  const Bytes v5 = {0xA2, 0x0D,  // UNSUBSCRIBE, remaining length 13
                    0x00, 0x0C,  // packet identifier 12
                    0x07,        // property length 7
                    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // User Property k=v
                    0x00, 0x01, 'a'};                        // topic filter "a"
  auto w = decode_as<Unsubscribe>(v5, ProtocolVersion::v5);
  REQUIRE(w.properties.size() == 1);
  CHECK(w.filters == std::vector<std::string_view>{"a"});
  check_round_trip(v5, ProtocolVersion::v5);

  expect_error({0xA2, 0x02, 0x00, 0x0C}, ProtocolVersion::v311, ErrorKind::ProtocolError, 4, "topic filter",
               "MQTT-3.10.3-2");
  expect_error({0xA0, 0x05, 0x00, 0x0C, 0x00, 0x01, 'a'}, ProtocolVersion::v311, ErrorKind::Malformed, 0,
               "fixed header", "MQTT-2.2.2-1");
  expect_error({0xA2, 0x05, 0x00, 0x0C, 0x00, 0x01, 'a', 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 7,
               "remaining length");  // declared 5 bytes, 6 follow
  expect_error({0xA2, 0x05, 0x00, 0x0C, 0x00, 0x01, 'a'}, ProtocolVersion::v5, ErrorKind::Malformed, 7,
               "topic filter");  // at 5.0 the 0x00 is the property length, so the filter length runs past the end
}

TEST_CASE("UNSUBACK") {
  check_round_trip({0xB0, 0x02, 0x00, 0x0C}, ProtocolVersion::v311);
  const Bytes v5 = {0xB0, 0x06,  // UNSUBACK, remaining length 6
                    0x00, 0x0C,  // packet identifier 12
                    0x00,        // property length 0
                    0x00, 0x11, 0x8F};  // Success, No subscription existed, Topic Filter invalid
  auto u = decode_as<Unsuback>(v5, ProtocolVersion::v5);
  CHECK(u.reason_codes == std::vector<std::uint8_t>{0x00, 0x11, 0x8F});
  check_round_trip(v5, ProtocolVersion::v5);
  expect_error({0xB0, 0x04, 0x00, 0x0C, 0x00, 0x01}, ProtocolVersion::v5, ErrorKind::Malformed, 5, "reason code");
  expect_error({0xB0, 0x03, 0x00, 0x0C, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 4, "remaining length");
}
