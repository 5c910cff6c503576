// Packets whose rules depend on the protocol level of the connection, as the
// broker receives them: MQTT 3.1 resends PUBREL, SUBSCRIBE and UNSUBSCRIBE
// with DUP set.

#include "harness.hpp"

namespace mq::broker::test {

namespace {
/// CONNECT "MQIsdp" level 3, clean session, client id "old".
const Bytes kConnect31 = cat({{0x10, 0x11, 0x00, 0x06}, text("MQIsdp"), {0x03, 0x02, 0x00, 0x00, 0x00, 0x03}, text("old")});
}  // namespace

TEST_CASE("broker: a MQTT 3.1 client's resent PUBREL, SUBSCRIBE and UNSUBSCRIBE are answered") {
  Harness h;
  Client c(h, ProtocolVersion::v31);
  c.send(kConnect31);
  CHECK(c.take() == Bytes{0x20, 0x02, 0x00, 0x00});  // CONNACK accepted

  c.send(cat({{0x34, 0x06, 0x00, 0x01}, text("t"), {0x00, 0x01}, text("x")}));  // PUBLISH QoS 2, id 1
  CHECK(c.take() == Bytes{0x50, 0x02, 0x00, 0x01});                              // PUBREC
  c.send(Bytes{0x6A, 0x02, 0x00, 0x01});               // PUBREL, DUP: the first one was lost
  CHECK(c.take() == Bytes{0x70, 0x02, 0x00, 0x01});    // PUBCOMP
  c.send(Bytes{0x8A, 0x06, 0x00, 0x02, 0x00, 0x01, 't', 0x01});  // SUBSCRIBE, DUP, id 2, "t" QoS 1
  CHECK(c.take() == Bytes{0x90, 0x03, 0x00, 0x02, 0x01});         // SUBACK granted QoS 1
  c.send(Bytes{0xAA, 0x05, 0x00, 0x03, 0x00, 0x01, 't'});         // UNSUBSCRIBE, DUP, id 3, "t"
  CHECK(c.take() == Bytes{0xB0, 0x02, 0x00, 0x03});               // UNSUBACK
  CHECK_FALSE(c.closed());
}

TEST_CASE("broker: a 3.1.1 client's PUBREL with DUP is malformed and closes the connection") {
  Harness h;
  Client c(h);
  connect(c, "new");
  c.send(cat({{0x34, 0x06, 0x00, 0x01}, text("t"), {0x00, 0x01}, text("x")}));
  CHECK(c.take() == Bytes{0x50, 0x02, 0x00, 0x01});
  c.send(Bytes{0x6A, 0x02, 0x00, 0x01});  // reserved flags 1010 [MQTT-2.2.2-1]
  CHECK(c.take().empty());
  CHECK(c.closed());
}

}  // namespace mq::broker::test
