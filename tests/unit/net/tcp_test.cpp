#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "net/socket_connect.hpp"
#include "net_test_util.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;
using namespace std::chrono_literals;

namespace {

Url url_of(std::string_view text) {
  auto r = parse_url(text);
  REQUIRE(r.ok());
  return r.value();
}

/// Echo of `size` bytes through a listener on `listen_url`, connecting with
/// SocketConnect to the bound address.
void plain_echo(std::string_view listen_url, std::size_t size) {
  TestLoop t;
  EchoServer server;
  auto listener = Listener::listen(t.loop, url_of(listen_url), {}, server.handler(), server.error_handler());
  REQUIRE_MESSAGE(listener, listener.error().message);
  EchoClient client;
  client.payload = pattern(size);
  std::unique_ptr<SocketConnect> job;
  const Url& bound = listener.value()->url();
  if (bound.scheme == Scheme::Unix) {
    job = SocketConnect::unix_socket(t.loop, bound.path, client.callback());
  } else {
    CHECK(bound.port != 0);
    job = SocketConnect::tcp(t.loop, bound.host, bound.port, client.callback());
  }
  t.run_until([&] { return client.done() && server.closed == 1; });
  CHECK_MESSAGE(!client.connect_error, client.connect_error.message);
  CHECK(client.close_error.code == NetErrc::None);
  CHECK(client.received.size() == client.payload.size());
  CHECK(client.received == client.payload);
  CHECK(server.streams.size() == 1);
  job.reset();
  client.stream.reset();
  server.streams.clear();
  listener.value().reset();
  t.check_clean();
}

/// A loopback port nothing listens on: bound once, then closed.
std::uint16_t closed_port(TestLoop& t) {
  auto l = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, [](auto) {});
  REQUIRE(l);
  return l.value()->port();
}

}  // namespace

TEST_CASE("loop: one-shot and repeating timers, clean close") {
  TestLoop t;
  int once = 0, repeats = 0;
  Timer a(t.loop), b(t.loop);
  a.start(1ms, [&] { ++once; });
  b.start_repeating(1ms, [&] {
    if (++repeats == 3) b.stop();
  });
  t.run_until([&] { return once == 1 && repeats == 3; });
  CHECK(!a.active());
  CHECK(!b.active());
  a.detach();
  b.detach();
  t.check_clean();
}

TEST_CASE("loop: close reports and closes handles left open") {
  Loop loop;
  Timer leaked(loop);
  leaked.start(1h, [] {});
  CHECK(loop.close() == 1);
  CHECK(loop.closed());
  CHECK_FALSE(leaked.active());  // detached by the loop; destroying it later is safe
}

TEST_CASE("loop: a timer may destroy itself from its callback") {
  TestLoop t;
  auto timer = std::make_unique<Timer>(t.loop);
  bool fired = false;
  timer->start(0ms, [&] {
    fired = true;
    timer.reset();
  });
  t.run_until([&] { return fired; });
  CHECK(timer == nullptr);
  t.check_clean();
}

TEST_CASE("loop: signals are delivered on the loop thread") {
  TestLoop t;
  int got = 0;
  SignalWatcher watch(t.loop, SIGHUP, [&](int sig) { got = sig; });
  Timer kick(t.loop);
  kick.start(0ms, [] { ::kill(::getpid(), SIGHUP); });
  t.run_until([&] { return got != 0; });
  CHECK(got == SIGHUP);
  watch.detach();
  kick.detach();
  t.check_clean();
}

TEST_CASE("tcp: echo over IPv4 on port 0") { plain_echo("mqtt://127.0.0.1:0", 64 * 1024); }

TEST_CASE("tcp: echo over IPv6 ::1 on port 0") { plain_echo("mqtt://[::1]:0", 64 * 1024); }

TEST_CASE("tcp: 8 MB each way") { plain_echo("mqtt://127.0.0.1:0", 8 * 1024 * 1024); }

