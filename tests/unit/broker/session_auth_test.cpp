// The client library's session against the broker core, bytes carried
// between them with no network: enhanced authentication end to end, the
// client answering each challenge through ClientSession::auth().

#include "../client/harness.hpp"
#include "cr_method.hpp"
#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A client session (in the client tests' scripted harness, whose
/// `event<T>()` it reuses) wired to a connection of the harness's broker.
struct Pair {
  Harness& h;
  client::test::Broker client;
  ConnectionId id;
  std::size_t delivered = 0;

  Pair(Harness& harness, client::ClientConfig config)
      : h(harness), client(std::move(config)), id(h.broker.open(PeerInfo{"127.0.0.1:5000", "test", ""}, h.now)) {}

  /// Carries bytes both ways until neither side has more to say.
  void pump() {
    while (true) {
      const Bytes out = client.take_written();
      if (!out.empty()) {
        h.broker.receive(id, out, h.now);
        h.broker.flush();
      }
      const Bytes& in = h.net.sent[id];
      const bool news = delivered < in.size();
      if (news) {
        client.reply(Bytes(in.begin() + static_cast<std::ptrdiff_t>(delivered), in.end()));
        delivered = in.size();
      }
      if (out.empty() && !news) return;
    }
  }
};

client::ClientConfig cr_config(std::string token) {
  client::ClientConfig c;
  c.version = ProtocolVersion::v5;
  c.client_id = "e2e";
  c.auth_method = "CR";
  c.auth_data = std::move(token);
  return c;
}

}  // namespace

TEST_CASE("client session and broker: challenge, answer, CONNACK, then re-authentication") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Pair p(h, cr_config("t1"));
  REQUIRE_FALSE(p.client.session.start(p.client.now));
  p.pump();
  auto ch = p.client.event<client::AuthChallenge>();
  CHECK(ch.method == "CR");
  CHECK(ch.data == "n1");
  CHECK(ch.reason_string == "prove it");
  REQUIRE_FALSE(p.client.session.auth("t1:" + ch.data, {}, p.client.now));
  p.pump();
  p.client.event<client::Connected>();
  CHECK(h.broker.client_id(p.id) == std::optional<std::string_view>("e2e"));

  REQUIRE_FALSE(p.client.session.reauthenticate("t2", {}, p.client.now));
  p.pump();
  ch = p.client.event<client::AuthChallenge>();
  CHECK(ch.data == "n2");
  REQUIRE_FALSE(p.client.session.auth("t2:" + ch.data, {}, p.client.now));
  p.pump();
  p.client.event<client::Reauthenticated>();
  CHECK(p.client.session.state() == client::ClientSession::State::Connected);
}

TEST_CASE("client session and broker: a wrong answer is refused with the method's reason") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Pair p(h, cr_config("t1"));
  REQUIRE_FALSE(p.client.session.start(p.client.now));
  p.pump();
  p.client.event<client::AuthChallenge>();
  REQUIRE_FALSE(p.client.session.auth("t1:guess", {}, p.client.now));
  p.pump();
  auto refused = p.client.event<client::ConnectRefused>();
  CHECK(refused.reason_code == 0x87);
  CHECK(refused.reason_string == "bad proof");
  CHECK(h.net.closed.count(p.id) == 1);
}

}  // namespace mq::broker::test
