// Packets out of one direction's byte stream: split across segments, after
// a mid-stream start or a gap (resynchronised), inside WebSocket frames.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capture/mqtt_extractor.hpp"
#include "dump/input.hpp"

using namespace mq;
using namespace mq::capture;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

std::string to_hex(ByteView b) {
  std::string s;
  for (auto c : b) s += "0123456789abcdef"[c >> 4], s += "0123456789abcdef"[c & 15];
  return s;
}

/// Packets as hex, notes as they come.
struct Recorder : PacketSink {
  std::vector<std::string> packets;
  std::vector<std::string> notes;
  void packet(ByteView b) override { packets.push_back(to_hex(b)); }
  void note(std::string text) override { notes.push_back(std::move(text)); }
};

void feed(MqttExtractor& x, std::string_view hex_text) {
  auto b = hex(hex_text);
  x.data(b);
}

void feed_text(MqttExtractor& x, std::string_view text) { x.data(as_bytes(text)); }

}  // namespace

TEST_CASE("packets split across segments, and several in one segment") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed(x, "10 0d 00 04 4d 51");                     // CONNECT, first 6 bytes
  feed(x, "54 54 04 02 00 3c 00 01 63  c0");         // its rest, and the first byte of a PINGREQ
  feed(x, "00  30 05 00 01 61 68 69");               // PINGREQ's length; PUBLISH "a" "hi"
  x.end();
  CHECK(r.packets == std::vector<std::string>{"100d00044d5154540402003c000163", "c000", "30050001616869"});
  CHECK(r.notes.empty());
}

TEST_CASE("a mid-stream start skips to the first plausible packet and says so") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(true);
  // the last 3 bytes of a PUBLISH payload, then PINGREQ and PUBLISH "a" "hi"
  feed(x, "6c 6f 21  c0 00  30 05 00 01 61 68 69");
  CHECK(r.packets == std::vector<std::string>{"c000", "30050001616869"});
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "the capture starts mid-stream: skipped 3 bytes to a plausible PINGREQ at stream offset 3");
}

TEST_CASE("a candidate that does not decode, or is not followed by a fixed header, is passed over") {
  Recorder r;
  MqttExtractor x(Sender::Server, r);
  x.begin(true);
  // 30 02 00 05: a PUBLISH whose topic length runs past its end (does not
  // decode); 40 02 00 01 then 00: a PUBACK followed by packet type 0;
  // then a SUBACK 90 03 00 07 01.
  feed(x, "30 02 00 05  40 02 00 01 00  90 03 00 07 01");
  CHECK(r.packets == std::vector<std::string>{"9003000701"});
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "the capture starts mid-stream: skipped 9 bytes to a plausible SUBACK at stream offset 9");
}

TEST_CASE("after a gap, the stream resynchronises on the next plausible packet") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed(x, "30 09 00 01 61");  // a PUBLISH whose end was not captured
  x.gap(6);
  feed(x, "c0 00");
  CHECK(r.packets == std::vector<std::string>{"c000"});
  REQUIRE(r.notes.size() == 2);
  CHECK(r.notes[0] == "6 bytes were not captured at stream offset 5");
  CHECK(r.notes[1] == "after the missing bytes: skipped 0 bytes to a plausible PINGREQ at stream offset 11");
}

TEST_CASE("a broken fixed header loses the framing, which is found again") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed(x, "c0 00  00 00  c0 00");  // PINGREQ, two bytes of packet type 0, PINGREQ
  CHECK(r.packets == std::vector<std::string>{"c000", "c000"});
  REQUIRE(r.notes.size() == 2);
  CHECK(r.notes[0].rfind("framing lost at stream offset 2: ", 0) == 0);
  CHECK(r.notes[1] == "after the lost framing: skipped 1 byte to a plausible PINGREQ at stream offset 4");
}

TEST_CASE("a packet larger than the limit is skipped without being buffered") {
  Recorder r;
  ExtractLimits limits;
  limits.max_packet = 8;
  MqttExtractor x(Sender::Client, r, limits);
  x.begin(false);
  feed(x, "30 0a 00 01 61 31 32");  // 12 bytes in all
  feed(x, "33 34 35 36 37  c0 00");
  CHECK(r.packets == std::vector<std::string>{"c000"});
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "a PUBLISH of 12 bytes at stream offset 0 is larger than the limit of 8 bytes; skipped");
}

TEST_CASE("MQTT over WebSocket: the client's upgrade, then masked frames, a packet across two frames") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed_text(x, "GET /mqtt HTTP/1.1\r\nHost: b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
  feed_text(x, "Sec-WebSocket-Protocol: mqtt\r\n\r\n");
  // binary frame, not FIN, masked, 3 bytes, mask 01 02 03 04: "30 05 00" ^ mask
  feed(x, "02 83 01 02 03 04  31 07 03");
  // continuation frame, FIN, masked, 4 bytes, mask 00 00 00 00: "01 61 68 69"
  feed(x, "80 84 00 00 00 00  01 61 68 69");
  CHECK(x.websocket());
  CHECK(r.packets == std::vector<std::string>{"30050001616869"});
  CHECK(r.notes.empty());
}

TEST_CASE("MQTT over WebSocket: the broker's 101 answer, then unmasked frames") {
  Recorder r;
  MqttExtractor x(Sender::Server, r);
  x.begin(false);
  feed_text(x, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
  feed(x, "82 04 20 02 00 00  82 02 d0 00");  // CONNACK, PINGRESP
  CHECK(r.packets == std::vector<std::string>{"20020000", "d000"});
}

TEST_CASE("HTTP without a WebSocket upgrade is not read as MQTT") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed_text(x, "GET / HTTP/1.1\r\nHost: b\r\n\r\n");
  feed(x, "c0 00");
  CHECK(r.packets.empty());
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "HTTP without a WebSocket upgrade (\"GET / HTTP/1.1\"); the rest of this direction is not decoded");
}

TEST_CASE("the end of a stream inside a packet is reported") {
  Recorder r;
  MqttExtractor x(Sender::Client, r);
  x.begin(false);
  feed(x, "30 05 00 01");
  x.end();
  CHECK(r.packets.empty());
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "the stream ends 4 bytes into a packet that was not completed");
}
