// An Authorizer that answers later (kAuthDeferred, as the server does while
// a password is hashed off the loop): the CONNECT waits, packets sent in the
// meantime are held and handled after CONNACK, and the connect timeout
// still applies.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// Defers every CONNECT and remembers which connections asked.
struct Later final : Authorizer {
  std::vector<ConnectionId> asked;
  AuthResult authenticate(const Credentials& c) override {
    asked.push_back(c.connection);
    return kAuthDeferred;
  }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo&, std::string_view) override { return true; }
};

}  // namespace

TEST_CASE("broker: a deferred CONNECT is answered when the authorizer decides; pipelined packets follow") {
  Later later;
  Harness h(test_config(), &later);
  Client c(h, ProtocolVersion::v5);
  c.send(cat({encode(connect_packet(ProtocolVersion::v5, "slow"), ProtocolVersion::v5),
              encode(subscribe_packet(1, "t", 1), ProtocolVersion::v5)}));
  REQUIRE(later.asked == std::vector<ConnectionId>{c.id()});
  CHECK(c.take().empty());  // nothing until the answer
  h.broker.authenticated(c.id(), 0x00, h.now);
  h.broker.flush();
  auto ps = c.packets();
  REQUIRE(ps.size() == 2);
  CHECK(std::get<Connack>(ps[0]).reason_code == 0x00);
  CHECK(std::get<Suback>(ps[1]).reason_codes == std::vector<std::uint8_t>{1});
  h.broker.authenticated(c.id(), 0x86, h.now);  // a second answer is ignored
  h.broker.flush();
  CHECK_FALSE(c.closed());
}

TEST_CASE("broker: a deferred CONNECT refused, or timed out before the answer") {
  Later later;
  Config config = test_config();
  config.connect_timeout = 5;
  Harness h(config, &later);
  Client bad(h);
  bad.send(connect_packet(ProtocolVersion::v311, "bad"));
  h.broker.authenticated(bad.id(), 0x86, h.now);
  h.broker.flush();
  CHECK(bad.take() == Bytes{0x20, 0x02, 0x00, 0x04});  // bad user name or password
  CHECK(bad.closed());

  Client busy(h, ProtocolVersion::v5);
  busy.send(connect_packet(ProtocolVersion::v5, "busy"));
  h.advance_s(6);
  CHECK(busy.closed());
  h.broker.authenticated(busy.id(), 0x00, h.now);  // too late: ignored
  h.broker.flush();
  CHECK(busy.take().empty());
}

}  // namespace mq::broker::test
