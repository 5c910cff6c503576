#include <doctest/doctest.h>

#include "codec/rules.hpp"

using namespace mq;

TEST_CASE("UTF-8 rules") {
  CHECK_FALSE(check_utf8("a/b/c"));
  CHECK_FALSE(check_utf8("\xC3\xA9t\xC3\xA9"));        // été
  CHECK_FALSE(check_utf8("\xF0\x9F\x98\x80"));          // U+1F600
  auto nul = check_utf8(std::string_view("ab\0c", 4));
  REQUIRE(nul);
  CHECK(nul->rule == "MQTT-1.5.4-2");
  CHECK(nul->position == 2);
  auto sur = check_utf8("x\xED\xA0\x80");  // U+D800
  REQUIRE(sur);
  CHECK(sur->position == 1);
  CHECK(check_utf8("\xC0\xAF"));        // overlong '/'
  CHECK(check_utf8("\xE0\x80\xAF"));    // overlong, three bytes
  CHECK(check_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK(check_utf8("\xC3"));            // truncated
  CHECK(check_utf8("abcdefgh\xFF"));    // after the ASCII fast path
  CHECK(is_valid_utf8(std::string_view("a\0b", 3)));
  CHECK_FALSE(is_valid_utf8("\x80"));
}

TEST_CASE("topic names and filters") {
  CHECK_FALSE(check_topic_name("a/b"));
  CHECK_FALSE(check_topic_name("/"));
  CHECK(check_topic_name("")->rule == "MQTT-4.7.3-1");
  CHECK(check_topic_name("a/+")->rule == "MQTT-3.3.2-2");
  CHECK(check_topic_name("a/#")->position == 2);

  CHECK_FALSE(check_topic_filter("#"));
  CHECK_FALSE(check_topic_filter("a/+/c/#"));
  CHECK_FALSE(check_topic_filter("+"));
  CHECK_FALSE(check_topic_filter("+/+"));
  CHECK_FALSE(check_topic_filter("/+/"));
  CHECK(check_topic_filter("a/#/c")->rule == "MQTT-4.7.1-1");
  CHECK(check_topic_filter("a#")->rule == "MQTT-4.7.1-1");
  CHECK(check_topic_filter("a+/b")->rule == "MQTT-4.7.1-2");
  CHECK(check_topic_filter("a/b+")->rule == "MQTT-4.7.1-2");
  CHECK(check_topic_filter("")->rule == "MQTT-4.7.3-1");

  CHECK_FALSE(check_topic_filter("$share/g/a/#"));
  CHECK(check_topic_filter("$share//a")->rule == "MQTT-4.8.2-1");
  CHECK(check_topic_filter("$share/g+/a")->rule == "MQTT-4.8.2-2");
  CHECK(check_topic_filter("$share/g")->rule == "MQTT-4.8.2-2");
  CHECK(check_topic_filter("$share/g/")->rule == "MQTT-4.8.2-2");
  auto shared = parse_shared("$share/group/a/+/c");
  REQUIRE(shared);
  CHECK(shared->group == "group");
  CHECK(shared->filter == "a/+/c");
  CHECK_FALSE(parse_shared("$sharex/a"));
}

TEST_CASE("topic matching") {
  CHECK(topic_matches("a/b", "a/b"));
  CHECK_FALSE(topic_matches("a/b", "a/b/c"));
  CHECK(topic_matches("a/+", "a/b"));
  CHECK_FALSE(topic_matches("a/+", "a/b/c"));
  CHECK(topic_matches("a/+", "a/"));
  CHECK(topic_matches("a/#", "a"));
  CHECK(topic_matches("a/#", "a/b/c"));
  CHECK(topic_matches("#", "a/b"));
  CHECK(topic_matches("+/+", "/x"));
  CHECK(topic_matches("+", ""));
  CHECK_FALSE(topic_matches("+", "/"));
  CHECK(topic_matches("/#", "/"));
  CHECK_FALSE(topic_matches("#", "$SYS/broker"));
  CHECK_FALSE(topic_matches("+/broker", "$SYS/broker"));
  CHECK(topic_matches("$SYS/#", "$SYS/broker"));
  CHECK(topic_matches("$SYS/+", "$SYS/broker"));
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  CHECK_FALSE(topic_matches("sport/+", "sport"));
  CHECK(topic_matches("sport/#", "sport"));
}
