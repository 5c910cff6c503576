// The client library's session against the broker core, bytes carried
// between them with no network: enhanced authentication end to end, the
// client answering each challenge through ClientSession::auth().

#include "client/session.hpp"
#include "cr_method.hpp"
#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A ClientSession wired to a connection of the harness's broker.
struct Pair {
  Harness& h;
  client::ClientSession session;
  ConnectionId id;
  std::size_t delivered = 0;

  Pair(Harness& harness, client::ClientConfig config)
      : h(harness), session(std::move(config)), id(h.broker.open(PeerInfo{"127.0.0.1:5000", "test", ""}, h.now)) {}

  /// Carries bytes both ways until neither side has more to say.
  void pump() {
    while (true) {
      auto out = session.take_output();
      if (!out.empty()) {
        h.broker.receive(id, out, h.now);
        h.broker.flush();
      }
      const Bytes& in = h.net.sent[id];
      const bool news = delivered < in.size();
      if (news) {
        const Bytes fresh(in.begin() + static_cast<std::ptrdiff_t>(delivered), in.end());
        delivered = in.size();
        session.receive(fresh, h.now);
      }
      if (out.empty() && !news) return;
    }
  }

  /// The next event, which must be a T.
  template <typename T>
  T event() {
    auto e = session.next_event();
    REQUIRE(e.has_value());
    INFO("event index " << e->index());
    REQUIRE(std::holds_alternative<T>(*e));
    return std::get<T>(std::move(*e));
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
  REQUIRE_FALSE(p.session.start(h.now));
  p.pump();
  auto ch = p.event<client::AuthChallenge>();
  CHECK(ch.method == "CR");
  CHECK(ch.data == "n1");
  CHECK(ch.reason_string == "prove it");
  REQUIRE_FALSE(p.session.auth("t1:" + ch.data, {}, h.now));
  p.pump();
  p.event<client::Connected>();
  CHECK(h.broker.client_id(p.id) == std::optional<std::string_view>("e2e"));

  REQUIRE_FALSE(p.session.reauthenticate("t2", {}, h.now));
  p.pump();
  ch = p.event<client::AuthChallenge>();
  CHECK(ch.data == "n2");
  REQUIRE_FALSE(p.session.auth("t2:" + ch.data, {}, h.now));
  p.pump();
  p.event<client::Reauthenticated>();
  CHECK(p.session.state() == client::ClientSession::State::Connected);
}

TEST_CASE("client session and broker: a wrong answer is refused with the method's reason") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Pair p(h, cr_config("t1"));
  REQUIRE_FALSE(p.session.start(h.now));
  p.pump();
  p.event<client::AuthChallenge>();
  REQUIRE_FALSE(p.session.auth("t1:guess", {}, h.now));
  p.pump();
  auto refused = p.event<client::ConnectRefused>();
  CHECK(refused.reason_code == 0x87);
  CHECK(refused.reason_string == "bad proof");
  CHECK(h.net.closed.count(p.id) == 1);
}

}  // namespace mq::broker::test
