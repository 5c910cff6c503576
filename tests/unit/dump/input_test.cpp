// Each input shape users paste, written by hand, read into the same bytes.
#include <doctest/doctest.h>

#include "util/base64.hpp"
#include "dump/input.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

// CONNECT, MQTT 3.1.1, clean session, keep alive 60, empty client id.
const std::vector<std::uint8_t> kConnect = {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};

InputResult read(std::string_view text, InputFormat f = InputFormat::Auto) { return parse_input(text, f); }

void check_connect(std::string_view text, InputShape shape) {
  CAPTURE(text);
  auto r = read(text);
  REQUIRE_MESSAGE(r.ok, to_string(r.error));
  CHECK(r.shape == shape);
  CHECK(r.bytes == kConnect);
}

}  // namespace

TEST_CASE("hex shapes") {
  check_connect("100c00044d5154540402003c0000", InputShape::Hex);
  check_connect("100C00044D5154540402003C0000\n", InputShape::Hex);
  check_connect("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00", InputShape::Hex);
  check_connect("10 0c 00 04\n4d 51 54 54\r\n04 02 00 3c 00 00\n", InputShape::Hex);
  check_connect("10:0c:00:04:4d:51:54:54:04:02:00:3c:00:00", InputShape::Hex);
  check_connect("0x10 0x0c 0x00 0x04 0x4d 0x51 0x54 0x54 0x04 0x02 0x00 0x3c 0x00 0x00", InputShape::Hex);
  check_connect("0x100c00044d5154540402003c0000", InputShape::Hex);
  check_connect("10,0c,00,04,4d,51,54,54,04,02,00,3c,00,00", InputShape::Hex);
  check_connect("0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00", InputShape::Hex);
  check_connect("\\x10\\x0c\\x00\\x04\\x4d\\x51\\x54\\x54\\x04\\x02\\x00\\x3c\\x00\\x00", InputShape::Hex);
}

TEST_CASE("C arrays") {
  check_connect("{0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00}", InputShape::CArray);
  check_connect(
      "unsigned char connect_bin[] = {\n"
      "  0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c,\n"
      "  0x00, 0x00\n"
      "};\n"
      "unsigned int connect_bin_len = 14;\n",
      InputShape::CArray);
  check_connect("uint8_t p[] = { 16, 12, 0, 4, 77, 81, 84, 84, 4, 2, 0, 60, 0, 0 }; // decimal, as in C",
                InputShape::CArray);
  check_connect("const uint8_t p[] = {0x10, 0xc, /* length */ 0x0, 0x4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 0x3c, 0, 0};",
                InputShape::CArray);
}

TEST_CASE("xxd, hexdump -C, Wireshark and tshark dumps") {
  check_connect("00000000: 100c 0004 4d51 5454 0402 003c 0000       ....MQTT...<..\n", InputShape::OffsetDump);
  check_connect(
      "00000000  10 0c 00 04 4d 51 54 54  04 02 00 3c 00 00        |....MQTT...<..|\n"
      "0000000e\n",
      InputShape::OffsetDump);
  check_connect("0000   10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00         ....MQTT...<..\n", InputShape::OffsetDump);
  check_connect("0000  10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00                 ....MQTT...<..", InputShape::OffsetDump);
  check_connect("\t0x0000:  100c 0004 4d51 5454 0402 003c 0000\n", InputShape::OffsetDump);
}

TEST_CASE("an ASCII column that looks like hex is not read as bytes") {
  // PUBLISH "ab" with payload "cafe" + "abcdef0123456789abcd", two lines.
  std::string text =
      "00000000: 3018 0002 6162 6361 6665 6162 6364 6566  0...abcafeabcdef\n"
      "00000010: 3031 3233 3435 3637 3839                0123456789\n";
  auto r = read(text);
  REQUIRE_MESSAGE(r.ok, to_string(r.error));
  CHECK(r.bytes.size() == 26);
  CHECK(r.bytes.back() == 0x39);
  auto w = read("0000  61 62 63 64   abcd\n");
  REQUIRE(w.ok);
  CHECK(w.bytes == std::vector<std::uint8_t>{0x61, 0x62, 0x63, 0x64});
  auto h = read("00000000  61 62 63 64                                       |abcd|\n00000004\n");
  REQUIRE(h.ok);
  CHECK(h.bytes.size() == 4);
}

