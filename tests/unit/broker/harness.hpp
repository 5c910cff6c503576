#pragma once
/// Test harness for the broker core: a fake network (Output that records
/// bytes and closes per connection), a fake clock, and fake clients that send
/// encoded packets and read back what the broker sent them.

#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/framer.hpp"

namespace mq::broker::test {

using Bytes = std::vector<std::uint8_t>;

/// Bytes of a string, for readable text inside byte lists.
inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// Concatenates byte lists.
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// Records what the broker hands to the network.
struct FakeNet final : Output {
  std::map<ConnectionId, Bytes> sent;
  std::set<ConnectionId> closed;
  void send(ConnectionId id, ByteView b) override { sent[id].insert(sent[id].end(), b.begin(), b.end()); }
  void close(ConnectionId id) override { closed.insert(id); }
};

/// A config for tests: no $SYS and no Reason Strings unless a test asks
/// (the tests of refusals compare whole packets; reason_string_test
/// covers the strings).
inline Config test_config() {
  Config c;
  c.sys_interval = 0;
  c.behaviour.reason_strings = false;
  return c;
}

/// A broker, its fake network and a fake clock starting at an arbitrary point.
struct Harness {
  FakeNet net;
  TimePoint now = TimePoint{} + std::chrono::hours(1000);
  Broker broker;

  explicit Harness(Config config = test_config(), Authorizer* auth = nullptr) : broker(config, net, auth, now) {}

  /// Moves the clock, runs due timers, flushes.
  void advance(std::chrono::milliseconds d) {
    now += d;
    broker.tick(now);
    broker.flush();
  }
  void advance_s(int seconds) { advance(std::chrono::seconds(seconds)); }
};

/// A fake client on one connection.
class Client {
 public:
  Client(Harness& h, ProtocolVersion v = ProtocolVersion::v311) : h_(h), version_(v) {
    id_ = h.broker.open(PeerInfo{"127.0.0.1:5000", "test", ""}, h.now);
  }

  ConnectionId id() const { return id_; }
  ProtocolVersion version() const { return version_; }

  /// Sends raw bytes and flushes the broker.
  void send(const Bytes& b) {
    h_.broker.receive(id_, b, h_.now);
    h_.broker.flush();
  }
  /// Encodes and sends a packet at the client's level.
  void send(const Packet& p) { send(encode(p, version_)); }

  /// Everything the broker sent since the last take().
  Bytes take() {
    Bytes& all = h_.net.sent[id_];
    Bytes out(all.begin() + static_cast<std::ptrdiff_t>(taken_), all.end());
    taken_ = all.size();
    return out;
  }

  /// Decodes everything new the broker sent into packets; views stay valid
  /// for the life of the client.
  std::vector<Packet> packets() {
    keep_.push_back(take());
    const Bytes& b = keep_.back();
    std::vector<Packet> out = std::move(pending_);
    pending_.clear();
    std::size_t at = 0;
    while (at < b.size()) {
      auto h = decode_fixed_header(ByteView(b).subspan(at));
      REQUIRE(h.ok());
      auto p = decode_packet(ByteView(b).subspan(at, h->packet_size()), version_);
      if (!p) FAIL("broker sent an undecodable packet: " << to_string(p.error()));
      out.push_back(*p);
      at += h->packet_size();
    }
    return out;
  }

  /// The one packet the broker sent since the last read, of type T.
  template <typename T>
  T expect() {
    auto ps = packets();
    REQUIRE(ps.size() == 1);
    REQUIRE(std::holds_alternative<T>(ps[0]));
    return std::get<T>(ps[0]);
  }

  /// Only the PUBLISH packets among what was sent.
  std::vector<Publish> publishes() {
    std::vector<Publish> out;
    for (auto& p : packets())
      if (auto* x = std::get_if<Publish>(&p)) out.push_back(*x);
    return out;
  }

  bool closed() const { return h_.net.closed.count(id_) > 0; }

  /// Puts packets back to be returned first by the next packets().
  void unread(std::vector<Packet> ps) { pending_ = std::move(ps); }

  /// The socket drops.
  void drop() { h_.broker.closed(id_, h_.now); h_.broker.flush(); }

 private:
  Harness& h_;
  ProtocolVersion version_;
  ConnectionId id_ = 0;
  std::size_t taken_ = 0;
  std::deque<Bytes> keep_;
  std::vector<Packet> pending_;
};

/// A CONNECT at level `v` with the given id and clean flag.
inline Connect connect_packet(ProtocolVersion v, std::string_view id, bool clean = true, std::uint16_t keep_alive = 0) {
  Connect k;
  k.version = v;
  k.protocol_name = v == ProtocolVersion::v31 ? "MQIsdp" : "MQTT";
  k.client_id = id;
  k.clean_start = clean;
  k.keep_alive = keep_alive;
  return k;
}

/// Sends CONNECT and checks for CONNACK success; returns the CONNACK. Packets
/// sent right after it stay readable through the client.
inline Connack connect(Client& c, std::string_view id, bool clean = true, std::uint16_t keep_alive = 0,
                       Properties props = {}) {
  Connect k = connect_packet(c.version(), id, clean, keep_alive);
  k.properties = std::move(props);
  c.send(k);
  auto ps = c.packets();
  REQUIRE(!ps.empty());
  REQUIRE(std::holds_alternative<Connack>(ps[0]));
  Connack a = std::get<Connack>(ps[0]);
  REQUIRE(a.reason_code == 0);
  ps.erase(ps.begin());
  c.unread(std::move(ps));  // what a resumed session sent after the CONNACK
  return a;
}

/// A SUBSCRIBE with one filter.
inline Subscribe subscribe_packet(std::uint16_t packet_id, std::string_view filter, QoS qos = 0) {
  Subscribe s;
  s.packet_id = packet_id;
  s.subscriptions.push_back(Subscription{filter, qos, false, false, 0, 0});
  return s;
}

/// A 5.0 SUBSCRIBE with one filter and Subscription Identifier `id` (none when 0).
inline Subscribe subscribe_id(std::uint16_t packet_id, std::string_view filter, QoS qos, std::uint32_t id,
                              bool no_local = false) {
  Subscribe s = subscribe_packet(packet_id, filter, qos);
  s.subscriptions[0].no_local = no_local;
  if (id) s.properties.push_back(Property{PropertyId::SubscriptionIdentifier, id, {}, {}});
  return s;
}

/// Subscribes and checks the SUBACK grants `qos`.
inline void subscribe(Client& c, std::string_view filter, QoS qos = 0, std::uint16_t packet_id = 1) {
  c.send(subscribe_packet(packet_id, filter, qos));
  auto ack = c.expect<Suback>();
  REQUIRE(ack.reason_codes.size() == 1);
  REQUIRE(ack.reason_codes[0] == qos);
}

/// A PUBLISH.
inline Publish publish_packet(std::string_view topic, std::string_view payload, QoS qos = 0, std::uint16_t id = 0,
                              bool retain = false) {
  Publish p;
  p.topic = topic;
  p.payload = as_bytes(payload);
  p.qos = qos;
  p.packet_id = id;
  p.retain = retain;
  return p;
}

/// The text of a payload.
inline std::string payload_text(const Publish& p) { return std::string(as_chars(p.payload)); }

}  // namespace mq::broker::test
