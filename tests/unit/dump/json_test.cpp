// format_json: exact lines for a few packets; from_json: back to the same packet.
#include <doctest/doctest.h>

#include "dump/format_json.hpp"
#include "dump/from_json.hpp"

using namespace mq;
using namespace mq::dump;

namespace {

PacketContext ctx(std::size_t length, std::optional<ProtocolVersion> v, std::size_t offset = 0) {
  return {1, offset, length, v};
}

/// json -> packet -> json must give the same line.
void check_json_round_trip(const Packet& p, std::optional<ProtocolVersion> v) {
  std::string line = packet_to_json_line(p, ctx(0, v), {true});
  OwnedPacket back;
  auto err = packet_from_json_line(line, back);
  REQUIRE_MESSAGE(!err, *err);
  CHECK(back.packet.index() == p.index());
  CHECK(packet_to_json_line(back.packet, ctx(0, back.version), {true}) == line);
}

const std::uint8_t kBinary[] = {0x00, 0xff, 0x10};

}  // namespace

TEST_CASE("JSON of a 3.1.1 CONNECT masks the password") {
  Connect c;
  c.client_id = "sensor-1";
  c.keep_alive = 30;
  c.username = "alice";
  c.password = as_bytes("s3cret");
  CHECK(packet_to_json_line(c, ctx(38, std::nullopt)) ==
        R"({"packet":1,"offset":0,"length":38,"type":"CONNECT","version":"3.1.1","protocol_name":"MQTT",)"
        R"("protocol_level":4,"clean_start":true,"keep_alive":30,"client_id":"sensor-1","username":"alice",)"
        R"("password":"***","password_encoding":"masked","password_length":6})");
  std::string shown = packet_to_json_line(c, ctx(38, std::nullopt), {true});
  CHECK(shown.find(R"("password":"s3cret","password_encoding":"utf-8")") != std::string::npos);

  OwnedPacket back;
  auto err = packet_from_json_line(packet_to_json_line(c, ctx(38, std::nullopt)), back);
  REQUIRE(err);
  CHECK(*err ==
        "field \"password\": the value is masked (\"***\"), so the original bytes are unknown; dump with "
        "--show-secrets to re-encode");
}

TEST_CASE("JSON of a 5.0 PUBLISH: binary payload, user properties in order with duplicates") {
  Publish p;
  p.qos = 1;
  p.topic = "a/b";
  p.packet_id = 7;
  p.payload = kBinary;
  p.properties = {{PropertyId::UserProperty, 0, "k", "1"},
                  {PropertyId::ContentType, 0, {}, "text/plain"},
                  {PropertyId::UserProperty, 0, "k", "2"},
                  {PropertyId::CorrelationData, 0, {}, std::string_view("\xff\x02", 2)}};
  CHECK(packet_to_json_line(p, ctx(40, ProtocolVersion::v5, 14)) ==
        R"({"packet":1,"offset":14,"length":40,"type":"PUBLISH","version":"5.0","dup":false,"qos":1,"retain":false,)"
        R"("topic":"a/b","packet_id":7,"properties":{"user-property":[["k","1"],["k","2"]],"content-type":"text/plain",)"
        R"("correlation-data":"/wI=","correlation-data_encoding":"base64",)"
        R"("property_order":["user-property","content-type","user-property","correlation-data"]},)"
        R"("payload":"AP8Q","payload_encoding":"base64"})");
  check_json_round_trip(p, ProtocolVersion::v5);
  OwnedPacket back;
  REQUIRE_FALSE(packet_from_json_line(packet_to_json_line(p, ctx(40, ProtocolVersion::v5)), back));
  const auto& q = std::get<Publish>(back.packet);
  CHECK(q.properties == p.properties);
  CHECK(std::vector<std::uint8_t>(q.payload.begin(), q.payload.end()) == std::vector<std::uint8_t>{0, 0xff, 0x10});
}

