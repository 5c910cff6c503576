// The printer of observed conversations: exact text and NDJSON for packets
// built from hand-written bytes, with times, addresses and directions.
#include <doctest/doctest.h>

#include "codec/decode.hpp"
#include "dump/input.hpp"
#include "dump/observed_print.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

struct Capture {
  std::string out;
  ObservedPrinter printer;
  explicit Capture(bool json)
      : printer([this](std::string_view s) { out += s; }, ObservedPrintOptions{json, {}, {}}) {}
};

const Endpoint kClient{"127.0.0.1", 50000};
const Endpoint kServer{"::1", 1883};

void feed(ObservedPrinter& printer, std::string_view hex_text, Direction d, std::optional<ProtocolVersion> v,
          std::int64_t time_us, bool pass_decoded = true) {
  auto bytes = parse_input(hex_text, InputFormat::Hex).bytes;
  auto decoded = decode_packet(bytes, v);
  ObservedPacket p;
  p.time_us = time_us;
  p.connection = 7;
  p.direction = d;
  p.client = &kClient;
  p.server = &kServer;
  p.bytes = bytes;
  p.version = v;
  p.decoded = pass_decoded ? &decoded : nullptr;
  printer.packet(p);
}

}  // namespace

TEST_CASE("observed times are ISO 8601 UTC with microseconds") {
  CHECK(format_time_utc(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_time_utc(1796535770123456) == "2026-12-06T05:42:50.123456Z");
  CHECK(format_time_utc(-1) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("observed endpoints: IPv4, bracketed IPv6, unix socket path") {
  CHECK(format_endpoint({"10.0.0.1", 1883}) == "10.0.0.1:1883");
  CHECK(format_endpoint({"fe80::1", 8883}) == "[fe80::1]:8883");
  CHECK(format_endpoint({"/run/mq.sock", 0}) == "/run/mq.sock");
}

TEST_CASE("observed packets as a tree: header line, numbering across directions, offsets per direction") {
  Capture c(false);
  // CONNECT 3.1.1, client id "c", keep alive 60
  feed(c.printer, "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 63", Direction::ToServer, ProtocolVersion::v311, 1000000);
  // CONNACK, accepted
  feed(c.printer, "20 02 00 00", Direction::ToClient, ProtocolVersion::v311, 1000250);
  // PINGREQ
  feed(c.printer, "c0 00", Direction::ToServer, ProtocolVersion::v311, 2000000, false);
  c.printer.connection_end({3000000, 7, "closed by client"});
  CHECK(c.out ==
        "1970-01-01T00:00:01.000000Z connection 7 c->s 127.0.0.1:50000 -> [::1]:1883\n"
        "packet 1: CONNECT, MQTT 3.1.1, 15 bytes at offset 0\n"
        "    0  10                        fixed header: CONNECT (flags 0000)\n"
        "    1  0d                        remaining length: 13\n"
        "    2  00 04 4d 51 54 54         protocol name: \"MQTT\"\n"
        "    8  04                        protocol level: 4 (3.1.1)\n"
        "    9  02                        connect flags: 0x02: clean session\n"
        "   10  00 3c                     keep alive: 60 s\n"
        "   12  00 01 63                  client identifier: \"c\"\n"
        "1970-01-01T00:00:01.000250Z connection 7 s->c [::1]:1883 -> 127.0.0.1:50000\n"
        "packet 2: CONNACK, MQTT 3.1.1, 4 bytes at offset 0\n"
        "    0  20                        fixed header: CONNACK (flags 0000)\n"
        "    1  02                        remaining length: 2\n"
        "    2  00                        acknowledge flags: 0x00\n"
        "    3  00                        return code: 0x00 Connection Accepted\n"
        "1970-01-01T00:00:02.000000Z connection 7 c->s 127.0.0.1:50000 -> [::1]:1883\n"
        "packet 3: PINGREQ, MQTT 3.1.1, 2 bytes at offset 15\n"
        "    0  c0                        fixed header: PINGREQ (flags 0000)\n"
        "    1  00                        remaining length: 0\n"
        "1970-01-01T00:00:03.000000Z connection 7 ended: closed by client\n");
  CHECK(c.printer.decode_failures() == 0);
}

TEST_CASE("observed packets as NDJSON: place in the conversation first, then the packet's fields") {
  Capture c(true);
  // PUBLISH QoS 0, topic "a/b", payload "hi"
  feed(c.printer, "30 07 00 03 61 2f 62 68 69", Direction::ToServer, ProtocolVersion::v311, 1000000);
  c.printer.connection_end({1500000, 7, "reset"});
  CHECK(c.out ==
        "{\"time\":\"1970-01-01T00:00:01.000000Z\",\"connection\":7,\"direction\":\"c->s\","
        "\"client\":\"127.0.0.1:50000\",\"server\":\"[::1]:1883\",\"packet\":1,\"offset\":0,\"length\":9,"
        "\"type\":\"PUBLISH\",\"version\":\"3.1.1\",\"dup\":false,\"qos\":0,\"retain\":false,\"topic\":\"a/b\","
        "\"payload\":\"hi\",\"payload_encoding\":\"utf-8\"}\n"
        "{\"time\":\"1970-01-01T00:00:01.500000Z\",\"connection\":7,\"event\":\"end\",\"how\":\"reset\"}\n");
}

TEST_CASE("an observed packet that breaks a rule is shown as far as it reads, with its rule") {
  // PUBLISH whose topic "a/#" holds a wildcard [MQTT-3.3.2-2]
  Capture text(false);
  feed(text.printer, "30 05 00 03 61 2f 23", Direction::ToServer, ProtocolVersion::v311, 0);
  CHECK(text.printer.decode_failures() == 1);
  CHECK(text.out.find("packet 1: PUBLISH, MQTT 3.1.1, 7 bytes at offset 0\n") != std::string::npos);
  CHECK(text.out.find("[MQTT-3.3.2-2]\n") != std::string::npos);
  CHECK(text.out.find("error: packet 1, offset 6 (input offset 6), topic name:") != std::string::npos);

  Capture json(true);
  feed(json.printer, "30 05 00 03 61 2f 23", Direction::ToServer, ProtocolVersion::v311, 0);
  CHECK(json.out.find("\"packet\":1,\"offset\":0,\"length\":7,\"type\":\"PUBLISH\",\"version\":\"3.1.1\","
                      "\"error\":{\"kind\":\"protocol error\",\"offset\":6,\"field\":\"topic name\"") != std::string::npos);
  CHECK(json.out.find("\"rule\":\"MQTT-3.3.2-2\"},\"hex\":\"30050003612f23\"}\n") != std::string::npos);
}

TEST_CASE("a lenient printer lists every broken rule of an observed packet") {
  std::string out;
  ObservedPrinter printer([&](std::string_view s) { out += s; }, ObservedPrintOptions{true, {}, {}, true});
  // PUBLISH QoS 1, topic "a/#", packet identifier 0, payload "x"
  feed(printer, "32 08 00 03 61 2f 23 00 00 78", Direction::ToServer, ProtocolVersion::v311, 0);
  CHECK(printer.decode_failures() == 1);
  CHECK(out.find("\"topic\":\"a/#\",\"packet_id\":0,") != std::string::npos);
  CHECK(out.find("\"violations\":[{\"kind\":\"protocol error\",\"offset\":6,\"field\":\"topic name\"") !=
        std::string::npos);
  CHECK(out.find("\"rule\":\"MQTT-2.3.1-1\"}],\"hex\":\"32080003612f23000078\"}\n") != std::string::npos);
}

TEST_CASE("a proxied connection's opening, with the subject of the client's certificate") {
  Capture text(false);
  text.printer.connection_start({1000000, 7, &kClient, &kServer, "CN=dev-1,O=Acme"});
  text.printer.connection_start({2000000, 8, &kClient, &kServer, ""});
  CHECK(text.out ==
        "1970-01-01T00:00:01.000000Z connection 7 opened: 127.0.0.1:50000 -> [::1]:1883, "
        "client certificate CN=dev-1,O=Acme\n"
        "1970-01-01T00:00:02.000000Z connection 8 opened: 127.0.0.1:50000 -> [::1]:1883\n");
  Capture json(true);
  json.printer.connection_start({1000000, 7, &kClient, &kServer, "CN=dev-1,O=Acme"});
  json.printer.connection_start({2000000, 8, &kClient, &kServer, ""});
  CHECK(json.out ==
        "{\"time\":\"1970-01-01T00:00:01.000000Z\",\"connection\":7,\"event\":\"start\","
        "\"client\":\"127.0.0.1:50000\",\"server\":\"[::1]:1883\",\"certificate_subject\":\"CN=dev-1,O=Acme\"}\n"
        "{\"time\":\"1970-01-01T00:00:02.000000Z\",\"connection\":8,\"event\":\"start\","
        "\"client\":\"127.0.0.1:50000\",\"server\":\"[::1]:1883\"}\n");
}
