#include <doctest/doctest.h>

#include "net/url.hpp"

using namespace mq;
using namespace mq::net;

namespace {
Url ok(std::string_view text) {
  auto r = parse_url(text);
  INFO(text);
  REQUIRE_MESSAGE(r.ok(), to_string(r.error()));
  return r.value();
}
DecodeError bad(std::string_view text) {
  auto r = parse_url(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  return r.error();
}
}  // namespace

TEST_CASE("url: schemes and default ports") {
  CHECK(ok("mqtt://broker").port == 1883);
  CHECK(ok("mqtts://broker").port == 8883);
  CHECK(ok("ws://broker").port == 80);
  CHECK(ok("wss://broker").port == 443);
  CHECK(ok("MQTT://broker").scheme == Scheme::Mqtt);
  CHECK(ok("wss://broker").scheme == Scheme::Wss);
  CHECK(uses_tls(Scheme::Wss));
  CHECK_FALSE(uses_tls(Scheme::Ws));
  CHECK(uses_websocket(Scheme::Ws));
  CHECK_FALSE(uses_websocket(Scheme::Mqtts));
}

TEST_CASE("url: hosts") {
  CHECK(ok("mqtt://broker.example.com").host == "broker.example.com");
  auto v4 = ok("mqtt://127.0.0.1:1884");
  CHECK(v4.host == "127.0.0.1");
  CHECK(v4.port == 1884);
  auto v6 = ok("mqtt://[::1]:1885");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 1885);
  CHECK(ok("mqtt://[2001:db8::7]").port == 1883);
  CHECK(ok("mqtt://host:0").port == 0);  // port 0: a listener picks a free port
  CHECK(ok("mqtt://host/").path.empty());
}

TEST_CASE("url: user and password are percent-decoded") {
  auto u = ok("mqtt://al%20ice:p%40ss%3Aword@host");
  REQUIRE(u.user);
  CHECK(*u.user == "al ice");
  REQUIRE(u.password);
  CHECK(*u.password == "p@ss:word");
  auto only_user = ok("mqtt://bob@host");
  CHECK(*only_user.user == "bob");
  CHECK_FALSE(only_user.password);
  auto empty_pass = ok("mqtt://bob:@host");
  CHECK(*empty_pass.password == "");
  CHECK_FALSE(ok("mqtt://host").user);
  // A raw '@' in a password is tolerated: the last '@' ends the user info.
  CHECK(*ok("mqtt://u:a@b@host").password == "a@b");
}

TEST_CASE("url: websocket paths") {
  CHECK(ok("ws://host").path == "/mqtt");
  CHECK(ok("wss://host:9001/").path == "/");
  CHECK(ok("ws://host/custom/path?x=1").path == "/custom/path?x=1");
  CHECK(ok("ws://host?x=1").path == "/?x=1");
}

TEST_CASE("url: unix sockets") {
  auto u = ok("unix:///run/mq.sock");
  CHECK(u.scheme == Scheme::Unix);
  CHECK(u.path == "/run/mq.sock");
  CHECK(ok("unix://relative.sock").path == "relative.sock");
  auto e = bad("unix://");
  CHECK(e.field == "path");
  CHECK(e.message == "missing socket path (expected e.g. unix:///run/mq.sock)");
  auto longer = bad("unix:///" + std::string(200, 'a'));
  CHECK(longer.message == "socket path is 201 bytes long; the limit is 107");
}

TEST_CASE("url: precise errors") {
  auto e = bad("broker:1883");
  CHECK(e.field == "scheme");
  CHECK(e.message == "missing '://' after the scheme (expected e.g. mqtt://host:1883)");

  e = bad("http://host");
  CHECK(e.message == "unknown scheme 'http' (expected mqtt, mqtts, ws, wss or unix)");

  e = bad("mqtt://host:");
  CHECK(e.field == "port");
  CHECK(e.offset == 12);
  CHECK(e.message == "missing port number after ':'");

  e = bad("mqtt://host:70000");
  CHECK(e.message == "port 70000 is out of range (0-65535)");
  e = bad("mqtt://host:12ab");
  CHECK(e.message == "port '12ab' is not a number");
  e = bad("mqtt://host:-1");
  CHECK(e.message == "port '-1' is not a number");

  e = bad("mqtt://");
  CHECK(e.field == "host");
  CHECK(e.message == "missing host name");
  e = bad("mqtt://user@:1883");
  CHECK(e.message == "missing host name");
  CHECK(e.offset == 12);

  e = bad("mqtt://::1:1883");
  CHECK(e.message == "IPv6 addresses must be written in brackets, e.g. mqtt://[::1]:1883");
  e = bad("mqtt://[::1");
  CHECK(e.message == "missing ']' after the IPv6 address");
  e = bad("mqtt://[1.2.3.4]");
  CHECK(e.message == "'1.2.3.4' is not a valid IPv6 address");
  e = bad("mqtt://[::1]x");
  CHECK(e.message == "unexpected text after the IPv6 address (expected ':port')");

  e = bad("mqtt://bro ker");
  CHECK(e.offset == 10);
  CHECK(e.message == "invalid character ' ' in the host name");

  e = bad("mqtt://us%zzer@host");
  CHECK(e.field == "user");
  CHECK(e.offset == 9);
  e = bad("mqtt://user:pa%4@host");
  CHECK(e.field == "password");
  CHECK(e.offset == 14);
  CHECK(e.message == "invalid percent-escape in the password (expected %XX with two hex digits)");

  e = bad("mqtts://host/topic");
  CHECK(e.field == "path");
  CHECK(e.message == "mqtts:// URLs take no path (found '/topic')");
  CHECK(to_string(e) .find("path") != std::string::npos);
}

TEST_CASE("url: formatting hides the password") {
  auto u = ok("wss://me:secret@[::1]:9443/ws");
  CHECK(to_string(u) == "wss://me:****@[::1]:9443/ws");
  CHECK(to_string(u, true) == "wss://me:secret@[::1]:9443/ws");
  CHECK(to_string(ok("mqtt://h")) == "mqtt://h:1883");
  CHECK(to_string(ok("unix:///tmp/s")) == "unix:///tmp/s");
  CHECK(host_port("::1", 1883) == "[::1]:1883");
}

TEST_CASE("url: percent_decode") {
  CHECK(*percent_decode("a%2Fb%2fc") == "a/b/c");
  CHECK(*percent_decode("%00") == std::string(1, '\0'));
  std::size_t off = 99;
  CHECK_FALSE(percent_decode("ab%", &off));
  CHECK(off == 2);
  CHECK_FALSE(percent_decode("%G0"));
}
