// libpcap reading: a hand-written pcap file (global header, one record)
// read from memory, as mqdump does for standard input.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capture/pcap_source.hpp"
#include "dump/input.hpp"
#include "dump/observed_print.hpp"

using namespace mq;
using namespace mq::capture;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

// pcap, little-endian, microseconds, version 2.4, snap length 262144, Ethernet;
// one record at 2026-12-06T05:42:50.123456Z: a PINGREQ from 127.0.0.1:50000 to 127.0.0.2:1883.
const char* kPcap =
    "d4 c3 b2 a1  02 00 04 00  00 00 00 00  00 00 00 00  00 00 04 00  01 00 00 00"
    "da f5 14 6b  40 e2 01 00  3c 00 00 00  3c 00 00 00"  // ts 1796535770 s 123456 us, 60 bytes captured of 60
    "00 00 00 00 00 00  00 00 00 00 00 00  08 00"
    "45 00 00 2a  00 01 40 00  40 06 00 00  7f 00 00 01  7f 00 00 02"
    "c3 50 07 5b  00 00 00 64  00 00 00 00  50 18 ff ff  00 00 00 00"
    "c0 00  00 00 00 00";

}  // namespace

TEST_CASE("capture files are recognised by their magic number") {
  CHECK(looks_like_capture(hex("d4 c3 b2 a1 02 00")));  // pcap, little-endian
  CHECK(looks_like_capture(hex("a1 b2 c3 d4")));        // pcap, big-endian
  CHECK(looks_like_capture(hex("4d 3c b2 a1")));        // pcap, nanoseconds
  CHECK(looks_like_capture(hex("0a 0d 0d 0a")));        // pcapng section header
  CHECK_FALSE(looks_like_capture(hex("10 0c 00 04")));  // a CONNECT
  CHECK_FALSE(looks_like_capture(hex("d4 c3")));
}

TEST_CASE("a pcap in memory is read to its MQTT packets with time and addresses") {
  auto file = hex(kPcap);
  std::string out;
  dump::ObservedPrinter printer([&](std::string_view s) { out += s; }, {});
  CaptureResult r = read_bytes(file, "standard input", {}, printer);
  CHECK_FALSE(r.error);
  CHECK(r.stats.frames == 1);
  CHECK(r.stats.packets == 1);
  CHECK(out ==
        "2026-12-06T05:42:50.123456Z connection 1 c->s 127.0.0.1:50000 -> 127.0.0.2:1883\n"
        "packet 1: PINGREQ, protocol level unknown, 2 bytes at offset 0\n"
        "    0  c0                        fixed header: PINGREQ (flags 0000)\n"
        "    1  00                        remaining length: 0\n"
        "2026-12-06T05:42:50.123456Z connection 1 ended: capture ended\n");
}

TEST_CASE("a pcap cut short keeps what was read and reports the cut") {
  auto file = hex(kPcap);
  file.resize(file.size() - 10);
  std::string out;
  dump::ObservedPrinter printer([&](std::string_view s) { out += s; }, {});
  CaptureResult r = read_bytes(file, "cut.pcap", {}, printer);
  REQUIRE(r.error);
  CHECK(r.error->rfind("cut.pcap: truncated", 0) == 0);
  CHECK(r.stats.frames == 0);
}

TEST_CASE("a file that is not a capture gets libpcap's reason") {
  auto bytes = hex("10 0c 00 04 4d 51 54 54 04 02 00 3c");
  dump::ObservedPrinter printer([](std::string_view) {}, {});
  CaptureResult r = read_bytes(bytes, "x.bin", {}, printer);
  REQUIRE(r.error);
  CHECK(r.error->rfind("x.bin: ", 0) == 0);
  CHECK(read_file("/nonexistent/x.pcap", {}, printer).error->rfind("/nonexistent/x.pcap: ", 0) == 0);
}
