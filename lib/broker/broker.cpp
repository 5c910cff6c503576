#include "broker/broker.hpp"

#include <random>

#include <fmt/format.h>

#include "broker/diagnostics.hpp"
#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/varint.hpp"
#include "codec/writer.hpp"

namespace mq::broker {
namespace {
/// Pending output of at most this many bytes is freed after a flush rather
/// than kept for the next round (see Broker::flush).
constexpr std::size_t kKeepOutputAbove = 256;
}  // namespace

Broker::Broker(Config config, Output& output, Authorizer* auth, TimePoint now)
    : config_(config),
      output_(output),
      default_auth_(auth ? nullptr : std::make_unique<AllowAll>(config.allow_anonymous)),
      auth_(auth ? *auth : *default_auth_),
      started_(now) {
  // Assigned client identifiers mix a counter with a per-broker salt so that
  // they cannot be guessed to take over someone else's session.
  std::random_device rd;
  id_salt_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  if (config_.max_inflight == 0) config_.max_inflight = 1;
  if (config_.receive_maximum == 0) config_.receive_maximum = 1;
  if (config_.maximum_qos > 2) config_.maximum_qos = 2;
  // The subscription tree and the retained store walk topics level by
  // level, recursively: a ceiling on levels bounds the stack they use.
  if (config_.max_topic_levels == 0 || config_.max_topic_levels > kTopicLevelCeiling)
    config_.max_topic_levels = kTopicLevelCeiling;
  if (config_.sys_interval) schedule(TimerKind::Sys, now);
}

Broker::~Broker() = default;

std::uint64_t Broker::uptime(TimePoint now) const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
}

std::optional<std::string_view> Broker::client_id(ConnectionId id) const {
  const Connection* c = connections_.find(id);
  if (!c || !c->session) return std::nullopt;
  return std::string_view(c->session->client_id);
}

ConnectionId Broker::open(PeerInfo peer, TimePoint now) {
  Connection& c = connections_.add(config_.max_packet_size);
  const ConnectionId id = c.id;
  c.peer = std::make_unique<PeerInfo>(std::move(peer));
  c.last_packet = now;
  c.over_limit = c.peer->over_limit || counters_.connections >= config_.max_connections;
  ++counters_.connections;
  awaiting_connect_.push_back({now + std::chrono::seconds(config_.connect_timeout), id});
  return id;
}

void Broker::receive(ConnectionId id, ByteView bytes, TimePoint now) {
  Connection* found = connections_.find(id);
  if (!found) return;
  Connection& c = *found;
  if (c.state == Connection::State::Closing) return;
  const bool awaiting = c.state == Connection::State::AwaitConnect;
  counters_.bytes_received += bytes.size();
  c.framer.feed(bytes);
  while (c.state != Connection::State::Closing) {
    const Framer::Frame f = c.framer.next();
    if (f.status == Framer::Status::NeedMore) break;
    if (f.status == Framer::Status::Error) {
      if (f.error.kind == ErrorKind::TooLarge) {
        disconnect(c, 0x95, true, now,
                   why(c, fmt::format("packet larger than Maximum Packet Size {}", config_.max_packet_size)));
      } else {
        decode_failed(c, f.error, now);
      }
      break;
    }
    c.last_packet = now;
    handle_frame(c, f, now);
  }
  if (awaiting && c.state != Connection::State::AwaitConnect) {
    c.peer.reset();  // CONNECT was handled: the peer details are in the session now
    check_connect_timeouts(std::nullopt);
  }
}

void Broker::handle_frame(Connection& c, const Framer::Frame& f, TimePoint now) {
  if (c.state == Connection::State::AwaitConnect) {
    if (c.auth() && c.auth()->deferred) {
      hold_frame(c, f, now);  // CONNECT came; its password is being checked
    } else if (c.auth()) {
      on_exchange_frame(c, f, now);  // CONNECT came; its authentication is under way
    } else {
      on_connect_bytes(c, f, now);
    }
    return;
  }
  auto decoded = decode_body(f.header, f.body, c.version);
  if (!decoded) {
    decode_failed(c, decoded.error(), now);
    return;
  }
  dispatch(c, *decoded, now);
}

