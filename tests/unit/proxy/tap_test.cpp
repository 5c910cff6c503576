// The proxy's tap: bytes in as they arrive, packets out, framed per
// direction at the level of the connection's CONNECT.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../dump/conversation_util.hpp"

#include "proxy/tap.hpp"

using namespace mq;
using namespace mq::dump;
using mq::proxy::ConnectionTap;

namespace {

using mq::dump::test::hex;

/// What the tap handed out, copied (views live only during the call).
struct Seen {
  Direction direction;
  std::vector<std::uint8_t> bytes;
  std::optional<ProtocolVersion> version;
  bool ok;
  std::string error;
  std::uint16_t client_port;
};

struct Recorder : PacketObserver {
  std::vector<Seen> packets;
  std::vector<std::string> ends;
  void packet(const ObservedPacket& p) override {
    packets.push_back({p.direction, {p.bytes.begin(), p.bytes.end()}, p.version, p.decoded->ok(),
                       p.decoded->ok() ? std::string() : to_string(p.decoded->error()), p.client->port});
  }
  void connection_end(const ConnectionEnd& e) override { ends.emplace_back(e.how); }
};

// A 5.0 CONNECT (client id "a", keep alive 60) and its CONNACK.
const auto kConnect5 = hex("10 0e 00 04 4d 51 54 54 05 02 00 3c 00 00 01 61");
const auto kConnack5 = hex("20 03 00 00 00");
// PUBACK with reason code 0x10 (No matching subscribers): reads only at 5.0.
const auto kPuback5 = hex("40 03 00 01 10");

}  // namespace

TEST_CASE("tap: packets split across reads come out whole, at the CONNECT's level") {
  Recorder r;
  std::vector<std::string> notes;
  ConnectionTap tap(1, {"127.0.0.1", 50000}, {"127.0.0.1", 1883}, r, 1024,
                    [&](std::uint64_t, const std::string& n) { notes.push_back(n); });
  // The CONNECT in three pieces: 1 byte, 6 bytes, the rest.
  tap.feed(Direction::ToServer, ByteView(kConnect5).first(1), 1);
  tap.feed(Direction::ToServer, ByteView(kConnect5).subspan(1, 6), 2);
  CHECK(r.packets.empty());
  tap.feed(Direction::ToServer, ByteView(kConnect5).subspan(7), 3);
  REQUIRE(r.packets.size() == 1);
  CHECK(r.packets[0].bytes == kConnect5);
  CHECK(r.packets[0].ok);
  CHECK(r.packets[0].client_port == 50000);
  CHECK(tap.version() == ProtocolVersion::v5);
  // CONNACK and a 5.0 PUBACK in one read, the other way.
  std::vector<std::uint8_t> both = kConnack5;
  both.insert(both.end(), kPuback5.begin(), kPuback5.end());
  tap.feed(Direction::ToClient, both, 4);
  REQUIRE(r.packets.size() == 3);
  CHECK(r.packets[1].bytes == kConnack5);
  CHECK(r.packets[2].bytes == kPuback5);
  CHECK(r.packets[2].ok);
  CHECK(r.packets[2].version == ProtocolVersion::v5);
  CHECK(r.packets[2].direction == Direction::ToClient);
  tap.end(5, "closed by client");
  tap.end(6, "twice");
  CHECK(r.ends == std::vector<std::string>{"closed by client"});
  CHECK(notes.empty());
}

TEST_CASE("tap: a malformed packet is reported with its rule and framing goes on") {
  Recorder r;
  ConnectionTap tap(1, {}, {}, r, 1024);
  tap.feed(Direction::ToServer, hex("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00"), 1);  // 3.1.1 CONNECT
  // PUBLISH QoS 0 to "a/#": a wildcard in a topic name, then a PINGREQ.
  tap.feed(Direction::ToServer, hex("30 06 00 03 61 2f 23 78  c0 00"), 2);
  REQUIRE(r.packets.size() == 3);
  CHECK(!r.packets[1].ok);
  CHECK(r.packets[1].error.find("MQTT-3.3.2-2") != std::string::npos);
  CHECK(r.packets[1].bytes == hex("30 06 00 03 61 2f 23 78"));
  CHECK(r.packets[2].ok);
  CHECK(!tap.framing_lost(Direction::ToServer));
}

