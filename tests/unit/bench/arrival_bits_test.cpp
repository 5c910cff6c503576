#include <doctest/doctest.h>

#include "bench/arrival_bits.hpp"
#include "bench/runner.hpp"

using mq::bench::ArrivalBits;

TEST_CASE("arrival bits: in order, a gap filled late (reordered), a duplicate; distinct and next count exactly") {
  ArrivalBits b;
  CHECK(b.add(0) == ArrivalBits::Arrival::InOrder);
  CHECK(b.add(1) == ArrivalBits::Arrival::InOrder);
  CHECK(b.add(3) == ArrivalBits::Arrival::InOrder);   // 2 is missing for now
  CHECK(b.next() - b.distinct() == 1);                // one gap below the highest
  CHECK(b.add(2) == ArrivalBits::Arrival::Reordered);  // arrives after 3
  CHECK(b.add(3) == ArrivalBits::Arrival::Duplicate);
  CHECK(b.add(0) == ArrivalBits::Arrival::Duplicate);
  CHECK(b.distinct() == 4);
  CHECK(b.next() == 4);
}

TEST_CASE("arrival bits: far sequence numbers grow the bitmap; word edges are exact") {
  ArrivalBits b;
  for (std::uint64_t s : {63u, 64u, 127u, 128u, 100000u}) CHECK(b.add(s) == ArrivalBits::Arrival::InOrder);
  CHECK(b.add(64) == ArrivalBits::Arrival::Duplicate);
  CHECK(b.add(65) == ArrivalBits::Arrival::Reordered);
  CHECK(b.distinct() == 6);
  CHECK(b.next() == 100001);
}

TEST_CASE("topic templates: %i index, %w worker, %% a percent sign, other text as is") {
  using mq::bench::expand_template;
  CHECK(expand_template("mqbench/%i", 7, 0) == "mqbench/7");
  CHECK(expand_template("w%w/c%i/%%/%x/%", 3, 2) == "w2/c3/%/%x/%");
  CHECK(expand_template("", 1, 1).empty());
}
