// The proxy over loopback: bytes through unchanged both ways, every packet
// observed, memory bounded when one side stops reading.
#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

#include "../net/net_test_util.hpp"
#include "../net/test_pki.hpp"
#include "net/tls_context.hpp"
#include "proxy/proxy.hpp"

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

/// Counts what it is handed, per direction.
struct Counter : dump::PacketObserver {
  std::size_t packets[2] = {0, 0};
  std::size_t failed = 0;
  std::size_t bytes[2] = {0, 0};
  std::vector<std::string> ends;
  void packet(const dump::ObservedPacket& p) override {
    const int d = p.direction == dump::Direction::ToServer ? 0 : 1;
    ++packets[d];
    bytes[d] += p.bytes.size();
    if (!p.decoded->ok()) ++failed;
  }
  void connection_end(const dump::ConnectionEnd& e) override { ends.emplace_back(e.how); }
};

/// A 3.1.1 CONNECT, then `n` PUBLISH QoS 0 to "t/1" with 100-byte payloads.
std::vector<std::uint8_t> conversation(std::size_t n) {
  std::vector<std::uint8_t> v = {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t head[] = {0x30, 105, 0x00, 0x03, 't', '/', '1'};
    v.insert(v.end(), std::begin(head), std::end(head));
    for (int k = 0; k < 100; ++k) v.push_back(static_cast<std::uint8_t>((i + k) % 251));
  }
  return v;
}

/// Echo through the proxy listening on `listen_url`: what the client sent
/// comes back byte for byte, and the proxy saw every packet both ways.
void echo_through_proxy(std::string_view listen_url) {
  TestLoop t;
  EchoServer broker;
  auto upstream = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, broker.handler());
  REQUIRE(upstream);
  Counter seen;
  proxy::ProxyOptions o;
  o.listen = url_of(listen_url);
  o.upstream = upstream.value()->url();
  std::vector<std::string> notes;
  auto p = proxy::Proxy::start(t.loop, o, seen, [&](std::uint64_t, const std::string& n) { notes.push_back(n); });
  REQUIRE_MESSAGE(p, p.error().message);
  EchoClient client;
  client.payload = conversation(2000);
  auto job = connect(t.loop, p.value()->url(), {}, client.callback());
  t.run_until([&] { return client.done() && p.value()->open_connections() == 0; });
  CHECK_MESSAGE(!client.connect_error, client.connect_error.message);
  CHECK(client.received == client.payload);
  CHECK(seen.packets[0] == 2001);
  CHECK(seen.packets[1] == 2001);
  CHECK(seen.bytes[0] == client.payload.size());
  CHECK(seen.failed == 0);
  CHECK(seen.ends == std::vector<std::string>{"closed by client"});
  CHECK(notes.size() == 2);  // the connection and its end
  job.reset();
  client.stream.reset();
  broker.streams.clear();
  upstream.value().reset();
  p.value().reset();
  t.check_clean();
}

}  // namespace

TEST_CASE("proxy: TCP bytes through unchanged both ways, every packet observed") {
  echo_through_proxy("mqtt://127.0.0.1:0");
}

TEST_CASE("proxy: a Unix socket listener") {
  auto path = std::filesystem::temp_directory_path() / ("mq-proxy-" + std::to_string(::getpid()) + ".sock");
  echo_through_proxy("unix://" + path.string());
  CHECK(!std::filesystem::exists(path));
}

TEST_CASE("proxy: an unreachable broker closes the client and says why") {
  TestLoop t;
  Url dead;
  {
    auto l = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, [](auto) {});
    REQUIRE(l);
    dead = l.value()->url();
  }
  Counter seen;
  proxy::ProxyOptions o;
  o.listen = url_of("mqtt://127.0.0.1:0");
  o.upstream = dead;
  std::vector<std::string> notes;
  auto p = proxy::Proxy::start(t.loop, o, seen, [&](std::uint64_t, const std::string& n) { notes.push_back(n); });
  REQUIRE(p);
  EchoClient client;
  client.payload = conversation(1);
  auto job = connect(t.loop, p.value()->url(), {}, client.callback());
  t.run_until([&] { return client.done() && p.value()->open_connections() == 0; });
  CHECK(client.closed);
  CHECK(client.received.empty());
  CHECK(seen.ends == std::vector<std::string>{"broker unreachable"});
  REQUIRE(notes.size() >= 2);
  CHECK(notes[1].find("unreachable") != std::string::npos);
  job.reset();
  client.stream.reset();
  p.value().reset();
  t.check_clean();
}

