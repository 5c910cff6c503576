// Outgoing PUBLISH: local checks, the in-flight window and its queue, the
// QoS 1 and QoS 2 acknowledgement flows, retransmission on resumption.

#include <fmt/format.h>

#include <algorithm>

#include "client/session.hpp"
#include "codec/encode.hpp"
#include "codec/validate.hpp"

namespace mq::client {

namespace {

/// The PUBLISH for `m` as views into it (no alias, no DUP).
void fill_publish(Publish& p, const Message& m, std::uint16_t packet_id) {
  p.qos = m.qos;
  p.retain = m.retain;
  p.topic = m.topic;
  p.packet_id = m.qos > 0 ? packet_id : 0;
  p.payload = as_bytes(m.payload);
  m.properties.append_views(p.properties);
}

}  // namespace

std::optional<ClientError> ClientSession::check_message(const Message& m) const {
  if (m.qos > 2) return ClientError{ClientErrorCode::InvalidRequest, fmt::format("QoS {} does not exist", m.qos)};
  if (m.properties.find(PropertyId::TopicAlias))
    return ClientError{ClientErrorCode::InvalidRequest,
                       "Topic Alias is assigned by the session (see the topic alias policy), not per message"};
  if (m.properties.find(PropertyId::SubscriptionIdentifier))
    return ClientError{ClientErrorCode::InvalidRequest,
                       "a PUBLISH from a client must not carry a Subscription Identifier [MQTT-3.3.4-6]"};
  Packet packet{std::in_place_type<Publish>};
  fill_publish(std::get<Publish>(packet), m, 1);
  if (auto bad = validate(packet, config_.version))
    return ClientError{ClientErrorCode::InvalidRequest, "invalid PUBLISH: " + to_string(*bad)};
  return std::nullopt;
}

std::optional<ClientError> ClientSession::check_server_limits(const Message& m) const {
  if (m.qos > limits_.maximum_qos)
    return ClientError{ClientErrorCode::QoSNotSupported,
                       fmt::format("QoS {} exceeds the server's Maximum QoS of {} [MQTT-3.2.2-11]", m.qos,
                                   limits_.maximum_qos)};
  if (m.retain && !limits_.retain_available)
    return ClientError{ClientErrorCode::RetainNotSupported,
                       "the server does not support retained messages (Retain Available is 0) [MQTT-3.2.2-14]"};
  if (limits_.maximum_packet_size) {
    Packet packet{std::in_place_type<Publish>};
    fill_publish(std::get<Publish>(packet), m, 1);
    const std::size_t size = encoded_size(packet, config_.version);
    if (size > limits_.maximum_packet_size)
      return ClientError{ClientErrorCode::PacketTooLarge,
                         fmt::format("PUBLISH of {} bytes exceeds the server's Maximum Packet Size of {} bytes "
                                     "[MQTT-3.2.2-15]",
                                     size, limits_.maximum_packet_size)};
  }
  return std::nullopt;
}

Submitted ClientSession::publish(Message message, TimePoint now) {
  if (auto bad = check_message(message)) return {0, std::move(bad)};
  if (state_ == State::Connected)
    if (auto bad = check_server_limits(message)) return {0, std::move(bad)};
  const std::uint64_t token = ++next_token_;
  queue_.push_back({token, std::move(message)});
  pump(now);
  return {token, std::nullopt};
}

void ClientSession::send_publish(const Message& m, std::uint16_t packet_id, bool dup, bool use_alias, TimePoint now) {
  Packet packet{std::in_place_type<Publish>};
  Publish& p = std::get<Publish>(packet);
  fill_publish(p, m, packet_id);
  p.dup = dup;
  if (use_alias && v5() && config_.topic_aliases == TopicAliasPolicy::Automatic) {
    const auto use = aliases_out_.use(m.topic);
    if (use.alias) {
      p.properties.push_back({PropertyId::TopicAlias, use.alias, {}, {}});
      if (!use.send_topic) p.topic = {};
    }
  }
  emit(packet, now);
}

void ClientSession::pump(TimePoint now) {
  if (state_ != State::Connected) return;
  // One FIFO for every QoS keeps the caller's order; a QoS 0 message behind
  // a full window waits with the rest.
  while (!queue_.empty()) {
    Queued& q = queue_.front();
    if (auto bad = check_server_limits(q.message)) {
      // Accepted before CONNACK told us the limits.
      PublishCompleted done;
      done.token = q.token;
      done.qos = q.message.qos;
      done.error = std::move(bad);
      events_.push_back(std::move(done));
      queue_.pop_front();
      continue;
    }
    if (q.message.qos == 0) {
      send_publish(q.message, 0, false, true, now);
      PublishCompleted done;
      done.token = q.token;
      events_.push_back(std::move(done));
      queue_.pop_front();
      continue;
    }
    if (inflight_.size() >= window()) return;
    const auto id = ids_.allocate();
    if (!id) return;  // every identifier is in use; an acknowledgement frees one
    send_publish(q.message, *id, false, true, now);
    inflight_.emplace(*id, Outgoing{q.token, std::move(q.message), false});
    queue_.pop_front();
  }
}

void ClientSession::complete(std::uint16_t packet_id, std::uint8_t reason, const Properties& props) {
  auto it = inflight_.find(packet_id);
  PublishCompleted done;
  done.token = it->second.token;
  done.packet_id = packet_id;
  done.qos = it->second.message.qos;
  done.reason_code = reason;
  if (const Property* rs = find(props, PropertyId::ReasonString)) done.reason_string = std::string(rs->value);
  done.properties = OwnedProperties(props);
  events_.push_back(std::move(done));
  inflight_.erase(it);
  ids_.release(packet_id);
}

void ClientSession::on_puback(const Puback& a, TimePoint now) {
  auto it = inflight_.find(a.packet_id);
  if (it == inflight_.end() || it->second.message.qos != 1)
    return violation(0x82, "packet identifier",
                     fmt::format("PUBACK for packet identifier {}, which is not a QoS 1 PUBLISH in flight", a.packet_id),
                     "", now);
  complete(a.packet_id, a.reason_code, a.properties);
  pump(now);
}

void ClientSession::on_pubrec(const Pubrec& a, TimePoint now) {
  auto it = inflight_.find(a.packet_id);
  if (it == inflight_.end() || it->second.message.qos != 2)
    return violation(0x82, "packet identifier",
                     fmt::format("PUBREC for packet identifier {}, which is not a QoS 2 PUBLISH in flight", a.packet_id),
                     "", now);
  if (a.reason_code >= 0x80) {
    // A failure reason ends the flow: no PUBREL, the identifier is free again.
    complete(a.packet_id, a.reason_code, a.properties);
    pump(now);
    return;
  }
  it->second.released = true;  // a repeated PUBREC is answered with PUBREL again
  Packet rel{std::in_place_type<Pubrel>};
  std::get<Pubrel>(rel).packet_id = a.packet_id;
  emit(rel, now);
}

void ClientSession::on_pubcomp(const Pubcomp& a, TimePoint now) {
  auto it = inflight_.find(a.packet_id);
  if (it == inflight_.end() || !it->second.released)
    return violation(0x82, "packet identifier",
                     fmt::format("PUBCOMP for packet identifier {}, which is not awaiting PUBCOMP", a.packet_id), "",
                     now);
  complete(a.packet_id, a.reason_code, a.properties);
  pump(now);
}

void ClientSession::retransmit(TimePoint now) {
  // In the order the messages were first sent [MQTT-4.4.0-1]: PUBLISH with
  // DUP set for those not yet acknowledged, PUBREL for those past PUBREC.
  std::vector<std::pair<std::uint64_t, std::uint16_t>> order;
  order.reserve(inflight_.size());
  for (const auto& [id, o] : inflight_) order.emplace_back(o.token, id);
  std::sort(order.begin(), order.end());
  for (const auto& [token, id] : order) {
    const Outgoing& o = inflight_.at(id);
    if (o.released) {
      Packet rel{std::in_place_type<Pubrel>};
      std::get<Pubrel>(rel).packet_id = id;
      emit(rel, now);
    } else {
      // Aliases belong to the old connection, so the full topic goes out.
      send_publish(o.message, id, true, false, now);
    }
  }
}

}  // namespace mq::client
