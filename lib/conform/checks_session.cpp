// Checks of sessions, keep alive, wills and DISCONNECT.

#include <fmt/format.h>

#include "conform/checks.hpp"
#include "conform/helpers.hpp"

namespace mq::conform::checks {

namespace {

/// A persistent session: Clean Session 0 (3.1.1) or Clean Start 0 with a
/// Session Expiry Interval of 5 minutes (5.0).
ConnectSpec persistent(Ctx& c, int n) {
  ConnectSpec spec;
  spec.client_id = c.client_id(n);
  spec.clean = false;
  if (c.v5()) spec.session_expiry = 300;
  return spec;
}

/// Ends the session of client `n` (a clean connection that leaves nothing behind).
void end_session(Ctx& c, int n) {
  ConnectSpec spec;
  spec.client_id = c.client_id(n);
  Conn& conn = c.connect(spec);
  c.disconnect(conn);
}

}  // namespace

void session_new_not_present(Ctx& c) {
  Conn& conn = c.connect(persistent(c, 1));
  if (c.last_connack().session_present) c.fail("a new persistent session was reported as present");
  c.disconnect(conn);
  end_session(c, 1);
}

void session_resume(Ctx& c) {
  std::string topic = c.topic("resume");
  Conn& sub = c.connect(persistent(c, 1));
  c.subscribe_ok(sub, topic, 1);
  c.disconnect(sub);
  Conn& pub = c.connect();
  c.publish(pub, topic, "while away", 1);
  Conn& again = c.connect(persistent(c, 1));
  if (!c.last_connack().session_present) c.fail("the stored session was not reported present (Session Present 0)");
  auto msg = c.expect_publish(again, "the QoS 1 message queued while the client was away");
  if (msg.topic != topic || msg.qos != 1) c.fail("the queued message came back changed");
  puback(again, msg);
  c.disconnect(again);
  end_session(c, 1);
}

void session_clean_discards(Ctx& c) {
  std::string topic = c.topic("clean");
  Conn& sub = c.connect(persistent(c, 1));
  c.subscribe_ok(sub, topic, 1);
  c.disconnect(sub);
  ConnectSpec clean;
  clean.client_id = c.client_id(1);
  Conn& fresh = c.connect(clean);
  if (c.last_connack().session_present) c.fail("a clean CONNECT was answered with Session Present 1");
  Conn& pub = c.connect();
  c.publish(pub, topic, "to a discarded subscription", 1);
  c.barrier(pub);
  if (!Ctx::publishes(c.barrier(fresh)).empty()) c.fail("a subscription of the discarded session still delivered");
  c.disconnect(fresh);
}

void session_redeliver(Ctx& c) {
  std::string topic = c.topic("redeliver");
  Conn& sub = c.connect(persistent(c, 1));
  c.subscribe_ok(sub, topic, 1);
  Conn& pub = c.connect();
  c.publish(pub, topic, "unacknowledged", 1);
  auto first = c.expect_publish(sub, "the QoS 1 message");
  if (first.dup) c.fail("the first delivery has DUP 1 [MQTT-3.3.1-3]");
  sub.drop();  // no PUBACK
  Conn& again = c.connect(persistent(c, 1));
  auto second = c.expect_publish(again, "the unacknowledged message after reconnecting");
  if (second.packet_id != first.packet_id)
    c.fail(fmt::format("redelivered with packet identifier {}, first sent as {} [MQTT-4.4.0-1]", second.packet_id, first.packet_id));
  if (!second.dup) c.fail("a redelivered PUBLISH has DUP 0 [MQTT-3.3.1-1]");
  puback(again, second);
  c.disconnect(again);
  end_session(c, 1);
}

void session_refused_ack(Ctx& c) {
  // PUBACK with a reason code of 0x80 or more acknowledges the message: it is
  // not sent again when the session resumes.
  std::string topic = c.topic("refused");
  Conn& sub = c.connect(persistent(c, 1));
  c.subscribe_ok(sub, topic, 1);
  Conn& pub = c.connect();
  c.publish(pub, topic, "refused", 1);
  auto m = c.expect_publish(sub, "the QoS 1 message");
  Puback no;
  no.packet_id = m.packet_id;
  no.reason_code = 0x80;
  sub.send(no);
  c.barrier(sub);
  sub.drop();
  Conn& again = c.connect(persistent(c, 1));
  if (!Ctx::publishes(c.barrier(again)).empty()) c.fail("a message refused with PUBACK 0x80 was sent again on reconnection");
  c.disconnect(again);
  end_session(c, 1);
}

void session_expiry_zero(Ctx& c) {
  ConnectSpec spec;
  spec.client_id = c.client_id(1);
  spec.clean = false;  // Session Expiry Interval absent: 0, the session ends with the connection
  Conn& conn = c.connect(spec);
  c.subscribe_ok(conn, c.topic("x"), 0);
  c.disconnect(conn);
  c.connect(spec);
  if (c.last_connack().session_present) c.fail("a session with Session Expiry Interval 0 outlived its connection [MQTT-4.1.0-2]");
}

void keepalive_close(Ctx& c) {
  ConnectSpec spec;
  spec.keep_alive = 1;
  Conn& conn = c.connect(spec);
  std::uint32_t ka = 1;
  if (const auto* k = find(c.last_connack().properties, PropertyId::ServerKeepAlive)) ka = k->number;
  if (ka == 0 || ka > 5) c.not_applicable(fmt::format("the broker set Server Keep Alive {}", ka));
  Received r = c.next(conn, std::chrono::milliseconds(ka * 1500 + 1500));
  if (const auto* d = r.as<Disconnect>()) {
    c.choose(fmt::format("DISCONNECT 0x{:02x}", d->reason_code));
    r = c.next(conn);
  }
  if (r.kind != Received::Kind::Closed)
    c.fail(fmt::format("a silent client with keep alive {} s was not disconnected within {} ms: {}", ka, ka * 1500 + 1500, r.describe()));
}

void ping(Ctx& c) {
  Conn& conn = c.connect();
  for (int i = 0; i < 3; ++i) {
    conn.send(Pingreq{});
    c.expect<Pingresp>(conn, "PINGREQ");
  }
}

void will_on_drop(Ctx& c) {
  std::string topic = c.topic("will");
  Conn& obs = c.connect();
  c.subscribe_ok(obs, topic, 0);
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(topic);
  spec.will->payload = as_bytes(c.keep("gone"));
  Conn& dying = c.connect(spec);
  c.barrier(dying);
  dying.drop();
  auto will = c.expect_publish(obs, "the will after the client's connection dropped");
  if (text_of(will) != "gone")
    c.fail("the will message arrived with another payload");
  if (will.retain) c.fail("a will published with Will Retain 0 arrived with RETAIN 1");
}

void will_retained(Ctx& c) {
  std::string topic = c.topic("will-retained");
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(topic);
  spec.will->payload = as_bytes(c.keep("retained will"));
  spec.will->retain = true;
  Conn& dying = c.connect(spec);
  Conn& obs = c.connect();
  c.subscribe_ok(obs, topic, 0);
  dying.drop();
  auto live = c.expect_publish(obs, "the retained will");
  (void)live;
  Conn& late = c.connect();
  c.subscribe_ok(late, topic, 0);
  auto stored = c.expect_publish(late, "the will as a retained message for a new subscriber");
  if (!stored.retain) c.fail("the will was not stored as a retained message");
  c.publish(late, topic, "", 0, true);  // clear it
}

void will_discarded_on_disconnect(Ctx& c) {
  std::string topic = c.topic("no-will");
  Conn& obs = c.connect();
  c.subscribe_ok(obs, topic, 0);
  ConnectSpec spec;
  spec.client_id = c.client_id(7);
  spec.will = Will{};
  spec.will->topic = c.keep(topic);
  spec.will->payload = as_bytes(c.keep("must not appear"));
  Conn& leaving = c.connect(spec);
  c.disconnect(leaving);
  // The same client id again: the broker has finished with the old
  // connection once it accepts this one; its marker then follows any will.
  ConnectSpec again;
  again.client_id = spec.client_id;
  Conn& next = c.connect(again);
  c.publish(next, topic, "marker", 0);
  auto msg = c.expect_publish(obs, "the marker");
  if (text_of(msg) != "marker")
    c.fail("the will was published although the client sent DISCONNECT");
}

void will_delay_reconnect(Ctx& c) {
  std::string topic = c.topic("delayed-will");
  Conn& obs = c.connect();
  c.subscribe_ok(obs, topic, 0);
  ConnectSpec spec = {};
  spec.client_id = c.client_id(7);
  spec.clean = false;
  spec.session_expiry = 300;
  spec.will = Will{};
  spec.will->topic = c.keep(topic);
  spec.will->payload = as_bytes(c.keep("must not appear"));
  spec.will->properties.push_back(num_prop(PropertyId::WillDelayInterval, 300));
  Conn& dying = c.connect(spec);
  dying.drop();
  ConnectSpec back;
  back.client_id = spec.client_id;
  back.clean = false;
  Conn& next = c.connect(back);
  c.publish(next, topic, "marker", 0);
  auto msg = c.expect_publish(obs, "the marker");
  if (text_of(msg) != "marker")
    c.fail("the will was published although the client came back within the Will Delay Interval");
  c.disconnect(next);
  end_session(c, 7);
}

void disconnect_reserved(Ctx& c) {
  Conn& conn = c.connect();
  conn.send_raw({0xE1, 0x00});
  c.choose(c.expect_close(conn, "DISCONNECT with reserved flags 0001", {0x81}));
}

void disconnect_session_expiry_from_zero(Ctx& c) {
  Conn& conn = c.connect();  // no Session Expiry Interval: 0
  Disconnect d;
  d.properties.push_back(num_prop(PropertyId::SessionExpiryInterval, 60));
  conn.send(d);
  Received r = c.next(conn);
  if (const auto* back = r.as<Disconnect>()) {
    if (back->reason_code != 0x82) c.fail(fmt::format("answered with DISCONNECT 0x{:02x}, expected 0x82 (protocol error)", back->reason_code));
    c.choose("DISCONNECT 0x82");
  } else if (r.kind == Received::Kind::Closed) {
    c.choose("closed");
  } else {
    c.fail("expected the connection to close, got " + r.describe());
  }
}

}  // namespace mq::conform::checks
