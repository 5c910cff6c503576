// Fault injection: the plan's decisions, and the proxy applying them on
// loopback (what the broker receives, packet by packet).
#include <doctest/doctest.h>

#include "../dump/conversation_util.hpp"
#include "../net/net_test_util.hpp"
#include "proxy/proxy.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;
using namespace std::chrono_literals;
using mq::dump::test::hex;

namespace {

/// Ignores what it is handed.
struct Nobody : dump::PacketObserver {
  void packet(const dump::ObservedPacket&) override {}
  void connection_end(const dump::ConnectionEnd&) override {}
};

// CONNECT 3.1.1, PUBLISH QoS 0 "t" "x", PINGREQ, PINGREQ.
const auto kConnect = hex("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00");
const auto kPublish = hex("30 04 00 01 74 78");
const auto kPingreq = hex("c0 00");

/// What a broker behind a proxy with `faults` receives when a client sends
/// CONNECT, PUBLISH, PINGREQ, PINGREQ in one write and then waits; and
/// whether the client's connection was closed by the proxy.
struct Run {
  std::vector<std::uint8_t> received;
  bool client_closed = false;
  std::chrono::steady_clock::duration first_arrival{};
};

Run through_proxy(const proxy::FaultOptions& faults) {
  TestLoop t;
  Run run;
  std::shared_ptr<Stream> broker;
  auto upstream = Listener::listen(t.loop, parse_url("mqtt://127.0.0.1:0").value(), {}, [&](std::shared_ptr<Stream> s) {
    s->on_data([&](ByteView b) { run.received.insert(run.received.end(), b.begin(), b.end()); });
    broker = std::move(s);
  });
  REQUIRE(upstream);
  Nobody nobody;
  proxy::ProxyOptions o;
  o.listen = parse_url("mqtt://127.0.0.1:0").value();
  o.upstream = upstream.value()->url();
  o.faults = faults;
  auto p = proxy::Proxy::start(t.loop, o, nobody);
  REQUIRE(p);
  std::shared_ptr<Stream> client;
  std::vector<std::uint8_t> all = kConnect;
  for (const auto* part : {&kPublish, &kPingreq, &kPingreq}) all.insert(all.end(), part->begin(), part->end());
  const auto start = std::chrono::steady_clock::now();
  auto job = connect(t.loop, p.value()->url(), {}, [&](std::shared_ptr<Stream> s, const NetError&) {
    client = s;
    client->write(all);
  });
  t.run_until([&] { return !run.received.empty() || (client && !client->is_open()); });
  run.first_arrival = std::chrono::steady_clock::now() - start;
  t.run_for(100ms);  // whatever else comes, comes now
  run.client_closed = client && !client->is_open();
  if (client) client->close();
  t.run_until([&] { return p.value()->open_connections() == 0; });
  job.reset();
  client.reset();
  broker.reset();
  upstream.value().reset();
  p.value().reset();
  t.check_clean();
  return run;
}

std::vector<std::uint8_t> join(std::initializer_list<const std::vector<std::uint8_t>*> parts) {
  std::vector<std::uint8_t> v;
  for (const auto* p : parts) v.insert(v.end(), p->begin(), p->end());
  return v;
}

}  // namespace

TEST_CASE("faults: the plan counts packets of both directions") {
  proxy::FaultOptions o;
  o.drop_after = 2;
  o.hold = {PacketType::Puback};
  proxy::FaultPlan plan(o);
  std::string why;
  CHECK(plan.decide(PacketType::Connect, why) == proxy::FaultAction::Forward);
  CHECK(plan.decide(PacketType::Puback, why) == proxy::FaultAction::Drop);
  CHECK(why == "held back: PUBACK (--hold)");
  CHECK(plan.decide(std::nullopt, why) == proxy::FaultAction::Drop);
  CHECK(why == "dropped: packet 3 after the first 2 (--drop-after)");
  proxy::FaultOptions cut;
  cut.cut_after = 1;
  proxy::FaultPlan c(cut);
  CHECK(c.decide(PacketType::Connect, why) == proxy::FaultAction::Forward);
  CHECK(c.decide(PacketType::Connack, why) == proxy::FaultAction::Cut);
  CHECK(!proxy::FaultOptions{}.any());
}

TEST_CASE("faults: --hold keeps a packet type back, the rest passes unchanged") {
  proxy::FaultOptions o;
  o.hold = {PacketType::Publish};
  const Run r = through_proxy(o);
  CHECK(r.received == join({&kConnect, &kPingreq, &kPingreq}));
  CHECK(!r.client_closed);
}

TEST_CASE("faults: --drop-after forwards the first packets only") {
  proxy::FaultOptions o;
  o.drop_after = 2;
  const Run r = through_proxy(o);
  CHECK(r.received == join({&kConnect, &kPublish}));
  CHECK(!r.client_closed);
}

TEST_CASE("faults: --cut-after closes the connection instead of forwarding the next packet") {
  proxy::FaultOptions o;
  o.cut_after = 3;
  const Run r = through_proxy(o);
  CHECK(r.received == join({&kConnect, &kPublish, &kPingreq}));
  CHECK(r.client_closed);
}

TEST_CASE("faults: --delay forwards everything, late") {
  proxy::FaultOptions o;
  o.delay = 60ms;
  const Run r = through_proxy(o);
  CHECK(r.received == join({&kConnect, &kPublish, &kPingreq, &kPingreq}));
  CHECK(r.first_arrival >= 60ms);
}
