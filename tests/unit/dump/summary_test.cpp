// The conversation summary: counts, exchanges never completed, keep-alive
// gaps, takeovers and violations, from packets written as bytes.
#include <doctest/doctest.h>

#include "conversation_util.hpp"
#include "dump/summary.hpp"

using namespace mq;
using namespace mq::dump;
using mq::dump::test::Conversation;

namespace {

// 3.1.1 CONNECT, clean session, keep alive 10 s, client id "dev".
constexpr std::string_view kConnectDev = "10 0f 00 04 4d 51 54 54 04 02 00 0a 00 03 64 65 76";
constexpr std::string_view kConnack = "20 02 00 00";
// PUBLISH QoS 1 "a/b" id 1 payload "x"; its PUBACK.
constexpr std::string_view kPub1 = "32 08 00 03 61 2f 62 00 01 78";
constexpr std::string_view kPuback1 = "40 02 00 01";
// PUBLISH QoS 2 "a/b" id 2; PUBREC, PUBREL, PUBCOMP for id 2.
constexpr std::string_view kPub2 = "34 08 00 03 61 2f 62 00 02 78";
constexpr std::string_view kPubrec2 = "50 02 00 02";
constexpr std::string_view kPubrel2 = "62 02 00 02";
constexpr std::string_view kPubcomp2 = "70 02 00 02";
constexpr std::string_view kPingreq = "c0 00";

}  // namespace

TEST_CASE("summary: completed QoS 1 and 2 exchanges leave nothing open; counts per client") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, kConnectDev).broker(1, 0.01, kConnack)
      .client(1, 1, kPub1).broker(1, 1.01, kPuback1)
      .client(1, 2, kPub2).broker(1, 2.01, kPubrec2).client(1, 2.02, kPubrel2).broker(1, 2.03, kPubcomp2)
      .end(1, 3);
  s.finish();
  CHECK(s.open_exchanges().empty());
  CHECK(s.violations().empty());
  REQUIRE(s.clients().count("dev") == 1);
  const ClientCounts& c = s.clients().at("dev");
  CHECK(c.connections == 1);
  CHECK(c.packets[0] == 4);
  CHECK(c.packets[1] == 4);
  CHECK(c.bytes[0] == 17 + 10 + 10 + 4);
  CHECK(format_summary_text(s) ==
        "summary: 1 connections, 1 clients, 8 packets, 57 bytes\n"
        "client \"dev\": 1 connection\n"
        "  sent 4 packets (41 bytes): CONNECT 1, PUBLISH 2, PUBREL 1\n"
        "  received 4 packets (16 bytes): CONNACK 1, PUBACK 1, PUBREC 1, PUBCOMP 1\n");
}

TEST_CASE("summary: a PUBLISH without PUBACK and a PUBREC without PUBREL stay open") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, kConnectDev).broker(1, 0.01, kConnack)
      .client(1, 1, kPub1)                              // no PUBACK
      .client(1, 2, kPub2).broker(1, 2.01, kPubrec2)    // no PUBREL
      .end(1, 3);
  s.finish();
  REQUIRE(s.open_exchanges().size() == 2);
  const auto& a = s.open_exchanges()[0];
  CHECK(a.sent == PacketType::Publish);
  CHECK(a.waiting_for == PacketType::Puback);
  CHECK(a.packet_id == 1);
  CHECK(a.topic == "a/b");
  CHECK(a.direction == Direction::ToServer);
  const auto& b = s.open_exchanges()[1];
  CHECK(b.sent == PacketType::Pubrec);
  CHECK(b.waiting_for == PacketType::Pubrel);
  CHECK(b.direction == Direction::ToClient);
  const std::string text = format_summary_text(s);
  CHECK(text.find("never completed: connection 1 (\"dev\") c->s PUBLISH id 1 topic \"a/b\" at ") != std::string::npos);
  CHECK(text.find(": no PUBREL\n") != std::string::npos);
  CHECK(format_summary_json(s).find("{\"kind\":\"never_completed\",\"connection\":1,\"client_id\":\"dev\","
                                    "\"direction\":\"c->s\",\"sent\":\"PUBLISH\",\"packet_id\":1,\"topic\":\"a/b\"") !=
        std::string::npos);
}

