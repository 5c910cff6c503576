#include <doctest/doctest.h>

#include "message_json.hpp"
#include "sample_time.hpp"

using namespace mq;
using mq::apps::test::sample_time;
using namespace mq::apps;

namespace {

std::string line_of(const client::Message& m, PayloadEncoding enc, std::uint16_t id = 0, bool dup = false) {
  return message_to_json_line({&m, id, dup, sample_time()}, enc);
}

}  // namespace

TEST_CASE("message json: text payload, field order, QoS 0 has no packet_id") {
  client::Message m{"a/b", "hello", 0, true, {}};
  CHECK(line_of(m, PayloadEncoding::Auto) ==
        R"({"received":"2024-05-06T22:12:00.123456789Z","topic":"a/b","qos":0,"retain":true,"dup":false,)"
        R"("payload":"hello","payload_encoding":"utf-8","payload_length":5})");
}

TEST_CASE("message json: binary payload becomes base64 with its encoding field") {
  client::Message m{"bin", std::string("\x00\xff\xfe\x80", 4), 1, false, {}};
  CHECK(line_of(m, PayloadEncoding::Auto, 7, true) ==
        R"({"received":"2024-05-06T22:12:00.123456789Z","topic":"bin","qos":1,"retain":false,"dup":true,)"
        R"("packet_id":7,"payload":"AP/+gA==","payload_encoding":"base64","payload_length":4})");
  CHECK(line_of(m, PayloadEncoding::Hex, 7).find(R"("payload":"00fffe80","payload_encoding":"hex")") !=
        std::string::npos);
  client::Message text{"t", "ok", 0, false, {}};
  CHECK(line_of(text, PayloadEncoding::Base64).find(R"("payload":"b2s=","payload_encoding":"base64")") !=
        std::string::npos);
}

TEST_CASE("message json: properties, user properties in order with duplicates") {
  client::Message m{"p", "", 0, false, {}};
  m.properties.add_user("b", "2").add(PropertyId::ContentType, "text/plain").add_user("a", "1").add_user("b", "2");
  m.properties.add(PropertyId::CorrelationData, std::string("\xff\x02", 2));  // not UTF-8
  m.properties.add(PropertyId::SubscriptionIdentifier, 5).add(PropertyId::SubscriptionIdentifier, 9);
  CHECK(line_of(m, PayloadEncoding::Auto).find(
            R"("properties":{"user-property":[["b","2"],["a","1"],["b","2"]],"content-type":"text/plain",)"
            R"("correlation-data":"/wI=","correlation-data_encoding":"base64","subscription-identifier":[5,9]}})") !=
        std::string::npos);
}

TEST_CASE("message json: a record reads back as the message it came from") {
  client::Message m{"x/y", std::string("\x00\x01zz", 4), 2, true, {}};
  // Read back in the order of the property keys (user properties keep theirs).
  m.properties.add(PropertyId::CorrelationData, std::string("\xff", 1)).add(PropertyId::MessageExpiryInterval, 30);
  m.properties.add_user("k", "v").add_user("k", "w");
  auto parsed = message_from_json_line(line_of(m, PayloadEncoding::Auto, 3));
  REQUIRE(std::holds_alternative<ReplayRecord>(parsed));
  auto& r = std::get<ReplayRecord>(parsed);
  CHECK(r.message == m);
  CHECK(r.received == sample_time());
}

TEST_CASE("message json: bad records name the field") {
  auto error = [](std::string_view line) {
    auto r = message_from_json_line(line);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("(parsed)");
  };
  CHECK(error("[1]") == "not a JSON object");
  CHECK(error(R"({"qos":1})") == R"("topic" is missing or not a string)");
  CHECK(error(R"({"topic":"t","qos":3})") == R"("qos" must be 0, 1 or 2)");
  CHECK(error(R"({"topic":"t","retain":1})") == R"("retain" must be true or false)");
  CHECK(error(R"({"topic":"t","payload":5})") == R"("payload" must be a string)");
  CHECK(error(R"({"topic":"t","payload":"x","payload_encoding":"rot13"})") ==
        R"("payload": unknown encoding 'rot13' (text, hex or base64))");
  CHECK(error(R"({"topic":"t","received":"yesterday"})") == R"("received" is not an ISO 8601 UTC time)");
  CHECK(error(R"({"topic":"t","properties":{"colour":"red"}})") == R"(unknown property "colour")");
  CHECK(error(R"({"topic":"t","properties":{"session-expiry-interval":1}})") ==
        R"(property "session-expiry-interval" does not belong in PUBLISH)");
  CHECK(error(R"({"topic":"t","properties":{"user-property":[["a"]]}})") ==
        R"("user-property" must be a list of [name, value] pairs)");
  // Properties a client may not send are dropped, not refused.
  auto r = message_from_json_line(R"({"topic":"t","properties":{"topic-alias":3,"subscription-identifier":[1]}})");
  REQUIRE(std::holds_alternative<ReplayRecord>(r));
  CHECK(std::get<ReplayRecord>(r).message.properties.empty());
}

TEST_CASE("message json: ISO times with any fraction length") {
  CHECK(iso_time_ns(sample_time()) == "2024-05-06T22:12:00.123456789Z");
  CHECK(parse_iso_time("2024-05-06T22:12:00.123456789Z") == sample_time());
  auto ms = parse_iso_time("2024-05-06T22:12:00.5Z");
  REQUIRE(ms);
  CHECK(iso_time_ns(*ms) == "2024-05-06T22:12:00.500000000Z");
  CHECK(iso_time_ns(*parse_iso_time("1970-01-01T00:00:00Z")) == "1970-01-01T00:00:00.000000000Z");
  CHECK_FALSE(parse_iso_time("2024-05-06T22:12:00+02:00"));
  CHECK_FALSE(parse_iso_time("2024-05-06"));
}
