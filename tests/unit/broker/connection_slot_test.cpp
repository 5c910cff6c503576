// Connection ids name reusable slots (broker/connection_table.hpp): a slot
// freed by one connection goes to the next, under a new id, and whatever
// still names the old id (a late closed(), a keep-alive check, a close
// request) reaches nothing.

#include "harness.hpp"

using namespace mq;
using namespace mq::broker;
using namespace mq::broker::test;

TEST_CASE("connection ids: the first use of each slot numbers them 1, 2, 3") {
  Harness h;
  Client a(h), b(h), c(h);
  CHECK(a.id() == 1);
  CHECK(b.id() == 2);
  CHECK(c.id() == 3);
}

TEST_CASE("connection ids: a freed slot is reused under a new id; the old id reaches nothing") {
  Harness h;
  Client a(h);
  connect(a, "a", true, 10);  // keep alive 10 s: checked at 15 s
  const ConnectionId old = a.id();
  a.drop();
  Client b(h);
  CHECK(b.id() != old);
  CHECK(connection_slot(b.id()) == connection_slot(old));
  connect(b, "b");  // no keep alive

  // Bytes, a backlog note or a drop naming the old id are ignored.
  const std::size_t sent_to_old = h.net.sent[old].size();
  h.broker.receive(old, encode(Packet{Pingreq{}}, ProtocolVersion::v311), h.now);
  h.broker.set_backlogged(old, true, h.now);
  h.broker.closed(old, h.now);
  h.broker.flush();
  CHECK(h.net.sent[old].size() == sent_to_old);
  CHECK(h.broker.client_id(old) == std::nullopt);
  CHECK(h.broker.client_id(b.id()) == "b");
  CHECK(h.broker.counters().connections == 1);

  // a's keep-alive check comes due with b in its slot: b stays.
  h.advance_s(20);
  CHECK_FALSE(b.closed());
  b.send(Packet{Pingreq{}});
  b.expect<Pingresp>();
  // And b gets messages as a normal subscriber.
  subscribe(b, "t");
  Client p(h);
  connect(p, "p");
  p.send(publish_packet("t", "hello"));
  auto got = b.publishes();
  REQUIRE(got.size() == 1);
  CHECK(payload_text(got[0]) == "hello");
}

TEST_CASE("connection ids: a late closed() after the broker's own close leaves the slot's new connection alone") {
  Harness h;
  Client a(h);
  connect(a, "a");
  a.send(Packet{Disconnect{}});
  REQUIRE(a.closed());  // Output::close: the broker forgot a, its slot is free
  Client b(h);
  CHECK(connection_slot(b.id()) == connection_slot(a.id()));
  connect(b, "b");
  h.broker.closed(a.id(), h.now);  // the socket of a finishes closing only now
  h.broker.flush();
  CHECK(h.broker.client_id(b.id()) == "b");
  CHECK(h.broker.counters().clients_connected == 1);
  CHECK_FALSE(b.closed());
}

TEST_CASE("connection ids: keep alive is enforced on a connection in a reused slot") {
  Harness h;
  Client a(h);
  connect(a, "a");
  a.drop();
  Client b(h);
  REQUIRE(connection_slot(b.id()) == connection_slot(a.id()));
  connect(b, "b", true, 10);
  h.advance(std::chrono::milliseconds(14999));
  CHECK_FALSE(b.closed());
  h.advance(std::chrono::milliseconds(1));  // 1.5 x 10 s without a packet
  CHECK(b.closed());
}
