// The shared client options: enhanced authentication (--auth-method,
// --auth-data) into the session configuration, and their errors.
#include <doctest/doctest.h>

#include <algorithm>

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
