// Capability keys: parsed values, their mapping onto the broker core, and
// the errors for values out of range.

#include <doctest/doctest.h>

#include "server/config/profiles.hpp"
#include "server/config/reader.hpp"
#include "server/server.hpp"

using namespace mq::server;

namespace {
/// Applies `text`; returns the error, or "" when it was accepted.
std::string read_caps(Settings& s, std::string_view text) {
  ConfigReader r(s);
  auto e = r.read_text(text, "caps.conf");
  if (!e) e = r.finish();
  return e ? to_string(*e) : "";
}
}  // namespace

TEST_CASE("config: capability keys reach the broker core") {
  Settings s;
  REQUIRE(read_caps(s,
                "receive_maximum 7\nmin_keepalive 5\nmax_keepalive 60\nwildcard_subscription_available false\n"
                "shared_subscription_available false\nsubscription_identifier_available false\n"
                "max_client_id_length 8\nallow_zero_length_clientid false\nauto_id_prefix auto-\n"
                "persistent_client_expiration 2d\nmax_session_expiry 3600\nserver_reference b.example:1884 moved\n") ==
          "");
  mq::broker::Config c;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.receive_maximum == 7);
  CHECK(c.min_keepalive == 5);
  CHECK(c.max_keepalive == 60);
  CHECK_FALSE(c.wildcard_subscriptions);
  CHECK_FALSE(c.shared_subscriptions);
  CHECK_FALSE(c.subscription_identifiers);
  CHECK(c.max_client_id_length == 8);
  CHECK_FALSE(c.allow_zero_length_clientid);
  CHECK(c.assigned_id_prefix == "auto-");
  CHECK(c.persistent_client_expiration == 2 * 86400);
  CHECK(c.max_session_expiry == 3600);
  CHECK(c.server_reference == "b.example:1884");
  CHECK(c.server_reference_reason == 0x9D);
}

TEST_CASE("config: persistent_client_expiration reads mosquitto's units") {
  for (auto [text, seconds] : {std::pair{"90", 90u}, {"3h", 3 * 3600u}, {"1w", 7 * 86400u}, {"1m", 30 * 86400u},
                               {"1y", 365 * 86400u}}) {
    Settings s;
    REQUIRE(read_caps(s, std::string("persistent_client_expiration ") + text) == "");
    CHECK(s.persistent_client_expiration == seconds);
  }
  Settings s;
  CHECK(read_caps(s, "persistent_client_expiration 2x") ==
        "caps.conf:1: persistent_client_expiration: expected a number and s, h, d, w, m or y (e.g. 2d), got \"2x\"");
  CHECK(read_caps(s, "persistent_client_expiration 0d").find("expected a duration") != std::string::npos);
  CHECK(read_caps(s, "persistent_client_expiration 200y").find("expected a duration") != std::string::npos);
}

TEST_CASE("config: capability values out of range are refused") {
  Settings s;
  CHECK(read_caps(s, "receive_maximum 0") ==
        "caps.conf:1: receive_maximum: expected a number from 1 to 65535, got \"0\"");
  CHECK(read_caps(s, "server_reference a b") ==
        "caps.conf:1: server_reference: expected use_another or moved after the reference, got \"b\"");
  CHECK(read_caps(s, "auto_id_prefix a/\x01").find("printable ASCII") != std::string::npos);
  Settings k;
  REQUIRE(read_caps(k, "min_keepalive 100\nmax_keepalive 50") == "");
  mq::broker::Config c;
  auto e = to_broker_config(k, c);
  REQUIRE(e);
  CHECK(*e == "min_keepalive 100 is above max_keepalive 50");
}

TEST_CASE("config: keys that do not apply are accepted with a note, or refused for other values") {
  Settings s;
  REQUIRE(read_caps(s, "retry_interval 20\nmemory_limit 0\nupgrade_outgoing_qos false\n") == "");
  REQUIRE(s.notes.size() == 3);
  CHECK(s.notes[0].starts_with("caps.conf:1: retry_interval: accepted, does not apply: "));
  CHECK(read_caps(s, "upgrade_outgoing_qos true").starts_with("caps.conf:1: upgrade_outgoing_qos: only false is supported ("));
}

TEST_CASE("config: a misspelt key gets the nearest known, inert or refused key") {
  CHECK(closest_key("max_keepalvie") == "max_keepalive");
  CHECK(closest_key("log_dset") == "log_dest");
  CHECK(closest_key("retry_intervall") == "retry_interval");
  CHECK(closest_key("bridge_insecur") == "bridge_insecure");
  CHECK_FALSE(closest_key("frobnicate"));
}

TEST_CASE("config: log_dest file PATH and syslog; topic refused") {
  Settings s;
  REQUIRE(read_caps(s, "log_dest file /var/log/my broker.log\nlog_dest syslog\nlog_facility 3\nlog_timestamp false\n") == "");
  CHECK(s.log_files == std::vector<std::string>{"/var/log/my broker.log"});
  CHECK(s.log_dests == std::vector<std::string>{"file", "syslog"});
  CHECK(s.log_facility == 3);
  CHECK_FALSE(s.log_timestamp);
  CHECK(read_caps(s, "log_dest file") == "caps.conf:1: log_dest: log_dest file needs a file name");
  CHECK(read_caps(s, "log_dest dlt").find("not supported") != std::string::npos);
}

TEST_CASE("config: every profile applies cleanly and reaches the broker") {
  for (const auto& p : profiles()) {
    INFO(p.name);
    Settings s;
    REQUIRE(read_caps(s, std::string("profile ") + std::string(p.name)) == "");
    mq::broker::Config c;
    REQUIRE_FALSE(to_broker_config(s, c));
    CHECK(c.behaviour.pubrec_no_subscribers == p.behaviour.pubrec_no_subscribers);
    CHECK(c.behaviour.uuid_client_ids == p.behaviour.uuid_client_ids);
    CHECK(describe_profile(p).find(std::string("profile ") + std::string(p.name)) == 0);
  }
}

TEST_CASE("config: profile lines apply where the profile stands; later lines override them") {
  Settings s;
  REQUIRE(read_caps(s, "maximum_qos 0\nprofile aws-iot\nmax_topic_levels 20\n") == "");
  CHECK(s.maximum_qos == 1);        // the profile came after
  CHECK(s.max_topic_levels == 20);  // the line came after the profile
  CHECK(s.max_client_id_length == 128);
  mq::broker::Config c;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.max_keepalive == 1200);
  CHECK(c.min_keepalive == 30);
  CHECK_FALSE(c.behaviour.refuse_v3_keep_alive);
  Settings m;
  REQUIRE(read_caps(m, "profile mosquitto") == "");
  CHECK_FALSE(m.set_tcp_nodelay);
  CHECK(m.receive_maximum == 20);
  CHECK(m.auto_id_prefix == "auto-");
  CHECK(read_caps(m, "profile hivemq") ==
        "caps.conf:1: profile: unknown profile \"hivemq\"; profiles: mqbroker, mosquitto, aws-iot, azure-iot-hub, emqx, "
        "hivemq-ce");
}
