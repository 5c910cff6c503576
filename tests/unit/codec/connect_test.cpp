// CONNECT at 3.1 ("MQIsdp", level 3), 3.1.1 and 5.0: bytes written from
// MQTT 3.1.1 section 3.1 and MQTT 5.0 section 3.1.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

const Bytes kV311Full = {
    0x10,                           // CONNECT
    0x22,                           // remaining length 34
    0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
    0x04,                           // protocol level 4 (3.1.1)
    0xEE,                           // flags: user name, password, will retain, will QoS 1, will, clean session
    0x00, 0x3C,                     // keep alive 60
    0x00, 0x03, 'c', 'i', 'd',      // client identifier "cid"
    0x00, 0x03, 'w', '/', 't',      // will topic "w/t"
    0x00, 0x02, 'b', 'y',           // will message "by"
    0x00, 0x04, 'u', 's', 'e', 'r', // user name "user"
    0x00, 0x02, 'p', 'w',           // password "pw"
};

const Bytes kV31 = {
    0x10,                                     // CONNECT
    0x10,                                     // remaining length 16
    0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', // protocol name "MQIsdp"
    0x03,                                     // protocol level 3 (3.1)
    0x02,                                     // flags: clean session
    0x00, 0x0A,                               // keep alive 10
    0x00, 0x02, 'c', '1',                     // client identifier "c1"
};

const Bytes kV5 = {
    0x10,                           // CONNECT
    0x5D,                           // remaining length 93
    0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
    0x05,                           // protocol level 5
    0x96,                           // flags: user name, will QoS 2, will, clean start
    0x00, 0x1E,                     // keep alive 30
    0x28,                           // property length 40
    0x11, 0x00, 0x00, 0x0E, 0x10,   // Session Expiry Interval 3600
    0x21, 0x00, 0x14,               // Receive Maximum 20
    0x27, 0x00, 0x00, 0x10, 0x00,   // Maximum Packet Size 4096
    0x22, 0x00, 0x0A,               // Topic Alias Maximum 10
    0x19, 0x01,                     // Request Response Information 1
    0x17, 0x00,                     // Request Problem Information 0
    0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',  // User Property a=b
    0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M',  // Authentication Method "SCRAM"
    0x16, 0x00, 0x02, 0x01, 0x02,   // Authentication Data 01 02
    0x00, 0x00,                     // client identifier "" (empty)
    0x1F,                           // will property length 31
    0x18, 0x00, 0x00, 0x00, 0x05,   // Will Delay Interval 5
    0x01, 0x00,                     // Payload Format Indicator 0
    0x02, 0x00, 0x00, 0x00, 0x0A,   // Message Expiry Interval 10
    0x03, 0x00, 0x01, 'j',          // Content Type "j"
    0x08, 0x00, 0x01, 'r',          // Response Topic "r"
    0x09, 0x00, 0x01, 0x07,         // Correlation Data 07
    0x26, 0x00, 0x01, 'x', 0x00, 0x01, 'y',  // User Property x=y
    0x00, 0x01, 'w',                // will topic "w"
    0x00, 0x00,                     // will payload (empty)
    0x00, 0x01, 'u',                // user name "u"
};

/// A 3.1.1 CONNECT with an empty client id and the given flags and level.
Bytes minimal(std::uint8_t flags, std::uint8_t level = 4, std::string_view name = "MQTT") {
  Bytes b = {0x10, static_cast<std::uint8_t>(2 + name.size() + 1 + 1 + 2 + 2 + (level == 5 ? 1 : 0)), 0x00,
             static_cast<std::uint8_t>(name.size())};
  b.insert(b.end(), name.begin(), name.end());
  b.insert(b.end(), {level, flags, 0x00, 0x3C});
  if (level == 5) b.push_back(0x00);  // property length 0
  b.insert(b.end(), {0x00, 0x00});     // client identifier ""
  return b;
}

}  // namespace

TEST_CASE("CONNECT 3.1.1 with will, user name and password") {
  auto c = decode_as<Connect>(kV311Full, std::nullopt);  // CONNECT carries its own level
  CHECK(c.protocol_name == "MQTT");
  CHECK(c.version == ProtocolVersion::v311);
  CHECK(c.clean_start);
  CHECK_FALSE(c.reserved_flag);
  CHECK(c.keep_alive == 60);
  CHECK(c.client_id == "cid");
  REQUIRE(c.will);
  CHECK(c.will->topic == "w/t");
  CHECK(as_chars(c.will->payload) == "by");
  CHECK(c.will->qos == 1);
  CHECK(c.will->retain);
  CHECK(c.username == "user");
  REQUIRE(c.password);
  CHECK(as_chars(*c.password) == "pw");
  check_round_trip(kV311Full, ProtocolVersion::v311);
}

