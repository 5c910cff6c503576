// PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT, AUTH, PINGREQ, PINGRESP:
// MQTT 3.1.1 sections 3.4-3.7, 3.12-3.14 and MQTT 5.0 sections 3.4-3.7,
// 3.12-3.15, including every 5.0 tail form.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

TEST_CASE("acknowledgements at 3.1.1 and 3.1") {
  for (auto v : {ProtocolVersion::v311, ProtocolVersion::v31}) {
    const Bytes puback = {0x40, 0x02, 0x00, 0x01};   // PUBACK, packet id 1
    const Bytes pubrec = {0x50, 0x02, 0x01, 0x00};   // PUBREC, packet id 256
    const Bytes pubrel = {0x62, 0x02, 0x12, 0x34};   // PUBREL (flags 0010), packet id 0x1234
    const Bytes pubcomp = {0x70, 0x02, 0xFF, 0xFF};  // PUBCOMP, packet id 65535
    CHECK(decode_as<Puback>(puback, v).packet_id == 1);
    CHECK(decode_as<Pubrec>(pubrec, v).packet_id == 256);
    CHECK(decode_as<Pubrel>(pubrel, v).packet_id == 0x1234);
    CHECK(decode_as<Pubcomp>(pubcomp, v).packet_id == 0xFFFF);
    for (const auto& b : {puback, pubrec, pubrel, pubcomp}) check_round_trip(b, v);
  }
}

TEST_CASE("5.0 acknowledgement tail forms") {
  const auto v = ProtocolVersion::v5;
  SUBCASE("remaining length 2: reason Success, no properties") {
    const Bytes b = {0x40, 0x02, 0x00, 0x05};
    auto a = decode_as<Puback>(b, v);
    CHECK(a.packet_id == 5);
    CHECK(a.reason_code == 0);
    CHECK(a.form == TailForm::Shortest);
    check_round_trip(b, v);
  }
  SUBCASE("remaining length 3: reason code only") {
    const Bytes b = {0x50, 0x03, 0x00, 0x05, 0x10};  // PUBREC, No matching subscribers
    auto a = decode_as<Pubrec>(b, v);
    CHECK(a.reason_code == 0x10);
    CHECK(a.form == TailForm::Shortest);
    check_round_trip(b, v);
  }
  SUBCASE("remaining length 3 with reason Success is kept") {
    const Bytes b = {0x40, 0x03, 0x00, 0x05, 0x00};
    auto a = decode_as<Puback>(b, v);
    CHECK(a.reason_code == 0);
    CHECK(a.form == TailForm::ReasonOnly);
    check_round_trip(b, v);
  }
  SUBCASE("remaining length 4: reason and an empty property list") {
    const Bytes b = {0x70, 0x04, 0x00, 0x07, 0x92, 0x00};  // PUBCOMP, Packet Identifier not found
    auto a = decode_as<Pubcomp>(b, v);
    CHECK(a.reason_code == 0x92);
    CHECK(a.properties.empty());
    CHECK(a.form == TailForm::Full);
    check_round_trip(b, v);
    check_round_trip({0x40, 0x04, 0x00, 0x05, 0x00, 0x00}, v);
  }
  SUBCASE("reason and properties") {
    const Bytes b = {0x62, 0x09, 0x00, 0x07,  // PUBREL, packet id 7
                     0x92,                    // Packet Identifier not found
                     0x05,                    // property length 5
                     0x1F, 0x00, 0x02, 'n', 'o'};  // Reason String "no"
    auto a = decode_as<Pubrel>(b, v);
    CHECK(a.reason_code == 0x92);
    REQUIRE(a.properties.size() == 1);
    CHECK(a.properties[0] == Property{PropertyId::ReasonString, 0, {}, "no"});
    CHECK(a.form == TailForm::Shortest);
    check_round_trip(b, v);
  }
  SUBCASE("encoder writes at least what the form says") {
    Puback a;
    a.packet_id = 1;
    CHECK(encode(a, v) == Bytes{0x40, 0x02, 0x00, 0x01});
    a.form = TailForm::ReasonOnly;
    CHECK(encode(a, v) == Bytes{0x40, 0x03, 0x00, 0x01, 0x00});
    a.form = TailForm::Full;
    CHECK(encode(a, v) == Bytes{0x40, 0x04, 0x00, 0x01, 0x00, 0x00});
    a.form = TailForm::Shortest;
    a.reason_code = 0x80;
    CHECK(encode(a, v) == Bytes{0x40, 0x03, 0x00, 0x01, 0x80});
    a.properties.push_back({PropertyId::ReasonString, 0, {}, "x"});
    CHECK(encode(a, v) == Bytes{0x40, 0x08, 0x00, 0x01, 0x80, 0x04, 0x1F, 0x00, 0x01, 'x'});
    // At 3.1.1 the tail is never written.
    CHECK(encode(a, ProtocolVersion::v311) == Bytes{0x40, 0x02, 0x00, 0x01});
  }
}