TEST_CASE("proxy: a broker that stops reading stops the proxy reading the client") {
  TestLoop t;
  // The broker reads nothing until told to.
  std::shared_ptr<Stream> broker_side;
  std::vector<std::uint8_t> at_broker;
  auto upstream = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, [&](std::shared_ptr<Stream> s) {
    s->pause_reading();
    s->on_data([&](ByteView b) { at_broker.insert(at_broker.end(), b.begin(), b.end()); });
    broker_side = std::move(s);
  });
  REQUIRE(upstream);
  Counter seen;
  proxy::ProxyOptions o;
  o.listen = url_of("mqtt://127.0.0.1:0");
  o.upstream = upstream.value()->url();
  o.high_water = 64 * 1024;
  auto p = proxy::Proxy::start(t.loop, o, seen);
  REQUIRE(p);
  const auto payload = conversation(100000);  // about 10 MiB
  std::shared_ptr<Stream> client;
  auto job = connect(t.loop, p.value()->url(), {}, [&](std::shared_ptr<Stream> s, const NetError&) {
    client = s;
    if (client) client->write(payload);
  });
  t.run_until([&] { return p.value()->pauses() > 0; });
  t.run_for(200ms);
  // One read of the loop's buffer may land after the mark.
  CHECK(p.value()->queued_bytes() <= o.high_water + 256 * 1024);
  CHECK(client->queued_bytes() > 0);  // the rest waits in the client, not in the proxy
  broker_side->resume_reading();
  t.run_until([&] { return at_broker.size() == payload.size(); });
  CHECK(at_broker == payload);
  CHECK(seen.packets[0] == 100001);
  client->close();
  t.run_until([&] { return p.value()->open_connections() == 0; });
  job.reset();
  client.reset();
  broker_side.reset();
  upstream.value().reset();
  p.value().reset();
  t.check_clean();
}

TEST_CASE("proxy: a TLS client's first bytes that come with its handshake reach the broker") {
  // A TLS 1.3 client's first packet often travels with its Finished
  // message: the TLS stream hands it out at once, before the broker
  // connection is ready and whatever the pause. It must be kept, not lost.
  static TestPki pki = [] {
    TestPki x;
    make_pki(x);
    return x;
  }();
  TestLoop t;
  EchoServer broker;
  auto upstream = Listener::listen(t.loop, url_of("mqtt://127.0.0.1:0"), {}, broker.handler());
  REQUIRE(upstream);
  Counter seen;
  proxy::ProxyOptions o;
  o.listen = url_of("mqtts://127.0.0.1:0");
  TlsServerOptions server_tls;
  server_tls.cert_file = pki.server_cert;
  server_tls.key_file = pki.server_key;
  auto ctx = TlsServerContext::create(server_tls);
  REQUIRE(ctx);
  o.listen_options.tls = ctx.value();
  o.upstream = upstream.value()->url();
  auto p = proxy::Proxy::start(t.loop, o, seen);
  REQUIRE(p);
  for (int i = 0; i < 5; ++i) {
    EchoClient client;
    client.payload = conversation(1);
    ConnectOptions co;
    co.tls.ca_file = pki.ca_cert;
    auto job = connect(t.loop, p.value()->url(), co, client.callback());
    t.run_until([&] { return client.done() && p.value()->open_connections() == 0; });
    CHECK_MESSAGE(!client.connect_error, client.connect_error.message);
    CHECK(client.received == client.payload);
    job.reset();
    client.stream.reset();
  }
  broker.streams.clear();
  upstream.value().reset();
  p.value().reset();
  t.check_clean();
}
