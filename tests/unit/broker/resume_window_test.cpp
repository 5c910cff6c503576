// A resumed session sends its unacknowledged messages again within the
// Receive Maximum of the new connection [MQTT-3.3.4-7], before anything
// queued, in order.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// CONNECT of "r" at 5.0, clean start 0, expiry 3600, Receive Maximum `rm` (0: none).
Connack connect_r(Client& c, std::uint16_t rm) {
  Properties props{Property{PropertyId::SessionExpiryInterval, 3600, {}, {}}};
  if (rm) props.push_back(Property{PropertyId::ReceiveMaximum, rm, {}, {}});
  return connect(c, "r", false, 0, std::move(props));
}

}  // namespace

TEST_CASE("broker: a resumed session resends in-flight messages within the new Receive Maximum [MQTT-3.3.4-7]") {
  Harness h;
  {
    Client r(h, ProtocolVersion::v5);
    connect_r(r, 0);
    subscribe(r, "t", 2);
    Client pub(h);
    connect(pub, "pub");
    for (int i = 0; i < 10; ++i) {
      pub.send(publish_packet("t", std::to_string(i), 2, static_cast<std::uint16_t>(i + 1)));
      pub.send(Pubrel{static_cast<std::uint16_t>(i + 1), 0, {}});
    }
    REQUIRE(r.publishes().size() == 10);  // none acknowledged
    r.drop();
  }
  Client pub(h);
  connect(pub, "pub2");
  pub.send(publish_packet("t", "queued", 1, 1));  // waits behind the ten

  Client r(h, ProtocolVersion::v5);
  CHECK(connect_r(r, 1).session_present);
  std::vector<std::string> got;
  for (int round = 0; round < 12; ++round) {
    auto ps = r.packets();
    REQUIRE(ps.size() == 1);  // one outstanding at a time
    if (auto* p = std::get_if<Publish>(&ps[0])) {
      got.push_back(payload_text(*p));
      if (p->qos == 1) {
        CHECK_FALSE(p->dup);
        r.send(Puback{p->packet_id, 0, {}});
        break;
      }
      CHECK(p->dup);
      r.send(Pubrec{p->packet_id, 0, {}});
      auto rel = r.packets();
      REQUIRE(rel.size() == 1);
      REQUIRE(std::holds_alternative<Pubrel>(rel[0]));
      r.send(Pubcomp{p->packet_id, 0, {}});
    }
  }
  CHECK(got == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "queued"});
}

TEST_CASE("broker: a PUBREC for a message not yet sent again waits for its turn before PUBREL") {
  Harness h;
  std::vector<Publish> first;
  {
    Client r(h, ProtocolVersion::v5);
    connect_r(r, 0);
    subscribe(r, "t", 2);
    Client pub(h);
    connect(pub, "pub");
    for (int i = 0; i < 3; ++i) {
      pub.send(publish_packet("t", std::to_string(i), 2, static_cast<std::uint16_t>(i + 1)));
      pub.send(Pubrel{static_cast<std::uint16_t>(i + 1), 0, {}});
    }
    first = r.publishes();
    REQUIRE(first.size() == 3);
    r.drop();
  }
  Client r(h, ProtocolVersion::v5);
  connect_r(r, 1);
  auto again = r.publishes();
  REQUIRE(again.size() == 1);
  CHECK(again[0].packet_id == first[0].packet_id);
  // The client acknowledges the last one, which it had before the reconnection.
  r.send(Pubrec{first[2].packet_id, 0, {}});
  CHECK(r.packets().empty());
  r.send(Pubrec{first[0].packet_id, 0, {}});
  CHECK(r.expect<Pubrel>().packet_id == first[0].packet_id);
  r.send(Pubcomp{first[0].packet_id, 0, {}});
  CHECK(r.publishes().at(0).packet_id == first[1].packet_id);
}

}  // namespace mq::broker::test
