// plain_ascii_topic, the decoder's shortcut past the topic-name rules, must
// never accept a topic the full rules would reject. Every byte value at every
// position of topics 1..40 bytes long (short ones go byte by byte, longer
// ones eight, or on x86 sixteen, at a time with an overlapping last block).

#include <doctest/doctest.h>

#include <string>

#include "codec/packet_rules.hpp"

using namespace mq;

TEST_CASE("plain_ascii_topic accepts exactly ASCII without U+0000 and wildcards") {
  std::size_t wrong = 0;
  std::size_t accepted_but_rejected_by_rules = 0;
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string topic(length, 'a');
        topic[at] = static_cast<char>(byte);
        const bool expected = byte != 0 && byte < 0x80 && byte != '#' && byte != '+';
        const bool got = plain_ascii_topic(topic);
        if (got != expected) ++wrong;
        if (got && check_topic_name_field(topic, "topic name", ProtocolVersion::v5, false))
          ++accepted_but_rejected_by_rules;
      }
    }
  }
  CHECK(wrong == 0);
  CHECK(accepted_but_rejected_by_rules == 0);
  CHECK_FALSE(plain_ascii_topic(""));  // empty: the full rules decide (Topic Alias)
  CHECK(plain_ascii_topic("bench/sensor/0000001"));
  CHECK_FALSE(plain_ascii_topic("bench/sensor/+/00001"));
  CHECK_FALSE(plain_ascii_topic("bench/sensor/000000#"));
}
