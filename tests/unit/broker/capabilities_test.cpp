// Server capabilities the configuration sets: minimum keep alive, client id
// rules, assigned id prefix, persistent_client_expiration, redirection.

#include "harness.hpp"

namespace mq::broker::test {

TEST_CASE("broker: min_keepalive becomes Server Keep Alive at 5.0 and refuses 3.1.1; keep alive 0 is not below it") {
  Config config = test_config();
  config.min_keepalive = 30;
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  auto a = connect(v5, "v5", true, 5);
  const Property* ska = find(a.properties, PropertyId::ServerKeepAlive);
  REQUIRE(ska);
  CHECK(ska->number == 30);
  h.advance_s(40);
  CHECK_FALSE(v5.closed());  // 1.5 x 30 s, not 1.5 x 5 s
  h.advance_s(10);
  CHECK(v5.closed());

  Client none(h, ProtocolVersion::v5);
  CHECK(find(connect(none, "none", true, 0).properties, PropertyId::ServerKeepAlive) == nullptr);

  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "v3", true, 10));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x02});  // identifier rejected, as over max_keepalive
  CHECK(v3.closed());
}

TEST_CASE("broker: allow_zero_length_clientid false refuses an empty id with 0x85 / return code 2") {
  Config config = test_config();
  config.allow_zero_length_clientid = false;
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  v5.send(connect_packet(ProtocolVersion::v5, ""));
  CHECK(v5.take() == Bytes{0x20, 0x03, 0x00, 0x85, 0x00});
  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, ""));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x02});
}

TEST_CASE("broker: max_client_id_length refuses longer ids; auto_id_prefix starts assigned ones") {
  Config config = test_config();
  config.max_client_id_length = 4;
  config.assigned_id_prefix = "auto-";
  Harness h(config);
  Client ok(h, ProtocolVersion::v5);
  connect(ok, "abcd");
  Client longer(h, ProtocolVersion::v5);
  longer.send(connect_packet(ProtocolVersion::v5, "abcde"));
  CHECK(longer.take() == Bytes{0x20, 0x03, 0x00, 0x85, 0x00});
  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "abcde"));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x02});

  Client anon(h, ProtocolVersion::v5);
  auto a = connect(anon, "");
  const Property* id = find(a.properties, PropertyId::AssignedClientIdentifier);
  REQUIRE(id);
  CHECK(id->value.starts_with("auto-"));  // an assigned id is ours: the length limit is for clients
}

TEST_CASE("broker: persistent_client_expiration ends never-expiring sessions and tells 5.0 clients") {
  Config config = test_config();
  config.persistent_client_expiration = 60;
  Harness h(config);
  Client v3(h);
  connect(v3, "v3", false);
  v3.drop();
  Client v5(h, ProtocolVersion::v5);
  auto a = connect(v5, "v5", false, 0, {Property{PropertyId::SessionExpiryInterval, 0xFFFF'FFFF, {}, {}}});
  const Property* granted = find(a.properties, PropertyId::SessionExpiryInterval);
  REQUIRE(granted);
  CHECK(granted->number == 60);
  v5.drop();
  CHECK(h.broker.counters().sessions == 2);
  h.advance_s(59);
  CHECK(h.broker.counters().sessions == 2);
  h.advance_s(2);
  CHECK(h.broker.counters().sessions == 0);
}

TEST_CASE("broker: server_reference answers CONNECT with 0x9C or 0x9D and the reference; 3.1.1 gets 3") {
  Config config = test_config();
  config.server_reference = "b:1884";
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  v5.send(connect_packet(ProtocolVersion::v5, "x"));
  // CONNACK 0x9C, properties: Server Reference (0x1C) "b:1884".
  CHECK(v5.take() == cat({{0x20, 0x0C, 0x00, 0x9C, 0x09, 0x1C, 0x00, 0x06}, text("b:1884")}));
  CHECK(v5.closed());
  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "y"));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x03});
  CHECK(h.broker.counters().clients_connected == 0);

  Config moved = test_config();
  moved.server_reference = "c";
  moved.server_reference_reason = 0x9D;
  Harness h2(moved);
  Client m(h2, ProtocolVersion::v5);
  m.send(connect_packet(ProtocolVersion::v5, "x"));
  CHECK(m.take() == cat({{0x20, 0x07, 0x00, 0x9D, 0x04, 0x1C, 0x00, 0x01}, text("c")}));
}

