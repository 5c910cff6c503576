// The lint as a running broker uses it (LintMemory): once per client id and
// rule whatever the topic, nothing kept, the receiver of a PUBLISH not
// blamed for it, and a dedup set that stays bounded however many client
// ids a client churns through.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "../dump/conversation_util.hpp"
#include "proxy/tap.hpp"
#include "lint/client_rules.hpp"
#include "lint/lint.hpp"

using namespace mq;
using namespace mq::lint;
using mq::dump::test::Conversation;

namespace {

/// CONNECT 3.1.1, clean session, keep alive 60, client id `id` (3 bytes).
std::string connect_hex(std::string_view id) {
  std::string out = "10 0f 0004 4d515454 04 02 003c 0003";
  for (unsigned char c : id) out += fmt::format(" {:02x}", c);
  return out;
}

/// A broker's memory with small bounds.
LintMemory broker_memory(std::size_t clients) {
  LintMemory m;
  m.keep_findings = false;
  m.max_clients = clients;
  m.judge_sent = false;
  return m;
}

}  // namespace

TEST_CASE("lint client rule set: once per client id and rule") {
  ClientRuleSet set(10);
  CHECK(set.insert("a", LintRule::TopicLeadingSlash));
  CHECK(!set.insert("a", LintRule::TopicLeadingSlash));
  CHECK(set.insert("a", LintRule::TopicEmptyLevel));
  CHECK(set.insert("b", LintRule::TopicLeadingSlash));
  CHECK(set.insert("", LintRule::RetainClutter));  // findings about no client share the id ""
  CHECK(!set.insert("", LintRule::RetainClutter));
  CHECK(set.clients() == 3);
}

TEST_CASE("lint client rule set: churned client ids stay within the bound, oldest forgotten first") {
  ClientRuleSet set(100);
  for (int i = 0; i < 100000; ++i) {
    CHECK(set.insert(fmt::format("churn-{}", i), LintRule::KeepAliveNone));
    REQUIRE(set.clients() <= 100);
  }
  CHECK(set.clients() == 100);
  CHECK(!set.insert("churn-99999", LintRule::KeepAliveNone));  // among the latest: still known
  CHECK(set.insert("churn-0", LintRule::KeepAliveNone));       // long pushed out: reported again
  CHECK(set.clients() == 100);
  CHECK(ClientRuleSet(0).max_clients() == 1);
}

TEST_CASE("lint in a broker: once per client id and rule whatever the topic, nothing kept") {
  std::vector<std::string> seen;
  Lint lint({}, [&](const LintFinding& f) { seen.push_back(fmt::format("{} {}", f.client_id, lint_rule(f.rule).id)); },
            broker_memory(10));
  Conversation(lint)
      .client(1, 0, connect_hex("dev"))
      .client(1, 1, "30 05 0002 2f61 31")   // "/a"
      .client(1, 2, "30 05 0002 2f62 31")   // "/b": the same rule, another topic
      .broker(1, 3, "30 05 0002 2f63 31")   // "/c" delivered to dev: someone else's topic
      .end(1, 4)
      .client(2, 5, connect_hex("dev"))
      .client(2, 6, "30 05 0002 2f64 31")   // "/d" on a new connection of the same client id
      .client(3, 7, connect_hex("eve"))
      .client(3, 8, "30 05 0002 2f61 31");  // "/a" by another client
  lint.finish();
  CHECK(seen == std::vector<std::string>{"dev topic-leading-slash", "eve topic-leading-slash"});
  CHECK(lint.findings().empty());
}

TEST_CASE("lint in mqdump: a topic delivered to a client is read too, each topic once") {
  Lint lint;
  Conversation(lint)
      .client(1, 0, connect_hex("dev"))
      .client(1, 1, "30 05 0002 2f61 31")
      .client(1, 2, "30 05 0002 2f62 31")
      .broker(1, 3, "30 05 0002 2f63 31");
  lint.finish();
  CHECK(lint.findings().size() == 3);
}

TEST_CASE("lint behind a tap that skips types: skipped packets are not read but keep their numbers") {
  Lint lint;
  proxy::ConnectionTap tap(7, {"127.0.0.1", 50000}, {"127.0.0.1", 1883}, lint, 1024);
  tap.skip_types(Direction::ToClient, 1u << static_cast<unsigned>(PacketType::Publish));
  using mq::dump::test::hex;
  tap.feed(Direction::ToServer, hex(connect_hex("dev")), 1);
  tap.feed(Direction::ToClient, hex("20 02 00 00"), 2);
  tap.feed(Direction::ToClient, hex("30 05 0002 2f63 31"), 3);  // "/c": skipped, never decoded
  tap.feed(Direction::ToServer, hex("30 05 0002 2f61 31"), 4);  // "/a": the connection's 4th packet
  tap.end(5, "closed");
  lint.finish();
  REQUIRE(lint.findings().size() == 1);
  CHECK(lint.findings()[0].topic == "/a");
  CHECK(lint.findings()[0].packet == 4);
}

TEST_CASE("lint: a client id assigned in CONNACK collides like one the client chose") {
  Lint lint;
  Conversation(lint)
      .from(1, "10.0.0.1")
      .from(2, "10.0.0.2")
      .client(1, 0, "10 0d 0004 4d515454 05 02 003c 00 0000")  // 5.0, empty client id
      .broker(1, 1, "20 07 00 00 04 12 0001 78")               // Assigned Client Identifier "x"
      .client(2, 2, "10 0e 0004 4d515454 05 02 003c 00 0001 78");  // another address names "x"
  lint.finish();
  REQUIRE(!lint.findings().empty());
  CHECK(lint.findings()[0].rule == LintRule::ClientIdCollision);
  CHECK(lint.findings()[0].client_id == "x");
}

TEST_CASE("lint in a broker: retained clutter is judged by review() while the conversation goes on, once") {
  LintSettings settings;
  settings.threshold[static_cast<std::size_t>(LintRule::RetainClutter)] = 2;
  int clutter = 0;
  Lint lint(settings, [&](const LintFinding& f) { clutter += f.rule == LintRule::RetainClutter; }, broker_memory(10));
  Conversation c(lint);
  c.client(1, 0, connect_hex("dev")).client(1, 1, "31 06 0003 782f61 31");  // "x/a" retained
  lint.review(2);
  CHECK(clutter == 0);  // one unread retained topic, the threshold is two
  c.client(1, 3, "31 06 0003 782f62 31");  // "x/b" retained
  lint.review(4);
  CHECK(clutter == 1);
  c.client(1, 5, "31 06 0003 782f63 31");  // "x/c" retained
  lint.review(6);
  lint.finish();
  CHECK(clutter == 1);
}
