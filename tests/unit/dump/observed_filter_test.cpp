// Display filters of observed conversations: client id, type, topic with
// the acknowledgements of what is shown.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "conversation_util.hpp"

#include "dump/observed_filter.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

using mq::dump::test::hex;

struct Types : PacketObserver {
  std::vector<std::string> seen;
  std::size_t ends = 0;
  std::size_t starts = 0;
  void packet(const ObservedPacket& p) override {
    seen.push_back(p.decoded->ok() ? std::string(packet_type_name(type_of(p.decoded->value()))) : "ERROR");
  }
  void connection_start(const ConnectionStart&) override { ++starts; }
  void connection_end(const ConnectionEnd&) override { ++ends; }
};

/// Feeds one packet (hex) on connection `conn`, decoded at 3.1.1.
void feed(PacketObserver& o, std::uint64_t conn, Direction d, std::string_view h) {
  const auto bytes = hex(h);
  const Result<Packet> decoded = decode_packet(bytes, ProtocolVersion::v311);
  const Endpoint end;
  ObservedPacket p;
  p.connection = conn;
  p.direction = d;
  p.client = &end;
  p.server = &end;
  p.bytes = bytes;
  p.version = ProtocolVersion::v311;
  p.decoded = &decoded;
  o.packet(p);
}

// CONNECT 3.1.1, client id "a" / "b".
constexpr std::string_view kConnectA = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 61";
constexpr std::string_view kConnectB = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 62";
constexpr std::string_view kPubQos1 = "32 08 00 03 61 2f 62 00 07 78";  // "a/b", id 7, payload "x"
constexpr std::string_view kPuback7 = "40 02 00 07";
constexpr std::string_view kPubOther = "30 04 00 01 7a 78";  // "z", QoS 0

}  // namespace

TEST_CASE("observed filter: by client id, connection ends included") {
  Types out;
  ObservedFilter f({{"b"}, {}, {}}, out);
  feed(f, 1, Direction::ToServer, kConnectA);
  feed(f, 2, Direction::ToServer, kConnectB);
  feed(f, 1, Direction::ToServer, kPubOther);
  feed(f, 2, Direction::ToServer, kPubOther);
  f.connection_end({0, 1, "closed by client"});
  f.connection_end({0, 2, "closed by client"});
  CHECK(out.seen == std::vector<std::string>{"CONNECT", "PUBLISH"});
  CHECK(out.ends == 1);
}

TEST_CASE("observed filter: connection starts pass unless client ids are asked for (none is known yet)") {
  Types out;
  ObservedFilter by_type({{}, {PacketType::Publish}, {}}, out);
  by_type.connection_start({0, 1, nullptr, nullptr, "CN=dev"});
  CHECK(out.starts == 1);
  ObservedFilter by_client({{"a"}, {}, {}}, out);
  by_client.connection_start({0, 2, nullptr, nullptr, ""});
  CHECK(out.starts == 1);
}

TEST_CASE("observed filter: by topic, with the PUBACK of the shown PUBLISH only") {
  Types out;
  ObservedFilter f({{}, {}, {"a/#"}}, out);
  feed(f, 1, Direction::ToServer, kConnectA);
  feed(f, 1, Direction::ToServer, kPubOther);
  feed(f, 1, Direction::ToServer, kPubQos1);
  feed(f, 1, Direction::ToClient, "40 02 00 08");  // not ours
  feed(f, 1, Direction::ToClient, kPuback7);
  feed(f, 1, Direction::ToClient, kPuback7);  // a second one closes nothing
  CHECK(out.seen == std::vector<std::string>{"PUBLISH", "PUBACK"});
}

TEST_CASE("observed filter: by type, including packets that did not decode") {
  Types out;
  ObservedFilter f({{}, {PacketType::Publish}, {}}, out);
  feed(f, 1, Direction::ToServer, kConnectA);
  feed(f, 1, Direction::ToServer, "30 07 00 03 61 2f 23 00 78");  // wildcard in a topic name
  feed(f, 1, Direction::ToServer, kPubOther);
  feed(f, 1, Direction::ToClient, kPuback7);
  CHECK(out.seen == std::vector<std::string>{"ERROR", "PUBLISH"});
}
