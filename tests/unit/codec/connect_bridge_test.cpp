// A bridge's CONNECT: protocol level 0x84 (3.1.1) or 0x83 (3.1) with bit 7
// set, as mosquitto bridges send with try_private. It decodes as that
// level's CONNECT marked as a bridge, and encodes back to the same bytes.
#include <doctest/doctest.h>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "dump/format_json.hpp"
#include "dump/format_text.hpp"
#include "dump/input.hpp"

using namespace mq;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

// CONNECT: "MQTT", level 0x84, clean session, keep alive 60, client id "b"
const char* kBridge311 = "10 0d 00 04 4d 51 54 54 84 02 00 3c 00 01 62";
// CONNECT: "MQIsdp", level 0x83, clean session, keep alive 60, client id "b"
const char* kBridge31 = "10 0f 00 06 4d 51 49 73 64 70 83 02 00 3c 00 01 62";

}  // namespace

TEST_CASE("a bridge CONNECT at level 0x84 decodes as 3.1.1 with the bridge mark, and encodes back") {
  auto bytes = hex(kBridge311);
  auto r = decode_packet(bytes, std::nullopt);
  REQUIRE_MESSAGE(r.ok(), to_string(r.error()));
  const auto& c = std::get<Connect>(*r);
  CHECK(c.bridge);
  CHECK(c.version == ProtocolVersion::v311);
  CHECK(c.client_id == "b");
  CHECK(encode(*r, ProtocolVersion::v311) == bytes);
}

TEST_CASE("a bridge CONNECT at level 0x83 decodes as 3.1") {
  auto bytes = hex(kBridge31);
  auto r = decode_packet(bytes, std::nullopt);
  REQUIRE_MESSAGE(r.ok(), to_string(r.error()));
  CHECK(std::get<Connect>(*r).bridge);
  CHECK(std::get<Connect>(*r).version == ProtocolVersion::v31);
  CHECK(encode(*r, ProtocolVersion::v31) == bytes);
}

TEST_CASE("other levels with bit 7 are still refused") {
  for (const char* text : {"10 0d 00 04 4d 51 54 54 85 02 00 3c 00 01 62", "10 0d 00 04 4d 51 54 54 82 02 00 3c 00 01 62"}) {
    auto r = decode_packet(hex(text), std::nullopt);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == "protocol level");
    CHECK(r.error().rule == "MQTT-3.1.2-2");
  }
  // the bridge bit does not change the pairing of name and level
  auto r = decode_packet(hex("10 0d 00 04 4d 51 54 54 83 02 00 3c 00 01 62"), std::nullopt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().rule == "MQTT-3.1.2-1");
}

TEST_CASE("mqdump labels the bridge in the tree and in JSON") {
  auto bytes = hex(kBridge311);
  FieldTrace trace;
  auto r = decode_packet(bytes, std::nullopt, &trace);
  REQUIRE(r.ok());
  std::string text = dump::format_packet_text(bytes, trace, {1, 0, bytes.size(), std::nullopt});
  CHECK(text.find("    8  84                        protocol level: 0x84 (3.1.1, bridge)\n") != std::string::npos);
  std::string json = dump::packet_to_json_line(*r, {1, 0, bytes.size(), ProtocolVersion::v311});
  CHECK(json.find("\"protocol_level\":4,\"bridge\":true,") != std::string::npos);
}
