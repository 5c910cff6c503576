// Packet identifier allocation: never 0, skips identifiers in use, wraps.

#include <doctest/doctest.h>

#include "client/packet_ids.hpp"

using mq::client::PacketIds;

TEST_CASE("packet identifiers start at 1 and skip those in use") {
  PacketIds ids;
  CHECK(ids.allocate() == 1);
  CHECK(ids.allocate() == 2);
  CHECK(ids.reserve(3));
  CHECK_FALSE(ids.reserve(3));
  CHECK_FALSE(ids.reserve(0));
  CHECK(ids.allocate() == 4);
  ids.release(2);
  CHECK_FALSE(ids.in_use(2));
  CHECK(ids.allocate() == 5);  // continues after the last one, not at the lowest free
  CHECK(ids.count() == 4);
}

TEST_CASE("packet identifiers wrap from 65535 to 1, never 0, and run out at 65535 in use") {
  PacketIds ids;
  for (int i = 1; i <= 65534; ++i) REQUIRE(ids.allocate() == i);
  ids.release(1);
  ids.release(7);
  CHECK(ids.allocate() == 65535);
  CHECK(ids.allocate() == 1);  // wrapped, 0 skipped
  CHECK(ids.allocate() == 7);  // 2..6 are in use
  CHECK(ids.count() == 65535);
  CHECK_FALSE(ids.allocate().has_value());
  ids.release(300);
  CHECK(ids.allocate() == 300);
  ids.clear();
  CHECK(ids.count() == 0);
  CHECK(ids.allocate() == 301);
}
