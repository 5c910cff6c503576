// The shared client options: enhanced authentication (--auth-method,
// --auth-data) into the session configuration, and their errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "client_options.hpp"

using namespace mq;
using namespace mq::apps;

namespace {

/// The setup, or the error, for `args` parsed as mqpub would.
std::variant<ClientSetup, std::string> setup_for(std::vector<std::string> args) {
  CLI::App app;
  app.set_help_flag("--help");  // -h is the host, as in the apps
  ClientOptions o;
  add_client_options(app, o);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  return make_client_setup(o, "mqtest");
}

std::string error_for(std::vector<std::string> args) {
  auto r = setup_for(std::move(args));
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "(accepted)";
}

}  // namespace

TEST_CASE("client options: --auth-method and --auth-data go into CONNECT") {
  auto r = setup_for({"--auth-method", "SCRAM-SHA-1", "--auth-data", "hex:00ff"});
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  const auto& c = std::get<ClientSetup>(r).config;
  CHECK(c.auth_method == "SCRAM-SHA-1");
  CHECK(c.auth_data == std::string("\x00\xff", 2));
  auto text = setup_for({"--auth-method", "token", "--auth-data", "abc"});
  REQUIRE(std::holds_alternative<ClientSetup>(text));
  CHECK(std::get<ClientSetup>(text).config.auth_data == "abc");
  auto none = setup_for({});
  REQUIRE(std::holds_alternative<ClientSetup>(none));
  CHECK_FALSE(std::get<ClientSetup>(none).config.auth_method);
  CHECK_FALSE(std::get<ClientSetup>(none).config.auth_data);
}

TEST_CASE("client options: enhanced authentication errors") {
  CHECK(error_for({"--auth-data", "x"}) == "--auth-data needs --auth-method");
  CHECK(error_for({"-V", "mqttv311", "--auth-method", "m"}) == "--auth-method needs MQTT 5.0 (-V mqttv5)");
  CHECK(error_for({"--auth-method", "m", "--auth-data", "base64:@@"}).rfind("--auth-data: bad base64: ", 0) == 0);
}

TEST_CASE("client options: -D in every mosquitto form, any number of times") {
  auto r = setup_for({"-D", "publish", "user-property", "k", "v", "-D", "publish", "content-type", "text/plain",
                      "-D", "publish", "user-property", "a=b", "-D", "connect", "user-property", "site", "berlin",
                      "-D", "publish", "user-property", "k", "v=w"});
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  const auto& s = std::get<ClientSetup>(r);
  const auto publish = s.properties_for(kInPublish);
  std::vector<std::pair<std::string, std::string>> users;
  for (const auto& p : publish.items())
    if (p.id == PropertyId::UserProperty) users.emplace_back(p.name, p.value);
  CHECK(users == std::vector<std::pair<std::string, std::string>>{{"k", "v"}, {"a", "b"}, {"k", "v=w"}});
  CHECK(publish.text(PropertyId::ContentType) == "text/plain");
  const auto& connect = s.config.connect_properties.items();
  REQUIRE(connect.size() == 1);
  CHECK(connect[0].name == "site");
  CHECK(connect[0].value == "berlin");
}

TEST_CASE("client options: -D errors name the problem instead of sending something else") {
  CHECK(error_for({"-D", "publish", "user-property", "k"}) ==
        "-D: user-property needs a key and a value: -D publish user-property KEY VALUE");
  CHECK(error_for({"-D", "publish", "content-type", "a", "b"}) == "-D: content-type takes one value, not two ('a' 'b')");
}

TEST_CASE("client options: limits given as CONNECT properties become the session's own") {
  auto r = setup_for({"--connect-property", "topic-alias-maximum=5", "--connect-property", "receive-maximum=7",
                      "--connect-property", "maximum-packet-size=1000"});
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  const auto& c = std::get<ClientSetup>(r).config;
  CHECK(c.topic_alias_maximum == 5);  // enforced on incoming PUBLISH, and sent once by the session
  CHECK(c.receive_maximum == 7);
  CHECK(c.maximum_packet_size == 1000);
  CHECK(c.connect_properties.empty());
}

TEST_CASE("client options: -p alone keeps $MQ_URL's host and credentials") {
  ::setenv("MQ_URL", "mqtt://alice:secret@broker.example:1884", 1);
  auto r = setup_for({"-p", "2883"});
  auto h = setup_for({"-h", "other", "-p", "2883"});
  ::unsetenv("MQ_URL");
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  const auto& s = std::get<ClientSetup>(r);
  CHECK(s.url.host == "broker.example");
  CHECK(s.url.port == 2883);
  CHECK(s.config.username == "alice");
  CHECK(s.config.password == "secret");
  REQUIRE(std::holds_alternative<ClientSetup>(h));
  CHECK(std::get<ClientSetup>(h).url.host == "other");  // -h leaves $MQ_URL out entirely
}

TEST_CASE("client options: -L mqtt://host/topic gives the topic, as mosquitto's -L") {
  auto r = setup_for({"-L", "mqtt://bob:pw@127.0.0.1:1884/sensors/t1"});
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  const auto& s = std::get<ClientSetup>(r);
  CHECK(s.url.host == "127.0.0.1");
  CHECK(s.url.port == 1884);
  CHECK(s.config.username == "bob");
  CHECK(s.url_topic == "sensors/t1");
  auto plain = setup_for({"-L", "mqtt://127.0.0.1"});
  REQUIRE(std::holds_alternative<ClientSetup>(plain));
  CHECK_FALSE(std::get<ClientSetup>(plain).url_topic);
}

TEST_CASE("client options: --tls-version tlsv1.1 is refused with the reason") {
  CHECK_THROWS_WITH_AS(setup_for({"--tls-version", "tlsv1.1"}),
                       "--tls-version: tlsv1.1 is not offered: TLS before 1.2 is deprecated (RFC 8996); use tlsv1.2 "
                       "or tlsv1.3",
                       CLI::ValidationError);
}

TEST_CASE("client options: --disconnect-reason and -D disconnect are checked before connecting") {
  auto r = setup_for({"--disconnect-reason", "0x04", "-D", "disconnect", "reason-string", "bye"});
  REQUIRE(std::holds_alternative<ClientSetup>(r));
  CHECK(std::get<ClientSetup>(r).disconnect_reason == 0x04);
  CHECK(std::get<ClientSetup>(r).properties_for(kInDisconnect).text(PropertyId::ReasonString) == "bye");
  CHECK(error_for({"--disconnect-reason", "0x05"}) ==
        "DISCONNECT (--disconnect-reason, -D disconnect): offset 0, reason code: reason code 0x05 is not defined for "
        "DISCONNECT");
  CHECK(error_for({"--disconnect-reason", "4", "-V", "mqttv311"}) == "--disconnect-reason needs MQTT 5.0 (-V mqttv5)");
}