TEST_CASE("CONNECT 3.1 (MQIsdp)") {
  auto c = decode_as<Connect>(kV31, std::nullopt);
  CHECK(c.protocol_name == "MQIsdp");
  CHECK(c.version == ProtocolVersion::v31);
  CHECK(c.keep_alive == 10);
  CHECK(c.client_id == "c1");
  CHECK_FALSE(c.will);
  CHECK_FALSE(c.username);
  CHECK_FALSE(c.password);
  check_round_trip(kV31, ProtocolVersion::v31);
}

TEST_CASE("CONNECT 5.0 with properties and will properties") {
  auto c = decode_as<Connect>(kV5, std::nullopt);
  CHECK(c.version == ProtocolVersion::v5);
  CHECK(c.keep_alive == 30);
  REQUIRE(c.properties.size() == 9);
  CHECK(c.properties[0] == Property{PropertyId::SessionExpiryInterval, 3600, {}, {}});
  CHECK(c.properties[1] == Property{PropertyId::ReceiveMaximum, 20, {}, {}});
  CHECK(c.properties[2] == Property{PropertyId::MaximumPacketSize, 4096, {}, {}});
  CHECK(c.properties[3] == Property{PropertyId::TopicAliasMaximum, 10, {}, {}});
  CHECK(c.properties[4] == Property{PropertyId::RequestResponseInformation, 1, {}, {}});
  CHECK(c.properties[5] == Property{PropertyId::RequestProblemInformation, 0, {}, {}});
  CHECK(c.properties[6] == Property{PropertyId::UserProperty, 0, "a", "b"});
  CHECK(c.properties[7] == Property{PropertyId::AuthenticationMethod, 0, {}, "SCRAM"});
  CHECK(c.properties[8] == Property{PropertyId::AuthenticationData, 0, {}, "\x01\x02"});
  CHECK(c.client_id.empty());
  REQUIRE(c.will);
  CHECK(c.will->qos == 2);
  CHECK_FALSE(c.will->retain);
  REQUIRE(c.will->properties.size() == 7);
  CHECK(c.will->properties[0] == Property{PropertyId::WillDelayInterval, 5, {}, {}});
  CHECK(c.will->properties[1] == Property{PropertyId::PayloadFormatIndicator, 0, {}, {}});
  CHECK(c.will->properties[2] == Property{PropertyId::MessageExpiryInterval, 10, {}, {}});
  CHECK(c.will->properties[3] == Property{PropertyId::ContentType, 0, {}, "j"});
  CHECK(c.will->properties[4] == Property{PropertyId::ResponseTopic, 0, {}, "r"});
  CHECK(c.will->properties[5] == Property{PropertyId::CorrelationData, 0, {}, "\x07"});
  CHECK(c.will->properties[6] == Property{PropertyId::UserProperty, 0, "x", "y"});
  CHECK(c.will->topic == "w");
  CHECK(c.will->payload.empty());
  CHECK(c.username == "u");
  CHECK_FALSE(c.password);
  check_round_trip(kV5, ProtocolVersion::v5);
}

TEST_CASE("CONNECT protocol name and level") {
  SUBCASE("unknown level is a protocol error on the level, for a 0x84 / return code 1 answer") {
    expect_error(minimal(0x02, 6), std::nullopt, ErrorKind::ProtocolError, 8, "protocol level", "MQTT-3.1.2-2");
    expect_error(minimal(0x02, 0), ProtocolVersion::v5, ErrorKind::ProtocolError, 8, "protocol level",
                 "MQTT-3.1.2-2");
  }
  SUBCASE("name and level must agree") {
    expect_error(minimal(0x02, 3, "MQTT"), std::nullopt, ErrorKind::ProtocolError, 2, "protocol name",
                 "MQTT-3.1.2-1");
    expect_error(minimal(0x02, 4, "MQIsdp"), std::nullopt, ErrorKind::ProtocolError, 2, "protocol name",
                 "MQTT-3.1.2-1");
  }
  SUBCASE("unknown name") {
    expect_error(minimal(0x02, 4, "MQTX"), std::nullopt, ErrorKind::ProtocolError, 2, "protocol name",
                 "MQTT-3.1.2-1");
  }
  SUBCASE("minimal packets decode") {
    check_round_trip(minimal(0x00), ProtocolVersion::v311);
    check_round_trip(minimal(0x02, 5), ProtocolVersion::v5);
  }
}

