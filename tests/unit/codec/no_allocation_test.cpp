// The PUBLISH decoding hot path must not allocate: this file counts heap
// allocations (by replacing the global operator new for the test binary;
// the replacement only counts and forwards to malloc).

#include <cstdlib>
#include <new>

#include "codec_test_util.hpp"
#include "codec/framer.hpp"

namespace {
std::size_t g_allocations = 0;
}

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace mq;
using namespace mq::test;

TEST_CASE("decoding a PUBLISH without properties does not allocate") {
  // QoS 1, 20-byte topic, 8-byte payload, at 3.1.1 and (with an empty property list) at 5.0.
  const Bytes v311 = cat({{0x32, 0x20, 0x00, 0x14}, text("sensors/room-12/temp"), {0x12, 0x34}, text("21.5 C  ")});
  const Bytes v5 = cat({{0x32, 0x21, 0x00, 0x14}, text("sensors/room-12/temp"), {0x12, 0x34, 0x00}, text("21.5 C  ")});
  for (const auto& [bytes, v] : {std::pair{v311, ProtocolVersion::v311}, std::pair{v5, ProtocolVersion::v5}}) {
    REQUIRE(decode_packet(bytes, v).ok());
    const std::size_t before = g_allocations;
    for (int i = 0; i < 100; ++i) {
      auto r = decode_packet(bytes, v);
      REQUIRE(r.ok());
      auto h = decode_fixed_header(bytes);
      auto b = decode_body(*h, ByteView(bytes).subspan(h->header_size), v);
      REQUIRE(b.ok());
    }
    CHECK(g_allocations == before);
  }
}

TEST_CASE("the framer does not allocate once its buffer has grown") {
  const Bytes publish = {0x32, 0x07, 0x00, 0x01, 'a', 0x00, 0x01, 'h', 'i'};
  Framer f;
  for (int i = 0; i < 4; ++i) f.feed(publish);
  while (f.next().status == Framer::Status::Packet) {
  }
  const std::size_t before = g_allocations;
  for (int i = 0; i < 1000; ++i) {
    f.feed(publish);
    auto fr = f.next();
    REQUIRE(fr.status == Framer::Status::Packet);
  }
  CHECK(g_allocations == before);
}