TEST_CASE("base64 and raw") {
  check_connect("EAwABE1RVFQEAgA8AAA=", InputShape::Base64);
  check_connect("EAwABE1RVFQE\nAgA8AAA=\n", InputShape::Base64);
  auto forced = read("EAwA", InputFormat::Base64);
  REQUIRE(forced.ok);
  CHECK(forced.bytes == std::vector<std::uint8_t>{0x10, 0x0c, 0x00});
  std::string raw(reinterpret_cast<const char*>(kConnect.data()), kConnect.size());
  check_connect(raw, InputShape::Raw);
  auto forced_raw = read("c000", InputFormat::Raw);
  CHECK(forced_raw.bytes == std::vector<std::uint8_t>{'c', '0', '0', '0'});
  auto forced_hex = read("c000", InputFormat::Hex);
  CHECK(forced_hex.bytes == std::vector<std::uint8_t>{0xc0, 0x00});
  CHECK(base64_encode(kConnect) == "EAwABE1RVFQEAgA8AAA=");
  CHECK(base64_encode(std::vector<std::uint8_t>{1, 2}) == "AQI=");
  CHECK(base64_encode(std::vector<std::uint8_t>{}).empty());
}

TEST_CASE("errors name the line and column") {
  auto r = read("10 0c\n00 0g");
  REQUIRE_FALSE(r.ok);
  CHECK(to_string(r.error) == "line 2, column 5: 'g' is not a hex digit");
  r = read("10 0c 0");
  CHECK(to_string(r.error) == "line 1, column 7: odd number of hex digits (1) in \"0\"");
  r = read("10 \xC3\xA9");
  CHECK(to_string(r.error) == "line 1, column 4: '\xC3\xA9' (U+00E9) is not a hex digit");
  r = read("{0x10, 300}");
  CHECK(to_string(r.error) == "line 1, column 8: decimal value 300 does not fit in a byte");
  r = read("{0x10, 0x0c");
  CHECK(to_string(r.error) == "line 1, column 1: '{' without a closing '}'");
  r = read("hello world");
  CHECK(to_string(r.error) == "line 1, column 1: 'h' is not a hex digit");
  r = read("EAwA!", InputFormat::Base64);
  CHECK(to_string(r.error) == "line 1, column 5: '!' is not a base64 character");
  r = read("00000000: 100c 0004  ....\n00000010: 4d51  MQ\n");
  CHECK(to_string(r.error) ==
        "line 2, column 1: the offset column says 0x10 but the lines before it hold 0x4 bytes");
  r = read("0000   10 0c 0z 04\n");
  CHECK(to_string(r.error) == "line 1, column 15: 'z' is not a hex digit");
}

TEST_CASE("empty text and comments") {
  auto r = read("  \n\n");
  REQUIRE(r.ok);
  CHECK(r.bytes.empty());
  r = read("# a PINGREQ\nc0 00 // and nothing else\n");
  REQUIRE(r.ok);
  CHECK(r.bytes == std::vector<std::uint8_t>{0xc0, 0x00});
  CHECK(parse_input_format("base64") == InputFormat::Base64);
  CHECK_FALSE(parse_input_format("b64"));
}

TEST_CASE("plain hexdump and od -x: 16-bit little-endian words after a hex or octal offset") {
  // The CONNECT above as `hexdump` and `od -x` print it on a little-endian machine.
  check_connect("0000000 0c10 0400 514d 5454 0204 3c00 0000\n000000e\n", InputShape::OffsetDump);
  check_connect("0000000 0c10 0400 514d 5454 0204 3c00 0000\n0000016\n", InputShape::OffsetDump);  // octal
  // An odd length: the last word holds one byte.
  auto odd = read("0000000 0c10 0400 514d 5454 0204 3c00 0000 0011\n000000f\n");
  REQUIRE(odd.ok);
  CHECK(odd.bytes.size() == 15);
  CHECK(odd.bytes.back() == 0x11);
  // Without offsets the byte order cannot be known: refused, not read swapped.
  auto bare = read(" 0c10 0400 514d 5454 0204 3c00 0000\n");
  CHECK_FALSE(bare.ok);
  CHECK(bare.error.message.find("byte order is unknown") != std::string::npos);
  CHECK(read(" 100c 0004\n", InputFormat::Hex).bytes == std::vector<std::uint8_t>{0x10, 0x0c, 0x00, 0x04});
}

