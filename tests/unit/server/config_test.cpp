#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "server/config/reader.hpp"
#include "server/server.hpp"

using namespace mq::server;

namespace {
Settings ok(std::string_view text) {
  Settings s;
  ConfigReader r(s);
  auto e = r.read_text(text, "test.conf");
  INFO(text);
  REQUIRE_MESSAGE(!e, (e ? to_string(*e) : ""));
  auto f = r.finish();
  REQUIRE_MESSAGE(!f, (f ? to_string(*f) : ""));
  return s;
}
std::string bad(std::string_view text) {
  Settings s;
  ConfigReader r(s);
  auto e = r.read_text(text, "test.conf");
  if (!e) e = r.finish();
  INFO(text);
  REQUIRE(e);
  return to_string(*e);
}
}  // namespace

TEST_CASE("config: nothing configured is local-only mode on 127.0.0.1:1883 with anonymous access") {
  Settings s = ok("# only a comment\n\n");
  auto ls = s.effective_listeners();
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].address == "127.0.0.1");
  CHECK(ls[0].port == 1883);
  CHECK(s.anonymous_allowed(ls[0]));
}

TEST_CASE("config: listeners in order, each bound to its address, options apply to the last") {
  Settings s = ok(
      "listener 1883 127.0.0.1\n"
      "listener 0 ::1\n"
      "protocol websockets\n"
      "listener 8883\n"
      "certfile /c.pem\n"
      "keyfile /k.pem\n"
      "cafile /ca.pem\n"
      "require_certificate true\n"
      "use_identity_as_username true\n"
      "listener 0 /tmp/mq.sock\n"
      "listener unix /tmp/other.sock\n");
  auto ls = s.effective_listeners();
  REQUIRE(ls.size() == 5);
  CHECK(ls[0].address == "127.0.0.1");
  CHECK(ls[0].where == "test.conf:1");
  CHECK(ls[0].protocol == ListenerProtocol::Mqtt);
  CHECK(ls[1].address == "::1");
  CHECK(ls[1].port == 0);
  CHECK(ls[1].protocol == ListenerProtocol::WebSockets);
  CHECK(ls[2].address.empty());
  CHECK(ls[2].tls());
  CHECK(ls[2].require_certificate);
  CHECK(ls[2].use_identity_as_username);
  CHECK_FALSE(ls[1].tls());
  CHECK(ls[3].unix_path == "/tmp/mq.sock");
  CHECK(ls[4].unix_path == "/tmp/other.sock");
  // A listener is configured: anonymous access is off unless asked for (mosquitto 2).
  CHECK_FALSE(s.anonymous_allowed(ls[0]));
}

TEST_CASE("config: a password file turns anonymous access off unless allow_anonymous true") {
  // No listener in the file (local-only mode) and no file at all would allow
  // anonymous clients; a password file asks for passwords all the same.
  Settings local = ok("password_file /p\n");
  CHECK_FALSE(local.anonymous_allowed(local.effective_listeners()[0]));
  Settings flags;  // `mqbroker -p 0 --password-file /p`: no configuration file
  ConfigReader r(flags);
  REQUIRE_FALSE(r.apply("password_file", "/p", "--password-file"));
  CHECK_FALSE(flags.anonymous_allowed(flags.effective_listeners()[0]));
  Settings asked = ok("password_file /p\nallow_anonymous true\n");
  CHECK(asked.anonymous_allowed(asked.effective_listeners()[0]));
}

TEST_CASE("config: port and bind_address configure the default listener") {
  Settings s = ok("port 1884\nbind_address 10.0.0.1\nlistener 1885\n");
  auto ls = s.effective_listeners();
  REQUIRE(ls.size() == 2);
  CHECK(ls[0].port == 1884);
  CHECK(ls[0].address == "10.0.0.1");
  CHECK(ls[1].port == 1885);
}

TEST_CASE("config: security is global unless per_listener_settings") {
  Settings g = ok("allow_anonymous true\npassword_file /p\nlistener 1\nacl_file /a\n");
  CHECK(g.security.password_file == "/p");
  CHECK(g.security.acl_file == "/a");
  CHECK(g.anonymous_allowed(g.listeners[0]));

  Settings p = ok(
      "per_listener_settings true\n"
      "listener 1\nallow_anonymous true\n"
      "listener 2\npassword_file /p2\n");
  CHECK(p.anonymous_allowed(p.listeners[0]));
  CHECK_FALSE(p.anonymous_allowed(p.listeners[1]));
  CHECK(p.security_for(p.listeners[1]).password_file == "/p2");
  CHECK(p.security_for(p.listeners[0]).password_file.empty());
  CHECK(bad("listener 1\nper_listener_settings true\n") ==
        "test.conf:2: per_listener_settings: must come before the first listener, port or listener option");
}

TEST_CASE("config: limits") {
  Settings s = ok(
      "max_inflight_messages 0\nmax_queued_messages 50\nmax_queued_bytes 1000000\nmessage_size_limit 1024\n"
      "max_packet_size 2048\nmax_keepalive 60\nretain_available false\nmaximum_qos 1\nsys_interval 0\n"
      "queue_qos0_messages true\nmax_topic_levels 8\nconnect_timeout 3\n\tlog_type all  \r\nlog_dest stderr\n");
  CHECK(s.max_inflight_messages == 0);
  CHECK(s.max_queued_messages == 50);
  CHECK(s.max_queued_bytes == 1000000);
  CHECK(s.message_size_limit == 1024);
  CHECK(s.max_packet_size == 2048);
  CHECK(s.max_keepalive == 60);
  CHECK_FALSE(s.retain_available);
  CHECK(s.maximum_qos == 1);
  CHECK(s.sys_interval == 0);
  CHECK(s.queue_qos0_messages);
  CHECK(s.max_topic_levels == 8);
  CHECK(s.connect_timeout == 3);
  CHECK(s.log_types == std::vector<std::string>{"all"});
}

