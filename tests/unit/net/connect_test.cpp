#include <doctest/doctest.h>

#include <filesystem>
#include <stdlib.h>

#include "echo_run.hpp"
#include "net/socket_connect.hpp"
#include "net/tls_context.hpp"
#include "test_pki.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;
using namespace std::chrono_literals;

TEST_CASE("connect: plain mqtt:// by name tries each address of localhost") {
  // The listener has 127.0.0.1 only; if localhost also resolves to ::1, that
  // address is refused first and the next one is tried.
  auto out = run_echo("mqtt://127.0.0.1:0", {}, [](const Url& b) { return "mqtt://localhost:" + std::to_string(b.port); },
                      {}, 1000);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
}

TEST_CASE("connect: unix:// URL") {
  char tmpl[] = "/tmp/mq-net-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  std::string sock = std::string(tmpl) + "/c.sock";
  auto out = run_echo("unix://" + sock, {}, [](const Url& b) { return "unix://" + b.path; }, {}, 100000);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("connect: the timeout covers a TLS handshake that never finishes") {
  TestLoop t;
  std::vector<std::shared_ptr<Stream>> silent;  // accepts, never answers
  auto l = Listener::listen(t.loop, parse_url("mqtt://127.0.0.1:0").value(), {},
                            [&](std::shared_ptr<Stream> s) { silent.push_back(std::move(s)); });
  REQUIRE(l);
  ConnectOptions co;
  co.timeout = 200ms;
  co.tls.insecure = true;
  NetError error;
  bool done = false;
  auto pending = connect(t.loop, parse_url("mqtts://127.0.0.1:" + std::to_string(l.value()->port())).value(), co,
                         [&](std::shared_ptr<Stream> s, const NetError& e) {
                           done = true;
                           error = e;
                           CHECK(s == nullptr);
                         });
  t.run_until([&] { return done; });
  CHECK(error.code == NetErrc::Timeout);
  CHECK(error.message == "timed out after 200 ms connecting to 127.0.0.1:" + std::to_string(l.value()->port()));
  pending.reset();
  silent.clear();
  l.value().reset();
  t.check_clean();
}

TEST_CASE("connect: a TLS listener drops clients that never finish the handshake") {
  TestPki pki;
  make_pki(pki);
  TlsServerOptions so;
  so.cert_file = pki.server_cert;
  so.key_file = pki.server_key;
  ListenOptions lo;
  lo.tls = TlsServerContext::create(so).value();
  lo.handshake_timeout = 100ms;
  TestLoop t;
  std::vector<NetError> errors;
  auto l = Listener::listen(t.loop, parse_url("mqtts://127.0.0.1:0").value(), lo, [](auto) { FAIL("accepted"); },
                            [&](const std::string&, const NetError& e) { errors.push_back(e); });
  REQUIRE(l);
  std::shared_ptr<Stream> raw;
  NetError raw_closed;
  bool closed = false;
  auto job = SocketConnect::tcp(t.loop, "127.0.0.1", l.value()->port(), [&](std::shared_ptr<Stream> s, const NetError&) {
    raw = s;
    if (s) s->on_close([&](const NetError& e) {
      closed = true;
      raw_closed = e;
    });
  });
  t.run_until([&] { return closed && !errors.empty(); });
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == NetErrc::Timeout);
  CHECK(errors[0].message.find("timed out") != std::string::npos);
  CHECK(raw_closed.code == NetErrc::PeerClosed);
  job.reset();
  raw.reset();
  l.value().reset();
  t.check_clean();
}

TEST_CASE("connect: a bad CA file is reported before connecting") {
  TestLoop t;
  ConnectOptions co;
  co.tls.ca_file = "/nonexistent/ca.pem";
  NetError error;
  bool done = false;
  auto pending = connect(t.loop, parse_url("mqtts://127.0.0.1:1").value(), co, [&](auto, const NetError& e) {
    done = true;
    error = e;
  });
  CHECK_FALSE(done);  // never called from inside connect()
  t.run_until([&] { return done; });
  CHECK(error.code == NetErrc::Config);
  CHECK(error.message == "cannot load CA file '/nonexistent/ca.pem': No such file or directory");
  pending.reset();
  t.check_clean();
}

TEST_CASE("stream: pause_reading holds data back until resume_reading") {
  TestLoop t;
  std::shared_ptr<Stream> server_side;
  std::string got;
  auto l = Listener::listen(t.loop, parse_url("mqtt://127.0.0.1:0").value(), {}, [&](std::shared_ptr<Stream> s) {
    server_side = s;
    s->pause_reading();
    s->on_data([&](ByteView b) { got.append(as_chars(b)); });
  });
  REQUIRE(l);
  std::shared_ptr<Stream> client;
  auto job = SocketConnect::tcp(t.loop, "127.0.0.1", l.value()->port(), [&](std::shared_ptr<Stream> s, const NetError&) {
    client = s;
    s->write(as_bytes("hello"));
  });
  // Once the client's write has left it, loopback has put the bytes in the
  // server's receive queue; a few more iterations would deliver them if the
  // server were reading.
  t.run_until([&] { return server_side && client && client->queued_bytes() == 0; });
  Timer tick(t.loop);
  int ticks = 0;
  tick.start_repeating(1ms, [&] { ++ticks; });
  t.run_until([&] { return ticks >= 3; });
  tick.stop();
  CHECK(got.empty());
  server_side->resume_reading();
  t.run_until([&] { return got == "hello"; });
  tick.detach();
  job.reset();
  client.reset();
  server_side.reset();
  l.value().reset();
  t.check_clean();
}
