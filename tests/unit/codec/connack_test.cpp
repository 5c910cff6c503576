// CONNACK: bytes written from MQTT 3.1.1 section 3.2 and MQTT 5.0 section 3.2.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

const Bytes kV5 = {
    0x20,                          // CONNACK
    0x43,                          // remaining length 67
    0x00,                          // acknowledge flags: no session present
    0x00,                          // reason code Success
    0x40,                          // property length 64
    0x11, 0x00, 0x00, 0x00, 0x78,  // Session Expiry Interval 120
    0x21, 0x00, 0x0A,              // Receive Maximum 10
    0x24, 0x01,                    // Maximum QoS 1
    0x25, 0x00,                    // Retain Available 0
    0x27, 0x00, 0x00, 0x04, 0x00,  // Maximum Packet Size 1024
    0x12, 0x00, 0x02, 'i', 'd',    // Assigned Client Identifier "id"
    0x22, 0x00, 0x05,              // Topic Alias Maximum 5
    0x1F, 0x00, 0x02, 'o', 'k',    // Reason String "ok"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // User Property k=v
    0x28, 0x01,                    // Wildcard Subscription Available 1
    0x29, 0x00,                    // Subscription Identifier Available 0
    0x2A, 0x01,                    // Shared Subscription Available 1
    0x13, 0x00, 0x3C,              // Server Keep Alive 60
    0x1A, 0x00, 0x02, 'r', 'i',    // Response Information "ri"
    0x1C, 0x00, 0x02, 's', 'r',    // Server Reference "sr"
    0x15, 0x00, 0x01, 'm',         // Authentication Method "m"
    0x16, 0x00, 0x01, 0x09,        // Authentication Data 09
};

}  // namespace

TEST_CASE("CONNACK 3.1.1 and 3.1") {
  const Bytes v311 = {0x20, 0x02, 0x01, 0x00};  // session present, accepted
  auto c = decode_as<Connack>(v311, ProtocolVersion::v311);
  CHECK(c.session_present);
  CHECK(c.reason_code == 0);
  check_round_trip(v311, ProtocolVersion::v311);

  const Bytes v31 = {0x20, 0x02, 0x00, 0x02};  // reserved byte, identifier rejected
  auto d = decode_as<Connack>(v31, ProtocolVersion::v31);
  CHECK_FALSE(d.session_present);
  CHECK(d.reason_code == 2);
  check_round_trip(v31, ProtocolVersion::v31);
}

TEST_CASE("CONNACK 5.0 with every CONNACK property") {
  auto c = decode_as<Connack>(kV5, ProtocolVersion::v5);
  CHECK_FALSE(c.session_present);
  CHECK(c.reason_code == 0);
  REQUIRE(c.properties.size() == 17);
  CHECK(c.properties[0] == Property{PropertyId::SessionExpiryInterval, 120, {}, {}});
  CHECK(c.properties[1] == Property{PropertyId::ReceiveMaximum, 10, {}, {}});
  CHECK(c.properties[2] == Property{PropertyId::MaximumQoS, 1, {}, {}});
  CHECK(c.properties[3] == Property{PropertyId::RetainAvailable, 0, {}, {}});
  CHECK(c.properties[4] == Property{PropertyId::MaximumPacketSize, 1024, {}, {}});
  CHECK(c.properties[5] == Property{PropertyId::AssignedClientIdentifier, 0, {}, "id"});
  CHECK(c.properties[6] == Property{PropertyId::TopicAliasMaximum, 5, {}, {}});
  CHECK(c.properties[7] == Property{PropertyId::ReasonString, 0, {}, "ok"});
  CHECK(c.properties[8] == Property{PropertyId::UserProperty, 0, "k", "v"});
  CHECK(c.properties[9] == Property{PropertyId::WildcardSubscriptionAvailable, 1, {}, {}});
  CHECK(c.properties[10] == Property{PropertyId::SubscriptionIdentifierAvailable, 0, {}, {}});
  CHECK(c.properties[11] == Property{PropertyId::SharedSubscriptionAvailable, 1, {}, {}});
  CHECK(c.properties[12] == Property{PropertyId::ServerKeepAlive, 60, {}, {}});
  CHECK(c.properties[13] == Property{PropertyId::ResponseInformation, 0, {}, "ri"});
  CHECK(c.properties[14] == Property{PropertyId::ServerReference, 0, {}, "sr"});
  CHECK(c.properties[15] == Property{PropertyId::AuthenticationMethod, 0, {}, "m"});
  CHECK(c.properties[16] == Property{PropertyId::AuthenticationData, 0, {}, "\x09"});
  check_round_trip(kV5, ProtocolVersion::v5);

  const Bytes refused = {0x20, 0x03, 0x00, 0x84, 0x00};  // Unsupported Protocol Version, no properties
  CHECK(decode_as<Connack>(refused, ProtocolVersion::v5).reason_code == 0x84);
  check_round_trip(refused, ProtocolVersion::v5);
}

TEST_CASE("CONNACK errors") {
  SUBCASE("reserved acknowledge flag bits") {
    expect_error({0x20, 0x02, 0x02, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 2, "acknowledge flags");
  }
  SUBCASE("3.1 has no session present") {
    expect_error({0x20, 0x02, 0x01, 0x00}, ProtocolVersion::v31, ErrorKind::Malformed, 2, "acknowledge flags");
  }
  SUBCASE("session present with a refusal") {
    expect_error({0x20, 0x02, 0x01, 0x05}, ProtocolVersion::v311, ErrorKind::ProtocolError, 2, "acknowledge flags",
                 "MQTT-3.2.2-4");
    expect_error({0x20, 0x03, 0x01, 0x80, 0x00}, ProtocolVersion::v5, ErrorKind::ProtocolError, 2,
                 "acknowledge flags", "MQTT-3.2.2-6");
  }
  SUBCASE("return code above 5") {
    expect_error({0x20, 0x02, 0x00, 0x06}, ProtocolVersion::v311, ErrorKind::ProtocolError, 3, "return code");
  }
  SUBCASE("5.0 reason code not defined for CONNACK") {
    expect_error({0x20, 0x03, 0x00, 0x10, 0x00}, ProtocolVersion::v5, ErrorKind::Malformed, 3, "reason code");
  }
  SUBCASE("5.0 without property length") {
    expect_error({0x20, 0x02, 0x00, 0x00}, ProtocolVersion::v5, ErrorKind::Malformed, 4, "property length");
  }
  SUBCASE("Maximum QoS 2") {
    expect_error({0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02}, ProtocolVersion::v5, ErrorKind::ProtocolError, 6,
                 "properties/Maximum QoS");
  }
  SUBCASE("Retain Available 2") {
    expect_error({0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02}, ProtocolVersion::v5, ErrorKind::ProtocolError, 6,
                 "properties/Retain Available");
  }
  SUBCASE("Topic Alias is a PUBLISH property") {
    expect_error({0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01}, ProtocolVersion::v5, ErrorKind::Malformed, 5,
                 "properties/Topic Alias");
  }
  SUBCASE("3.1.1 CONNACK of three bytes") {
    expect_error({0x20, 0x03, 0x00, 0x00, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 4, "remaining length");
  }
}