void Broker::dispatch(Connection& c, Packet& p, TimePoint now) {
  switch (type_of(p)) {
    case PacketType::Publish: on_publish(c, std::get<Publish>(p), now); break;
    case PacketType::Puback: on_puback(c, std::get<Puback>(p), now); break;
    case PacketType::Pubrec: on_pubrec(c, std::get<Pubrec>(p), now); break;
    case PacketType::Pubrel: on_pubrel(c, std::get<Pubrel>(p)); break;
    case PacketType::Pubcomp: on_pubcomp(c, std::get<Pubcomp>(p), now); break;
    case PacketType::Subscribe: on_subscribe(c, std::get<Subscribe>(p), now); break;
    case PacketType::Unsubscribe: on_unsubscribe(c, std::get<Unsubscribe>(p)); break;
    case PacketType::Pingreq: append(c, Pingresp{}); break;
    case PacketType::Disconnect: {
      const auto& d = std::get<Disconnect>(p);
      Session& s = *c.session;
      if (const Property* e = find(d.properties, PropertyId::SessionExpiryInterval)) {
        // Setting a non-zero expiry when CONNECT had none is a Protocol Error [MQTT-3.14.2-2].
        if (s.expiry_interval == 0 && e->number != 0) {
          disconnect(c, 0x82, true, now, why(c, "Session Expiry Interval set by DISCONNECT after CONNECT gave 0"));
          return;
        }
        s.expiry_interval = std::min(e->number, config_.max_session_expiry);
        journal_session(s);
      }
      // Only 0x04 (Disconnect with Will Message) keeps the will [MQTT-3.1.2-10].
      close_connection(c, d.reason_code == 0x04, now);
      break;
    }
    case PacketType::Auth: on_auth(c, std::get<Auth>(p), now); break;
    case PacketType::Connect:  // a second CONNECT [MQTT-3.1.0-2]
      disconnect(c, 0x82, true, now, why(c, "a second CONNECT"));
      break;
    default:  // packets only a server sends
      disconnect(c, 0x82, true, now,
                 why(c, fmt::format("{} is sent only by a server", packet_type_name(type_of(p)))));
      break;
  }
}

void Broker::decode_failed(Connection& c, const DecodeError& e, TimePoint now) {
  disconnect(c, e.kind == ErrorKind::ProtocolError ? 0x82 : 0x81, true, now, why(c, to_string(e)));
}

void Broker::mark_dirty(Connection& c) {
  if (c.dirty) return;
  c.dirty = true;
  dirty_.push_back(c.id);
}

void Broker::append(Connection& c, const Packet& p) {
  // A 5.0 client's wishes: no diagnostics when it asked for no problem
  // information, nothing over its Maximum Packet Size. Checked only when it
  // stated either, so the common case costs nothing.
  if (c.version == ProtocolVersion::v5 && (!c.problem_info || c.max_packet_out < kVarIntMax)) {
    if ((!c.problem_info && has_diagnostics(p)) || encoded_size(p, c.version) > c.max_packet_out) {
      Packet fitted = p;
      // Still too large without its diagnostics: not sent at all [MQTT-3.1.2-24].
      if (fit_diagnostics(fitted, c.max_packet_out, c.problem_info) > c.max_packet_out) {
        ++counters_.packets_too_large;
        return;
      }
      return write(c, fitted);
    }
  }
  write(c, p);
}

void Broker::write(Connection& c, const Packet& p) {
  const std::size_t before = c.out.size();
  encode(p, c.version, c.out);
  counters_.bytes_sent += c.out.size() - before;
  mark_dirty(c);
}

void Broker::append_ack(Connection& c, PacketType type, std::uint16_t packet_id, std::uint8_t reason) {
  // The acknowledgements of the hot path, written without building a Packet.
  // A success code is omitted (remaining length 2), as 5.0 allows [MQTT-3.4.2-1].
  const bool with_reason = reason != 0 && c.version == ProtocolVersion::v5;
  Writer w(c.out);
  w.u8(static_cast<std::uint8_t>(static_cast<unsigned>(type) << 4 | required_flags(type)));
  w.u8(with_reason ? 3 : 2);
  w.u16(packet_id);
  if (with_reason) w.u8(reason);
  counters_.bytes_sent += with_reason ? 5 : 4;
  mark_dirty(c);
}

void Broker::disconnect(Connection& c, std::uint8_t reason, bool with_will, TimePoint now, std::string_view why) {
  if (c.state == Connection::State::Active && c.version == ProtocolVersion::v5) {
    Disconnect d{reason, {}, {}};
    if (!why.empty()) d.properties.push_back(Property{PropertyId::ReasonString, 0, {}, why});
    append(c, d);  // without the Reason String if it does not fit
  }
  close_connection(c, with_will, now);
}

void Broker::close_connection(Connection& c, bool with_will, TimePoint now) {
  if (c.state == Connection::State::Closing) return;
  if (c.state == Connection::State::AwaitConnect) ++counters_.connections_refused;
  detach(c, with_will, now);
  c.state = Connection::State::Closing;
  closing_.push_back(c.id);
}

