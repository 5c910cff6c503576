/// Fuzzes the broker core (lib/broker) with several clients at once and a
/// fake clock. Input: [config byte] then operations, each an op byte whose
/// low two bits pick one of four client slots and whose top three bits say
/// what happens (see `Op`): a socket opens or drops, the client sends
/// [n] + n + 1 bytes, the clock moves [b] x 250 ms (due timers run), the
/// broker flushes, or the slot's socket stops or starts taking bytes
/// (Broker::set_backlogged). The config byte switches limits, features and a picky
/// authorizer on (see `config_from`).
///
/// Invariants: no crash or undefined behaviour; every byte the broker sends
/// frames into packets that decode at the client's protocol level, pass the
/// validator and are packets a server may send; nothing is sent to a
/// connection after the broker closed it or the peer dropped it; the gauges
/// stay consistent.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "broker/broker.hpp"
#include "codec/decode.hpp"
#include "codec/framer.hpp"
#include "codec/validate.hpp"
#include "invariant.hpp"

using namespace mq;
using namespace mq::broker;
using mq::fuzz::require;

namespace {

/// What an op byte's top three bits ask for; the other values send data.
enum Op : std::uint8_t { Open = 0, Drop = 2, Advance = 3, Flush = 4, Backlog = 5 };

/// Enhanced authentication method "X": data "1" is accepted at once, "2"
/// gets one challenge "c" that must be answered with "c", anything else is
/// refused (0x87, with a Reason String).
class XExchange final : public AuthExchange {
 public:
  AuthStep step(ByteView data) override {
    const std::string_view d = as_chars(data);
    if (!challenged_ && d == "2") {
      challenged_ = true;
      return AuthStep::challenge("c", "answer");
    }
    if (d == (challenged_ ? "c" : "1")) return AuthStep::accept("ok");
    return AuthStep::reject(0x87, "wrong");
  }

 private:
  bool challenged_ = false;
};

/// Refuses the user "banned" and client ids starting "deny", publishing under "deny/", subscribing to
/// filters under "deny/" or to "#", and receiving on "secret/" topics. Offers method "X".
class PickyAuthorizer final : public Authorizer {
 public:
  AuthResult authenticate(const Credentials& c) override {
    if (c.client.username && *c.client.username == "banned") return 0x8A;
    return c.client.client_id.starts_with("deny") ? 0x87 : 0x00;
  }
  bool may_publish(const ClientInfo&, std::string_view topic, QoS, bool) override { return !topic.starts_with("deny/"); }
  bool may_subscribe(const ClientInfo&, std::string_view filter, QoS) override {
    return filter != "#" && !filter.starts_with("deny/");
  }
  bool may_receive(const ClientInfo&, std::string_view topic) override { return !topic.starts_with("secret/"); }
  bool checks_reads() const override { return true; }
  std::unique_ptr<AuthExchange> start_exchange(std::string_view method, const Credentials&, bool) override {
    return method == "X" ? std::make_unique<XExchange>() : nullptr;
  }
};

/// The broker settings a config byte picks.
Config config_from(std::uint8_t b) {
  Config c;
  c.sys_interval = (b & 0x01) ? 10 : 0;
  if (b & 0x02) {
    c.max_packet_size = 200;
    c.max_queued_messages = 3;
    c.max_queued_bytes = 100;
    c.max_inflight = 2;
    c.receive_maximum = 2;
    c.topic_alias_maximum = 2;
    c.max_topic_levels = 4;
    c.max_topic_length = 40;
    c.max_retained = 2;
  }
  if (b & 0x08) {
    c.maximum_qos = 1;
    c.retain_available = false;
    c.wildcard_subscriptions = false;
    c.shared_subscriptions = false;
    c.subscription_identifiers = false;
  }
  if (b & 0x10) {
    c.max_connections = 2;
    // mosquitto's choices (held QoS 2 messages, silent refusals) and client id rules.
    c.behaviour = Behaviour{.pubrec_no_subscribers = false,
                            .answer_malformed_connect = false,
                            .protocol_error_in_requests = false,
                            .v5_refusal_above_level_5 = false,
                            .refuse_v3_keep_alive = false,
                            .qos2_forward_on_publish = false,
                            .uuid_client_ids = true};
    c.max_client_id_length = 8;
    c.allow_zero_length_clientid = false;
  }
  if (b & 0x20) {
    c.max_keepalive = 30;
    c.min_keepalive = 5;
    c.max_session_expiry = 60;
    c.persistent_client_expiration = 30;
    c.connect_timeout = 2;
  }
  c.queue_qos0_offline = (b & 0x40) != 0;
  c.outgoing_topic_aliases = (b & 0x80) == 0;
  return c;
}

/// True for the packet types a server sends.
bool server_may_send(PacketType t) {
  switch (t) {
    case PacketType::Connack:
    case PacketType::Publish:
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
    case PacketType::Suback:
    case PacketType::Unsuback:
    case PacketType::Pingresp:
    case PacketType::Disconnect:
    case PacketType::Auth:
      return true;
    default:
      return false;
  }
}

/// One client slot: the connection it has, the protocol level its CONNECT
/// named, and framers over both directions.
struct Slot {
  std::optional<ConnectionId> id;
  std::optional<ProtocolVersion> level;
  bool connect_seen = false;
  bool backlogged = false;
  Framer from_client = Framer();
  Framer to_client = Framer();
};

/// Records and checks what the broker sends.
class CheckingOutput final : public Output {
 public:
  std::array<Slot, 4> slots;
  std::set<ConnectionId> gone;  ///< closed by the broker or dropped by the peer

