// The streaming framer: packets out of bytes that arrive in any split.

#include "codec_test_util.hpp"
#include "codec/framer.hpp"

using namespace mq;
using namespace mq::test;

namespace {

const Bytes kPingreq = {0xC0, 0x00};
const Bytes kPublish = {0x32, 0x07, 0x00, 0x01, 'a', 0x00, 0x01, 'h', 'i'};  // QoS 1 "a", id 1, "hi"
const Bytes kPuback = {0x40, 0x02, 0x00, 0x01};

Bytes stream() { return cat({kPingreq, kPublish, kPuback}); }

}  // namespace

TEST_CASE("framer: many packets in one feed") {
  Framer f;
  const Bytes bytes = stream();  // fed bytes stay alive until drained: frames point into them
  f.feed(bytes);
  auto a = f.next();
  REQUIRE(a.status == Framer::Status::Packet);
  CHECK(Bytes(a.packet.begin(), a.packet.end()) == kPingreq);
  CHECK(a.body.empty());
  auto b = f.next();
  REQUIRE(b.status == Framer::Status::Packet);
  CHECK(Bytes(b.packet.begin(), b.packet.end()) == kPublish);
  CHECK(b.header.remaining_length == 7);
  CHECK(b.body.size() == 7);
  // The frame decodes with decode_body.
  auto p = decode_body(b.header, b.body, ProtocolVersion::v311);
  REQUIRE(p.ok());
  CHECK(std::get<Publish>(*p).topic == "a");
  auto c = f.next();
  REQUIRE(c.status == Framer::Status::Packet);
  CHECK(Bytes(c.packet.begin(), c.packet.end()) == kPuback);
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.buffered() == 0);
  CHECK(f.consumed() == stream().size());
}

TEST_CASE("framer: byte-by-byte feeding") {
  Framer f;
  std::vector<Bytes> got;
  for (auto byte : stream()) {
    const Bytes one{byte};  // alive until drained below
    f.feed(one);
    for (;;) {
      auto fr = f.next();
      REQUIRE(fr.status != Framer::Status::Error);
      if (fr.status == Framer::Status::NeedMore) break;
      got.emplace_back(fr.packet.begin(), fr.packet.end());
    }
  }
  REQUIRE(got.size() == 3);
  CHECK(got[0] == kPingreq);
  CHECK(got[1] == kPublish);
  CHECK(got[2] == kPuback);
}

TEST_CASE("framer: memory stays bounded over a long stream") {
  Framer f;
  std::size_t packets = 0;
  for (int i = 0; i < 2000; ++i) {
    f.feed(kPublish);
    while (f.next().status == Framer::Status::Packet) ++packets;
    CHECK(f.buffered() == 0);
  }
  CHECK(packets == 2000);
  // Half a packet left over, then the rest: still one packet.
  f.feed(ByteView(kPublish).first(4));
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.buffered() == 4);
  f.feed(ByteView(kPublish).subspan(4));
  CHECK(f.next().status == Framer::Status::Packet);
}

TEST_CASE("framer: oversize packets are rejected before the body arrives") {
  Framer f(100);
  f.feed(kPingreq);
  REQUIRE(f.next().status == Framer::Status::Packet);
  const Bytes start{0x30, 0xE8};  // PUBLISH, first byte of remaining length 1000
  f.feed(start);
  CHECK(f.next().status == Framer::Status::NeedMore);
  const Bytes end{0x07};  // remaining length complete: 1000 > 100
  f.feed(end);
  auto e = f.next();
  REQUIRE(e.status == Framer::Status::Error);
  CHECK(e.error.kind == ErrorKind::TooLarge);
  CHECK(e.error.offset == 3);  // the remaining length, counted from the start of the stream
  CHECK(e.error.field == "remaining length");
  CHECK(f.buffered() == 3);  // nothing of the body was waited for
  // The framer stays in error.
  f.feed(kPingreq);
  CHECK(f.next().status == Framer::Status::Error);
}

TEST_CASE("framer: the maximum counts the whole packet") {
  Framer f(static_cast<std::uint32_t>(kPublish.size()));
  f.feed(kPublish);
  CHECK(f.next().status == Framer::Status::Packet);
  f.set_max_packet_size(static_cast<std::uint32_t>(kPublish.size() - 1));
  f.feed(kPublish);
  CHECK(f.next().error.kind == ErrorKind::TooLarge);
}

TEST_CASE("framer: bad remaining length") {
  Framer f;
  f.feed(kPuback);
  const Bytes five{0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};  // five-byte remaining length
  f.feed(five);
  REQUIRE(f.next().status == Framer::Status::Packet);
  auto e = f.next();
  REQUIRE(e.status == Framer::Status::Error);
  CHECK(e.error.kind == ErrorKind::Malformed);
  CHECK(e.error.offset == 5);  // 4 bytes of PUBACK, then the remaining length at 1
  CHECK(e.error.rule == "MQTT-1.5.5-1");

  Framer g;
  const Bytes not_minimal{0x30, 0x80, 0x00};
  g.feed(not_minimal);
  CHECK(g.next().error.kind == ErrorKind::Malformed);

  Framer h;
  const Bytes type0{0x00, 0x00};
  h.feed(type0);
  CHECK(h.next().status == Framer::Status::Error);
}
