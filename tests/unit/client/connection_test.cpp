// Connection over a real loopback socket: what reaches the broker when the
// owner ends the connection from inside an event handler, as mqpub does
// after the last acknowledgement and mqsub after its -C count.

#include <doctest/doctest.h>

#include <memory>

#include "../net/net_test_util.hpp"
#include "client/connection.hpp"
#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::net;
using namespace mq::net::test;

namespace {

/// A broker that answers the first bytes it gets (CONNECT) with an accepting
/// 3.1.1 CONNACK and keeps everything the client sent until it hangs up.
struct RecordingBroker {
  std::shared_ptr<Stream> stream;      ///< the one accepted connection
  std::vector<std::uint8_t> received;  ///< every byte the client sent
  bool hung_up = false;                ///< the client's side has closed

  /// The accept handler to give Listener::listen.
  AcceptHandler handler() {
    return [this](std::shared_ptr<Stream> s) {
      stream = s;
      s->on_data([this](ByteView b) {
        const bool first = received.empty();
        received.insert(received.end(), b.begin(), b.end());
        if (first) stream->write(ByteView(kConnack, sizeof kConnack));
      });
      s->on_close([this](const NetError&) { hung_up = true; });
    };
  }

  /// The reply to CONNECT.
  static constexpr std::uint8_t kConnack[] = {0x20, 0x02,  // CONNACK, remaining length 2
                                              0x00,        // no session present
                                              0x00};       // accepted
};

}  // namespace

TEST_CASE("connection: close() from the Connected handler still sends DISCONNECT") {
  TestLoop t;
  RecordingBroker broker;
  auto url = parse_url("mqtt://127.0.0.1:0");
  REQUIRE(url.ok());
  auto listener = Listener::listen(t.loop, url.value(), {}, broker.handler());
  REQUIRE_MESSAGE(listener, listener.error().message);

  ClientConfig config;
  config.version = ProtocolVersion::v311;
  config.client_id = "c1";
  ClientSession session(config);
  bool ended = false;
  NetError end_error;
  ConnectionHandlers handlers;
  Connection* self = nullptr;
  handlers.on_event = [&](Event& e) {
    if (std::holds_alternative<Connected>(e)) self->close();
  };
  handlers.on_ended = [&](const NetError& e) {
    ended = true;
    end_error = e;
  };
  auto conn = std::make_unique<Connection>(t.loop, session, listener.value()->url(), ConnectOptions{},
                                           ReconnectPolicy{}, std::move(handlers));
  self = conn.get();
  conn->open();
  t.run_until([&] { return ended && broker.hung_up; });

  CHECK(end_error.code == NetErrc::None);
  const std::vector<std::uint8_t> expected = {
      0x10, 0x0E,                          // CONNECT, remaining length 14
      0x00, 0x04, 'M', 'Q', 'T', 'T',      // protocol name
      0x04,                                // protocol level 4 (3.1.1)
      0x02,                                // clean session
      0x00, 0x3C,                          // keep alive 60
      0x00, 0x02, 'c', '1',                // client identifier
      0xE0, 0x00};                         // DISCONNECT, remaining length 0
  CHECK(client::test::hex(broker.received) == client::test::hex(expected));
  conn.reset();
  broker.stream.reset();
  listener.value().reset();
  t.check_clean();
}

TEST_CASE("connection: after DISCONNECT the client waits for the broker to close before it ends") {
  // Regression: the client closed at once, and a broker that took the next
  // connection over before reading the old one lost its last PUBACKs.
  TestLoop t;
  RecordingBroker broker;
  auto broker_close = std::make_unique<Timer>(t.loop);
  bool broker_closed = false;
  bool ended_after_broker = false;
  auto url = parse_url("mqtt://127.0.0.1:0");
  REQUIRE(url.ok());
  auto accept = [&](std::shared_ptr<Stream> s) {
    broker.handler()(s);
    Stream* raw = s.get();  // owned by broker.stream; the handlers must not own it
    raw->on_data([&, raw](ByteView b) {
      const bool first = broker.received.empty();
      broker.received.insert(broker.received.end(), b.begin(), b.end());
      if (first) raw->write(ByteView(RecordingBroker::kConnack, sizeof RecordingBroker::kConnack));
      if (broker.received.size() >= 2 && broker.received[broker.received.size() - 2] == 0xE0)
        broker_close->start(std::chrono::milliseconds(50), [&, raw] {  // a broker that takes its time
          broker_closed = true;
          raw->close();
        });
    });
  };
  auto listener = Listener::listen(t.loop, url.value(), {}, accept);
  REQUIRE_MESSAGE(listener, listener.error().message);

  ClientConfig config;
  config.version = ProtocolVersion::v311;
  config.client_id = "c1";
  ClientSession session(config);
  bool ended = false;
  NetError end_error;
  ConnectionHandlers handlers;
  Connection* self = nullptr;
  handlers.on_event = [&](Event& e) {
    if (std::holds_alternative<Connected>(e)) self->close();
  };
  handlers.on_ended = [&](const NetError& e) {
    ended = true;
    ended_after_broker = broker_closed;
    end_error = e;
  };
  auto conn = std::make_unique<Connection>(t.loop, session, listener.value()->url(), ConnectOptions{},
                                           ReconnectPolicy{}, std::move(handlers));
  self = conn.get();
  conn->open();
  t.run_until([&] { return ended; });
  CHECK(ended_after_broker);
  CHECK(end_error.code == NetErrc::None);  // the broker's close is the expected end
  conn.reset();
  t.run_until([&] { return broker.hung_up; });
  broker_close.reset();
  broker.stream.reset();
  listener.value().reset();
  t.check_clean();
}
