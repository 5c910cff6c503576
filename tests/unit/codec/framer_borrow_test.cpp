// The framer hands out packets that lie whole in a feed as views into the
// fed bytes, and copies only what it must. These tests pin the lifetime
// rules framer.hpp documents: fed bytes may go once next() said NeedMore,
// frames stay valid until the next feed().

#include <algorithm>
#include <cstdint>
#include <memory>

#include "codec_test_util.hpp"
#include "codec/framer.hpp"

using namespace mq;
using namespace mq::test;

namespace {

const Bytes kPublish = {0x32, 0x07, 0x00, 0x01, 'a', 0x00, 0x01, 'h', 'i'};  // QoS 1 "a", id 1, "hi"
const Bytes kPuback = {0x40, 0x02, 0x00, 0x01};

Bytes bytes_of(ByteView v) { return Bytes(v.begin(), v.end()); }

/// Bytes [from, to) of `b` (to = SIZE_MAX: the end).
Bytes slice(const Bytes& b, std::size_t from, std::size_t to = SIZE_MAX) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from),
               b.begin() + static_cast<std::ptrdiff_t>(std::min(to, b.size())));
}

/// A 100-byte QoS 0 PUBLISH: topic "t", 97 bytes of payload.
Bytes long_publish() {
  Bytes p = {0x30, 98, 0x00, 0x01, 't'};
  p.resize(100, 'x');
  return p;
}

}  // namespace

TEST_CASE("framer: packets whole inside a feed are views into the fed bytes") {
  const Bytes fed = cat({kPublish, kPuback});
  Framer f;
  f.feed(fed);
  auto a = f.next();
  REQUIRE(a.status == Framer::Status::Packet);
  CHECK(a.packet.data() == fed.data());  // not copied
  CHECK(a.body.data() == fed.data() + 2);
  auto b = f.next();
  REQUIRE(b.status == Framer::Status::Packet);
  CHECK(b.packet.data() == fed.data() + kPublish.size());
  CHECK(bytes_of(b.packet) == kPuback);
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.buffered() == 0);
}

TEST_CASE("framer: a packet split across feeds; fed bytes may go once next() said NeedMore") {
  Framer f;
  auto first = std::make_unique<Bytes>(cat({kPuback, slice(kPublish, 0, 3)}));
  f.feed(*first);
  REQUIRE(f.next().status == Framer::Status::Packet);  // the PUBACK
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.buffered() == 3);
  first.reset();  // the caller's read buffer is gone: the framer kept its own copy of the 3 bytes
  auto second = std::make_unique<Bytes>(cat({slice(kPublish, 3), kPuback}));
  f.feed(*second);
  auto p = f.next();
  REQUIRE(p.status == Framer::Status::Packet);
  CHECK(bytes_of(p.packet) == kPublish);
  CHECK(p.header.remaining_length == 7);
  CHECK(bytes_of(p.body) == Bytes(kPublish.begin() + 2, kPublish.end()));
  auto q = f.next();
  REQUIRE(q.status == Framer::Status::Packet);
  CHECK(q.packet.data() == second->data() + (kPublish.size() - 3));  // after the split packet: a view again
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.consumed() == 2 * kPuback.size() + kPublish.size());
}

TEST_CASE("framer: a fixed header split across feeds") {
  const Bytes big = long_publish();
  Framer f;
  const Bytes one(big.begin(), big.begin() + 1);  // the type byte alone
  f.feed(one);
  CHECK(f.next().status == Framer::Status::NeedMore);
  const Bytes rest(big.begin() + 1, big.end());
  f.feed(rest);
  auto p = f.next();
  REQUIRE(p.status == Framer::Status::Packet);
  CHECK(bytes_of(p.packet) == big);
  CHECK(f.next().status == Framer::Status::NeedMore);
}

TEST_CASE("framer: earlier frames stay valid until the next feed, even when the buffer must grow") {
  const Bytes big = long_publish();
  Framer f;
  const Bytes head(kPublish.begin(), kPublish.begin() + 4);
  f.feed(head);
  REQUIRE(f.next().status == Framer::Status::NeedMore);
  // The rest of the PUBLISH, a PUBACK, then 60 of the 100 bytes of a long PUBLISH.
  const Bytes fed = cat({slice(kPublish, 4), kPuback, slice(big, 0, 60)});
  f.feed(fed);
  auto a = f.next();  // gathered in the framer's buffer
  REQUIRE(a.status == Framer::Status::Packet);
  auto b = f.next();  // a view into `fed`
  REQUIRE(b.status == Framer::Status::Packet);
  CHECK(f.next().status == Framer::Status::NeedMore);  // keeps 60 bytes: more than the buffer held
  CHECK(bytes_of(a.packet) == kPublish);  // still readable (ASan would see a freed buffer)
  CHECK(bytes_of(b.packet) == kPuback);
  CHECK(f.buffered() == 60);
  const Bytes tail(big.begin() + 60, big.end());
  f.feed(tail);
  auto c = f.next();
  REQUIRE(c.status == Framer::Status::Packet);
  CHECK(bytes_of(c.packet) == big);
}

TEST_CASE("framer: frames left undrained are kept when more bytes come") {
  auto first = std::make_unique<Bytes>(cat({kPuback, kPublish, slice(kPuback, 0, 1)}));
  Framer f;
  f.feed(*first);
  REQUIRE(f.next().status == Framer::Status::Packet);  // PUBACK; the PUBLISH is left for later
  const Bytes second(kPuback.begin() + 1, kPuback.end());
  f.feed(second);  // takes a copy of what the first feed still held
  first.reset();
  auto p = f.next();
  REQUIRE(p.status == Framer::Status::Packet);
  CHECK(bytes_of(p.packet) == kPublish);
  auto q = f.next();
  REQUIRE(q.status == Framer::Status::Packet);
  CHECK(bytes_of(q.packet) == kPuback);
  CHECK(f.next().status == Framer::Status::NeedMore);
  CHECK(f.buffered() == 0);
  CHECK(f.consumed() == 2 * kPuback.size() + kPublish.size());
}

TEST_CASE("framer: an error in borrowed bytes is kept after they go") {
  Framer f(50);
  auto fed = std::make_unique<Bytes>(cat({kPuback, long_publish()}));
  f.feed(*fed);
  REQUIRE(f.next().status == Framer::Status::Packet);
  auto e = f.next();
  REQUIRE(e.status == Framer::Status::Error);
  CHECK(e.error.kind == ErrorKind::TooLarge);
  CHECK(e.error.offset == kPuback.size() + 1);
  fed.reset();
  CHECK(f.next().status == Framer::Status::Error);
  const Bytes more = kPuback;
  f.feed(more);
  CHECK(f.next().error.kind == ErrorKind::TooLarge);
}