TEST_CASE("JSON of SUBACK and acks names the reason codes") {
  Suback s{9, {}, {0x01, 0x80}};
  CHECK(packet_to_json_line(s, ctx(6, ProtocolVersion::v311)) ==
        R"({"packet":1,"offset":0,"length":6,"type":"SUBACK","version":"3.1.1","packet_id":9,)"
        R"("reason_codes":[{"code":1,"name":"Success - Maximum QoS 1"},{"code":128,"name":"Failure"}]})");
  Puback a{3, 0x87, {}, TailForm::ReasonOnly};
  CHECK(packet_to_json_line(a, ctx(5, ProtocolVersion::v5)) ==
        R"({"packet":1,"offset":0,"length":5,"type":"PUBACK","version":"5.0","packet_id":3,"reason_code":135,)"
        R"("reason_name":"Not authorized","properties":{},"tail":"reason-only"})");
  CHECK(packet_to_json_line(Pingreq{}, ctx(2, std::nullopt)) ==
        R"({"packet":1,"offset":0,"length":2,"type":"PINGREQ"})");
}

TEST_CASE("JSON round trip of every packet type") {
  Connect c;
  c.version = ProtocolVersion::v5;
  c.client_id = "c";
  c.properties = {{PropertyId::SessionExpiryInterval, 60, {}, {}},
                  {PropertyId::AuthenticationData, 0, {}, std::string_view("\xff\x00", 2)}};
  c.will = Will{"w/t", kBinary, 1, true, {{PropertyId::WillDelayInterval, 5, {}, {}}}};
  c.username = "u";
  c.password = kBinary;
  check_json_round_trip(c, std::nullopt);
  Connect old;
  old.protocol_name = "MQIsdp";
  old.version = ProtocolVersion::v31;
  old.client_id = "x";
  check_json_round_trip(old, std::nullopt);
  check_json_round_trip(Connack{true, 0x86, {{PropertyId::ReasonString, 0, {}, "no"}}}, ProtocolVersion::v5);
  check_json_round_trip(Connack{false, 5, {}}, ProtocolVersion::v311);
  Publish p;
  p.topic = "t";
  p.payload = as_bytes("");
  p.retain = true;
  check_json_round_trip(p, ProtocolVersion::v311);
  check_json_round_trip(Pubrec{1, 0x10, {}, TailForm::Full}, ProtocolVersion::v5);
  check_json_round_trip(Pubrel{2, 0, {}, TailForm::Shortest}, ProtocolVersion::v311);
  check_json_round_trip(Pubcomp{3, 0x92, {{PropertyId::UserProperty, 0, "a", "b"}}, TailForm::Full}, ProtocolVersion::v5);
  Subscribe s;
  s.packet_id = 4;
  s.properties = {{PropertyId::SubscriptionIdentifier, 300, {}, {}}};
  s.subscriptions = {{"a/+", 1, true, false, 2, 0}, {"#", 0, false, true, 0, 0}};
  check_json_round_trip(s, ProtocolVersion::v5);
  check_json_round_trip(Suback{4, {}, {0x00, 0x02, 0x9e}}, ProtocolVersion::v5);
  check_json_round_trip(Unsubscribe{5, {}, {"a", "b/#"}}, ProtocolVersion::v311);
  check_json_round_trip(Unsuback{5, {}, {0x00, 0x11}}, ProtocolVersion::v5);
  check_json_round_trip(Pingresp{}, std::nullopt);
  check_json_round_trip(Disconnect{0x04, {}, TailForm::ReasonOnly}, ProtocolVersion::v5);
  check_json_round_trip(Auth{0x18, {{PropertyId::AuthenticationMethod, 0, {}, "SCRAM"}}, TailForm::Full},
                        ProtocolVersion::v5);
}

TEST_CASE("from_json errors name the field") {
  OwnedPacket out;
  CHECK(*packet_from_json_line("{", out) == "not valid JSON");
  CHECK(*packet_from_json_line(R"({"type":"PUBLISH","qos":"1"})", out) == "field \"qos\": expected a number 0..3");
  CHECK(*packet_from_json_line(R"({"type":"FOO"})", out) == "field \"type\": \"FOO\" is not a packet type");
  CHECK(*packet_from_json_line(R"({"type":"AUTH","properties":{"colour":1}})", out) ==
        "field \"properties.colour\": unknown property");
  CHECK(*packet_from_json_line(R"({"type":"PUBLISH","payload":"!","payload_encoding":"base64"})", out) ==
        "field \"payload\": not valid base64");
  CHECK_FALSE(packet_from_json_line(R"({"type":"publish","topic":"t","payload":"hi"})", out));
  CHECK(as_chars(std::get<Publish>(out.packet).payload) == "hi");
}