TEST_CASE("tap: after a framing loss the direction is counted raw and said once") {
  Recorder r;
  std::vector<std::string> notes;
  ConnectionTap tap(7, {}, {}, r, 1024, [&](std::uint64_t id, const std::string& n) {
    CHECK(id == 7);
    notes.push_back(n);
  });
  // PINGREQ, then packet type 0 (reserved): nothing after it can be framed.
  tap.feed(Direction::ToServer, hex("c0 00 00 02 aa bb"), 1);
  tap.feed(Direction::ToServer, hex("c0 00"), 2);
  REQUIRE(r.packets.size() == 2);
  CHECK(r.packets[0].ok);
  CHECK(!r.packets[1].ok);
  CHECK(r.packets[1].bytes == hex("00 02 aa bb"));
  CHECK(tap.framing_lost(Direction::ToServer));
  CHECK(!tap.framing_lost(Direction::ToClient));
  CHECK(tap.raw_bytes(Direction::ToServer) == 6);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("c->s: framing lost") == 0);
  // The other direction still frames.
  tap.feed(Direction::ToClient, hex("d0 00"), 3);
  CHECK(r.packets.size() == 3);
}

TEST_CASE("tap: a packet above the size limit loses the framing before it is buffered") {
  Recorder r;
  ConnectionTap tap(1, {}, {}, r, 16);
  tap.feed(Direction::ToClient, hex("30 ff 01"), 1);  // declares 255 bytes
  REQUIRE(r.packets.size() == 1);
  CHECK(r.packets[0].error.find("exceeds the maximum packet size of 16") != std::string::npos);
  CHECK(tap.framing_lost(Direction::ToClient));
}

TEST_CASE("tap: a broken CONNECT still gives the level it asks for") {
  Recorder r;
  ConnectionTap tap(1, {}, {}, r, 1024);
  // 5.0 CONNECT with the reserved flag bit set [MQTT-3.1.2-3].
  tap.feed(Direction::ToServer, hex("10 0e 00 04 4d 51 54 54 05 03 00 3c 00 00 01 61"), 1);
  tap.feed(Direction::ToClient, kPuback5, 2);
  REQUIRE(r.packets.size() == 2);
  CHECK(!r.packets[0].ok);
  CHECK(r.packets[1].ok);
  CHECK(r.packets[1].version == ProtocolVersion::v5);
}

TEST_CASE("tap: endpoints from peer addresses") {
  auto a = proxy::parse_endpoint("127.0.0.1:5000");
  CHECK(a.address == "127.0.0.1");
  CHECK(a.port == 5000);
  auto b = proxy::parse_endpoint("[::1]:1883");
  CHECK(b.address == "::1");
  CHECK(b.port == 1883);
  auto c = proxy::parse_endpoint("/run/mq.sock");
  CHECK(c.address == "/run/mq.sock");
  CHECK(c.port == 0);
}

TEST_CASE("tap: a broken fixed header split across reads is handed out whole, to the observer and the sink") {
  Recorder r;
  ConnectionTap tap(1, {}, {}, r, 1024);
  std::vector<std::uint8_t> sunk;
  std::size_t unframed = 0;
  tap.set_sink([&](Direction, ByteView b, std::optional<PacketType> type) {
    sunk.insert(sunk.end(), b.begin(), b.end());
    if (!type) ++unframed;
  });
  // PINGREQ, then a remaining length of five continuation bytes [MQTT-1.5.5]: the
  // broken header starts in the first read and ends in the second.
  tap.feed(Direction::ToServer, hex("c0 00 30 ff"), 1);
  tap.feed(Direction::ToServer, hex("ff ff ff 01"), 2);
  tap.feed(Direction::ToServer, hex("aa"), 3);
  REQUIRE(r.packets.size() == 2);
  CHECK(r.packets[1].bytes == hex("30 ff ff ff ff 01"));
  CHECK(sunk == hex("c0 00 30 ff ff ff ff 01 aa"));  // every byte, once, in order
  CHECK(unframed == 2);
}
