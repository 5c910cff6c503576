// Splitting a stream into packets and choosing the protocol level.
#include <doctest/doctest.h>

#include "dump/input.hpp"
#include "dump/packet_stream.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return parse_input(text, InputFormat::Hex).bytes; }

}  // namespace

TEST_CASE("the level of a later CONNECT applies to the packets before it") {
  // PUBACK (2 bytes), then a 5.0 CONNECT.
  auto bytes = hex("40 02 00 01  10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00");
  CHECK(find_connect_version(bytes) == ProtocolVersion::v5);
  PacketStream s(bytes, ProtocolVersion::v311);  // the CONNECT wins over -V
  auto first = s.next();
  REQUIRE(first);
  REQUIRE(first->result.ok());
  CHECK(first->ctx.version == ProtocolVersion::v5);
  CHECK_FALSE(first->ctx.version_guessed);
  auto second = s.next();
  REQUIRE(second);
  CHECK(second->ctx.offset == 4);
  CHECK(second->ctx.length == 15);
  CHECK_FALSE(s.next());
}

TEST_CASE("without CONNECT or -V, a packet that reads at one level only sets the level") {
  auto bytes = hex("40 03 00 01 87  40 02 00 02");  // PUBACK with reason code: 5.0 only
  PacketStream s(bytes, std::nullopt);
  auto first = s.next();
  REQUIRE(first->result.ok());
  CHECK(first->ctx.version == ProtocolVersion::v5);
  CHECK(first->ctx.version_guessed);
  auto second = s.next();
  REQUIRE(second->result.ok());
  CHECK(second->ctx.version == ProtocolVersion::v5);
  CHECK(second->ctx.version_guessed);
}

TEST_CASE("a packet that reads at both levels needs -V") {
  auto bytes = hex("40 02 00 01");
  PacketStream s(bytes, std::nullopt);
  auto p = s.next();
  REQUIRE_FALSE(p->result.ok());
  CHECK(p->result.error().kind == ErrorKind::UnknownVersion);
  CHECK(p->result.error().message ==
        "PUBACK reads differently at MQTT 3.1.1 and 5.0 and the input has no CONNECT to tell which: give -V "
        "mqttv311 or -V mqttv5");
  CHECK_FALSE(p->framing_lost);
}

TEST_CASE("a stream that ends inside a packet stops with the framing lost") {
  auto bytes = hex("c0 00  30 05 00 01 74");
  PacketStream s(bytes, ProtocolVersion::v311);
  REQUIRE(s.next()->result.ok());
  auto p = s.next();
  REQUIRE_FALSE(p->result.ok());
  CHECK(p->framing_lost);
  CHECK(p->ctx.offset == 2);
  CHECK(p->result.error().kind == ErrorKind::Truncated);
  CHECK_FALSE(s.next());
}

TEST_CASE("a truncated packet is reported as truncated, not by the field its bytes ran out in") {
  auto bytes = hex("30 0a 00 05 61 2f 62");  // PUBLISH declaring 10 bytes; the topic needs 5, 3 are there
  for (auto version : {std::optional<ProtocolVersion>(ProtocolVersion::v311), std::optional<ProtocolVersion>()}) {
    PacketStream s(bytes, version);
    auto p = s.next();
    REQUIRE_FALSE(p->result.ok());
    CHECK(p->result.error().kind == ErrorKind::Truncated);
    CHECK(p->result.error().message ==
          "the packet is truncated: its fixed header declares 12 bytes, the input ends after 7");
    CHECK_FALSE(p->trace.empty());  // the fields read before the end are still shown
  }
}
