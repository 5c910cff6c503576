// The field trace mqdump prints its tree from: names, offsets, lengths and
// depth, in wire order, and what is left of it when decoding fails.

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

struct Expected {
  std::size_t offset;
  std::size_t length;
  std::string_view field;
  int depth;
};

void expect_trace(const FieldTrace& got, std::initializer_list<Expected> want) {
  REQUIRE(got.size() == want.size());
  std::size_t i = 0;
  for (const auto& w : want) {
    INFO("entry " << i << ": " << got[i].field);
    CHECK(got[i].offset == w.offset);
    CHECK(got[i].length == w.length);
    CHECK(got[i].field == w.field);
    CHECK(got[i].depth == w.depth);
    ++i;
  }
}

}  // namespace

TEST_CASE("trace of a 5.0 PUBLISH") {
  const Bytes b = {0x32, 0x0F,                    // PUBLISH QoS 1, remaining length 15
                   0x00, 0x01, 't',               // topic name "t"
                   0x00, 0x02,                    // packet identifier 2
                   0x08,                          // property length 8
                   0x02, 0x00, 0x00, 0x00, 0x0A,  // Message Expiry Interval 10
                   0x23, 0x00, 0x01,              // Topic Alias 1
                   'p'};                          // payload
  FieldTrace t;
  REQUIRE(decode_packet(b, ProtocolVersion::v5, &t).ok());
  expect_trace(t, {{0, 1, "fixed header", 0},
                   {1, 1, "remaining length", 0},
                   {2, 3, "topic name", 0},
                   {5, 2, "packet identifier", 0},
                   {7, 1, "property length", 0},
                   {8, 5, "properties/Message Expiry Interval", 1},
                   {13, 3, "properties/Topic Alias", 1},
                   {16, 1, "payload", 0}});
}

TEST_CASE("trace of CONNECT nests the will and SUBSCRIBE nests options under filters") {
  const Bytes connect = {0x10, 0x14, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,
                         0x06,                    // will, clean session
                         0x00, 0x3C,
                         0x00, 0x01, 'c',         // client identifier
                         0x00, 0x01, 'w',         // will topic
                         0x00, 0x02, 'b', 'y'};   // will message
  FieldTrace t;
  REQUIRE(decode_packet(connect, std::nullopt, &t).ok());
  expect_trace(t, {{0, 1, "fixed header", 0},
                   {1, 1, "remaining length", 0},
                   {2, 6, "protocol name", 0},
                   {8, 1, "protocol level", 0},
                   {9, 1, "connect flags", 0},
                   {10, 2, "keep alive", 0},
                   {12, 3, "client identifier", 0},
                   {15, 7, "will", 0},
                   {15, 3, "will topic", 1},
                   {18, 4, "will payload", 1}});

  const Bytes sub = {0x82, 0x06,        // SUBSCRIBE, remaining length 6
                     0x00, 0x01,        // packet identifier 1
                     0x00, 0x01, 'a',   // topic filter "a"
                     0x01};             // QoS 1
  t.clear();
  REQUIRE(decode_packet(sub, ProtocolVersion::v311, &t).ok());
  expect_trace(t, {{0, 1, "fixed header", 0},
                   {1, 1, "remaining length", 0},
                   {2, 2, "packet identifier", 0},
                   {4, 3, "topic filter", 0},
                   {7, 1, "subscription options", 1}});
}

TEST_CASE("on failure the trace holds what was read before") {
  const Bytes b = {0x32, 0x05, 0x00, 0x01, 'a', 0x00, 0x00};  // packet identifier 0
  FieldTrace t;
  REQUIRE_FALSE(decode_packet(b, ProtocolVersion::v311, &t).ok());
  expect_trace(t, {{0, 1, "fixed header", 0}, {1, 1, "remaining length", 0}, {2, 3, "topic name", 0},
                   {5, 2, "packet identifier", 0}});
  // A truncated packet: the fields before the cut.
  t.clear();
  REQUIRE_FALSE(decode_packet(Bytes{0x32, 0x05, 0x00, 0x01, 'a'}, ProtocolVersion::v311, &t).ok());
  expect_trace(t, {{0, 1, "fixed header", 0}, {1, 1, "remaining length", 0}, {2, 3, "topic name", 0}});
}