TEST_CASE("tcpdump -xx and tshark -x frames: only the TCP payload is read") {
  // Ethernet (Linux loopback: zero addresses), IPv4 127.0.0.1 -> 127.0.0.1,
  // TCP 1883 -> 50000 with a 20-byte header, then PUBACK 1 (40 02 00 01).
  const char* tcpdump =
      "\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500\n"
      "\t0x0010:  002c 0001 0000 4006 0000 7f00 0001 7f00\n"
      "\t0x0020:  0001 075b c350 0000 0001 0000 0000 5018\n"
      "\t0x0030:  ffff 0000 0000 4002 0001\n";
  auto r = read(tcpdump);
  REQUIRE_MESSAGE(r.ok, to_string(r.error));
  CHECK(r.bytes == std::vector<std::uint8_t>{0x40, 0x02, 0x00, 0x01});
  // tshark -x: one block per frame; a frame without payload (an ACK) adds
  // nothing; the second frame carries PUBACK 2.
  const char* tshark =
      "0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.\n"
      "0010  00 28 00 02 00 00 40 06 00 00 7f 00 00 01 7f 00   .(....@.........\n"
      "0020  00 01 c3 50 07 5b 00 00 00 01 00 00 00 05 50 10   ...P.[........P.\n"
      "0030  ff ff 00 00 00 00                                 ......\n"
      "\n"
      "0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.\n"
      "0010  00 2c 00 03 00 00 40 06 00 00 7f 00 00 01 7f 00   .,....@.........\n"
      "0020  00 01 07 5b c3 50 00 00 00 05 00 00 00 01 50 18   ...[.P........P.\n"
      "0030  ff ff 00 00 00 00 40 02 00 02                     ......@...\n";
  auto t = read(tshark);
  REQUIRE_MESSAGE(t.ok, to_string(t.error));
  CHECK(t.bytes == std::vector<std::uint8_t>{0x40, 0x02, 0x00, 0x02});
  // A dump of MQTT bytes is never taken for a frame.
  check_connect("0000  10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00                 ....MQTT...<..", InputShape::OffsetDump);
}

TEST_CASE("frames in a dump are read by the capture reader's decoder: IPv6 extension headers, 802.1ad") {
  // tshark -x -i any: SLL2, IPv6 ::1 -> ::1 with a hop-by-hop header, TCP
  // 50000 -> 1883, PINGREQ.
  const char* sll2 =
      "0000  86 dd 00 00 00 00 00 01 03 04 00 06 00 00 00 00   ................\n"
      "0010  00 00 00 00 60 00 00 00 00 1e 00 40 00 00 00 00   ....`......@....\n"
      "0020  00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00   ................\n"
      "0030  00 00 00 00 00 00 00 00 00 00 00 01 06 00 00 00   ................\n"
      "0040  00 00 00 00 c3 50 07 5b 00 00 00 01 00 00 00 00   .....P.[........\n"
      "0050  50 18 ff ff 00 00 00 00 c0 00                     P.........\n";
  auto r = read(sll2);
  REQUIRE_MESSAGE(r.ok, to_string(r.error));
  CHECK(r.bytes == std::vector<std::uint8_t>{0xc0, 0x00});
  // Ethernet with an 802.1ad tag (88 a8), IPv4, PINGRESP.
  const char* qinq =
      "0000  00 00 00 00 00 00 00 00 00 00 00 00 88 a8 00 05   ................\n"
      "0010  08 00 45 00 00 2a 00 01 00 00 40 06 00 00 7f 00   ..E..*....@.....\n"
      "0020  00 01 7f 00 00 01 07 5b c3 50 00 00 00 01 00 00   .......[.P......\n"
      "0030  00 00 50 18 ff ff 00 00 00 00 d0 00               ..P.........\n";
  auto q = read(qinq);
  REQUIRE_MESSAGE(q.ok, to_string(q.error));
  CHECK(q.bytes == std::vector<std::uint8_t>{0xd0, 0x00});
}

TEST_CASE("a frame whose IPv4 total length is 0 (TSO) is not taken for a frame in a dump") {
  // What a capture reads to the frame's end, a guess cannot confirm: the
  // block stays as it is.
  auto r = read("0000  45 00 00 00 00 01 40 00 40 06 00 00 7f 00 00 01   E.....@.@.......\n"
                "0010  7f 00 00 02 c3 50 07 5b 00 00 00 64 00 00 00 00   .....P.[...d....\n"
                "0020  50 18 ff ff 00 00 00 00 c0 00                     P.........\n");
  REQUIRE_MESSAGE(r.ok, to_string(r.error));
  CHECK(r.bytes.size() == 42);
}
