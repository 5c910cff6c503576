#pragma once
/// A scripted broker for the client session tests: the test plays the
/// server by hand. `expect(bytes)` checks what the client wrote next (bytes
/// written from the specification, never by our encoder), `reply(bytes)`
/// feeds the client, and `event<T>()` pops the next event and checks its
/// type. Time is a fake clock the test moves with `advance()`.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "client/session.hpp"

namespace mq::client::test {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

/// Bytes of a string, for readable text fields inside byte lists.
inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// Concatenates byte lists: cat({0x30, 0x05}, text("a/b"), {...}).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// "10 0f 00 04 ..." for failure messages.
inline std::string hex(const Bytes& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) s += ' ';
    s += digits[b[i] >> 4];
    s += digits[b[i] & 0xF];
  }
  return s;
}

/// The session under test, its fake clock and the server's side of the script.
class Broker {
 public:
  explicit Broker(ClientConfig config) : session(std::move(config)) {}

  ClientSession session;
  TimePoint now{};  ///< the fake clock; starts at the epoch

  /// Moves the fake clock and lets the session act on its timers.
  void advance(Duration d) {
    now += d;
    session.tick(now);
  }

  /// The client's next output bytes must be exactly `expected`.
  void expect(const Bytes& expected) {
    pull();
    const std::size_t n = std::min(expected.size(), written_.size());
    const Bytes got(written_.begin(), written_.begin() + static_cast<std::ptrdiff_t>(n));
    INFO("expected: " << hex(expected));
    INFO("written:  " << hex(written_));
    REQUIRE(got == Bytes(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(n)));
    REQUIRE(written_.size() >= expected.size());
    written_.erase(written_.begin(), written_.begin() + static_cast<std::ptrdiff_t>(expected.size()));
  }

  /// The client has written nothing more.
  void expect_nothing() {
    pull();
    INFO("written: " << hex(written_));
    CHECK(written_.empty());
  }

  /// Everything the client wrote and nobody matched yet (and forgets it).
  Bytes take_written() {
    pull();
    Bytes out;
    out.swap(written_);
    return out;
  }

  /// Feeds `bytes` to the client as if they arrived from the server.
  void reply(const Bytes& bytes) { session.receive(bytes, now); }

  /// The next event, which must be a T.
  template <typename T>
  T event() {
    auto e = session.next_event();
    REQUIRE(e.has_value());
    INFO("event index " << e->index());
    REQUIRE(std::holds_alternative<T>(*e));
    return std::get<T>(std::move(*e));
  }

  /// No event is waiting.
  void expect_no_event() {
    auto e = session.next_event();
    if (e) FAIL_CHECK("unexpected event, index " << e->index());
  }

 private:
  void pull() {
    auto out = session.take_output();
    written_.insert(written_.end(), out.begin(), out.end());
  }
  Bytes written_;
};

/// A 5.0 configuration: client id "c1", keep alive 60 s, clean start.
inline ClientConfig v5_config() {
  ClientConfig c;
  c.version = ProtocolVersion::v5;
  c.client_id = "c1";
  return c;
}

/// CONNECT for v5_config().
inline const Bytes kConnectV5 = {
    0x10, 0x0F,                          // CONNECT, remaining length 15
    0x00, 0x04, 'M', 'Q', 'T', 'T',      // protocol name
    0x05,                                // protocol level 5
    0x02,                                // connect flags: clean start
    0x00, 0x3C,                          // keep alive 60
    0x00,                                // property length 0
    0x00, 0x02, 'c', '1'};               // client identifier "c1"

/// CONNACK 5.0: success, no session, no properties.
inline const Bytes kConnackV5 = {0x20, 0x03, 0x00, 0x00, 0x00};

/// Starts the session with `config` and completes the handshake with
/// `connack` (defaults: the bytes above); the Connected event is consumed.
inline Connected handshake(Broker& b, const Bytes& connect = kConnectV5, const Bytes& connack = kConnackV5) {
  REQUIRE_FALSE(b.session.start(b.now).has_value());
  b.expect(connect);
  b.reply(connack);
  REQUIRE(b.session.state() == ClientSession::State::Connected);
  return b.event<Connected>();
}

/// A message with owned data.
inline Message msg(std::string topic, std::string payload, QoS qos, bool retain = false) {
  Message m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos = qos;
  m.retain = retain;
  return m;
}

}  // namespace mq::client::test
