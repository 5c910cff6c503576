// Payload layout (the bytes at their offsets), sizes, templates, and the
// sequence tracker's loss, duplicate and reorder counts.

#include <doctest/doctest.h>

#include <vector>

#include "bench/name_template.hpp"
#include "bench/payload.hpp"
#include "bench/sequence_tracker.hpp"

namespace mq::bench {

TEST_CASE("payload: the header's bytes at their documented offsets") {
  std::vector<std::uint8_t> p(30);
  fill_payload(p, PayloadHeader{0x01020304, 0x1122334455667788ull, 0xA0B0C0D0E0F00010ull});
  const std::vector<std::uint8_t> expected = {
      'm', 'q', 'b', 0x01,                             // magic, layout version 1
      0x04, 0x03, 0x02, 0x01,                          // publisher, little-endian
      0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // sequence
      0x10, 0x00, 0xF0, 0xE0, 0xD0, 0xC0, 0xB0, 0xA0,  // timestamp ns
      'y', 'z', 'a', 'b', 'c', 'd'};                   // filler: 'a' + offset % 26
  CHECK(p == expected);
  CHECK(read_payload_header(p) == PayloadHeader{0x01020304, 0x1122334455667788ull, 0xA0B0C0D0E0F00010ull});
  patch_payload(p.data(), 5, 6);
  CHECK(read_payload_header(p) == PayloadHeader{0x01020304, 5, 6});
  CHECK(p[24] == 'y');  // filler untouched
  // Not ours: too short, or another magic.
  CHECK(!read_payload_header(std::span<const std::uint8_t>(p.data(), 23)));
  p[3] = 2;
  CHECK(!read_payload_header(p));
}

TEST_CASE("payload: sizes fixed or a range, deterministic per message") {
  PayloadSize s;
  REQUIRE(parse_payload_size("64", s) == std::nullopt);
  CHECK(s.fixed());
  CHECK(s.of(3, 9) == 64);
  REQUIRE(parse_payload_size("32-40", s) == std::nullopt);
  std::vector<unsigned> seen(41, 0);
  for (std::uint64_t q = 0; q < 9000; ++q) {
    const auto n = s.of(7, q);
    REQUIRE((n >= 32 && n <= 40));
    ++seen[n];
    CHECK(s.of(7, q) == n);  // the receiver computes the same size
  }
  for (unsigned n = 32; n <= 40; ++n) CHECK((seen[n] > 800 && seen[n] < 1200));  // about 1000 each
  auto error_of = [](std::string_view t) {
    PayloadSize out;
    return parse_payload_size(t, out).value_or("(accepted)");
  };
  CHECK(error_of("16") == "--size '16': at least 24 bytes (sequence number, publisher and timestamp)");
  CHECK(error_of("100-50") == "--size '100-50': the range ends below its start");
  CHECK(error_of("1k") == "--size '1k': expected bytes as N or MIN-MAX, e.g. 64 or 32-1024");
  CHECK(error_of("300000000") == "--size '300000000': at most 268435456 bytes");
  CHECK(error_of("24") == "(accepted)");
}

TEST_CASE("templates: client index, client id, worker, sequence, literal %") {
  NameTemplate t;
  REQUIRE(NameTemplate::parse("bench/%w/%i/%c/%s/100%%", t) == std::nullopt);
  CHECK(t.expand({12, "dev-12", 3, 77}) == "bench/3/12/dev-12/77/100%");
  CHECK(t.uses_sequence());
  CHECK(!t.is_literal());
  REQUIRE(NameTemplate::parse("mqbench-%i", t) == std::nullopt);
  std::string out = "x:";
  t.expand_to({18446744073709551615ull, "", 0, 0}, out);
  CHECK(out == "x:mqbench-18446744073709551615");
  CHECK(!t.uses_sequence());
  REQUIRE(NameTemplate::parse("plain/topic", t) == std::nullopt);
  CHECK(t.is_literal());
  CHECK(t.expand({}) == "plain/topic");
  REQUIRE(NameTemplate::parse("", t) == std::nullopt);
  CHECK(t.expand({5, "", 0, 0}).empty());
  CHECK(NameTemplate::parse("a/%x", t) ==
        "template 'a/%x': unknown field %x; use %i (client index), %c (client id), %w (worker), %s (sequence) or %%");
  CHECK(NameTemplate::parse("a/%", t) == "template 'a/%': ends with a lone %; write %% for a literal %");
}

TEST_CASE("sequence tracker: in order, gaps, late arrivals, duplicates") {
  SequenceTracker t;
  using A = SequenceTracker::Arrival;
  CHECK(t.observe(0) == A::in_order);
  CHECK(t.observe(1) == A::in_order);
  CHECK(t.observe(4) == A::after_gap);   // 2 and 3 missing for now
  CHECK(t.observe(2) == A::reordered);   // late, within the window
  CHECK(t.observe(2) == A::duplicate);
  CHECK(t.observe(4) == A::duplicate);
  CHECK(t.counts().lost == 0);           // nothing has left the window yet
  t.finish(6);                           // the publisher sent 0..5: 3 and 5 never came
  CHECK(t.counts() == SequenceCounts{6, 2, 2, 1, 0});
}

TEST_CASE("sequence tracker: losses are counted as they leave the window, never undone") {
  constexpr std::uint64_t W = SequenceTracker::kWindow;
  SequenceTracker t;
  std::uint64_t lost_before = 0;
  for (std::uint64_t s = 0; s < 10 * W; ++s) {
    if (s % 100 == 7) continue;  // one in a hundred lost
    t.observe(s);
    CHECK(t.counts().lost >= lost_before);  // monotone: interval deltas never negative
    lost_before = t.counts().lost;
  }
  // Everything that left the window is accounted for, the rest at finish.
  CHECK(t.counts().lost == (10 * W - W + 99) / 100);
  t.finish(10 * W);
  CHECK(t.counts().lost == (10 * W + 99) / 100);
  CHECK(t.counts().duplicates == 0);
  t.finish(10 * W);  // a second call adds nothing
  CHECK(t.counts().lost == (10 * W + 99) / 100);

  SequenceTracker jump;
  jump.observe(0);
  jump.observe(3 * W);                  // a jump past the whole window
  CHECK(jump.counts().lost == 2 * W);   // 1 .. 2W left the window unseen
  CHECK(jump.observe(2 * W + 5) == SequenceTracker::Arrival::reordered);
  CHECK(jump.observe(5) == SequenceTracker::Arrival::too_old);
  jump.finish(3 * W + 1);
  CHECK(jump.counts().lost == 3 * W - 2);  // 0 .. 3W sent, all but 0, 2W+5 and 3W lost
  CHECK(jump.counts().too_old == 1);
}

TEST_CASE("sequence tracker: a subscriber that starts late, and numbers below the first") {
  SequenceTracker t(100);
  CHECK(t.observe(50) == SequenceTracker::Arrival::too_old);
  CHECK(t.observe(103) == SequenceTracker::Arrival::after_gap);
  t.finish(104);
  CHECK(t.counts().lost == 3);  // 100, 101, 102
  CHECK(t.counts().received == 2);
}


TEST_CASE("sequence tracker: reordering by tens of thousands is reordering, and a later arrival is said") {
  // A 60,000-deep reordering (a closed-loop window of 60,000, or 30 ms at
  // 2,000,000 msg/s) stays within the window: nothing counted lost.
  SequenceTracker t;
  for (std::uint64_t s = 1; s <= 60000; ++s) t.observe(s);
  CHECK(t.observe(0) == SequenceTracker::Arrival::reordered);
  t.finish(60001);
  CHECK(t.counts() == SequenceCounts{60001, 0, 0, 1, 0});

  // One more than the window late: lost when it left the window, then seen
  // as a late arrival, never silently.
  constexpr std::uint64_t W = SequenceTracker::kWindow;
  SequenceTracker late;
  for (std::uint64_t s = 1; s <= W; ++s) late.observe(s);
  CHECK(late.counts().lost == 1);
  CHECK(late.observe(0) == SequenceTracker::Arrival::too_old);
  CHECK(late.counts().too_old == 1);
  CHECK(sizeof(SequenceTracker) <= 64);  // the window itself: W / 8 bytes, allocated once
}

}  // namespace mq::bench