TEST_CASE("broker: receive_maximum 2 is advertised and the third QoS 2 PUBLISH awaiting PUBREL gets 0x93") {
  Config config = test_config();
  config.receive_maximum = 2;
  Harness h(config);
  Client pub(h, ProtocolVersion::v5);
  auto a = connect(pub, "p");
  const Property* rm = find(a.properties, PropertyId::ReceiveMaximum);
  REQUIRE(rm);
  CHECK(rm->number == 2);
  pub.send(publish_packet("t", "1", 2, 1));
  pub.send(publish_packet("t", "2", 2, 2));
  // PUBREC 1 and 2, each with 0x10 No matching subscribers.
  CHECK(pub.take() == Bytes{0x50, 0x03, 0x00, 0x01, 0x10, 0x50, 0x03, 0x00, 0x02, 0x10});
  pub.send(publish_packet("t", "3", 2, 3));
  CHECK(pub.take() == Bytes{0xE0, 0x01, 0x93});
  CHECK(pub.closed());
}

TEST_CASE("broker: behaviour report_no_subscribers false acknowledges an unmatched 5.0 PUBLISH with 0x00") {
  Config config = test_config();
  config.behaviour.report_no_subscribers = false;
  Harness h(config);
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "p");
  pub.send(publish_packet("nobody/here", "x", 1, 7));
  CHECK(pub.take() == Bytes{0x40, 0x02, 0x00, 0x07});  // PUBACK 7, reason 0x00 left out
}

TEST_CASE("broker: behaviour answer_malformed_connect false closes a malformed 5.0 CONNECT silently") {
  // A 5.0 CONNECT whose property length (5) runs past the packet.
  const Bytes bad = cat({{0x10, 0x0E, 0x00, 0x04}, text("MQTT"), {0x05, 0x02, 0x00, 0x3C, 0x05, 0x00, 0x01}, text("a")});
  Harness ours;
  Client answered(ours, ProtocolVersion::v5);
  answered.send(bad);
  CHECK(answered.take() == Bytes{0x20, 0x03, 0x00, 0x81, 0x00});
  Config config = test_config();
  config.behaviour.answer_malformed_connect = false;
  Harness h(config);
  Client silent(h, ProtocolVersion::v5);
  silent.send(bad);
  CHECK(silent.take().empty());
  CHECK(silent.closed());
}

TEST_CASE("broker: behaviour refuse_v3_keep_alive false accepts a 3.1.1 keep alive over the maximum and enforces ours") {
  Config config = test_config();
  config.max_keepalive = 10;
  config.behaviour.refuse_v3_keep_alive = false;
  Harness h(config);
  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "v3", true, 60));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x00});
  h.advance_s(16);  // 1.5 x 10 s, not 1.5 x 60 s
  CHECK(v3.closed());
}

TEST_CASE("broker: behaviour uuid_client_ids assigns ids shaped like mosquitto's") {
  Config config = test_config();
  config.assigned_id_prefix = "auto-";
  config.behaviour.uuid_client_ids = true;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  const Property* id = find(connect(c, "").properties, PropertyId::AssignedClientIdentifier);
  REQUIRE(id);
  const std::string v(id->value);
  REQUIRE(v.size() == 5 + 36);
  CHECK(v.starts_with("auto-"));
  for (std::size_t i = 5; i < v.size(); ++i) {
    const std::size_t at = i - 5;
    if (at == 8 || at == 13 || at == 18 || at == 23) CHECK(v[i] == '-');
    else CHECK(((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'F')));
  }
}

}  // namespace mq::broker::test
