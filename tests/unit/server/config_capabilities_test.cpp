// Capability keys: parsed values, their mapping onto the broker core, and
// the errors for values out of range.

#include <doctest/doctest.h>

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
