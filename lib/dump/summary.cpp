#include "dump/summary.hpp"

#include <fmt/format.h>

namespace mq::dump {

namespace {

std::size_t side(Direction d) { return d == Direction::ToServer ? 0 : 1; }

/// Packets only a server sends, and packets only a client sends.
bool server_only(PacketType t) {
  return t == PacketType::Connack || t == PacketType::Suback || t == PacketType::Unsuback || t == PacketType::Pingresp;
}
bool client_only(PacketType t) {
  return t == PacketType::Connect || t == PacketType::Subscribe || t == PacketType::Unsubscribe ||
         t == PacketType::Pingreq;
}

/// The rule that forbids reusing a packet identifier still in use.
std::string_view id_reuse_rule(std::optional<ProtocolVersion> v) {
  return v == ProtocolVersion::v5 ? "MQTT-2.2.1-3" : "MQTT-2.3.1-2";
}

}  // namespace

void ConversationSummary::violation(const Conn& c, const ObservedPacket& p, std::string message, std::string rule) {
  std::string type = "?";
  if (!p.bytes.empty() && (p.bytes[0] >> 4) != 0) type = packet_type_name(static_cast<PacketType>(p.bytes[0] >> 4));
  violations_.push_back({p.connection, c.client_id, p.direction, c.packets, type, std::move(message), std::move(rule),
                         p.time_us});
}

void ConversationSummary::packet(const ObservedPacket& p) {
  last_time_ = std::max(last_time_, p.time_us);
  auto [it, fresh] = conns_.try_emplace(p.connection);
  Conn& c = it->second;
  if (fresh) {
    ++connections_seen_;
    c.client_id = fmt::format("(connection {})", p.connection);
  }
  ++c.packets;
  const Packet* packet = p.decoded && p.decoded->ok() ? &p.decoded->value() : nullptr;
  if (!packet) {
    const DecodeError& e = p.decoded ? p.decoded->error() : DecodeError{};
    violation(c, p, e.field.empty() ? e.message : fmt::format("{}: {}", e.field, e.message), e.rule);
  } else {
    track(c, p, *packet);
  }
  ClientCounts& counts = counts_of(c);
  const std::size_t d = side(p.direction);
  ++counts.packets[d];
  counts.bytes[d] += p.bytes.size();
  if (packet) ++counts.types[d][type_of(*packet)];
}

void ConversationSummary::track(Conn& c, const ObservedPacket& p, const Packet& packet) {
  const PacketType t = type_of(packet);
  const bool from_client = p.direction == Direction::ToServer;
  if (from_client && server_only(t)) violation(c, p, fmt::format("{} is sent only by a server", packet_type_name(t)), "");
  if (!from_client && client_only(t)) violation(c, p, fmt::format("{} is sent only by a client", packet_type_name(t)), "");
  if (from_client) {
    if (!c.connected && t != PacketType::Connect)
      violation(c, p, "the first packet from a client must be CONNECT", "MQTT-3.1.0-1");
    if (c.keep_alive > 0 && c.last_from_client > 0) {
      const std::int64_t gap = p.time_us - c.last_from_client;
      if (gap * 2 > std::int64_t{c.keep_alive} * 3'000'000)
        gaps_.push_back({p.connection, c.client_id, c.keep_alive, gap, p.time_us, false});
    }
    c.last_from_client = p.time_us;
  }
  auto& mine = c.waiting[side(p.direction)];  // exchanges this packet's sender started
  auto& theirs = c.waiting[1 - side(p.direction)];
  auto start = [&](std::uint16_t id, PacketType waiting_for, std::string topic, bool dup) {
    if (mine.contains(id) && !dup)
      violation(c, p, fmt::format("packet identifier {} is still in use", id), std::string(id_reuse_rule(c.version)));
    mine[id] = Waiting{t, waiting_for, std::move(topic), p.time_us};
  };
  // Moves an exchange the other side started on, or ends it.
  auto answer = [&](std::map<std::uint16_t, Waiting>& book, std::uint16_t id, PacketType expected,
                    std::optional<PacketType> next) {
    auto w = book.find(id);
    if (w == book.end() || w->second.waiting_for != expected) return;
    if (!next) {
      book.erase(w);
      return;
    }
    w->second.sent = t;
    w->second.waiting_for = *next;
    w->second.time_us = p.time_us;
  };
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Connect>) {
          if (c.connected) violation(c, p, "a second CONNECT on one connection", "MQTT-3.1.0-2");
          c.connected = true;
          c.version = x.version;
          c.keep_alive = x.keep_alive;
          c.connack = Waiting{t, PacketType::Connack, {}, p.time_us};
          if (!x.client_id.empty()) {
            const std::string id(x.client_id);
            for (auto& [other_id, other] : conns_)
              if (other_id != p.connection && other.connected && other.client_id == id)
                takeovers_.push_back({id, other_id, p.connection, p.time_us});
            c.client_id = id;
          }
          ++counts_of(c).connections;
        } else if constexpr (std::is_same_v<T, Connack>) {
          c.connack.reset();
          if (const Property* ka = find(x.properties, PropertyId::ServerKeepAlive))
            c.keep_alive = static_cast<std::uint16_t>(ka->number);
          if (const Property* assigned = find(x.properties, PropertyId::AssignedClientIdentifier)) {
            // Counts so far move to the id the broker gave.
            auto node = clients_.extract(c.client_id);
            c.client_id = std::string(assigned->value);
            if (!node.empty()) clients_[c.client_id] = node.mapped();
          }
        } else if constexpr (std::is_same_v<T, Publish>) {
          if (x.qos > 0)
            start(x.packet_id, x.qos == 1 ? PacketType::Puback : PacketType::Pubrec, std::string(x.topic), x.dup);
        } else if constexpr (std::is_same_v<T, Puback>) {
          answer(theirs, x.packet_id, PacketType::Puback, std::nullopt);
        } else if constexpr (std::is_same_v<T, Pubrec>) {
          // A failed PUBREC (5.0, reason >= 0x80) ends the exchange.
          answer(theirs, x.packet_id, PacketType::Pubrec,
                 x.reason_code >= 0x80 ? std::nullopt : std::optional<PacketType>(PacketType::Pubrel));
        } else if constexpr (std::is_same_v<T, Pubrel>) {
          answer(mine, x.packet_id, PacketType::Pubrel, PacketType::Pubcomp);
        } else if constexpr (std::is_same_v<T, Pubcomp>) {
          answer(theirs, x.packet_id, PacketType::Pubcomp, std::nullopt);
        } else if constexpr (std::is_same_v<T, Subscribe>) {
          start(x.packet_id, PacketType::Suback, {}, false);
        } else if constexpr (std::is_same_v<T, Suback>) {
          answer(theirs, x.packet_id, PacketType::Suback, std::nullopt);
        } else if constexpr (std::is_same_v<T, Unsubscribe>) {
          start(x.packet_id, PacketType::Unsuback, {}, false);
        } else if constexpr (std::is_same_v<T, Unsuback>) {
          answer(theirs, x.packet_id, PacketType::Unsuback, std::nullopt);
        }
      },
      packet);
}

