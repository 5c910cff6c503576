// The fixed header (MQTT 3.1.1 section 2.2, MQTT 5.0 section 2.1): type,
// flags, remaining length, and how decode_packet treats the protocol level.

#include <string>

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

TEST_CASE("remaining length encodings") {
  auto one = decode_fixed_header(Bytes{0x30, 0x7F});
  REQUIRE(one.ok());
  CHECK(one->remaining_length == 127);
  CHECK(one->header_size == 2);
  auto two = decode_fixed_header(Bytes{0x30, 0x80, 0x01});  // 128
  REQUIRE(two.ok());
  CHECK(two->remaining_length == 128);
  CHECK(two->header_size == 3);
  auto four = decode_fixed_header(Bytes{0x30, 0xFF, 0xFF, 0xFF, 0x7F});  // 268,435,455
  REQUIRE(four.ok());
  CHECK(four->remaining_length == kVarIntMax);
  CHECK(four->packet_size() == kVarIntMax + 5);
  CHECK(four->type() == PacketType::Publish);
}

TEST_CASE("remaining length errors") {
  SUBCASE("five bytes") {
    expect_error({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, ProtocolVersion::v311, ErrorKind::Malformed, 1,
                 "remaining length", "MQTT-1.5.5-1");
  }
  SUBCASE("not minimal") {
    expect_error({0x30, 0x80, 0x00}, ProtocolVersion::v311, ErrorKind::Malformed, 1, "remaining length",
                 "MQTT-1.5.5-1");
  }
  SUBCASE("input ends inside it") {
    expect_error({0x30, 0x80}, ProtocolVersion::v311, ErrorKind::Truncated, 1, "remaining length");
    expect_error({0x30}, ProtocolVersion::v311, ErrorKind::Truncated, 1, "remaining length");
    expect_error({}, ProtocolVersion::v311, ErrorKind::Truncated, 0, "fixed header");
  }
  SUBCASE("packet type 0") {
    expect_error({0x00, 0x00}, ProtocolVersion::v311, ErrorKind::ProtocolError, 0, "fixed header");
  }
}

TEST_CASE("a two-byte remaining length round trips") {
  Bytes b = {0x30, 0xCB, 0x01,  // PUBLISH QoS 0, remaining length 203
             0x00, 0x01, 't'};  // topic "t"
  b.insert(b.end(), 200, 0x5A);  // 200-byte payload
  auto p = decode_as<Publish>(b, ProtocolVersion::v311);
  CHECK(p.payload.size() == 200);
  CHECK(encode(p, ProtocolVersion::v311) == b);
  CHECK(encoded_size(p, ProtocolVersion::v311) == b.size());
}

TEST_CASE("decoding without a protocol level") {
  DecodeError e = decode_err({0x40, 0x02, 0x00, 0x01}, std::nullopt);
  CHECK(e.kind == ErrorKind::UnknownVersion);
  CHECK(e.offset == 0);
  CHECK(e.message.find("protocol level is needed") != std::string::npos);
  CHECK(e.message.find("-V") != std::string::npos);
  CHECK(e.message.find("CONNECT") != std::string::npos);
  CHECK(decode_err({0x30, 0x03, 0x00, 0x01, 'a'}, std::nullopt).kind == ErrorKind::UnknownVersion);
  CHECK(decode_err({0xE0, 0x00}, std::nullopt).kind == ErrorKind::UnknownVersion);
}

TEST_CASE("the error text") {
  DecodeError e = decode_err({0x36, 0x03, 0x00, 0x01, 'a'}, ProtocolVersion::v311);
  CHECK(to_string(e) == "offset 0, fixed header: PUBLISH with QoS 3 [MQTT-3.3.1-4]");
  e = decode_err({0x60, 0x02, 0x00, 0x01}, ProtocolVersion::v5);
  CHECK(to_string(e) == "offset 0, fixed header: reserved flags of PUBREL are 0x0, must be 0x2 [MQTT-2.1.3-1]");
}

TEST_CASE("decode_body counts offsets from the start of the packet") {
  const Bytes b = {0x32, 0x05, 0x00, 0x01, 'a', 0x00, 0x00};  // packet identifier 0
  auto h = decode_fixed_header(b);
  REQUIRE(h.ok());
  auto r = decode_body(*h, ByteView(b).subspan(2), ProtocolVersion::v311);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().offset == 5);
  CHECK(r.error().field == "packet identifier");
}

TEST_CASE("MQTT 3.1 resends PUBREL, SUBSCRIBE and UNSUBSCRIBE with DUP") {
  // 3.1 sends these three at QoS 1 (flags 0010) and sets DUP (1000) on a resend.
  const Bytes pubrel = {0x6A, 0x02, 0x00, 0x01};                                  // PUBREL, DUP, id 1
  const Bytes subscribe = {0x8A, 0x06, 0x00, 0x02, 0x00, 0x01, 'a', 0x01};        // id 2, "a" QoS 1
  const Bytes unsubscribe = {0xAA, 0x05, 0x00, 0x03, 0x00, 0x01, 'a'};            // id 3, "a"
  const auto v31 = ProtocolVersion::v31;
  CHECK(decode_as<Pubrel>(pubrel, v31).dup);
  CHECK(decode_as<Subscribe>(subscribe, v31).dup);
  CHECK(decode_as<Unsubscribe>(unsubscribe, v31).dup);
  check_round_trip(pubrel, v31);
  check_round_trip(subscribe, v31);
  check_round_trip(unsubscribe, v31);
  CHECK_FALSE(decode_as<Pubrel>({0x62, 0x02, 0x00, 0x01}, v31).dup);

  // 3.1.1 and 5.0 reserve the bit.
  for (const Bytes& b : {pubrel, subscribe, unsubscribe}) {
    expect_error(b, ProtocolVersion::v311, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.2.2-1");
    expect_error(b, ProtocolVersion::v5, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.1.3-1");
  }
  // At 3.1 only DUP is allowed on top of QoS 1, and only on these three.
  CHECK(to_string(decode_err({0x6B, 0x02, 0x00, 0x01}, v31)) ==
        "offset 0, fixed header: reserved flags of PUBREL are 0xB, must be 0x2 (0xA when resent) [MQTT-2.2.2-1]");
  expect_error({0x48, 0x02, 0x00, 0x01}, v31, ErrorKind::Malformed, 0, "fixed header", "MQTT-2.2.2-1");  // PUBACK

  // The validator says the same about a packet built by hand.
  Pubrel r;
  r.packet_id = 1;
  r.dup = true;
  CHECK_FALSE(validate(r, v31));
  REQUIRE(validate(r, ProtocolVersion::v311));
  CHECK(validate(r, ProtocolVersion::v311)->field == "fixed header");
  Puback a;
  a.packet_id = 1;
  a.dup = true;
  CHECK(validate(a, v31));
}
