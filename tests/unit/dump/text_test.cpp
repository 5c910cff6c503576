// The text tree: exact lines for a few packets decoded from hand-written bytes.
#include <doctest/doctest.h>

#include "codec/decode.hpp"
#include "dump/format_text.hpp"
#include "dump/input.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

std::string tree(std::string_view text, std::optional<ProtocolVersion> v, bool secrets = false) {
  auto bytes = parse_input(text, InputFormat::Hex).bytes;
  FieldTrace trace;
  auto decoded = decode_packet(bytes, v, &trace);
  REQUIRE_MESSAGE(decoded.ok(), to_string(decoded.error()));
  return format_packet_text(bytes, trace, {1, 0, bytes.size(), v}, {false, secrets});
}

}  // namespace

TEST_CASE("text tree of a 3.1.1 CONNECT with a masked password") {
  CHECK(tree("10 1b 00 04 4d 51 54 54 04 ee 00 0a 00 01 63 00 01 74 00 02 68 69 00 01 75 00 02 70 77",
             std::nullopt) ==
        "packet 1: CONNECT, MQTT 3.1.1, 29 bytes at offset 0\n"
        "    0  10                        fixed header: CONNECT (flags 0000)\n"
        "    1  1b                        remaining length: 27\n"
        "    2  00 04 4d 51 54 54         protocol name: \"MQTT\"\n"
        "    8  04                        protocol level: 4 (3.1.1)\n"
        "    9  ee                        connect flags: 0xee: username, password, will, will QoS 1, will retain, "
        "clean session\n"
        "   10  00 0a                     keep alive: 10 s\n"
        "   12  00 01 63                  client identifier: \"c\"\n"
        "   15                            will (7 bytes)\n"
        "   15  00 01 74                    will topic: \"t\"\n"
        "   18  00 02 68 69                 will payload: \"hi\"\n"
        "   22  00 01 75                  user name: \"u\"\n"
        "   25  00 02 ** **               password: (masked, 2 bytes)\n");
  CHECK(tree("10 1b 00 04 4d 51 54 54 04 ee 00 0a 00 01 63 00 01 74 00 02 68 69 00 01 75 00 02 70 77",
             std::nullopt, true)
            .find("   25  00 02 70 77               password: \"pw\"\n") != std::string::npos);
}

TEST_CASE("text tree of a 5.0 PUBLISH with properties and a binary payload") {
  CHECK(tree("32 17 00 01 74 00 07 0e 01 00 26 00 01 6b 00 01 76 09 00 02 00 ff 00 ff 0a", ProtocolVersion::v5) ==
        "packet 1: PUBLISH, MQTT 5.0, 25 bytes at offset 0\n"
        "    0  32                        fixed header: PUBLISH (dup 0, QoS 1, retain 0)\n"
        "    1  17                        remaining length: 23\n"
        "    2  00 01 74                  topic name: \"t\"\n"
        "    5  00 07                     packet identifier: 7\n"
        "    7  0e                        property length: 14\n"
        "    8  01 00                       Payload Format Indicator: 0 (unspecified bytes)\n"
        "   10  26 00 01 6b 00 01 76        User Property: \"k\" = \"v\"\n"
        "   17  09 00 02 00 ff              Correlation Data: 0x00ff (2 bytes, not UTF-8)\n"
        "   22  00 ff 0a                  payload: 0x00ff0a (3 bytes, not UTF-8)\n");
}

TEST_CASE("text tree of acks: reason codes by name, long fields wrapped") {
  CHECK(tree("40 03 00 01 87", ProtocolVersion::v5) ==
        "packet 1: PUBACK, MQTT 5.0, 5 bytes at offset 0\n"
        "    0  40                        fixed header: PUBACK (flags 0000)\n"
        "    1  03                        remaining length: 3\n"
        "    2  00 01                     packet identifier: 1\n"
        "    4  87                        reason code: 0x87 Not authorized\n");
  CHECK(tree("90 04 00 05 01 80", ProtocolVersion::v311) ==
        "packet 1: SUBACK, MQTT 3.1.1, 6 bytes at offset 0\n"
        "    0  90                        fixed header: SUBACK (flags 0000)\n"
        "    1  04                        remaining length: 4\n"
        "    2  00 05                     packet identifier: 5\n"
        "    4  01                        return code: 0x01 Success - Maximum QoS 1\n"
        "    5  80                        return code: 0x80 Failure\n");
  CHECK(tree("30 0d 00 01 74 61 62 63 64 65 66 67 68 69 6a", ProtocolVersion::v311) ==
        "packet 1: PUBLISH, MQTT 3.1.1, 15 bytes at offset 0\n"
        "    0  30                        fixed header: PUBLISH (dup 0, QoS 0, retain 0)\n"
        "    1  0d                        remaining length: 13\n"
        "    2  00 01 74                  topic name: \"t\"\n"
        "    5  61 62 63 64 65 66 67 68   payload: \"abcdefghij\"\n"
        "   13  69 6a\n");
}

TEST_CASE("error text names packet, offsets, field and rule") {
  DecodeError e{ErrorKind::ProtocolError, 6, "topic name", "wildcard character in a topic name", "MQTT-3.3.2-2"};
  CHECK(format_error_text(e, {2, 14, 9, ProtocolVersion::v5}) ==
        "error: packet 2, offset 6 (input offset 20), topic name: wildcard character in a topic name "
        "[MQTT-3.3.2-2]\n");
}