void Broker::detach(Connection& c, bool with_will, TimePoint now) {
  Session* s = c.session;
  if (!s) return;
  c.session = nullptr;
  s->connection = nullptr;
  --counters_.clients_connected;
  if (s->will) {
    if (!with_will) {
      s->will.reset();
    } else if (s->will->delay == 0 || s->expiry_interval == 0) {
      publish_will(*s, now);
    } else {
      // Published when the delay passes or the session ends, whichever is first.
      s->will_at = now + std::chrono::seconds(s->will->delay);
      schedule(TimerKind::WillDelay, *s->will_at, s->client_id.str());
    }
  }
  if (s->expiry_interval == 0) {
    end_session(*s, now);
  } else if (s->expiry_interval != 0xFFFF'FFFF) {
    s->expires_at = now + std::chrono::seconds(s->expiry_interval);
    schedule(TimerKind::SessionExpiry, *s->expires_at, s->client_id.str());
  }
}

void Broker::set_backlogged(ConnectionId id, bool backlogged, TimePoint now) {
  Connection* found = connections_.find(id);
  if (!found) return;
  Connection& c = *found;
  c.backlogged = backlogged;
  if (!backlogged && c.session) pump(*c.session, now);
}

void Broker::closed(ConnectionId id, TimePoint now) {
  Connection* found = connections_.find(id);
  if (!found) return;
  Connection& c = *found;
  if (c.state != Connection::State::Closing) {
    if (c.state == Connection::State::AwaitConnect) ++counters_.connections_refused;
    detach(c, true, now);  // an unexpected drop publishes the will
  }
  // A pending close request for it is now moot; flush() skips unknown ids
  // (and ids of a later connection in the same slot are different ids).
  connections_.erase(c);
  --counters_.connections;
  check_connect_timeouts(std::nullopt);
}

void Broker::flush() {
  for (ConnectionId id : dirty_) {
    Connection* found = connections_.find(id);
    if (!found) continue;
    Connection& c = *found;
    c.dirty = false;
    if (c.out.empty()) continue;
    output_.send(id, c.out);
    // A busy connection keeps its buffer for the next round; one that only
    // got an acknowledgement or two (CONNACK, PINGRESP) gives it back.
    if (c.out.size() <= kKeepOutputAbove) std::vector<std::uint8_t>().swap(c.out);
    else c.out.clear();
  }
  dirty_.clear();
  for (ConnectionId id : closing_) {
    Connection* c = connections_.find(id);
    if (!c) continue;
    output_.close(id);
    connections_.erase(*c);
    --counters_.connections;
  }
  closing_.clear();
}

void Broker::shutdown(TimePoint now) {
  connections_.for_each([&](Connection& c) {
    if (c.state == Connection::State::Closing) return;
    if (c.state == Connection::State::Active && c.version == ProtocolVersion::v5) append(c, Disconnect{0x8B, {}, {}});
    close_connection(c, false, now);
  });
}

std::optional<TimePoint> Broker::next_deadline() const {
  std::optional<TimePoint> next;
  if (!timers_.empty()) next = timers_.top().at;
  if (!keep_alive_checks_.empty() && (!next || keep_alive_checks_.top().at < *next)) next = keep_alive_checks_.top().at;
  if (!awaiting_connect_.empty() && (!next || awaiting_connect_.front().deadline < *next))
    next = awaiting_connect_.front().deadline;
  return next;
}

void Broker::check_connect_timeouts(std::optional<TimePoint> now) {
  while (!awaiting_connect_.empty()) {
    const AwaitingConnect a = awaiting_connect_.front();
    Connection* c = connections_.find(a.id);
    const bool waiting = c && c->state == Connection::State::AwaitConnect;
    if (waiting && (!now || a.deadline > *now)) break;
    awaiting_connect_.pop_front();
    if (waiting) close_connection(*c, false, *now);
  }
}

void Broker::schedule(TimerKind kind, TimePoint at, std::string client_id) {
  timers_.push(Timer{at, kind, std::move(client_id)});
}

void Broker::tick(TimePoint now) {
  check_connect_timeouts(now);
  // The two queues run as one, in deadline order.
  while (true) {
    const bool timer_due = !timers_.empty() && timers_.top().at <= now;
    const bool check_due = !keep_alive_checks_.empty() && keep_alive_checks_.top().at <= now;
    if (check_due && (!timer_due || keep_alive_checks_.top().at <= timers_.top().at)) {
      const KeepAliveCheck k = keep_alive_checks_.top();
      keep_alive_checks_.pop();
      on_keep_alive_check(k, now);
    } else if (timer_due) {
      Timer t = timers_.top();
      timers_.pop();
      on_timer(t, now);
    } else {
      break;
    }
  }
}

}  // namespace mq::broker
