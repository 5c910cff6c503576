// Two of mosquitto 2.0's choices, as Behaviour fields: packet identifiers
// taken when a message enters the session, and expiry counted in whole
// wall-clock seconds. Each test shows the figure mqbroker's own choice gives
// beside mosquitto's.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace mq;
using namespace mq::broker;
using namespace mq::broker::test;

namespace {

Config numbered_on_queue(bool on) {
  Config c = test_config();
  c.max_queued_messages = 3;
  c.behaviour.packet_id_when_queued = on;
  return c;
}

std::vector<std::uint16_t> ids_of(const std::vector<Publish>& ps) {
  std::vector<std::uint16_t> out;
  for (const auto& p : ps) out.push_back(p.packet_id);
  return out;
}

/// A persistent session "s" subscribed to "q" at QoS 1, its client gone.
void leave_subscribed(Harness& h, ProtocolVersion v = ProtocolVersion::v311, Properties props = {}) {
  Client sub(h, v);
  connect(sub, "s", false, 0, std::move(props));
  subscribe(sub, "q", 1);
  sub.drop();
}

/// Five QoS 1 messages for an offline persistent session that queues three,
/// the client back, then one more: the identifiers it sees.
std::vector<std::uint16_t> ids_after_queue_drops(bool on) {
  Harness h(numbered_on_queue(on));
  leave_subscribed(h);
  Client pub(h);
  connect(pub, "p");
  for (std::uint16_t i = 1; i <= 5; ++i) pub.send(publish_packet("q", "m", 1, i));
  Client back(h);
  connect(back, "s", false);
  std::vector<std::uint16_t> ids = ids_of(back.publishes());
  pub.send(publish_packet("q", "late", 1, 9));
  for (std::uint16_t id : ids_of(back.publishes())) ids.push_back(id);
  return ids;
}

Properties expiry(std::uint32_t seconds) {
  return {Property{PropertyId::MessageExpiryInterval, seconds, {}, {}}};
}

/// A 5.0 QoS 1 message with a 1 s lifetime and one without, queued for an
/// offline session; the client back after the first expired.
std::vector<std::uint16_t> ids_after_expiry(bool on) {
  Harness h(numbered_on_queue(on));
  leave_subscribed(h, ProtocolVersion::v5, {Property{PropertyId::SessionExpiryInterval, 600, {}, {}}});
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "p");
  Publish shortlived = publish_packet("q", "short", 1, 1);
  shortlived.properties = expiry(1);
  pub.send(shortlived);
  pub.send(publish_packet("q", "long", 1, 2));
  h.advance(std::chrono::milliseconds(2100));
  Client back(h, ProtocolVersion::v5);
  connect(back, "s", false, 0, {Property{PropertyId::SessionExpiryInterval, 600, {}, {}}});
  auto ps = back.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(payload_text(ps[0]) == "long");
  return ids_of(ps);
}

/// The Message Expiry Interval a subscriber reads on a retained message
/// published with `interval` at `fraction_ms` into a wall-clock second and
/// read `after_ms` later; nullopt when the message is not sent at all.
std::optional<std::uint32_t> retained_expiry(bool whole_seconds, std::uint32_t interval, int fraction_ms,
                                             int after_ms) {
  Config config = test_config();
  config.behaviour.whole_second_expiry = whole_seconds;
  Harness h(config);
  h.broker.set_wall_clock(h.now, std::chrono::system_clock::time_point{} + std::chrono::seconds(1'800'000'000) +
                                     std::chrono::milliseconds(fraction_ms));
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "p");
  Publish p = publish_packet("r", "kept", 0, 0, true);
  p.properties = expiry(interval);
  pub.send(p);
  h.advance(std::chrono::milliseconds(after_ms));
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "s");
  sub.send(subscribe_packet(1, "r", 0));
  auto ps = sub.publishes();
  if (ps.empty()) return std::nullopt;
  REQUIRE(ps.size() == 1);
  const Property* e = find(ps[0].properties, PropertyId::MessageExpiryInterval);
  REQUIRE(e);
  return e->number;
}

}  // namespace

TEST_CASE("broker: behaviour packet_id_when_queued numbers messages dropped by a full queue") {
  // mosquitto 2.0.11: 1, 2, 3 delivered, 4 and 5 dropped with their
  // identifiers, the next message is 6.
  CHECK(ids_after_queue_drops(true) == std::vector<std::uint16_t>{1, 2, 3, 6});
  CHECK(ids_after_queue_drops(false) == std::vector<std::uint16_t>{1, 2, 3, 4});
}

TEST_CASE("broker: behaviour packet_id_when_queued numbers messages that expire while queued") {
  CHECK(ids_after_expiry(true) == std::vector<std::uint16_t>{2});
  CHECK(ids_after_expiry(false) == std::vector<std::uint16_t>{1});
}

TEST_CASE("broker: behaviour packet_id_when_queued keeps the queued identifiers in order past the window") {
  Config config = numbered_on_queue(true);
  config.max_inflight = 2;
  Harness h(config);
  Client sub(h);
  connect(sub, "s");
  subscribe(sub, "q", 1);
  Client pub(h);
  connect(pub, "p");
  for (std::uint16_t i = 1; i <= 4; ++i) pub.send(publish_packet("q", "m", 1, i));
  CHECK(ids_of(sub.publishes()) == std::vector<std::uint16_t>{1, 2});
  sub.send(Puback{1, 0, {}, {}});
  sub.send(Puback{2, 0, {}, {}});
  CHECK(ids_of(sub.publishes()) == std::vector<std::uint16_t>{3, 4});
}

TEST_CASE("broker: behaviour packet_id_when_queued saves a queued message without its identifier") {
  // A saved record with an identifier is one in flight, resent with DUP
  // after a restart; a message only queued must not look like one.
  struct Ids final : Journal {
    std::vector<std::uint16_t> added, sent;
    void write(const Record& r) override {
      if (const auto* a = std::get_if<OutgoingAdd>(&r)) added.push_back(a->packet_id);
      if (const auto* s = std::get_if<OutgoingSent>(&r)) sent.push_back(s->packet_id);
    }
  } ids;
  Harness h(numbered_on_queue(true));
  h.broker.set_journal(&ids);
  leave_subscribed(h);
  Client pub(h);
  connect(pub, "p");
  pub.send(publish_packet("q", "m", 1, 1));
  CHECK(ids.added == std::vector<std::uint16_t>{0});
  Client back(h);
  connect(back, "s", false);
  CHECK(ids_of(back.publishes()) == std::vector<std::uint16_t>{1});
  CHECK(ids.sent == std::vector<std::uint16_t>{1});  // the identifier is saved when it is sent
}

TEST_CASE("broker: behaviour whole_second_expiry counts from the start of the wall-clock second") {
  // Published 0.9 s into a second with 2 s to live, read 0.2 s later (in the
  // next second): mosquitto says 1 (its expiry is that second's start + 2),
  // the exact count rounds 1.8 up to 2.
  CHECK(retained_expiry(true, 2, 900, 200) == std::optional<std::uint32_t>(1));
  CHECK(retained_expiry(false, 2, 900, 200) == std::optional<std::uint32_t>(2));
  // Read within the second it arrived in: the full interval either way.
  CHECK(retained_expiry(true, 2, 100, 500) == std::optional<std::uint32_t>(2));
  // 1 s to live, read 0.2 s later across the boundary: expired for
  // mosquitto (not sent), 0.8 s left (1) for the exact count.
  CHECK(retained_expiry(true, 1, 900, 200) == std::nullopt);
  CHECK(retained_expiry(false, 1, 900, 200) == std::optional<std::uint32_t>(1));
}
