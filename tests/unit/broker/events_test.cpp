// What the core reports through broker::Events: every filter of a SUBSCRIBE
// with its result, every UNSUBSCRIBE filter, and takeovers naming both
// connections.

#include <fmt/format.h>

#include "harness.hpp"

namespace mq::broker::test {

namespace {

struct Recorder final : Events {
  std::vector<std::string> seen;
  void subscribed(ConnectionId connection, std::string_view client_id, std::string_view filter,
                  std::uint8_t result) override {
    seen.push_back(fmt::format("sub {} {} {} {:02x}", connection, client_id, filter, result));
  }
  void unsubscribed(ConnectionId connection, std::string_view client_id, std::string_view filter,
                    bool existed) override {
    seen.push_back(fmt::format("unsub {} {} {} {}", connection, client_id, filter, existed));
  }
  void taken_over(std::string_view client_id, ConnectionId old, ConnectionId by) override {
    seen.push_back(fmt::format("takeover {} {} {}", client_id, old, by));
  }
};

}  // namespace

TEST_CASE("broker: subscriptions, unsubscriptions and takeovers are reported to Events") {
  Config config = test_config();
  config.wildcard_subscriptions = false;
  Harness h(config);
  Recorder r;
  h.broker.set_events(&r);
  Client a(h, ProtocolVersion::v5);
  connect(a, "dev");
  Subscribe s = subscribe_packet(1, "t", 1);
  s.subscriptions.push_back(Subscription{"w/#", 0, false, false, 0, 0});
  a.send(s);
  Unsubscribe u;
  u.packet_id = 2;
  u.filters = {"t", "never"};
  a.send(u);
  Client b(h, ProtocolVersion::v5);
  connect(b, "dev");
  CHECK(r.seen == std::vector<std::string>{
                      fmt::format("sub {} dev t 01", a.id()),
                      fmt::format("sub {} dev w/# a2", a.id()),  // Wildcard Subscriptions not supported
                      fmt::format("unsub {} dev t true", a.id()),
                      fmt::format("unsub {} dev never false", a.id()),
                      fmt::format("takeover dev {} {}", a.id(), b.id()),
                  });
}

}  // namespace mq::broker::test
