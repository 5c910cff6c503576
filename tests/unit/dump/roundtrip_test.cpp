// Every packet type at each level: bytes written from the spec -> decode ->
// JSON -> from_json -> encode gives the same bytes.
#include <doctest/doctest.h>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "dump/format_json.hpp"
#include "dump/from_json.hpp"
#include "dump/input.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) {
  auto r = parse_input(text, InputFormat::Hex);
  REQUIRE(r.ok);
  return r.bytes;
}

void check_round_trip(std::string_view text, std::optional<ProtocolVersion> v) {
  CAPTURE(text);
  auto bytes = hex(text);
  auto decoded = decode_packet(bytes, v);
  REQUIRE_MESSAGE(decoded.ok(), to_string(decoded.error()));
  PacketContext ctx{1, 0, bytes.size(), v};
  std::string line = packet_to_json_line(*decoded, ctx, {true});
  CAPTURE(line);
  OwnedPacket back;
  auto err = packet_from_json_line(line, back);
  REQUIRE_MESSAGE(!err, *err);
  ProtocolVersion level = back.version.value_or(ProtocolVersion::v311);
  CHECK(encode(back.packet, level) == bytes);
}

}  // namespace

TEST_CASE("JSON round trip, MQTT 3.1 and 3.1.1") {
  const auto v = ProtocolVersion::v311;
  check_round_trip("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00", std::nullopt);  // CONNECT 3.1.1
  check_round_trip("10 0f 00 06 4d 51 49 73 64 70 03 02 00 3c 00 01 78", std::nullopt);  // CONNECT 3.1 "MQIsdp"
  // CONNECT: user name, password, will retain, will QoS 1, will, clean session
  check_round_trip("10 1b 00 04 4d 51 54 54 04 ee 00 0a 00 01 63 00 01 74 00 02 68 69 00 01 75 00 02 70 77",
                   std::nullopt);
  check_round_trip("20 02 01 00", v);                    // CONNACK, session present
  check_round_trip("30 05 00 01 74 68 69", v);           // PUBLISH QoS 0 "t" "hi"
  check_round_trip("3d 07 00 01 74 00 05 68 69", v);     // PUBLISH dup, QoS 2, retain, id 5
  check_round_trip("30 03 00 01 74", v);                 // PUBLISH, empty payload
  check_round_trip("40 02 00 01", v);                    // PUBACK
  check_round_trip("50 02 00 02", v);                    // PUBREC
  check_round_trip("62 02 00 03", v);                    // PUBREL
  check_round_trip("70 02 00 04", v);                    // PUBCOMP
  check_round_trip("82 06 00 05 00 01 61 01", v);        // SUBSCRIBE "a" QoS 1
  check_round_trip("90 04 00 05 01 80", v);              // SUBACK QoS 1, failure
  check_round_trip("a2 05 00 06 00 01 61", v);           // UNSUBSCRIBE "a"
  check_round_trip("b0 02 00 06", v);                    // UNSUBACK
  check_round_trip("c0 00", v);                          // PINGREQ
  check_round_trip("d0 00", v);                          // PINGRESP
  check_round_trip("e0 00", v);                          // DISCONNECT
  // MQTT 3.1 resends PUBREL, SUBSCRIBE and UNSUBSCRIBE with DUP: "dup": true keeps the flag.
  check_round_trip("6a 02 00 03", ProtocolVersion::v31);                    // PUBREL, DUP
  check_round_trip("8a 06 00 05 00 01 61 01", ProtocolVersion::v31);        // SUBSCRIBE, DUP
  check_round_trip("aa 05 00 06 00 01 61", ProtocolVersion::v31);           // UNSUBSCRIBE, DUP
}

TEST_CASE("JSON round trip, MQTT 5.0, every tail form") {
  const auto v = ProtocolVersion::v5;
  check_round_trip("10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00", std::nullopt);  // CONNECT 5.0
  check_round_trip("20 03 00 00 00", v);                                          // CONNACK
  check_round_trip("20 08 01 00 05 11 00 00 00 3c", v);  // CONNACK, Session Expiry Interval 60
  check_round_trip("30 0b 00 01 74 05 02 00 00 00 0a 68 69", v);  // PUBLISH, Message Expiry Interval 10
  check_round_trip("40 02 00 01", v);                    // PUBACK, shortest
  check_round_trip("40 03 00 01 00", v);                 // PUBACK, reason code 0 written
  check_round_trip("40 04 00 01 00 00", v);              // PUBACK, empty property list written
  check_round_trip("40 03 00 01 10", v);                 // PUBACK, No matching subscribers
  check_round_trip("50 03 00 02 10", v);                 // PUBREC
  check_round_trip("62 04 00 03 92 00", v);              // PUBREL, Packet Identifier not found
  check_round_trip("70 0a 00 04 00 06 1f 00 03 61 62 63", v);  // PUBCOMP, Reason String "abc"
  check_round_trip("82 07 00 05 00 00 01 61 2e", v);     // SUBSCRIBE, QoS 2, NL, RAP, RH 2
  check_round_trip("90 05 00 05 00 02 8f", v);           // SUBACK
  check_round_trip("a2 06 00 06 00 00 01 61", v);        // UNSUBSCRIBE
  check_round_trip("b0 05 00 06 00 00 11", v);           // UNSUBACK, No subscription existed
  check_round_trip("c0 00", v);                          // PINGREQ
  check_round_trip("d0 00", v);                          // PINGRESP
  check_round_trip("e0 00", v);                          // DISCONNECT, shortest
  check_round_trip("e0 01 04", v);                       // DISCONNECT with Will Message
  check_round_trip("e0 02 00 00", v);                    // DISCONNECT, full
  check_round_trip("f0 0a 18 08 15 00 05 53 43 52 41 4d", v);  // AUTH, continue, method "SCRAM"
  // User properties out of order around another property, twice the same key.
  check_round_trip("30 1c 00 01 74 17 26 00 01 6b 00 01 31 03 00 01 78 26 00 01 6b 00 01 32 09 00 02 00 ff 00", v);
}

TEST_CASE("a masked password cannot be re-encoded") {
  auto bytes = hex("10 1b 00 04 4d 51 54 54 04 ee 00 0a 00 01 63 00 01 74 00 02 68 69 00 01 75 00 02 70 77");
  auto decoded = decode_packet(bytes, std::nullopt);
  REQUIRE(decoded.ok());
  std::string line = packet_to_json_line(*decoded, {1, 0, bytes.size(), std::nullopt});
  CHECK(line.find(R"("password":"***","password_encoding":"masked","password_length":2)") != std::string::npos);
  OwnedPacket back;
  auto err = packet_from_json_line(line, back);
  REQUIRE(err);
  CHECK(err->find("masked") != std::string::npos);
}