TEST_CASE("CONNECT flag rules") {
  // The connect flags byte is at offset 9 in these packets.
  SUBCASE("reserved bit") {
    expect_error(minimal(0x03), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-3");
    expect_error(minimal(0x01, 5), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-3");
  }
  SUBCASE("will QoS without the will flag") {
    expect_error(minimal(0x0A), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-13");
    expect_error(minimal(0x12, 5), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-11");
  }
  SUBCASE("will retain without the will flag") {
    expect_error(minimal(0x22), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-15");
    expect_error(minimal(0x22, 5), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-13");
  }
  SUBCASE("will QoS 3") {
    expect_error(minimal(0x1E), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-14");
    expect_error(minimal(0x1E, 5), std::nullopt, ErrorKind::Malformed, 9, "connect flags", "MQTT-3.1.2-12");
  }
  SUBCASE("password without user name: forbidden in 3.1.1, allowed in 5.0") {
    expect_error(minimal(0x42), std::nullopt, ErrorKind::ProtocolError, 9, "connect flags", "MQTT-3.1.2-22");
    Bytes v5 = minimal(0x40, 5);
    v5.insert(v5.end(), {0x00, 0x01, 's'});  // password "s"
    v5[1] += 3;
    auto c = decode_as<Connect>(v5, std::nullopt);
    CHECK_FALSE(c.username);
    REQUIRE(c.password);
    CHECK(as_chars(*c.password) == "s");
    check_round_trip(v5, ProtocolVersion::v5);
  }
  SUBCASE("will flag set but no will fields") {
    expect_error(minimal(0x04), std::nullopt, ErrorKind::Malformed, 14, "will topic");
  }
  SUBCASE("user name flag set but no user name") {
    expect_error(minimal(0x80), std::nullopt, ErrorKind::Malformed, 14, "user name");
  }
}

TEST_CASE("CONNECT payload rules") {
  SUBCASE("client identifier must be UTF-8") {
    Bytes b = minimal(0x02);
    b.back() = 0x01;  // client id length 1
    b.push_back(0xFF);
    b[1] += 1;
    expect_error(b, std::nullopt, ErrorKind::Malformed, 14, "client identifier", "MQTT-3.1.3-4");
  }
  SUBCASE("will topic with a wildcard") {
    Bytes b = cat({minimal(0x06), {0x00, 0x01, '#', 0x00, 0x00}});  // will topic "#", empty will message
    b[1] += 5;
    expect_error(b, std::nullopt, ErrorKind::ProtocolError, 16, "will topic", "MQTT-3.3.2-2");
  }
  SUBCASE("user name must be UTF-8") {
    Bytes b = cat({minimal(0x82), {0x00, 0x02, 'a', 0x00}});
    b[1] += 4;
    expect_error(b, std::nullopt, ErrorKind::Malformed, 17, "user name", "MQTT-3.1.3-11");
  }
  SUBCASE("bytes left over after the password") {
    Bytes b = cat({minimal(0xC2), {0x00, 0x01, 'u', 0x00, 0x01, 'p', 0x99}});
    b[1] += 7;
    expect_error(b, std::nullopt, ErrorKind::Malformed, 20, "remaining length");
  }
}

TEST_CASE("CONNECT 5.0 property placement") {
  SUBCASE("a will-only property in the CONNECT properties") {
    Bytes b = {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
               0x05,                          // property length 5
               0x18, 0x00, 0x00, 0x00, 0x01,  // Will Delay Interval: will properties only
               0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::Malformed, 13, "properties/Will Delay Interval");
  }
  SUBCASE("a CONNECT property in the will properties") {
    Bytes b = {0x10, 0x18, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x06, 0x00, 0x3C,
               0x00,                          // property length 0
               0x00, 0x00,                    // client id ""
               0x05,                          // will property length 5
               0x11, 0x00, 0x00, 0x00, 0x01,  // Session Expiry Interval: not a will property
               0x00, 0x01, 'w', 0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::Malformed, 16, "will properties/Session Expiry Interval");
  }
  SUBCASE("Authentication Data without Authentication Method") {
    Bytes b = {0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
               0x04,                    // property length 4
               0x16, 0x00, 0x01, 0xAA,  // Authentication Data
               0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::ProtocolError, 12, "properties/Authentication Data");
  }
  SUBCASE("Receive Maximum 0") {
    Bytes b = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
               0x03, 0x21, 0x00, 0x00,  // Receive Maximum 0
               0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::ProtocolError, 14, "properties/Receive Maximum");
  }
  SUBCASE("Maximum Packet Size 0") {
    Bytes b = {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
               0x05, 0x27, 0x00, 0x00, 0x00, 0x00,  // Maximum Packet Size 0
               0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::ProtocolError, 14, "properties/Maximum Packet Size");
  }
  SUBCASE("Request Problem Information 2") {
    Bytes b = {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
               0x02, 0x17, 0x02,  // Request Problem Information 2
               0x00, 0x00};
    expect_error(b, std::nullopt, ErrorKind::ProtocolError, 14, "properties/Request Problem Information");
  }
}
