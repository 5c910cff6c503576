#include <doctest/doctest.h>

#include "property_options.hpp"

using namespace mq;
using namespace mq::apps;
using client::OwnedProperties;
using client::OwnedProperty;

TEST_CASE("property options: each wire type from its text") {
  OwnedProperties p;
  CHECK_FALSE(add_property_assignment(p, "payload-format-indicator=1", kInPublish, "PUBLISH"));
  CHECK_FALSE(add_property_assignment(p, "message-expiry-interval=0x10", kInPublish, "PUBLISH"));
  CHECK_FALSE(add_property_assignment(p, "Content Type=text/plain; a=b", kInPublish, "PUBLISH"));  // spec name, '=' in value
  CHECK_FALSE(add_property_assignment(p, "0x08=reply/here", kInPublish, "PUBLISH"));              // by identifier
  CHECK_FALSE(add_property_assignment(p, "correlation-data=hex:00ff", kInPublish, "PUBLISH"));
  CHECK_FALSE(add_property_assignment(p, "user-property=k=v=w", kInPublish, "PUBLISH"));
  const std::vector<OwnedProperty> want = {
      {PropertyId::PayloadFormatIndicator, 1, "", ""},
      {PropertyId::MessageExpiryInterval, 16, "", ""},
      {PropertyId::ContentType, 0, "", "text/plain; a=b"},
      {PropertyId::ResponseTopic, 0, "", "reply/here"},
      {PropertyId::CorrelationData, 0, "", std::string("\x00\xff", 2)},
      {PropertyId::UserProperty, 0, "k", "v=w"},
  };
  CHECK(p.items() == want);
}

TEST_CASE("property options: binary values as text, hex, base64 and text: escapes") {
  std::string error;
  CHECK(parse_binary_value("plain", &error) == "plain");
  CHECK(parse_binary_value("hex:414243", &error) == "ABC");
  CHECK(parse_binary_value("base64:AAEC", &error) == std::string("\x00\x01\x02", 3));
  CHECK(parse_binary_value("text:hex:41", &error) == "hex:41");
  CHECK_FALSE(parse_binary_value("hex:4", &error));
  CHECK(error.rfind("bad hex: ", 0) == 0);
  CHECK_FALSE(parse_binary_value("base64:@@@@", &error));
  CHECK(error.rfind("bad base64: ", 0) == 0);
  CHECK_FALSE(decode_bytes("x", "rot13", &error));
  CHECK(error == "unknown encoding 'rot13' (text, hex or base64)");
}

TEST_CASE("property options: user properties keep order and duplicates") {
  OwnedProperties p;
  CHECK_FALSE(add_user_property(p, "b=2"));
  CHECK_FALSE(add_user_property(p, "a=1"));
  CHECK_FALSE(add_user_property(p, "b=2"));
  CHECK_FALSE(add_user_property(p, "empty="));
  const std::vector<OwnedProperty> want = {
      {PropertyId::UserProperty, 0, "b", "2"},
      {PropertyId::UserProperty, 0, "a", "1"},
      {PropertyId::UserProperty, 0, "b", "2"},
      {PropertyId::UserProperty, 0, "empty", ""},
  };
  CHECK(p.items() == want);
  CHECK(add_user_property(p, "novalue") == "user property 'novalue' is not of the form name=value");
}

TEST_CASE("property options: exact errors") {
  OwnedProperties p;
  CHECK(add_property_assignment(p, "no-equals", kInPublish, "PUBLISH") == "'no-equals' is not of the form name=value");
  CHECK(add_property_assignment(p, "=1", kInPublish, "PUBLISH") == "'=1' is not of the form name=value");
  CHECK(add_property_assignment(p, "colour=red", kInPublish, "PUBLISH") == "unknown property 'colour'");
  CHECK(add_property_assignment(p, "session-expiry-interval=5", kInPublish, "PUBLISH") ==
        "property 'session-expiry-interval' is not allowed in PUBLISH");
  CHECK(add_property_assignment(p, "payload-format-indicator=256", kInPublish, "PUBLISH") ==
        "property 'payload-format-indicator' needs a number from 0 to 255, not '256'");
  CHECK(add_property_assignment(p, "message-expiry-interval=-1", kInPublish, "PUBLISH") ==
        "property 'message-expiry-interval' needs a number from 0 to 4294967295, not '-1'");
  CHECK(add_property_assignment(p, "correlation-data=hex:zz", kInPublish, "PUBLISH").value().rfind(
            "property 'correlation-data': bad hex: ", 0) == 0);
  CHECK_FALSE(add_property_assignment(p, "content-type=a", kInPublish, "PUBLISH"));
  CHECK(add_property_assignment(p, "content-type=b", kInPublish, "PUBLISH") ==
        "property 'content-type' is given twice; it may appear only once");
  CHECK(p.size() == 1);
}

TEST_CASE("property options: -D command words and key lists") {
  CHECK(scope_for_command("connect") == kInConnect);
  CHECK(scope_for_command("publish") == kInPublish);
  CHECK(scope_for_command("will") == kInWill);
  CHECK(scope_for_command("bogus") == 0);
  const auto keys = property_keys(kInWill);
  const std::vector<std::string> want = {"payload-format-indicator", "message-expiry-interval", "content-type",
                                         "response-topic",           "correlation-data",        "will-delay-interval",
                                         "user-property"};
  CHECK(keys == want);
}
