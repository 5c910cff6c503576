// Topics deep enough to overflow a recursive walk are refused: the topic
// level ceiling holds whatever the configuration says, and a topic at the
// ceiling is stored, matched and freed without exhausting the stack (this
// runs under AddressSanitizer in CI).

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// `levels` levels of `level`, joined by '/'.
std::string deep(std::size_t levels, std::string_view level) {
  std::string out(level);
  for (std::size_t i = 1; i < levels; ++i) (out += '/') += level;
  return out;
}

}  // namespace

TEST_CASE("broker: topics and filters over the level ceiling are refused, even with max_topic_levels 0") {
  Config config = test_config();
  config.max_topic_levels = 0;  // asks for no limit: the ceiling still holds
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  const std::string topic = deep(32768, "a");
  c.send(publish_packet(topic, "x", 1, 1, true));
  CHECK(c.expect<Puback>().reason_code == 0x90);
  c.send(subscribe_packet(2, deep(32768, "+"), 1));
  CHECK(c.expect<Suback>().reason_codes == std::vector<std::uint8_t>{0x8F});
  CHECK(h.broker.counters().retained == 0);

  Client w(h, ProtocolVersion::v5);
  Connect k = connect_packet(ProtocolVersion::v5, "w");
  k.will = Will{};
  k.will->topic = topic;
  k.will->payload = as_bytes("gone");
  w.send(k);
  CHECK(w.expect<Connack>().reason_code == 0x90);
}

TEST_CASE("broker: a retained message and a filter at the level ceiling are matched without a crash") {
  Harness h;  // the default: 1024 levels
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  c.send(publish_packet(deep(1024, "a"), "deep", 1, 1, true));
  CHECK(c.expect<Puback>().reason_code == 0x10);  // stored; nobody subscribed
  CHECK(h.broker.counters().retained == 1);
  c.send(publish_packet(deep(1025, "a"), "deeper", 1, 2, true));
  CHECK(c.expect<Puback>().reason_code == 0x90);
  c.send(subscribe_packet(3, deep(1024, "+"), 1));
  auto got = c.publishes();  // after the SUBACK
  REQUIRE(got.size() == 1);
  CHECK(payload_text(got[0]) == "deep");
  c.send(subscribe_packet(4, "#", 1));
  CHECK(c.publishes().size() == 1);
}

TEST_CASE("broker: the ceiling itself (4096 levels) is walked safely") {
  Config config = test_config();
  config.max_topic_levels = kTopicLevelCeiling;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  subscribe(c, deep(kTopicLevelCeiling, "+"), 1);
  c.send(publish_packet(deep(kTopicLevelCeiling, "b"), "x", 1, 1, true));
  auto ps = c.packets();
  REQUIRE(ps.size() == 2);  // the message and the PUBACK
}

}  // namespace mq::broker::test
