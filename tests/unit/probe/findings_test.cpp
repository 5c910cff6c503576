// The probe report's two forms: the JSON keys and value rules scripts rely
// on, and the table people read.

#include <doctest/doctest.h>

#include "probe/findings.hpp"

namespace mq::probe {

namespace {
Report sample() {
  Report r;
  r.broker = "mqtt://127.0.0.1:1883";
  r.protocol = "5.0";
  r.seconds = 1.5;
  r.measured("maximum_qos", "Maximum QoS", std::int64_t{1}, "QoS 2 PUBLISH: DISCONNECT 0x9B");
  r.measured("maximum_packet_size", "Maximum Packet Size", std::int64_t{65536}, "65536 accepted (the probe's cap)");
  r.findings.back().at_least = true;
  r.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{20}, "CONNACK Receive Maximum 20");
  r.measured("retain_available", "Retained messages", false, "DISCONNECT 0x9A");
  r.add("alpn", "ALPN", Status::NotApplicable, std::string("ignored"), "not a TLS URL");
  r.measured("sys_topics", "$SYS topics", {}, "no answer");  // no value: never "measured"
  return r;
}
}  // namespace

TEST_CASE("probe report: JSON keys, values and statuses") {
  const auto j = to_json(sample());
  CHECK(j["broker"] == "mqtt://127.0.0.1:1883");
  CHECK(j["protocol"] == "5.0");
  const auto& r = j["results"];
  CHECK(r["maximum_qos"]["value"] == 1);
  CHECK(r["maximum_qos"]["status"] == "measured");
  CHECK(r["maximum_qos"]["detail"] == "QoS 2 PUBLISH: DISCONNECT 0x9B");
  CHECK_FALSE(r["maximum_qos"].contains("at_least"));
  CHECK(r["maximum_packet_size"]["at_least"] == true);
  CHECK(r["receive_maximum"]["status"] == "advertised");
  CHECK(r["receive_maximum"]["value"] == 20);
  CHECK(r["retain_available"]["value"] == false);
  // Not applicable and unknown findings never carry a value.
  CHECK(r["alpn"]["value"].is_null());
  CHECK(r["alpn"]["status"] == "not applicable");
  CHECK(r["sys_topics"]["value"].is_null());
  CHECK(r["sys_topics"]["status"] == "unknown");
  // Keys keep the report's order.
  CHECK(r.begin().key() == "maximum_qos");
}

TEST_CASE("probe report: the table shows lower bounds, n/a and unknown") {
  const std::string t = to_table(sample());
  CHECK(t.find("broker mqtt://127.0.0.1:1883  (capability probes at MQTT 5.0, 1.5 s)\n") == 0);
  CHECK(t.find("Maximum Packet Size  >= 65536") != std::string::npos);
  CHECK(t.find("Retained messages    no ") != std::string::npos);
  CHECK(t.find("ALPN                 n/a ") != std::string::npos);
  CHECK(t.find("$SYS topics          unknown") != std::string::npos);
  CHECK(t.find("Receive Maximum      20 ") != std::string::npos);
}

TEST_CASE("probe report: complete() gives the whole schema in order") {
  Report r = sample();
  complete(r, "not reached");
  REQUIRE(r.findings.size() == report_keys().size());
  for (std::size_t k = 0; k < r.findings.size(); ++k) CHECK(r.findings[k].key == report_keys()[k].key);
  const Finding* missing = r.find("will_delay");
  REQUIRE(missing);
  CHECK(missing->status == Status::Unknown);
  CHECK(missing->detail == "not reached");
  CHECK(missing->label == "Will delay honoured");
  CHECK(r.find("maximum_qos")->detail == "QoS 2 PUBLISH: DISCONNECT 0x9B");  // kept as found
}

}  // namespace mq::probe