TEST_CASE("summary: a CONNECT without CONNACK is open when the capture ends") {
  ConversationSummary s;
  Conversation(s).client(1, 0, kConnectDev);
  s.finish();
  REQUIRE(s.open_exchanges().size() == 1);
  CHECK(s.open_exchanges()[0].waiting_for == PacketType::Connack);
}

TEST_CASE("summary: keep-alive gaps beyond one and a half times the keep alive") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, kConnectDev).broker(1, 0.01, kConnack)
      .client(1, 14, kPingreq)   // 14 s: within 15 s
      .client(1, 30, kPingreq)   // 16 s: a gap
      .end(1, 31);
  s.finish();
  REQUIRE(s.keep_alive_gaps().size() == 1);
  CHECK(s.keep_alive_gaps()[0].gap_us == 16'000'000);
  CHECK(s.keep_alive_gaps()[0].keep_alive == 10);
  CHECK(format_summary_text(s).find("keep-alive gap: connection 1 (\"dev\"): 16.000 s without a packet from the "
                                    "client (keep alive 10 s: a broker closes the connection after 15 s)") !=
        std::string::npos);
}

TEST_CASE("summary: a takeover is a second connection with the id while the first is open") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, kConnectDev).broker(1, 0.01, kConnack)
      .client(2, 1, kConnectDev).broker(2, 1.01, kConnack)
      .end(1, 1.02, "closed by broker")
      .end(2, 2)
      .client(3, 3, kConnectDev).broker(3, 3.01, kConnack);  // after both ended: not a takeover
  s.finish();
  REQUIRE(s.takeovers().size() == 1);
  CHECK(s.takeovers()[0].old_connection == 1);
  CHECK(s.takeovers()[0].new_connection == 2);
  CHECK(s.clients().at("dev").connections == 3);
}

TEST_CASE("summary: every violation with its rule") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, kPingreq)                                       // before CONNECT
      .client(1, 1, kConnectDev).broker(1, 1.01, kConnack)
      .client(1, 2, kConnectDev)                                    // a second CONNECT
      .client(1, 3, "30 07 00 03 61 2f 23 00 78")                   // '#' in a topic name
      .client(1, 4, kPub1).client(1, 5, kPub1)                      // id 1 reused while in flight
      .client(1, 6, kConnack);                                      // a server's packet from the client
  s.finish();
  REQUIRE(s.violations().size() == 5);
  CHECK(s.violations()[0].rule == "MQTT-3.1.0-1");
  CHECK(s.violations()[1].rule == "MQTT-3.1.0-2");
  CHECK(s.violations()[2].rule == "MQTT-3.3.2-2");
  CHECK(s.violations()[2].packet == 5);  // PINGREQ, CONNECT, CONNACK, CONNECT, PUBLISH
  CHECK(s.violations()[3].rule == "MQTT-2.3.1-2");
  CHECK(s.violations()[4].message == "CONNACK is sent only by a server");
  CHECK(format_summary_text(s).find("violation: connection 1 (\"dev\") packet 5 c->s PUBLISH: topic name: ") !=
        std::string::npos);
}

TEST_CASE("summary: a 5.0 client with an empty id is counted under the id the broker assigned") {
  ConversationSummary s;
  Conversation(s)
      .client(1, 0, "10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00")
      // CONNACK with Assigned Client Identifier "z1".
      .broker(1, 0.01, "20 08 00 00 05 12 00 02 7a 31")
      .end(1, 1);
  s.finish();
  REQUIRE(s.clients().count("z1") == 1);
  CHECK(s.clients().at("z1").packets[0] == 1);
  CHECK(s.clients().at("z1").packets[1] == 1);
  CHECK(s.clients().size() == 1);
}
