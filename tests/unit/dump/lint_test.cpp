// The lint: for every rule, a conversation that triggers it and one that
// must not. Packets are built with the encoder: what is tested here is the
// reading of conversations, not bytes (the codec tests show those).
#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conversation_util.hpp"
#include "lint/lint.hpp"

using namespace mq;
using namespace mq::dump;
using namespace mq::lint;
using mq::dump::test::Conversation;

namespace {

using V = ProtocolVersion;

struct ConnectArgs {
  std::string_view id = "dev";
  V version = V::v311;
  std::uint16_t keep_alive = 60;
  bool clean = true;
  std::optional<std::uint32_t> expiry = std::nullopt;
  bool will = false;
  std::optional<std::uint32_t> receive_max = std::nullopt;
};

std::vector<std::uint8_t> connect(const ConnectArgs& a) {
  Connect c;
  c.version = a.version;
  c.client_id = a.id;
  c.keep_alive = a.keep_alive;
  c.clean_start = a.clean;
  if (a.expiry) c.properties.push_back({PropertyId::SessionExpiryInterval, *a.expiry, {}, {}});
  if (a.receive_max) c.properties.push_back({PropertyId::ReceiveMaximum, *a.receive_max, {}, {}});
  if (a.will) c.will = Will{"status/dev", as_bytes("offline"), 1, true, {}};
  return encode(c, a.version);
}

std::vector<std::uint8_t> publish(std::string_view topic, std::string_view payload, QoS qos = 0, bool retain = false,
                                  std::uint16_t id = 0, Properties props = {}, V v = V::v311) {
  Publish p;
  p.topic = topic;
  p.payload = as_bytes(payload);
  p.qos = qos;
  p.retain = retain;
  p.packet_id = qos ? id : 0;
  p.properties = std::move(props);
  return encode(p, v);
}

std::vector<std::uint8_t> subscribe(std::vector<std::pair<std::string_view, QoS>> filters, V v = V::v311) {
  Subscribe s;
  s.packet_id = 1;
  for (auto [f, q] : filters) s.subscriptions.push_back({f, q});
  return encode(s, v);
}

std::vector<std::uint8_t> puback(std::uint16_t id, V v = V::v311) { return encode(Puback{id, 0, {}, TailForm::Shortest}, v); }

constexpr auto C = Direction::ToServer;
constexpr auto S = Direction::ToClient;

/// The ids of the rules found, in order.
std::vector<std::string> found(Lint& lint) {
  lint.finish();
  std::vector<std::string> ids;
  for (const auto& f : lint.findings()) ids.emplace_back(lint_rule(f.rule).id);
  return ids;
}

bool has(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

/// Rule `id` is found after a publish of `topic` by a well-behaved client, or not.
bool topic_rule(std::string_view id, std::string_view topic) {
  Lint lint;
  Conversation(lint).send(1, C, 0, connect({.id = "backend", .will = true})).send(1, C, 1, publish(topic, "1"));
  return has(found(lint), id);
}

}  // namespace

TEST_CASE("lint: the table has one row per rule, ids unique, advice and thresholds filled in") {
  std::vector<std::string_view> ids;
  for (const auto& r : lint_rules()) {
    CHECK(&lint_rule(r.rule) == &r);
    CHECK(!r.advice.empty());
    CHECK(!r.looks_for.empty());
    CHECK((r.threshold_flag.empty() == (r.threshold == 0)));
    ids.push_back(r.id);
  }
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(find_lint_rule("topic-leading-slash") == &lint_rule(LintRule::TopicLeadingSlash));
  CHECK(find_lint_rule("nope") == nullptr);
  CHECK(lint_rules_man_text().find("topic-deep: ") != std::string::npos);
}

TEST_CASE("lint: topic shapes") {
  CHECK(topic_rule("topic-leading-slash", "/a/b"));
  CHECK(!topic_rule("topic-leading-slash", "a/b"));
  CHECK(topic_rule("topic-trailing-slash", "a/b/"));
  CHECK(!topic_rule("topic-trailing-slash", "a/b"));
  CHECK(topic_rule("topic-empty-level", "a//b"));
  CHECK(!topic_rule("topic-empty-level", "a/b"));
  CHECK(topic_rule("topic-whitespace", "room 1/temp"));
  CHECK(topic_rule("topic-whitespace", "a/\tb"));
  CHECK(!topic_rule("topic-whitespace", "room_1/temp"));
  CHECK(topic_rule("topic-non-ascii", "k\xc3\xbc" "che/temp"));
  CHECK(!topic_rule("topic-non-ascii", "kueche/temp"));
  CHECK(topic_rule("topic-deep", "a/b/c/d/e/f/g/h/i"));  // 9 levels
  CHECK(!topic_rule("topic-deep", "a/b/c/d/e/f/g/h"));
  CHECK(topic_rule("topic-long", std::string(129, 'a')));
  CHECK(!topic_rule("topic-long", std::string(128, 'a')));
  CHECK(topic_rule("topic-dollar-publish", "$SYS/fake"));
  CHECK(!topic_rule("topic-dollar-publish", "app/$x"));
}

TEST_CASE("lint: a finding carries its evidence and advice, once per topic") {
  Lint lint;
  Conversation(lint)
      .send(1, C, 0, connect({.id = "backend", .will = true}))
      .send(1, C, 1, publish("/a", "1"))
      .send(1, C, 2, publish("/a", "2"));
  lint.finish();
  REQUIRE(lint.findings().size() == 1);
  const LintFinding& f = lint.findings()[0];
  CHECK(f.client_id == "backend");
  CHECK(f.connection == 1);
  CHECK(f.packet == 2);
  CHECK(f.type == "PUBLISH");
  CHECK(f.topic == "/a");
  CHECK(format_lint_text(f) ==
        "topic-leading-slash: \"/a\": begins with '/' (client \"backend\", connection 1, packet 2, PUBLISH c->s)\n"
        "  advice: drop the leading '/': it adds an empty first level that every filter must repeat\n");
  CHECK(format_lint_json(f).find("{\"rule\":\"topic-leading-slash\",\"group\":\"topics\",\"time\":") == 0);
}

TEST_CASE("lint: thresholds and disabled rules come from the settings") {
  LintSettings s;
  s.threshold[static_cast<std::size_t>(LintRule::TopicDeep)] = 2;
  s.enabled[static_cast<std::size_t>(LintRule::TopicLeadingSlash)] = false;
  Lint lint(s);
  Conversation(lint).send(1, C, 0, connect({.id = "backend", .will = true})).send(1, C, 1, publish("/a/b", "1"));
  CHECK(found(lint) == std::vector<std::string>{"topic-deep"});
}

TEST_CASE("lint: one topic per message") {
  Lint lint, quiet;
  Conversation a(lint), b(quiet);
  a.send(1, C, 0, connect({.id = "backend", .will = true}));
  b.send(1, C, 0, connect({.id = "backend", .will = true}));
  for (int i = 0; i < 20; ++i) {
    a.send(1, C, 1 + i, publish(fmt::format("log/{}", 1700000000 + i), "x"));
    b.send(1, C, 1 + i, publish(fmt::format("log/{}", i % 3), "x"));  // short counters are levels, not ids
  }
  CHECK(found(lint) == std::vector<std::string>{"topic-per-message"});
  CHECK(lint.findings()[0].topic == "log/{id}");
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: broad subscriptions from device-like clients") {
  Lint lint, quiet;
  Conversation(lint).send(1, C, 0, connect({.id = "esp32-0042", .will = true})).send(1, C, 1, subscribe({{"#", 0}}));
  Conversation(quiet)
      .send(1, C, 0, connect({.id = "esp32-0042", .will = true})).send(1, C, 1, subscribe({{"dev/0042/cmd", 0}}))
      .send(2, C, 0, connect({.id = "dashboard", .will = true})).send(2, C, 1, subscribe({{"#", 0}}));
  CHECK(found(lint) == std::vector<std::string>{"subscribe-broad-device"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: overlapping subscriptions of one client") {
  Lint lint, quiet;
  Conversation(lint).send(1, C, 0, connect({.id = "app", .will = true}))
      .send(1, C, 1, subscribe({{"a/#", 0}, {"a/b", 0}, {"a/+", 0}}));
  Conversation(quiet).send(1, C, 0, connect({.id = "app", .will = true}))
      .send(1, C, 1, subscribe({{"a/#", 0}, {"b/c", 0}, {"c/+", 0}}));
  CHECK(found(lint) == std::vector<std::string>{"subscribe-overlap"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: client id collisions and takeover loops") {
  Lint lint, quiet;
  Conversation a(lint);
  a.from(1, "10.0.0.1").from(2, "10.0.0.2").from(3, "10.0.0.1").from(4, "10.0.0.2");
  for (std::uint64_t c = 1; c <= 4; ++c) a.send(c, C, static_cast<double>(c), connect({.id = "app", .will = true}));
  const auto ids = found(lint);
  CHECK(ids == std::vector<std::string>{"client-id-collision", "takeover-loop"});
  // The same client reconnecting after its connection ended is neither.
  Conversation b(quiet);
  for (std::uint64_t c = 1; c <= 4; ++c)
    b.from(c, c % 2 ? "10.0.0.1" : "10.0.0.2").send(c, C, static_cast<double>(c), connect({.id = "app", .will = true}))
        .end(c, static_cast<double>(c) + 0.5);
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: sessions") {
  Lint lint, quiet;
  Conversation(lint)
      .send(1, C, 0, connect({.id = "mosq-Xa81kq0pZ", .clean = false, .will = true}))                      // random-id-persistent
      .send(2, C, 0, connect({.id = "app", .version = V::v5, .expiry = 0xFFFFFFFF, .will = true}))         // never expires
      .send(3, C, 0, connect({.id = "sub", .will = true})).send(3, C, 1, subscribe({{"a/b", 1}}));      // clean + QoS 1
  CHECK(found(lint) == std::vector<std::string>{"random-id-persistent", "session-never-expires", "clean-session-qos"});
  Conversation(quiet)
      .send(1, C, 0, connect({.id = "mosq-Xa81kq0pZ", .will = true}))                                    // clean: fine
      .send(2, C, 0, connect({.id = "app", .version = V::v5, .expiry = 3600, .will = true}))
      .send(2, C, 1, subscribe({{"a/b", 1}}, V::v5))                                                     // persistent
      .send(3, C, 0, connect({.id = "sub", .will = true})).send(3, C, 1, subscribe({{"a/b", 0}}));
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: QoS 2 for telemetry") {
  Lint lint, quiet;
  Conversation a(lint), b(quiet);
  a.send(1, C, 0, connect({.id = "app", .will = true}));
  b.send(1, C, 0, connect({.id = "app", .will = true}));
  for (std::uint16_t i = 1; i <= 10; ++i) {
    a.send(1, C, i, publish("t/temp", "{\"celsius\": 21.5}", 2, false, i));
    b.send(1, C, i, publish("t/orders", "{\"order\": {\"id\": 7}}", 2, false, i));  // nested: not a reading
  }
  CHECK(found(lint) == std::vector<std::string>{"qos2-telemetry"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: retained messages: high rate, commands, clutter") {
  Lint lint, quiet;
  Conversation a(lint), b(quiet);
  a.send(1, C, 0, connect({.id = "app", .will = true}));
  b.send(1, C, 0, connect({.id = "app", .will = true}));
  for (int i = 0; i < 5; ++i) {
    a.send(1, C, 1 + i * 0.1, publish("fast/value", "1", 0, true));       // 10 per second
    b.send(1, C, 1 + i * 10.0, publish("slow/value", "1", 0, true));      // one per 10 s
  }
  a.send(1, C, 2, publish("dev/1/cmd", "reboot", 0, true));
  b.send(1, C, 2, publish("dev/1/cmd", "reboot", 0, false));
  for (int i = 0; i < 50; ++i) a.send(1, C, 3, publish(fmt::format("old/{}", i), "x", 0, true));
  for (int i = 0; i < 50; ++i) b.send(1, C, 3, publish(fmt::format("read/{}", i), "x", 0, true));
  b.send(2, C, 4, connect({.id = "reader", .will = true})).send(2, C, 5, subscribe({{"read/#", 0}}));
  CHECK(found(lint) == std::vector<std::string>{"retain-high-rate", "retain-command", "retain-clutter"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: large payloads and keep alives") {
  Lint lint, quiet;
  const std::string big(256 * 1024 + 1, 'x');
  Conversation(lint)
      .send(1, C, 0, connect({.id = "a", .keep_alive = 5, .will = true})).send(1, C, 1, publish("t", big))
      .send(2, C, 0, connect({.id = "b", .keep_alive = 0, .will = true}));
  CHECK(found(lint) == std::vector<std::string>{"keep-alive-tiny", "payload-large", "keep-alive-none"});
  Conversation(quiet).send(1, C, 0, connect({.id = "a", .keep_alive = 10, .will = true}))
      .send(1, C, 1, publish("t", std::string(256 * 1024, 'x')));
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: devices without a will") {
  Lint lint, quiet;
  Conversation(lint).send(1, C, 0, connect({.id = "sensor-a4:cf:12:0b:33:9e"}));
  Conversation(quiet)
      .send(1, C, 0, connect({.id = "sensor-a4:cf:12:0b:33:9e", .will = true}))
      .send(2, C, 0, connect({.id = "dashboard"}))  // not device-like
      .send(3, C, 0, connect({.id = "a3f0c2e4-5b6d-4e8f-9a1b-2c3d4e5f6a7b"}));  // random, not a device
  CHECK(found(lint) == std::vector<std::string>{"no-will-device"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: bursts beyond the receiver's Receive Maximum") {
  Lint lint, quiet;
  Conversation a(lint), b(quiet);
  a.send(1, C, 0, connect({.id = "app", .version = V::v5, .will = true, .receive_max = 2}));
  b.send(1, C, 0, connect({.id = "app", .version = V::v5, .will = true, .receive_max = 2}));
  for (std::uint16_t i = 1; i <= 3; ++i) a.send(1, S, i, publish("t", "x", 1, false, i, {}, V::v5));
  for (std::uint16_t i = 1; i <= 3; ++i) {
    b.send(1, S, i, publish("t", "x", 1, false, i, {}, V::v5));
    b.send(1, C, i + 0.5, puback(i, V::v5));
  }
  CHECK(found(lint) == std::vector<std::string>{"receive-maximum-burst"});
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: 5.0 aliases, user properties, requests") {
  const Properties alias1 = {{PropertyId::TopicAlias, 1, {}, {}}};
  const Properties user_ct = {{PropertyId::UserProperty, 0, "Content-Type", "json"}};
  const Properties request = {{PropertyId::ResponseTopic, 0, {}, "reply/app"}};
  const Properties request_ok = {{PropertyId::ResponseTopic, 0, {}, "reply/app"}, {PropertyId::CorrelationData, 0, {}, "7"}};
  const Properties user_ok = {{PropertyId::UserProperty, 0, "site", "berlin"}};
  Lint lint, quiet;
  Conversation(lint)
      .send(1, C, 0, connect({.id = "app", .version = V::v5, .will = true}))
      .send(1, C, 1, publish("long/topic/name", "x", 0, false, 0, alias1, V::v5))
      .send(1, C, 2, publish("t", "x", 0, false, 0, user_ct, V::v5))
      .send(1, C, 3, publish("req", "x", 0, false, 0, request, V::v5))
      .end(1, 4);
  CHECK(found(lint) == std::vector<std::string>{"user-property-native", "request-without-correlation",
                                                "alias-never-reused"});
  Conversation(quiet)
      .send(1, C, 0, connect({.id = "app", .version = V::v5, .will = true}))
      .send(1, C, 1, publish("long/topic/name", "x", 0, false, 0, alias1, V::v5))
      .send(1, C, 2, publish("", "y", 0, false, 0, alias1, V::v5))  // the alias used
      .send(1, C, 3, publish("t", "x", 0, false, 0, user_ok, V::v5))
      .send(1, C, 4, publish("req", "x", 0, false, 0, request_ok, V::v5))
      .end(1, 5);
  CHECK(found(quiet).empty());
}

TEST_CASE("lint: messages seen by a subscriber (mqsub --json) go through the topic and payload rules") {
  Lint lint;
  Publish p;
  p.topic = "/a";
  p.payload = as_bytes("1");
  lint.message(p, 1);
  CHECK(found(lint) == std::vector<std::string>{"topic-leading-slash"});
  CHECK(lint.findings()[0].connection == 0);
}
