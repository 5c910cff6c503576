#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "net/input_stream.hpp"
#include "net/output_watch.hpp"
#include "net_test_util.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;

namespace {

/// What an InputStream delivered.
struct Collected {
  std::string data;
  bool ended = false;
  NetError error;
};

std::unique_ptr<InputStream> collect(Loop& loop, int fd, Collected& c) {
  return std::make_unique<InputStream>(
      loop, fd, [&c](ByteView b) { c.data.append(reinterpret_cast<const char*>(b.data()), b.size()); },
      [&c](const NetError& e) {
        c.ended = true;
        c.error = e;
      });
}

/// `n` bytes of numbered lines, so order and completeness are visible.
std::string lines(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i) + "\n";
  s.resize(n);
  return s;
}

}  // namespace

TEST_CASE("input stream: a regular file arrives whole, in order, then the end") {
  char path[] = "/tmp/mq-input-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string text = lines(600 * 1024);  // more than one read chunk
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  TestLoop t;
  Collected c;
  auto in = collect(t.loop, fd, c);
  in->start();
  t.run_until([&] { return c.ended; });
  CHECK_FALSE(c.error);
  CHECK(c.data == text);
  in.reset();
  ::close(fd);
  ::unlink(path);
  t.check_clean();
}

TEST_CASE("input stream: a pipe is read as data comes; pause holds it back") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  TestLoop t;
  Collected c;
  auto in = collect(t.loop, p[0], c);
  in->start();
  REQUIRE(::write(p[1], "first\n", 6) == 6);
  t.run_until([&] { return c.data == "first\n"; });
  in->pause();
  REQUIRE(::write(p[1], "second\n", 7) == 7);
  ::close(p[1]);
  t.run_for(std::chrono::milliseconds(30));
  CHECK(c.data == "first\n");
  CHECK_FALSE(c.ended);
  in->resume();
  t.run_until([&] { return c.ended; });
  CHECK_FALSE(c.error);
  CHECK(c.data == "first\nsecond\n");
  // Our own open of the pipe did not make the caller's descriptor non-blocking.
  CHECK((::fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
  in.reset();
  ::close(p[0]);
  t.check_clean();
}

TEST_CASE("input stream: stop() ends quietly, without the end handler") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  TestLoop t;
  Collected c;
  auto in = collect(t.loop, p[0], c);
  in->start();
  in->stop();
  ::close(p[1]);
  t.run_for(std::chrono::milliseconds(20));
  CHECK_FALSE(c.ended);
  in.reset();
  ::close(p[0]);
  t.check_clean();
}

TEST_CASE("output watch: reports once when the reader of a pipe goes away") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  TestLoop t;
  int gone = 0;
  auto watch = std::make_unique<OutputWatch>(t.loop, p[1], [&] { ++gone; });
  ::close(p[0]);
  t.run_until([&] { return gone > 0; });
  CHECK(gone == 1);
  watch.reset();
  ::close(p[1]);
  t.check_clean();
}

TEST_CASE("output watch: a regular file is not watched") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  TestLoop t;
  bool gone = false;
  {
    OutputWatch watch(t.loop, ::fileno(f), [&] { gone = true; });
  }
  CHECK_FALSE(gone);
  std::fclose(f);
  t.check_clean();
}

TEST_CASE("input stream: /dev/null ends at once and /dev/zero is read, though epoll cannot watch them") {
  // Regression: libuv aborted (SIGABRT) on a character device stdin, as
  // cron and systemd jobs have.
  TestLoop t;
  SUBCASE("/dev/null") {
    int fd = ::open("/dev/null", O_RDONLY);
    REQUIRE(fd >= 0);
    Collected c;
    auto in = collect(t.loop, fd, c);
    in->start();
    t.run_until([&] { return c.ended; });
    CHECK_FALSE(c.error);
    CHECK(c.data.empty());
    in.reset();
    ::close(fd);
  }
  SUBCASE("/dev/zero") {
    // It never ends: reading it must still leave the loop to its timers
    // (signals, the network), one chunk per iteration.
    int fd = ::open("/dev/zero", O_RDONLY);
    REQUIRE(fd >= 0);
    std::size_t bytes = 0;
    bool only_zeros = true;
    bool ended = false;
    auto in = std::make_unique<InputStream>(
        t.loop, fd,
        [&](ByteView b) {
          bytes += b.size();
          for (auto c : b) only_zeros = only_zeros && c == 0;
        },
        [&](const NetError&) { ended = true; });
    in->start();
    bool timer_ran = false;
    Timer other(t.loop);
    other.start(std::chrono::milliseconds(20), [&] {
      timer_ran = true;
      in->stop();
    });
    t.run_until([&] { return timer_ran; });
    CHECK(bytes > 0);
    CHECK(only_zeros);
    CHECK_FALSE(ended);
    in.reset();
    ::close(fd);
  }
}
