// Checks of CONNECT, CONNACK, sessions, keep alive, wills and DISCONNECT.

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"

namespace mq::conform::checks {

namespace {

/// Offset of the connect flags byte in an encoded CONNECT with protocol name "MQTT".
std::size_t flags_offset(const std::vector<std::uint8_t>& bytes) {
  std::size_t header = 2;
  while (bytes[header - 1] & 0x80) ++header;
  return header + 6 + 1;
}

/// Sends `bytes` as the first packet on a new connection and requires the
/// broker to refuse it (close; CONNACK with an error code first allowed).
std::string refuse_connect(Ctx& c, std::vector<std::uint8_t> bytes, std::string_view what, bool connack_ok = true) {
  Conn& conn = c.open();
  conn.send_raw(std::move(bytes));
  std::string said = c.expect_close(conn, what, {}, connack_ok);
  c.choose(said);
  return said;
}

/// Sends a CONNECT the broker cannot place in any protocol version and
/// requires a refusal. The broker does not know which CONNACK layout we
/// read, so its CONNACK is read from the raw bytes: 3.1.1's return code 0x01
/// and 5.0's 0x84 are both accepted, or (unless `connack_required`) a close.
void refuse_unknown_level(Ctx& c, std::vector<std::uint8_t> bytes, std::string_view what, bool connack_required) {
  Conn& conn = c.open();
  conn.send_raw(std::move(bytes));
  Received r = conn.next();
  if (r.raw && r.raw->size() >= 4 && (*r.raw)[0] == 0x20) {
    const std::uint8_t code = (*r.raw)[3];
    if (code != 0x01 && code != 0x84)
      c.fail(fmt::format("{}: answered with CONNACK 0x{:02x}, expected 0x01 (3.1.1) or 0x84 (5.0)", what, code));
    if ((*r.raw)[2] & 0x01) c.fail(fmt::format("{}: the refusing CONNACK has Session Present 1", what));
    c.choose(fmt::format("CONNACK 0x{:02x}", code));
    if (conn.next().kind != Received::Kind::Closed) c.fail(std::string(what) + ": the connection stayed open after the refusing CONNACK");
    return;
  }
  if (r.kind == Received::Kind::Closed && !connack_required) {
    c.choose("closed");
    return;
  }
  c.fail(fmt::format("{}: expected {}, got {}", what, connack_required ? "CONNACK 0x01 then close" : "a refusal", r.describe()));
}

}  // namespace

void connect_accept(Ctx& c) {
  Conn& conn = c.connect();
  if (c.last_connack().session_present) c.fail("clean CONNECT answered with Session Present 1 [MQTT-3.2.2-1]");
  c.barrier(conn);
}

void connect_first_packet(Ctx& c) {
  Conn& conn = c.open();
  conn.send(Pingreq{});
  c.choose(c.expect_close(conn, "PINGREQ before CONNECT"));
}

void connect_second(Ctx& c) {
  Conn& conn = c.connect();
  conn.send(c.connect_packet({}));
  c.choose(c.expect_close(conn, "a second CONNECT", {0x82}));
}

void connect_protocol_name(Ctx& c) {
  Connect p = c.connect_packet({});
  p.protocol_name = "MQTX";
  refuse_unknown_level(c, encode(p, c.version), "CONNECT with protocol name MQTX", false);
}

void connect_protocol_level(Ctx& c) {
  auto bytes = encode(c.connect_packet({}), c.version);
  bytes[flags_offset(bytes) - 1] = 6;  // a level no version defines
  refuse_unknown_level(c, bytes, "CONNECT with protocol level 6", !c.v5());
}

void connect_reserved_flag(Ctx& c) {
  Connect p = c.connect_packet({});
  p.reserved_flag = true;
  refuse_connect(c, encode(p, c.version), "CONNECT with the reserved flag set");
}

void connect_will_qos3(Ctx& c) {
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(c.topic("will"));
  spec.will->qos = 3;
  refuse_connect(c, encode(c.connect_packet(spec), c.version), "CONNECT with Will QoS 3");
}

void connect_will_retain_without_will(Ctx& c) {
  auto bytes = encode(c.connect_packet({}), c.version);
  bytes[flags_offset(bytes)] |= 0x20;
  refuse_connect(c, bytes, "CONNECT with Will Retain but no Will Flag");
}

void connect_will_qos_without_will(Ctx& c) {
  auto bytes = encode(c.connect_packet({}), c.version);
  bytes[flags_offset(bytes)] |= 0x08;
  refuse_connect(c, bytes, "CONNECT with Will QoS 1 but no Will Flag");
}

void connect_will_fields_missing(Ctx& c) {
  auto bytes = encode(c.connect_packet({}), c.version);
  bytes[flags_offset(bytes)] |= 0x04;  // Will Flag, but no will properties, topic or payload follow
  refuse_connect(c, bytes, "CONNECT with the Will Flag but no will fields");
}

void connect_password_without_username(Ctx& c) {
  ConnectSpec spec;
  Connect p = c.connect_packet(spec);
  p.username.reset();
  p.password = as_bytes(c.keep("secret"));
  refuse_connect(c, encode(p, c.version), "CONNECT with a password but no user name");
}

void connect_username_missing(Ctx& c) {
  Connect p = c.connect_packet({});
  p.username.reset();
  p.password.reset();
  auto bytes = encode(p, c.version);
  bytes[flags_offset(bytes)] |= 0x80;  // User Name Flag, no user name
  refuse_connect(c, bytes, "CONNECT with the User Name Flag but no user name");
}

void connect_password_missing(Ctx& c) {
  Connect p = c.connect_packet({});
  p.username = c.keep("user");
  p.password.reset();
  auto bytes = encode(p, c.version);
  bytes[flags_offset(bytes)] |= 0x40;  // Password Flag, no password
  refuse_connect(c, bytes, "CONNECT with the Password Flag but no password");
}

void connect_client_id_23(Ctx& c) {
  ConnectSpec spec;
  spec.client_id = std::string("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").substr(0, 23 - 1) + "Z";
  // Unique per run: replace the head with this check's own identifier, keeping 23 allowed characters.
  std::string own = c.client_id(1);
  spec.client_id.replace(0, own.size() < 23 ? own.size() : 23, own.substr(0, 23));
  c.connect(spec);
}

void connect_client_id_bad_utf8(Ctx& c) {
  Connect p = c.connect_packet({});
  p.client_id = c.keep(std::string("bad\xC0\xAF", 5));
  refuse_connect(c, encode(p, c.version), "CONNECT with ill-formed UTF-8 in the client identifier");
}

void connect_will_topic_bad_utf8(Ctx& c) {
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(c.topic("will\xC0\xAF"));
  refuse_connect(c, encode(c.connect_packet(spec), c.version), "CONNECT with ill-formed UTF-8 in the will topic");
}

void connect_username_bad_utf8(Ctx& c) {
  Connect p = c.connect_packet({});
  p.username = c.keep("user\xED\xA0\x80");  // a UTF-16 surrogate
  refuse_connect(c, encode(p, c.version), "CONNECT with ill-formed UTF-8 in the user name");
}

void connect_empty_id(Ctx& c) {
  ConnectSpec spec;
  spec.empty_id = true;
  Conn& first = c.open();
  first.send(c.connect_packet(spec));
  auto ack = c.expect<Connack>(first, "CONNECT with an empty client identifier");
  if (ack.reason_code != 0) {
    std::uint8_t expected = c.v5() ? 0x85 : 0x02;
    if (ack.reason_code != expected && !(c.v5() && ack.reason_code >= 0x80))
      c.fail(fmt::format("empty client identifier refused with 0x{:02x}, expected 0x{:02x}", ack.reason_code, expected));
    c.expect_close(first, "after refusing an empty client identifier");
    c.choose(fmt::format("refused (0x{:02x})", ack.reason_code));
    return;
  }
  c.choose("accepted");
  std::string id1;
  if (c.v5()) {
    const auto* assigned = find(ack.properties, PropertyId::AssignedClientIdentifier);
    if (!assigned) c.fail("empty client identifier accepted without an Assigned Client Identifier [MQTT-3.1.3-7] [MQTT-3.2.2-16]");
    id1 = std::string(assigned->value);
  }
  Conn& second = c.open();
  second.send(c.connect_packet(spec));
  auto ack2 = c.expect<Connack>(second, "a second CONNECT with an empty client identifier");
  if (ack2.reason_code != 0) c.fail("the second empty client identifier was refused after the first was accepted");
  if (c.v5()) {
    const auto* assigned = find(ack2.properties, PropertyId::AssignedClientIdentifier);
    if (!assigned || assigned->value == id1)
      c.fail("two clients with empty identifiers were assigned the same identifier [MQTT-3.2.2-16]");
  }
  // Each got a unique identifier: the first one is still connected.
  c.barrier(first);
  c.barrier(second);
}

void connect_empty_id_persistent(Ctx& c) {
  ConnectSpec spec;
  spec.empty_id = true;
  spec.clean = false;
  Conn& conn = c.open();
  conn.send(c.connect_packet(spec));
  auto ack = c.expect<Connack>(conn, "CONNECT with an empty client identifier and CleanSession 0");
  if (ack.reason_code != 0x02) c.fail(fmt::format("expected CONNACK 0x02 (identifier rejected), got 0x{:02x} [MQTT-3.1.3-8]", ack.reason_code));
  if (ack.session_present) c.fail("refusing CONNACK has Session Present 1 [MQTT-3.2.2-4]");
  c.expect_close(conn, "after CONNACK 0x02 [MQTT-3.2.2-5]");
}

void connect_takeover(Ctx& c) {
  ConnectSpec spec;
  spec.client_id = c.client_id(9);
  Conn& first = c.connect(spec);
  Conn& second = c.connect(spec);
  c.choose(c.expect_close(first, "the older connection with the same client identifier", {0x8E}));
  c.barrier(second);
}

void connect_rejected_not_processed(Ctx& c) {
  // A refused CONNECT followed at once by a retained PUBLISH: the PUBLISH must not be processed.
  std::string topic = c.topic("after-refusal");
  Connect p = c.connect_packet({});
  p.reserved_flag = true;
  auto bytes = encode(p, c.version);
  Publish pub;
  pub.topic = c.keep(topic);
  pub.retain = true;
  pub.payload = as_bytes(c.keep("must not be stored"));
  auto more = encode(pub, c.version);
  bytes.insert(bytes.end(), more.begin(), more.end());
  Conn& bad = c.open();
  bad.send_raw(bytes);
  c.expect_close(bad, "a refused CONNECT followed by PUBLISH", {}, true);
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  auto got = Ctx::publishes(c.barrier(sub));
  if (!got.empty()) c.fail("a PUBLISH sent after a refused CONNECT was processed (its message was retained)");
}

}  // namespace mq::conform::checks