TEST_CASE("acknowledgement errors") {
  SUBCASE("PUBREL reserved flags") {
    expect_error({0x60, 0x02, 0x00, 0x01}, ProtocolVersion::v311, ErrorKind::Malformed, 0, "fixed header",
                 "MQTT-2.2.2-1");
    expect_error({0x60, 0x02, 0x00, 0x01}, ProtocolVersion::v5, ErrorKind::Malformed, 0, "fixed header",
                 "MQTT-2.1.3-1");
  }
  SUBCASE("PUBACK flags") {
    expect_error({0x41, 0x02, 0x00, 0x01}, ProtocolVersion::v311, ErrorKind::Malformed, 0, "fixed header",
                 "MQTT-2.2.2-1");
  }
  SUBCASE("packet identifier 0") {
    expect_error({0x40, 0x02, 0x00, 0x00}, ProtocolVersion::v311, ErrorKind::ProtocolError, 2, "packet identifier",
                 "MQTT-2.3.1-1");
  }
  SUBCASE("3.1.1 PUBACK with a reason code") {
    expect_error({0x40, 0x03, 0x00, 0x01, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 4, "remaining length");
  }
  SUBCASE("reason code not defined for PUBACK") {
    expect_error({0x40, 0x03, 0x00, 0x01, 0x92}, ProtocolVersion::v5, ErrorKind::Malformed, 4, "reason code");
  }
  SUBCASE("PUBACK of one byte") {
    expect_error({0x40, 0x01, 0x00}, ProtocolVersion::v5, ErrorKind::Malformed, 2, "packet identifier");
  }
  SUBCASE("property not allowed in PUBACK") {
    expect_error({0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01}, ProtocolVersion::v5,
                 ErrorKind::Malformed, 6, "properties/Topic Alias");  // 5.0 section 2.2.2.2
  }
}

TEST_CASE("DISCONNECT") {
  check_round_trip({0xE0, 0x00}, ProtocolVersion::v311);
  check_round_trip({0xE0, 0x00}, ProtocolVersion::v31);
  const auto v = ProtocolVersion::v5;
  auto d = decode_as<Disconnect>({0xE0, 0x00}, v);  // Normal disconnection, shortest
  CHECK(d.reason_code == 0);
  CHECK(d.form == TailForm::Shortest);
  check_round_trip({0xE0, 0x00}, v);
  d = decode_as<Disconnect>({0xE0, 0x01, 0x04}, v);  // Disconnect with Will Message
  CHECK(d.reason_code == 0x04);
  CHECK(d.form == TailForm::Shortest);
  check_round_trip({0xE0, 0x01, 0x04}, v);
  CHECK(decode_as<Disconnect>({0xE0, 0x01, 0x00}, v).form == TailForm::ReasonOnly);
  check_round_trip({0xE0, 0x01, 0x00}, v);
  CHECK(decode_as<Disconnect>({0xE0, 0x02, 0x00, 0x00}, v).form == TailForm::Full);
  check_round_trip({0xE0, 0x02, 0x00, 0x00}, v);
  const Bytes moved = {0xE0, 0x09,  // DISCONNECT, remaining length 9
                       0x9C,        // Use another server
                       0x07,        // property length 7
                       0x1C, 0x00, 0x04, 'h', 'o', 's', 't'};  // Server Reference "host"
  d = decode_as<Disconnect>(moved, v);
  CHECK(d.reason_code == 0x9C);
  REQUIRE(d.properties.size() == 1);
  CHECK(d.properties[0] == Property{PropertyId::ServerReference, 0, {}, "host"});
  check_round_trip(moved, v);

  expect_error({0xE0, 0x01, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 2, "remaining length");
  expect_error({0xE0, 0x01, 0x05}, v, ErrorKind::Malformed, 2, "reason code");
  expect_error({0xE2, 0x00}, v, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.1.3-1");
  // Session Expiry Interval is allowed in DISCONNECT, Receive Maximum is not.
  check_round_trip({0xE0, 0x07, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00}, v);
  expect_error({0xE0, 0x05, 0x00, 0x03, 0x21, 0x00, 0x01}, v, ErrorKind::Malformed, 4,
               "properties/Receive Maximum");
}

TEST_CASE("AUTH") {
  const auto v = ProtocolVersion::v5;
  auto a = decode_as<Auth>({0xF0, 0x00}, v);  // Success, remaining length 0
  CHECK(a.reason_code == 0);
  check_round_trip({0xF0, 0x00}, v);
  const Bytes cont = {0xF0, 0x0C,  // AUTH, remaining length 12
                      0x18,        // Continue authentication
                      0x0A,        // property length 10
                      0x15, 0x00, 0x03, 'a', 'b', 'c',  // Authentication Method "abc"
                      0x16, 0x00, 0x01, 'x'};           // Authentication Data "x"
  a = decode_as<Auth>(cont, v);
  CHECK(a.reason_code == 0x18);
  REQUIRE(a.properties.size() == 2);
  CHECK(a.properties[0] == Property{PropertyId::AuthenticationMethod, 0, {}, "abc"});
  CHECK(a.properties[1] == Property{PropertyId::AuthenticationData, 0, {}, "x"});
  check_round_trip(cont, v);
  check_round_trip({0xF0, 0x01, 0x19}, v);  // Re-authenticate

  expect_error({0xF0, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 0, "fixed header");
  expect_error({0xF0, 0x01, 0x01}, v, ErrorKind::Malformed, 2, "reason code");
  expect_error({0xF1, 0x00}, v, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.1.3-1");
}

TEST_CASE("PINGREQ and PINGRESP need no protocol level") {
  CHECK(std::holds_alternative<Pingreq>(decode_ok({0xC0, 0x00}, std::nullopt)));
  CHECK(std::holds_alternative<Pingresp>(decode_ok({0xD0, 0x00}, std::nullopt)));
  for (auto v : {ProtocolVersion::v31, ProtocolVersion::v311, ProtocolVersion::v5}) {
    check_round_trip({0xC0, 0x00}, v);
    check_round_trip({0xD0, 0x00}, v);
  }
  expect_error({0xC0, 0x01, 0x00}, std::nullopt, ErrorKind::Malformed, 2, "remaining length");
  expect_error({0xD8, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.2.2-1");
}
