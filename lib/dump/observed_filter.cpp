#include "dump/observed_filter.hpp"

#include <algorithm>

#include "codec/rules.hpp"

namespace mq::dump {

namespace {

std::size_t side(Direction d) { return d == Direction::ToServer ? 0 : 1; }
Direction other(Direction d) { return d == Direction::ToServer ? Direction::ToClient : Direction::ToServer; }

/// The packet type from the first byte, for packets that did not decode.
PacketType raw_type(const ObservedPacket& p) {
  return p.bytes.empty() ? PacketType{} : static_cast<PacketType>(p.bytes[0] >> 4);
}

}  // namespace

ObservedFilter::ObservedFilter(ObservedFilterOptions options, PacketObserver& next)
    : options_(std::move(options)), next_(next) {}

bool ObservedFilter::client_matches(const Conn& c) const {
  if (options_.client_ids.empty()) return true;
  return c.known && std::find(options_.client_ids.begin(), options_.client_ids.end(), c.client_id) !=
                        options_.client_ids.end();
}

bool ObservedFilter::type_matches(const Packet* packet, const ObservedPacket& p) const {
  if (options_.types.empty()) return true;
  const PacketType t = packet ? type_of(*packet) : raw_type(p);
  return std::find(options_.types.begin(), options_.types.end(), t) != options_.types.end();
}

bool ObservedFilter::topic_matches(Conn& c, const Packet* packet, const ObservedPacket& p) const {
  if (options_.topics.empty()) return true;
  if (!packet) return false;
  auto any = [&](std::string_view name) {
    return std::any_of(options_.topics.begin(), options_.topics.end(), [&](const std::string& f) {
      // A subscription filter matches when it is equal to one asked for or
      // when it would receive a topic the asked-for filter names exactly.
      return f == name || mq::topic_matches(f, name) || mq::topic_matches(name, f);
    });
  };
  auto& mine = c.shown_ids[side(p.direction)];
  auto& theirs = c.shown_ids[side(other(p.direction))];
  if (const auto* pub = std::get_if<Publish>(packet)) {
    if (!any(pub->topic)) return false;
    if (pub->qos > 0) mine.insert(pub->packet_id);
    return true;
  }
  if (const auto* sub = std::get_if<Subscribe>(packet)) {
    const bool hit = std::any_of(sub->subscriptions.begin(), sub->subscriptions.end(),
                                 [&](const Subscription& s) { return any(s.filter); });
    if (hit) mine.insert(sub->packet_id);
    return hit;
  }
  if (const auto* unsub = std::get_if<Unsubscribe>(packet)) {
    const bool hit = std::any_of(unsub->filters.begin(), unsub->filters.end(), any);
    if (hit) mine.insert(unsub->packet_id);
    return hit;
  }
  // Acknowledgements follow the packet they answer: PUBACK, PUBREC, SUBACK
  // and UNSUBACK come from the other side; PUBREL from the sender; PUBCOMP
  // (and PUBACK) close the exchange.
  auto id_of = [](const Packet& pk) -> std::optional<std::uint16_t> {
    return std::visit(
        [](const auto& x) -> std::optional<std::uint16_t> {
          if constexpr (requires { x.packet_id; }) return x.packet_id;
          else return std::nullopt;
        },
        pk);
  };
  const auto id = id_of(*packet);
  if (!id) return false;
  switch (type_of(*packet)) {
    case PacketType::Pubrel:
      return mine.contains(*id);
    case PacketType::Pubrec:
      return theirs.contains(*id);
    case PacketType::Puback:
    case PacketType::Pubcomp:
    case PacketType::Suback:
    case PacketType::Unsuback:
      return theirs.erase(*id) > 0;
    default:
      return false;
  }
}

void ObservedFilter::packet(const ObservedPacket& p) {
  Conn& c = conns_[p.connection];
  const Packet* packet = p.decoded && p.decoded->ok() ? &p.decoded->value() : nullptr;
  if (packet && p.direction == Direction::ToServer)
    if (const auto* connect = std::get_if<Connect>(packet)) {
      c.client_id = std::string(connect->client_id);
      c.known = true;
    }
  if (client_matches(c) && topic_matches(c, packet, p) && type_matches(packet, p)) next_.packet(p);
}

void ObservedFilter::connection_start(const ConnectionStart& start) {
  if (options_.client_ids.empty()) next_.connection_start(start);
}

void ObservedFilter::connection_end(const ConnectionEnd& end) {
  auto it = conns_.find(end.connection);
  if (it == conns_.end() || client_matches(it->second)) next_.connection_end(end);
  if (it != conns_.end()) conns_.erase(it);
}

}  // namespace mq::dump