void ConversationSummary::close_conn(std::uint64_t id, Conn& c, std::int64_t time_us, bool ended) {
  if (c.keep_alive > 0 && c.last_from_client > 0) {
    const std::int64_t gap = time_us - c.last_from_client;
    if (gap * 2 > std::int64_t{c.keep_alive} * 3'000'000)
      gaps_.push_back({id, c.client_id, c.keep_alive, gap, time_us, ended});
  }
  if (c.connack)
    open_.push_back({id, c.client_id, Direction::ToServer, PacketType::Connect, PacketType::Connack, 0, {},
                     c.connack->time_us});
  for (Direction d : {Direction::ToServer, Direction::ToClient})
    for (const auto& [pid, w] : c.waiting[side(d)]) {
      // The packet that waits was sent by the starter (PUBLISH, PUBREL) or
      // by the other side (PUBREC).
      const bool by_starter = w.sent != PacketType::Pubrec;
      const Direction sent_in = by_starter ? d : (d == Direction::ToServer ? Direction::ToClient : Direction::ToServer);
      open_.push_back({id, c.client_id, sent_in, w.sent, w.waiting_for, pid, w.topic, w.time_us});
    }
}

void ConversationSummary::connection_end(const ConnectionEnd& end) {
  last_time_ = std::max(last_time_, end.time_us);
  auto it = conns_.find(end.connection);
  if (it == conns_.end()) return;
  close_conn(end.connection, it->second, end.time_us, true);
  conns_.erase(it);
}

void ConversationSummary::finish(std::int64_t time_us) {
  if (finished_) return;
  finished_ = true;
  if (time_us == 0) time_us = last_time_;
  for (auto& [id, c] : conns_) close_conn(id, c, time_us, false);
  conns_.clear();
}

}  // namespace mq::dump