  void send(ConnectionId id, ByteView bytes) override {
    require(!gone.contains(id), "bytes sent to a connection that is closed or dropped");
    Slot* s = slot_of(id);
    require(s != nullptr, "bytes sent to a connection that was never opened");
    s->to_client.feed(bytes);
    for (;;) {
      const Framer::Frame f = s->to_client.next();
      if (f.status == Framer::Status::NeedMore) break;
      require(f.status == Framer::Status::Packet, "the broker's output does not frame");
      check_packet(*s, f);
    }
  }
  void close(ConnectionId id) override {
    require(!gone.contains(id), "a connection closed twice");
    require(slot_of(id) != nullptr, "close of a connection that was never opened");
    gone.insert(id);
  }

  Slot* slot_of(ConnectionId id) {
    for (Slot& s : slots)
      if (s.id == id) return &s;
    return nullptr;
  }

 private:
  static void check_packet(const Slot& s, const Framer::Frame& f) {
    require(server_may_send(f.header.type()), "the broker sent a packet type only clients send");
    // Before a CONNECT that decodes, the level is unknown: a refusal in
    // either form will do.
    const ProtocolVersion levels[] = {s.level.value_or(ProtocolVersion::v311), ProtocolVersion::v5};
    const std::size_t tries = s.level ? 1 : 2;
    std::optional<DecodeError> last;
    for (std::size_t i = 0; i < tries; ++i) {
      Result<Packet> p = decode_body(f.header, f.body, levels[i]);
      if (!p) {
        last = p.error();
        continue;
      }
      if (std::optional<DecodeError> e = validate(*p, levels[i])) fuzz::broken("a sent packet fails validation", *e);
      return;
    }
    fuzz::broken("a packet the broker sent does not decode", *last);
  }
};

/// Notes the protocol level of a slot's first packet when it is a CONNECT.
void watch_client_bytes(Slot& s, ByteView bytes) {
  if (s.connect_seen) return;
  s.from_client.feed(bytes);
  const Framer::Frame f = s.from_client.next();
  if (f.status == Framer::Status::NeedMore) return;
  s.connect_seen = true;
  if (f.status != Framer::Status::Packet) return;
  Result<Packet> p = decode_packet(f.packet, std::nullopt);
  if (p && std::holds_alternative<Connect>(*p)) s.level = std::get<Connect>(*p).version;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t config_byte = data[0];
  PickyAuthorizer picky;
  CheckingOutput out;
  TimePoint now = TimePoint{} + std::chrono::hours(1000);
  Broker broker(config_from(config_byte), out, (config_byte & 0x04) ? &picky : nullptr, now);

  auto run_due_timers = [&] {
    broker.tick(now);
    const std::optional<TimePoint> next = broker.next_deadline();
    require(!next || *next > now, "a deadline is still due after tick()");
  };

  std::size_t pos = 1;
  while (pos < size) {
    const std::uint8_t op = data[pos++];
    Slot& s = out.slots[op & 3];
    switch (op >> 5) {
      case Open:
        if (s.id && !out.gone.contains(*s.id)) {
          broker.closed(*s.id, now);
          out.gone.insert(*s.id);
        }
        s = Slot{};
        s.id = broker.open(PeerInfo{"127.0.0.1:4000", "fuzz", ""}, now);
        break;
      case Drop:
        if (s.id && !out.gone.contains(*s.id)) {
          broker.closed(*s.id, now);
          out.gone.insert(*s.id);
        }
        break;
      case Advance: {
        const std::uint8_t b = pos < size ? data[pos++] : 1;
        now += std::chrono::milliseconds(250) * b;
        run_due_timers();
        break;
      }
      case Flush:
        broker.flush();
        break;
      case Backlog:
        if (s.id) {
          s.backlogged = !s.backlogged;
          broker.set_backlogged(*s.id, s.backlogged, now);
        }
        break;
      default: {
        const std::size_t want = pos < size ? data[pos++] + 1u : 0u;
        const std::size_t n = std::min(want, size - pos);
        const ByteView bytes(data + pos, n);
        pos += n;
        if (!s.id) s.id = broker.open(PeerInfo{"127.0.0.1:4000", "fuzz", ""}, now);
        watch_client_bytes(s, bytes);
        broker.receive(*s.id, bytes, now);
        break;
      }
    }
    const Counters& c = broker.counters();
    require(c.clients_connected <= c.connections, "more clients connected than connections open");
  }
  broker.flush();
  broker.shutdown(now);
  broker.flush();
  require(broker.counters().clients_connected == 0, "clients still connected after shutdown");
  return 0;
}
