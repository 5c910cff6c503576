// The level of one observed conversation: guessed from a packet that reads
// at one level only, then replaced by the level of a CONNECT.
#include <doctest/doctest.h>

#include "dump/input.hpp"
#include "dump/level_tracker.hpp"

using namespace mq;
using namespace mq::dump;

TEST_CASE("a conversation's level: guessed, then taken from its CONNECT") {
  LevelTracker levels;
  // PUBACK with reason code 0x87: reads at 5.0 only
  auto puback5 = parse_input("40 03 00 01 87", InputFormat::Hex).bytes;
  auto d = levels.decode(puback5);
  REQUIRE(d.result.ok());
  CHECK(d.version == ProtocolVersion::v5);
  CHECK(d.guessed);
  // a 3.1.1 CONNECT (client id "c") settles the level
  auto connect = parse_input("10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 63", InputFormat::Hex).bytes;
  d = levels.decode(connect);
  REQUIRE(d.result.ok());
  CHECK(levels.version() == ProtocolVersion::v311);
  CHECK_FALSE(d.guessed);
  // now the 5.0-only PUBACK is refused at 3.1.1
  d = levels.decode(puback5);
  CHECK_FALSE(d.result.ok());
  CHECK(d.version == ProtocolVersion::v311);
}

TEST_CASE("a two-byte PUBACK with no level known asks for -V") {
  LevelTracker levels;
  auto d = levels.decode(parse_input("40 02 00 01", InputFormat::Hex).bytes);
  REQUIRE_FALSE(d.result.ok());
  CHECK(d.result.error().kind == ErrorKind::UnknownVersion);
  CHECK_FALSE(levels.version());
}