TEST_CASE("config: response_information is passed to the broker as written") {
  Settings s = ok("response_information replies/%c/\n");
  CHECK(s.response_information == "replies/%c/");
  mq::broker::Config c;
  REQUIRE_FALSE(to_broker_config(s, c));
  CHECK(c.response_information == "replies/%c/");
  CHECK(bad("response_information a\xff\n") == "test.conf:1: response_information: not a valid MQTT string: ill-formed UTF-8");
}

TEST_CASE("config: precise errors with file and line") {
  CHECK(bad("listener 1883\nmax_inflight_mesages 5\n") ==
        "test.conf:2: unknown key \"max_inflight_mesages\"; did you mean \"max_inflight_messages\"?");
  CHECK(bad("maximum_qos 3\n") == "test.conf:1: maximum_qos: expected a number from 0 to 2, got \"3\"");
  CHECK(bad("max_queued_messages -1\n") ==
        "test.conf:1: max_queued_messages: expected a number from 0 to 4294967295, got \"-1\"");
  CHECK(bad("retain_available yes\n") == "test.conf:1: retain_available: expected true or false, got \"yes\"");
  CHECK(bad("allow_anonymous\n") == "test.conf:1: allow_anonymous: a value is missing");
  CHECK(bad("max_keepalive 1 2\n") == "test.conf:1: max_keepalive: expected 1 value, got 2");
  CHECK(bad("listener 70000\n") == "test.conf:1: listener: expected a number from 0 to 65535, got \"70000\"");
  CHECK(bad("listener 1883 /tmp/x.sock\n") == "test.conf:1: listener: a Unix socket path needs port 0, got 1883");
  CHECK(bad("protocol mqtts\n") == "test.conf:1: protocol: expected one of mqtt, websockets, got \"mqtts\"");
  CHECK(bad("connection bridge1\n") == "test.conf:1: connection: not supported by mqbroker (bridges are not supported)");
  CHECK(bad("log_dest syslogd\n") ==
        "test.conf:1: log_dest: expected stderr, stdout, syslog, file PATH or none, got \"syslogd\"");
  CHECK(bad("max_packet_size 10\n") ==
        "test.conf:1: max_packet_size: 10 is too small for any CONNECT; use 20 or more, or 0 for no limit");
}

TEST_CASE("config: whole-file checks name the listener") {
  CHECK(bad("\nlistener 8883\ncertfile /c.pem\n") ==
        "test.conf:2: listener 8883: certfile is set but keyfile is not");
  CHECK(bad("listener 8883 ::1\ncafile /ca.pem\n") ==
        "test.conf:1: listener 8883 ::1: TLS options are set but certfile and keyfile are not");
  CHECK(bad("listener 8883\ncertfile /c\nkeyfile /k\nrequire_certificate true\n") ==
        "test.conf:1: listener 8883: require_certificate needs cafile or capath to verify client certificates");
}

TEST_CASE("config: persistence keys") {
  Settings s = ok("persistence true\npersistence_location /var/lib/mq\npersistence_file state.db\n"
                  "autosave_interval 60\npersistence_mode durable\n");
  CHECK(s.persistence);
  CHECK(s.persistence_location == "/var/lib/mq");
  CHECK(s.persistence_file == "state.db");
  CHECK(s.autosave_interval == 60);
  CHECK(s.persistence_mode == PersistenceMode::Durable);
  CHECK(ok("persistence true\n").persistence_mode == PersistenceMode::Snapshot);
  CHECK(bad("persistence_mode sync\n") ==
        "test.conf:1: persistence_mode: expected one of snapshot, durable, got \"sync\"");
}

TEST_CASE("config: include_dir reads .conf files in name order") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fs::path("mq_config_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "conf.d");
  std::ofstream(dir / "conf.d" / "b.conf") << "listener 2\n";
  std::ofstream(dir / "conf.d" / "a.conf") << "listener 1\n";
  std::ofstream(dir / "conf.d" / "c.txt") << "nonsense\n";
  std::ofstream(dir / "conf.d" / "d.conf") << "bogus 1\n";
  std::ofstream(dir / "main.conf") << "include_dir " << (dir / "conf.d").string() << "\n";
  Settings s;
  auto e = read_config_file((dir / "main.conf").string(), s);
  REQUIRE(e);
  CHECK(to_string(*e) == (dir / "conf.d" / "d.conf").string() + ":1: unknown key \"bogus\"");
  REQUIRE(s.listeners.size() == 2);
  CHECK(s.listeners[0].port == 1);
  CHECK(s.listeners[1].port == 2);
  CHECK(s.from_file);
  Settings missing;
  auto m = read_config_file((dir / "nope.conf").string(), missing);
  REQUIRE(m);
  CHECK(to_string(*m) == (dir / "nope.conf").string() + ": cannot read the configuration file: No such file or directory");
  // A directory opens fine but is not a configuration: `mqbroker -c /etc`
  // must not start with an empty configuration.
  Settings directory;
  auto d = read_config_file((dir / "conf.d").string(), directory);
  REQUIRE(d);
  CHECK(to_string(*d) == (dir / "conf.d").string() + ": cannot read the configuration file: it is a directory");
  fs::remove_all(dir);
}

TEST_CASE("config: every key is documented once") {
  for (const auto& k : config_keys()) {
    CHECK(find_key(k.name) == &k);
    CHECK_FALSE(k.help.empty());
    CHECK_FALSE(unsupported_key(k.name));
  }
}
