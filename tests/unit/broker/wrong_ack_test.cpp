// An acknowledgement of the wrong type for a message the broker has in
// flight is a Protocol Error ([MQTT-4.8.0-1] at 3.1.1, section 4.13 at 5.0):
// the connection is closed, at 5.0 after DISCONNECT 0x82.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A subscriber at level `v` that has been sent one PUBLISH at `qos` with
/// packet identifier 1 (the broker's first), and the publisher that sent it.
struct InFlight {
  Harness h;
  Client sub;
  Client pub;
  InFlight(ProtocolVersion v, QoS qos) : sub(h, v), pub(h) {
    connect(sub, "sub");
    subscribe(sub, "t", qos);
    connect(pub, "pub");
    pub.send(publish_packet("t", "x", qos, 9));
    pub.take();
    auto got = sub.publishes();
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].qos == qos);
    REQUIRE(got[0].packet_id == 1);
  }
  /// Sends `ack` and returns what the broker answered.
  Bytes answer(const Bytes& ack) {
    sub.send(ack);
    return sub.take();
  }
};

const Bytes kPuback = {0x40, 0x02, 0x00, 0x01};
const Bytes kPubrec = {0x50, 0x02, 0x00, 0x01};
const Bytes kPubcomp = {0x70, 0x02, 0x00, 0x01};
const Bytes kDisconnect82 = {0xE0, 0x01, 0x82};  // DISCONNECT Protocol Error

}  // namespace

TEST_CASE("broker: PUBREC or PUBCOMP answering a QoS 1 PUBLISH closes the connection") {
  for (const Bytes& wrong : {kPubrec, kPubcomp}) {
    InFlight f311(ProtocolVersion::v311, 1);
    CHECK(f311.answer(wrong).empty());  // no PUBREL for a QoS 1 message
    CHECK(f311.sub.closed());
    InFlight f5(ProtocolVersion::v5, 1);
    CHECK(f5.answer(wrong) == kDisconnect82);
    CHECK(f5.sub.closed());
  }
}

TEST_CASE("broker: PUBACK or PUBCOMP answering a QoS 2 PUBLISH closes the connection") {
  for (const Bytes& wrong : {kPuback, kPubcomp}) {
    InFlight f311(ProtocolVersion::v311, 2);
    CHECK(f311.answer(wrong).empty());
    CHECK(f311.sub.closed());
    InFlight f5(ProtocolVersion::v5, 2);
    CHECK(f5.answer(wrong) == kDisconnect82);
    CHECK(f5.sub.closed());
  }
}

TEST_CASE("broker: PUBACK answering a PUBREL closes the connection") {
  InFlight f(ProtocolVersion::v5, 2);
  CHECK(f.answer(kPubrec) == Bytes{0x62, 0x02, 0x00, 0x01});  // PUBREL
  CHECK(f.answer(kPuback) == kDisconnect82);
  CHECK(f.sub.closed());
}

TEST_CASE("broker: the right acknowledgements still complete both flows, and unknown identifiers are ignored") {
  InFlight q1(ProtocolVersion::v5, 1);
  CHECK(q1.answer({0x40, 0x02, 0x00, 0x02}).empty());  // PUBACK for an identifier not in flight
  CHECK(q1.answer({0x70, 0x02, 0x00, 0x02}).empty());  // PUBCOMP likewise
  CHECK(q1.answer(kPuback).empty());
  CHECK(q1.answer(kPuback).empty());  // again: no longer in flight
  CHECK_FALSE(q1.sub.closed());
  InFlight q2(ProtocolVersion::v5, 2);
  CHECK(q2.answer(kPubrec) == Bytes{0x62, 0x02, 0x00, 0x01});  // PUBREL
  CHECK(q2.answer(kPubrec) == Bytes{0x62, 0x02, 0x00, 0x01});  // a resent PUBREC gets PUBREL again
  CHECK(q2.answer(kPubcomp).empty());
  CHECK_FALSE(q2.sub.closed());
}

}  // namespace mq::broker::test
