// The PUBLISH decoding hot path must not allocate: heap allocations are
// counted by the test binary's replacement of operator new (alloc_count.hpp).

#include "../alloc_count.hpp"
#include "codec_test_util.hpp"
#include "codec/framer.hpp"

using namespace mq;
using namespace mq::test;

TEST_CASE("decoding a PUBLISH without properties does not allocate") {
  // QoS 1, 20-byte topic, 8-byte payload, at 3.1.1 and (with an empty property list) at 5.0.
  const Bytes v311 = cat({{0x32, 0x20, 0x00, 0x14}, text("sensors/room-12/temp"), {0x12, 0x34}, text("21.5 C  ")});
  const Bytes v5 = cat({{0x32, 0x21, 0x00, 0x14}, text("sensors/room-12/temp"), {0x12, 0x34, 0x00}, text("21.5 C  ")});
  for (const auto& [bytes, v] : {std::pair{v311, ProtocolVersion::v311}, std::pair{v5, ProtocolVersion::v5}}) {
    REQUIRE(decode_packet(bytes, v).ok());
    const std::size_t before = mq::test::allocation_count();
    for (int i = 0; i < 100; ++i) {
      auto r = decode_packet(bytes, v);
      REQUIRE(r.ok());
      auto h = decode_fixed_header(bytes);
      auto b = decode_body(*h, ByteView(bytes).subspan(h->header_size), v);
      REQUIRE(b.ok());
    }
    CHECK(mq::test::allocation_count() == before);
  }
}

TEST_CASE("the framer does not allocate once its buffer has grown") {
  const Bytes publish = {0x32, 0x07, 0x00, 0x01, 'a', 0x00, 0x01, 'h', 'i'};
  Framer f;
  for (int i = 0; i < 4; ++i) f.feed(publish);
  while (f.next().status == Framer::Status::Packet) {
  }
  const std::size_t before = mq::test::allocation_count();
  for (int i = 0; i < 1000; ++i) {
    f.feed(publish);
    auto fr = f.next();
    REQUIRE(fr.status == Framer::Status::Packet);
  }
  CHECK(mq::test::allocation_count() == before);
}
