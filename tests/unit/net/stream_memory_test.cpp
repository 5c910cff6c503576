// What an idle accepted connection costs the network layer. A broker holds
// tens of thousands of them (tests/bench/broker_bench.sh compares the whole
// process with mosquitto), so the stream object, its shared_ptr control
// block and its libuv handle share one heap block, and a stream served by a
// StreamHandler allocates nothing else while idle.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../alloc_count.hpp"
#include "net/uv_stream.hpp"
#include "net_test_util.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;

// The stream's part of that block (LP64 libstdc++): the vtable pointer, the
// weak self-reference of enable_shared_from_this, the handler and its tag,
// the flags, the handle pointer and the side block pointer.
static_assert(sizeof(void*) != 8 || sizeof(Stream) <= 48);
static_assert(sizeof(void*) != 8 || sizeof(UvStream) <= 64);

namespace {

Url loopback_url() {
  auto r = parse_url("mqtt://127.0.0.1:0");
  REQUIRE(r.ok());
  return r.value();
}

/// Counts events per tag, like a server with one handler for all streams.
struct CountingHandler final : StreamHandler {
  std::vector<std::size_t> bytes;
  std::vector<int> closes;
  std::vector<NetErrc> why;
  explicit CountingHandler(std::size_t n) : bytes(n), closes(n), why(n) {}
  void on_stream_data(std::uint64_t tag, ByteView b) override { bytes.at(tag) += b.size(); }
  void on_stream_close(std::uint64_t tag, const NetError& e) override {
    ++closes.at(tag);
    why.at(tag) = e.code;
  }
};

/// A blocking client socket connected to `port` on 127.0.0.1; the kernel
/// completes the handshake from the listen backlog.
int connect_raw(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

}  // namespace

TEST_CASE("an idle accepted TCP stream costs one heap block of at most 336 bytes") {
  constexpr std::size_t kStreams = 64;
  TestLoop t;
  std::vector<std::shared_ptr<Stream>> accepted;
  accepted.reserve(kStreams);
  CountingHandler handler(kStreams);
  auto listener = Listener::listen(t.loop, loopback_url(), {}, [&](std::shared_ptr<Stream> s) {
    s->set_handler(&handler, accepted.size());
    accepted.push_back(std::move(s));
  });
  REQUIRE(listener);
  std::vector<int> fds;
  fds.reserve(kStreams);
  t.run_for(std::chrono::milliseconds(1));  // the timer and loop allocate once first

  const std::size_t heap_before = mq::test::live_heap_bytes();
  const std::size_t allocs_before = mq::test::allocation_count();
  for (std::size_t i = 0; i < kStreams; ++i) fds.push_back(connect_raw(listener.value()->port()));
  t.run_until([&] { return accepted.size() == kStreams; });
  const std::size_t allocs = mq::test::allocation_count() - allocs_before;
  const std::size_t per_stream = (mq::test::live_heap_bytes() - heap_before) / kStreams;
  MESSAGE("heap bytes per idle accepted stream: ", per_stream);
  // One block each (handle, control block, stream); the run's guard timer adds one or two.
  CHECK(allocs <= kStreams + 2);
  CHECK(per_stream <= 336);   // was 496: a 248-byte handle and a 232-byte stream

  // The handler hears each stream's end once, under its own tag.
  for (int fd : fds) ::close(fd);
  t.run_until([&] {
    for (int c : handler.closes)
      if (c == 0) return false;
    return true;
  });
  for (std::size_t i = 0; i < kStreams; ++i) {
    CHECK(handler.closes[i] == 1);
    CHECK(handler.why[i] == NetErrc::PeerClosed);
  }
  accepted.clear();
  listener.value().reset();
  t.check_clean();
}

TEST_CASE("an accepted stream's block outlives its last reference until libuv closed the handle") {
  TestLoop t;
  std::vector<std::shared_ptr<Stream>> accepted;
  auto listener = Listener::listen(t.loop, loopback_url(), {},
                                   [&](std::shared_ptr<Stream> s) { accepted.push_back(std::move(s)); });
  REQUIRE(listener);
  int fds[3] = {connect_raw(listener.value()->port()), connect_raw(listener.value()->port()),
                connect_raw(listener.value()->port())};
  t.run_until([&] { return accepted.size() == 3; });
  int closes = 0;
  for (auto& s : accepted) s->on_close([&](const NetError&) { ++closes; });

  // Dropped while open: closed without a close event, freed by the callback.
  std::weak_ptr<Stream> weak0 = accepted[0];
  accepted[0].reset();
  CHECK(weak0.expired());
  // Aborted, then dropped before the close callback ran.
  accepted[1]->abort();
  accepted[1].reset();
  // Aborted while a weak reference holds the storage past the callback.
  std::weak_ptr<Stream> weak2 = accepted[2];
  accepted[2]->abort();
  accepted[2].reset();
  t.run_for(std::chrono::milliseconds(5));
  CHECK(closes == 0);
  weak2.reset();  // releases the block after the handle is closed

  for (int fd : fds) ::close(fd);
  listener.value().reset();
  t.check_clean();  // the leak checker of the sanitizer build sees the rest
}

TEST_CASE("a stream open when the loop closes is closed without a close event") {
  auto t = std::make_unique<TestLoop>();
  std::shared_ptr<Stream> accepted;
  auto listener = Listener::listen(t->loop, loopback_url(), {}, [&](std::shared_ptr<Stream> s) { accepted = s; });
  REQUIRE(listener);
  int fd = connect_raw(listener.value()->port());
  t->run_until([&] { return accepted != nullptr; });
  bool closed = false;
  accepted->on_close([&](const NetError&) { closed = true; });
  listener.value().reset();
  CHECK(t->loop.close() == 1);  // the stream's handle was still open
  CHECK(!closed);
  CHECK(!accepted->is_open());
  accepted->write(pattern(10));  // ignored: no loop any more
  CHECK(accepted->queued_bytes() == 0);
  accepted.reset();  // frees the block: libuv closed the handle already
  t.reset();
  ::close(fd);
}

TEST_CASE("set_handler replaces the functions and on_data/on_close replace the handler") {
  TestLoop t;
  std::shared_ptr<Stream> accepted;
  auto listener = Listener::listen(t.loop, loopback_url(), {}, [&](std::shared_ptr<Stream> s) { accepted = s; });
  REQUIRE(listener);
  int fd = connect_raw(listener.value()->port());
  t.run_until([&] { return accepted != nullptr; });
  CountingHandler handler(8);
  std::size_t function_bytes = 0;
  accepted->on_data([&](ByteView b) { function_bytes += b.size(); });
  accepted->set_handler(&handler, 7);  // the functions are gone
  REQUIRE(::write(fd, "abc", 3) == 3);
  t.run_until([&] { return handler.bytes[7] == 3; });
  CHECK(function_bytes == 0);
  accepted->on_data([&](ByteView b) { function_bytes += b.size(); });  // the handler is gone
  REQUIRE(::write(fd, "de", 2) == 2);
  t.run_until([&] { return function_bytes == 2; });
  CHECK(handler.bytes[7] == 3);
  accepted->set_handler(&handler, 5);
  ::close(fd);
  t.run_until([&] { return handler.closes[5] == 1; });
  CHECK(handler.why[5] == NetErrc::PeerClosed);
  accepted.reset();
  listener.value().reset();
  t.check_clean();
}
