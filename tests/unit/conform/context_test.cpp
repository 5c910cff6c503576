// The check context against a scripted peer on loopback: the verdicts it
// reaches from what a broker answers (a DISCONNECT's reason code, a close,
// silence, a second CONNACK) and the PINGREQ barrier.

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>

#include "codec/framer.hpp"
#include "conform/context.hpp"
#include "net/listener.hpp"

namespace mq::conform {

namespace {

using namespace std::chrono_literals;

/// A peer that answers CONNECT with CONNACK 0 and hands every other packet's
/// first byte to `script`, which writes the answer.
struct ScriptedPeer {
  net::Loop& loop;
  std::function<void(net::Stream&, std::uint8_t)> script;
  std::vector<std::shared_ptr<net::Stream>> streams;
  std::unique_ptr<net::Listener> listener;

  ScriptedPeer(net::Loop& l, std::function<void(net::Stream&, std::uint8_t)> s) : loop(l), script(std::move(s)) {
    auto made = net::Listener::listen(loop, net::parse_url("mqtt://127.0.0.1:0").value(), {},
                                      [this](std::shared_ptr<net::Stream> stream) { accept(std::move(stream)); });
    REQUIRE(made);
    listener = std::move(made.value());
  }

  void accept(std::shared_ptr<net::Stream> stream) {
    auto framer = std::make_shared<Framer>();
    net::Stream* raw = stream.get();
    stream->on_data([this, framer, raw](ByteView bytes) {
      framer->feed(bytes);
      for (auto f = framer->next(); f.status == Framer::Status::Packet; f = framer->next()) {
        if (f.packet[0] >> 4 == 1) raw->write(std::vector<std::uint8_t>{0x20, 0x02, 0x00, 0x00});
        else script(*raw, f.packet[0]);
      }
    });
    streams.push_back(std::move(stream));
  }

  Target target() const {
    Target t;
    t.url = net::parse_url("mqtt://127.0.0.1:" + std::to_string(listener->port())).value();
    t.wait = 300ms;
    return t;
  }
};

/// Runs `body` in a fresh context against `peer`; returns the failure, or "" when it passed.
std::string run(net::Loop& loop, const Target& target, const std::function<void(Ctx&)>& body) {
  Capabilities caps;
  Ctx c(loop, target, ProtocolVersion::v311, caps, "t");
  try {
    body(c);
  } catch (const CheckStop& stop) {
    return stop.reason;
  }
  return "";
}

Publish sample(Ctx& c) {
  Publish p;
  p.topic = c.keep("t");
  return p;
}

}  // namespace

TEST_CASE("conform context: a DISCONNECT with an allowed reason code, then the close") {
  net::Loop loop;
  ScriptedPeer peer(loop, [](net::Stream& s, std::uint8_t) {
    s.write(std::vector<std::uint8_t>{0xE0, 0x01, 0x81});
    s.close();
  });
  const Target target = peer.target();
  // At 3.1.1 a DISCONNECT has no reason code: these bytes do not decode.
  auto v311 = run(loop, target, [](Ctx& c) {
    Conn& conn = c.connect();
    conn.send(sample(c));
    c.expect_close(conn, "PUBLISH");
  });
  CHECK(v311.find("the broker sent a packet that does not decode") == 0);
  Capabilities caps;
  Ctx c5(loop, target, ProtocolVersion::v5, caps, "u");
  Conn& conn = c5.open();
  conn.send(Pingreq{});  // the peer answers anything with DISCONNECT 0x81 and a close
  CHECK(c5.expect_close(conn, "PINGREQ", {0x81}) == "DISCONNECT 0x81");
  Conn& again = c5.open();
  again.send(Pingreq{});
  try {
    c5.expect_close(again, "PINGREQ", {0x82});
    FAIL("a DISCONNECT 0x81 passed where 0x82 was required");
  } catch (const CheckStop& stop) {
    CHECK(stop.reason == "PINGREQ: DISCONNECT with reason code 0x81, expected 0x82");
  }
}

TEST_CASE("conform context: silence fails a wait within its bound; the barrier returns what came first") {
  net::Loop loop;
  ScriptedPeer peer(loop, [](net::Stream& s, std::uint8_t first) {
    if (first == 0xC0) {  // PINGREQ: a PUBLISH, then PINGRESP
      s.write(std::vector<std::uint8_t>{0x30, 0x04, 0x00, 0x01, 't', 'x'});
      s.write(std::vector<std::uint8_t>{0xD0, 0x00});
    }  // anything else: no answer
  });
  const Target target = peer.target();
  const auto start = std::chrono::steady_clock::now();
  auto silent = run(loop, target, [](Ctx& c) {
    Conn& conn = c.connect();
    Publish p = sample(c);
    p.qos = 1;
    p.packet_id = 1;
    conn.send(p);
    c.expect<Puback>(conn, "PUBLISH QoS 1");
  });
  CHECK(silent == "PUBLISH QoS 1: expected PUBACK, got nothing (timed out)");
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  auto barrier = run(loop, target, [](Ctx& c) {
    Conn& conn = c.connect();
    auto before = Ctx::publishes(c.barrier(conn));
    if (before.size() != 1 || before[0].topic != "t") c.fail("barrier lost the PUBLISH");
  });
  CHECK(barrier == "");
}

TEST_CASE("conform context: a second CONNACK on one connection fails any check") {
  net::Loop loop;
  ScriptedPeer peer(loop, [](net::Stream& s, std::uint8_t) { s.write(std::vector<std::uint8_t>{0x20, 0x02, 0x00, 0x00}); });
  auto result = run(loop, peer.target(), [](Ctx& c) {
    Conn& conn = c.connect();
    c.barrier(conn);
  });
  CHECK(result == "the broker sent a second CONNACK on one connection [MQTT-3.2.0-2]");
}

}  // namespace mq::conform
