#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "server/embedded.hpp"

using namespace mq::server;

namespace {

std::vector<std::uint8_t> hex(std::string_view h) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

/// A blocking loopback TCP client with a 5 s receive timeout.
struct Client {
  int fd = -1;
  explicit Client(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Client() { ::close(fd); }
  void send(std::string_view h) {
    auto b = hex(h);
    REQUIRE(::send(fd, b.data(), b.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(b.size()));
  }
  /// Reads exactly `n` bytes (fewer at end of stream or timeout).
  std::vector<std::uint8_t> recv(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
};

// CONNECT 3.1.1: clean session, keep alive 60, client id "s" / "p".
constexpr std::string_view kConnectS = "100d" "00044d515454" "04" "02" "003c" "000173";
constexpr std::string_view kConnectP = "100d" "00044d515454" "04" "02" "003c" "000170";
constexpr std::string_view kConnack = "2002" "00" "00";

}  // namespace

TEST_CASE("embedded broker: starts on port 0, routes a PUBLISH, stops") {
  std::unique_ptr<EmbeddedBroker> b;
  auto e = EmbeddedBroker::start(EmbeddedBroker::loopback_settings(), b);
  REQUIRE_MESSAGE(!e, e.value_or(""));
  REQUIRE(b->listeners().size() == 1);
  CHECK(b->listeners()[0].kind == "mqtt");
  CHECK(b->port() != 0);
  CHECK(b->listeners()[0].address == "127.0.0.1:" + std::to_string(b->port()));
  CHECK(listening_line(b->listeners()[0]) == "listening mqtt " + b->listeners()[0].address);

  Client s(b->port());
  s.send(kConnectS);
  CHECK(s.recv(4) == hex(kConnack));
  s.send("8206" "0001" "0001" "61" "00");  // SUBSCRIBE id 1, "a" QoS 0
  CHECK(s.recv(5) == hex("9003" "0001" "00"));
  Client p(b->port());
  p.send(kConnectP);
  CHECK(p.recv(4) == hex(kConnack));
  p.send("3004" "0001" "61" "78");  // PUBLISH QoS 0 "a" payload "x"
  CHECK(s.recv(6) == hex("3004" "0001" "61" "78"));
  b->stop();
  CHECK(s.recv(1).empty());  // closed by the shutdown (3.1.1: no DISCONNECT)
}

TEST_CASE("embedded broker: a listener at max_connections closes new sockets at once") {
  Settings st = EmbeddedBroker::loopback_settings();
  st.listeners[0].max_connections = 1;
  std::unique_ptr<EmbeddedBroker> b;
  auto e = EmbeddedBroker::start(st, b);
  REQUIRE_MESSAGE(!e, e.value_or(""));
  Client first(b->port());
  first.send(kConnectS);
  CHECK(first.recv(4) == hex(kConnack));
  Client second(b->port());
  CHECK(second.recv(1).empty());
}

TEST_CASE("embedded broker: a port already in use is an error naming the listener") {
  std::unique_ptr<EmbeddedBroker> a;
  REQUIRE_FALSE(EmbeddedBroker::start(EmbeddedBroker::loopback_settings(), a));
  Settings st = EmbeddedBroker::loopback_settings();
  st.listeners[0].port = a->port();
  std::unique_ptr<EmbeddedBroker> b;
  auto e = EmbeddedBroker::start(st, b);
  REQUIRE(e);
  CHECK(e->starts_with("listener " + std::to_string(a->port()) + " 127.0.0.1 (embedded): "));
  CHECK_FALSE(b);
}

TEST_CASE("embedded broker: a subscriber that does not read holds up nobody; its QoS 0 messages are dropped and counted") {
  Settings st = EmbeddedBroker::loopback_settings();
  st.sys_interval = 1;
  std::unique_ptr<EmbeddedBroker> b;
  REQUIRE_FALSE(EmbeddedBroker::start(st, b));
  Client s(b->port());
  s.send(kConnectS);
  CHECK(s.recv(4) == hex(kConnack));
  s.send("8206" "0001" "0001" "62" "00");  // SUBSCRIBE "b" QoS 0
  CHECK(s.recv(5) == hex("9003" "0001" "00"));
  Client p(b->port());
  p.send(kConnectP);
  CHECK(p.recv(4) == hex(kConnack));

  // PUBLISH QoS 0 to "b" with a 64 KiB payload: 30, remaining length 65539
  // (varint 83 80 04), topic 00 01 62, payload. 400 of them (26 MB) are far
  // more than the subscriber's socket and the 8 MiB high-water mark hold.
  std::vector<std::uint8_t> packet = hex("30" "838004" "0001" "62");
  packet.resize(packet.size() + 65536, 0x55);
  timeval tv{5, 0};
  ::setsockopt(p.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::size_t sent = 0;
  while (sent < 400 * packet.size()) {
    std::size_t at = sent % packet.size();
    ssize_t n = ::send(p.fd, packet.data() + at, packet.size() - at, MSG_NOSIGNAL);
    if (n <= 0) FAIL("the publisher was held up after " << sent << " bytes");
    sent += static_cast<std::size_t>(n);
  }
  p.send("c000");  // PINGREQ: answered once the broker has read every PUBLISH
  CHECK(p.recv(2) == hex("d000"));

  // $SYS/broker/messages/dropped (28 bytes) counts what the subscriber lost.
  Client w(b->port());
  w.send("100d" "00044d515454" "04" "02" "003c" "000177");  // CONNECT, client id "w"
  CHECK(w.recv(4) == hex(kConnack));
  w.send("8221" "0001" "001c" "245359532f62726f6b65722f6d657373616765732f64726f70706564" "00");
  CHECK(w.recv(5) == hex("9003" "0001" "00"));
  std::string dropped = "0";
  for (int updates = 0; dropped == "0" && updates < 5; ++updates) {
    std::vector<std::uint8_t> head = w.recv(2);  // 30/31, remaining length (< 128 here)
    REQUIRE(head.size() == 2);
    std::vector<std::uint8_t> rest = w.recv(head[1]);
    REQUIRE(rest.size() == head[1]);
    dropped.assign(rest.begin() + 2 + 28, rest.end());
  }
  CHECK(std::stoull(dropped) > 0);
}

TEST_CASE("server: settings map onto the core's limits") {
  Settings s;
  s.max_inflight_messages = 0;
  s.max_keepalive = 65535;
  s.max_packet_size = 4096;
  s.maximum_qos = 1;
  mq::broker::Config c;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.max_inflight == 65535);
  CHECK(c.max_keepalive == 0);
  CHECK(c.max_packet_size == 4096);
  CHECK(c.maximum_qos == 1);
  s.max_inflight_messages = 7;
  s.max_keepalive = 60;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.max_inflight == 7);
  CHECK(c.max_keepalive == 60);
  s.message_size_limit = 100;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.max_payload_size == 100);
}
