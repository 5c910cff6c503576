// Lenient decoding: every rule a readable packet breaks, in wire order, where
// strict decoding stops at the first; structure errors still stop it.
#include <doctest/doctest.h>

#include "codec/decode.hpp"
#include "dump/input.hpp"

using namespace mq;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

std::vector<std::string> rules(const std::vector<DecodeError>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(std::to_string(e.offset) + " " + e.field + " " + e.rule);
  return out;
}

}  // namespace

TEST_CASE("lenient: a PUBLISH with a wildcard topic and packet identifier 0 lists both rules") {
  // PUBLISH QoS 1, topic "a/#", packet identifier 0, payload "x"
  auto bytes = hex("32 08 00 03 61 2f 23 00 00 78");
  auto strict = decode_packet(bytes, ProtocolVersion::v311);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().rule == "MQTT-3.3.2-2");
  std::vector<DecodeError> violations;
  auto lenient = decode_packet_lenient(bytes, ProtocolVersion::v311, nullptr, violations);
  REQUIRE(lenient.ok());
  const auto& p = std::get<Publish>(*lenient);
  CHECK(p.topic == "a/#");
  CHECK(p.packet_id == 0);
  CHECK(as_chars(p.payload) == "x");
  CHECK(rules(violations) == std::vector<std::string>{"6 topic name MQTT-3.3.2-2", "7 packet identifier MQTT-2.3.1-1"});
}

TEST_CASE("lenient: wrong reserved flags and a QoS 3 subscription are both listed") {
  // SUBSCRIBE with flags 0000 (must be 0010), id 1, filter "a", options QoS 3
  auto bytes = hex("80 06 00 01 00 01 61 03");
  std::vector<DecodeError> violations;
  auto r = decode_packet_lenient(bytes, ProtocolVersion::v311, nullptr, violations);
  REQUIRE(r.ok());
  CHECK(std::get<Subscribe>(*r).subscriptions.size() == 1);
  REQUIRE(violations.size() == 2);
  CHECK(violations[0].field == "fixed header");
  CHECK(violations[0].rule == "MQTT-2.2.2-1");
  CHECK(violations[1].offset == 7);
  CHECK(violations[1].field == "subscription options");
}

TEST_CASE("lenient: a 5.0 property twice and one not allowed in the packet are listed, the rest read") {
  // PUBACK 5.0, id 1, reason 0x00, properties: Reason String "a" twice, Topic Alias 1
  auto bytes = hex("40 0f 00 01 00 0b 1f 00 01 61 1f 00 01 61 23 00 01");
  std::vector<DecodeError> violations;
  auto r = decode_packet_lenient(bytes, ProtocolVersion::v5, nullptr, violations);
  REQUIRE_MESSAGE(r.ok(), to_string(r.error()));
  CHECK(std::get<Puback>(*r).properties.size() == 3);
  CHECK(violations.size() == 2);
  CHECK_FALSE(decode_packet(bytes, ProtocolVersion::v5).ok());
}

TEST_CASE("lenient: a packet with no broken rule reads as strictly; broken structure still stops") {
  std::vector<DecodeError> violations;
  auto ok = decode_packet_lenient(hex("30 05 00 01 61 68 69"), ProtocolVersion::v311, nullptr, violations);
  CHECK(ok.ok());
  CHECK(violations.empty());
  // a topic length running past the remaining length
  auto bad = decode_packet_lenient(hex("30 03 00 05 61"), ProtocolVersion::v311, nullptr, violations);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Malformed);
  // QoS 3: whether a packet identifier follows cannot be known
  CHECK_FALSE(decode_packet_lenient(hex("36 05 00 01 61 00 01"), ProtocolVersion::v311, nullptr, violations).ok());
  // cut short
  auto cut = decode_packet_lenient(hex("30 09 00 01 61"), ProtocolVersion::v311, nullptr, violations);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().kind == ErrorKind::Truncated);
}