TEST_CASE("tcp: the listener binds exactly the address asked for") {
  TestLoop t;
  auto l = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, [](auto) {});
  REQUIRE(l);
  CHECK(l.value()->url().host == "127.0.0.1");
  CHECK(l.value()->address() == "127.0.0.1:" + std::to_string(l.value()->port()));
  // A second listener on the same port fails with a plain message.
  auto again = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:" + std::to_string(l.value()->port())), {}, [](auto) {});
  REQUIRE_FALSE(again);
  CHECK(again.error().message == "cannot listen on 127.0.0.1:" + std::to_string(l.value()->port()) + ": address already in use");
  // The port is free on ::1, which was not asked for.
  auto v6 = Listener::listen(t.loop, url_of("mqtt://[::1]:" + std::to_string(l.value()->port())), {}, [](auto) {});
  CHECK(v6);
  l.value().reset();
  if (v6) v6.value().reset();
  t.check_clean();
}

TEST_CASE("tcp: connection refused names the address") {
  TestLoop t;
  const std::uint16_t port = closed_port(t);
  EchoClient client;
  auto job = SocketConnect::tcp(t.loop, "127.0.0.1", port, client.callback());
  t.run_until([&] { return client.connect_done; });
  CHECK(client.connect_error.code == NetErrc::Connect);
  CHECK(client.connect_error.message == "cannot connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
  job.reset();
  t.check_clean();
}

TEST_CASE("tcp: localhost is the loopback address, tried in order") {
  TestLoop t;
  EchoServer server;
  auto listener = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, server.handler(), server.error_handler());
  REQUIRE(listener);
  EchoClient client;
  client.payload = pattern(1000);
  auto job = SocketConnect::tcp(t.loop, "LocalHost", listener.value()->port(), client.callback());
  t.run_until([&] { return client.done() && server.closed == 1; });
  CHECK_FALSE(client.connect_error);
  CHECK(client.received == client.payload);
  CHECK(server.streams.size() == 1);
  client.stream.reset();
  job.reset();
  listener.value().reset();
  server.streams.clear();
  t.check_clean();
}

TEST_CASE("tcp: an IPv4 literal that refuses reports from the loop, not from tcp()") {
  TestLoop t;
  const std::uint16_t port = closed_port(t);
  EchoClient client;
  auto job = SocketConnect::tcp(t.loop, "127.0.0.1", port, client.callback());
  CHECK_FALSE(client.connect_done);
  job.reset();  // cancelled before the loop ran: no callback ever
  t.run_for(20ms);
  CHECK_FALSE(client.connect_done);
  t.check_clean();
}

TEST_CASE("tcp: unknown host names fail to resolve") {
  TestLoop t;
  EchoClient client;
  auto job = SocketConnect::tcp(t.loop, "no-such-host.invalid", 1883, client.callback());
  t.run_until([&] { return client.connect_done; });
  CHECK(client.connect_error.code == NetErrc::Resolve);
  CHECK(client.connect_error.message.rfind("cannot resolve host name 'no-such-host.invalid': ", 0) == 0);
  job.reset();
  t.check_clean();
}

TEST_CASE("tcp: cancelling a connect never calls back") {
  TestLoop t;
  bool called = false;
  auto job = SocketConnect::tcp(t.loop, "127.0.0.1", 9, [&](auto, auto&) { called = true; });
  job.reset();
  Timer after(t.loop);
  bool tick = false;
  after.start(5ms, [&] { tick = true; });
  t.run_until([&] { return tick; });
  CHECK_FALSE(called);
  after.detach();
  t.check_clean();
}

TEST_CASE("unix: echo through a socket in a temp dir") {
  char dir_template[] = "/tmp/mq-net-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template;
  plain_echo("unix://" + dir + "/echo.sock", 2 * 1024 * 1024);
  CHECK_FALSE(std::filesystem::exists(dir + "/echo.sock"));  // removed on close
  std::filesystem::remove_all(dir);
}

TEST_CASE("unix: connecting to a missing socket fails plainly") {
  TestLoop t;
  EchoClient client;
  auto job = SocketConnect::unix_socket(t.loop, "/nonexistent/mq.sock", client.callback());
  t.run_until([&] { return client.connect_done; });
  CHECK(client.connect_error.code == NetErrc::Connect);
  CHECK(client.connect_error.message == "cannot connect to /nonexistent/mq.sock: no such file or directory");
  job.reset();
  t.check_clean();
}
