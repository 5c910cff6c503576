// PUBLISH in both directions: checks on what a client sends, QoS 1/2
// acknowledgements, routing through the topic tree, in-flight windows and
// session queues.

#include <algorithm>

#include <fmt/format.h>

#include "broker/broker.hpp"

namespace mq::broker {

namespace {

bool over_topic_limits(std::string_view topic, const Config& config) {
  if (config.max_topic_length && topic.size() > config.max_topic_length) return true;
  if (config.max_topic_levels && count_levels(topic) > config.max_topic_levels) return true;
  return false;
}

}  // namespace

void Broker::on_publish(Connection& c, Publish& p, TimePoint now) {
  ++counters_.messages_received;
  Session& s = *c.session;
  const bool v5 = c.version == ProtocolVersion::v5;
  if (v5) {
    // A client must not send a Subscription Identifier [MQTT-3.3.4-6].
    if (find(p.properties, PropertyId::SubscriptionIdentifier))
      return disconnect(c, 0x82, true, now, why(c, "a client's PUBLISH has no Subscription Identifier"));
    if (p.qos > config_.maximum_qos)  // [MQTT-3.2.2-11]
      return disconnect(c, 0x9B, true, now,
                        why(c, fmt::format("QoS {} above Maximum QoS {}", p.qos, config_.maximum_qos)));
    if (p.retain && !config_.retain_available)  // [MQTT-3.2.2-14]
      return disconnect(c, 0x9A, true, now, why(c, "retained messages are not available"));
    if (const Property* alias = find(p.properties, PropertyId::TopicAlias)) {
      // Above our Topic Alias Maximum: Topic Alias invalid [MQTT-3.3.2-10].
      TopicAliases* in = c.aliases();
      if (!in || alias->number > in->in.size())
        return disconnect(c, 0x94, true, now,
                          why(c, fmt::format("Topic Alias {} above Topic Alias Maximum {}", alias->number,
                                             in ? in->in.size() : 0)));
      std::string& mapped = in->in[alias->number - 1];
      if (!p.topic.empty()) {
        mapped.assign(p.topic);
      } else if (mapped.empty()) {
        return disconnect(c, 0x82, true, now, why(c, fmt::format("Topic Alias {} was never set", alias->number)));
      } else {
        p.topic = mapped;
      }
    }
  } else if (p.retain && !config_.retain_available) {
    p.retain = false;
  }

  const std::uint8_t ack_type_qos = p.qos;
  auto acknowledge = [&](std::uint8_t reason, std::string_view reason_string = {}) {
    if (!reason_string.empty() && ack_type_qos > 0) {  // a refusal, rare: through append() to fit the client
      Properties props{Property{PropertyId::ReasonString, 0, {}, reason_string}};
      if (ack_type_qos == 1) append(c, Puback{p.packet_id, reason, props, {}});
      else append(c, Pubrec{p.packet_id, reason, props, {}});
      return;
    }
    if (ack_type_qos == 1) append_ack(c, PacketType::Puback, p.packet_id, reason);
    if (ack_type_qos == 2) append_ack(c, PacketType::Pubrec, p.packet_id, reason);
  };

  // Exactly once: a QoS 2 PUBLISH whose identifier awaits PUBREL was already
  // delivered; acknowledge it again and do nothing else [MQTT-4.3.3-10].
  if (p.qos == 2) {
    if (s.awaiting_pubrel.count(p.packet_id)) return acknowledge(0x00);
    if (s.awaiting_pubrel.size() >= config_.receive_maximum)  // [MQTT-3.3.4-9]
      return disconnect(c, 0x93, true, now,
                        why(c, fmt::format("more than Receive Maximum {} QoS 2 messages unacknowledged",
                                           config_.receive_maximum)));
  }

  std::uint8_t refused = 0;
  std::string refusal;  // the Reason String of a 5.0 refusal
  if (over_topic_limits(p.topic, config_)) {
    if (!v5) return disconnect(c, 0x90, true, now);
    refused = 0x90;  // Topic Name invalid
    refusal = "topic over the topic length or level limit";
  } else if (config_.max_payload_size && p.payload.size() > config_.max_payload_size) {
    refused = 0x97;  // Quota exceeded: a PUBACK/PUBREC cannot say Packet too large
    ++counters_.refused_payload_size;
    refusal = fmt::format("payload of {} bytes over message_size_limit {}", p.payload.size(), config_.max_payload_size);
  } else if (p.topic.starts_with("$SYS") || !auth_.may_publish(client_info(s), p.topic, p.qos, p.retain)) {
    refused = 0x87;  // Not authorized
    ++counters_.dropped_not_authorized;
    refusal = p.topic.starts_with("$SYS") ? "$SYS topics are the broker's" : "not authorized to publish to this topic";
  }
  if (refused) {
    // 3.x has no way to refuse; the message is acknowledged and dropped.
    return v5 ? acknowledge(refused, why(c, refusal)) : acknowledge(0x00);
  }
  MessageView m{p.topic, p.payload, &p.properties, p.qos, p.retain, std::nullopt};
  if (v5) {
    if (const Property* e = find(p.properties, PropertyId::MessageExpiryInterval))
      m.expires = expiry_at(now, e->number);
  }
  if (p.qos == 2) s.awaiting_pubrel.insert(p.packet_id);
  if (p.qos == 2 && !config_.behaviour.qos2_forward_on_publish) {
    // Forwarded by on_pubrel. PUBREC promises the message: it is journaled
    // with its receipt, so a restart before the PUBREL keeps it.
    MessagePtr held = Message::make(m);
    if (s.persisted) journal(IncomingHeld{s.client_id, p.packet_id, held});
    held_qos2_[{&s, p.packet_id}] = std::move(held);
    return acknowledge(0x00);
  }
  const std::size_t reached = accept_message(s, m, nullptr, now);
  // After the copies it made, as on_pubrel: a log cut between them (a torn
  // write) leaves no receipt without its message, which would make the
  // publisher's resent PUBLISH look delivered.
  if (p.qos == 2 && s.persisted) journal(IncomingReceived{s.client_id, p.packet_id});
  // 5.0 tells the publisher when nobody subscribed (0x10 No matching subscribers).
  const bool tell = p.qos == 1 || config_.behaviour.pubrec_no_subscribers;
  acknowledge(reached == 0 && v5 && tell ? 0x10 : 0x00);
}

std::size_t Broker::accept_message(Session& s, const MessageView& m, MessagePtr owned, TimePoint now) {
  if (m.retain) {
    if (!owned) owned = Message::make(m);
    const bool may_add = !config_.max_retained || retained_.size() < config_.max_retained;
    const auto change = retained_.set(m.topic, owned, may_add);
    journal_retained(m.topic, owned, change);
    if (change == RetainedStore::Change::Unchanged && !m.payload.empty()) ++counters_.retained_dropped;
    counters_.retained = retained_.size();
  }
  return route(m, &s, std::move(owned), now);
}

namespace {

/// The in-flight message of `s` that carries `packet_id`, or end(). An
/// identifier is in flight at most once, whatever the QoS.
auto find_inflight(Session& s, std::uint16_t packet_id) {
  return std::find_if(s.inflight.begin(), s.inflight.end(),
                      [&](const Outgoing& o) { return o.packet_id == packet_id; });
}

}  // namespace

// An acknowledgement of the wrong type for a message in flight (PUBACK for
// QoS 2, PUBREC or PUBCOMP for QoS 1, PUBCOMP before PUBREC) breaks the flow
// of [MQTT-4.3.2] / [MQTT-4.3.3]: a Protocol Error that closes the connection
// ([MQTT-4.8.0-1] at 3.1.1, 5.0 section 4.13: DISCONNECT 0x82). An identifier
// not in flight at all is ignored (or PUBREL 0x92), as before.

void Broker::on_puback(Connection& c, const Puback& a, TimePoint now) {
  Session& s = *c.session;
  auto it = find_inflight(s, a.packet_id);
  if (it == s.inflight.end()) return;  // unknown identifier: nothing to release
  if (it->qos != 1)
    return disconnect(c, 0x82, true, now,
                      why(c, fmt::format("PUBACK for a QoS 2 message (packet identifier {})", a.packet_id)));
  journal_done(s, *it);
  s.inflight.erase(it);
  pump(s, now);
}

void Broker::on_pubrec(Connection& c, const Pubrec& a, TimePoint now) {
  Session& s = *c.session;
  auto it = find_inflight(s, a.packet_id);
  if (it == s.inflight.end()) {
    append(c, Pubrel{a.packet_id, 0x92, {}, {}});  // Packet Identifier not found
    return;
  }
  if (it->qos != 2)
    return disconnect(c, 0x82, true, now,
                      why(c, fmt::format("PUBREC for a QoS 1 message (packet identifier {})", a.packet_id)));
  if (a.reason_code >= 0x80) {  // the receiver refused it: the flow ends here [MQTT-4.3.3-4]
    journal_done(s, *it);
    s.inflight.erase(it);
    pump(s, now);
    return;
  }
  it->released = true;
  it->message.reset();  // the message is no longer needed, only the identifier [MQTT-4.3.3-5]
  if (s.persisted) journal(OutgoingReleased{s.client_id, it->seq});
  // One still waiting to be sent again gets its PUBREL when its turn in
  // the window comes, so the messages sent stay within Receive Maximum.
  if (!it->unsent) append_ack(c, PacketType::Pubrel, a.packet_id, 0);
}

void Broker::on_pubrel(Connection& c, const Pubrel& a, TimePoint now) {
  Session& s = *c.session;
  const bool known = s.awaiting_pubrel.erase(a.packet_id) > 0;
  if (auto held = held_qos2_.find({&s, a.packet_id}); held != held_qos2_.end()) {
    MessagePtr message = std::move(held->second);
    held_qos2_.erase(held);
    accept_message(s, message->view(), message, now);
  }
  // After the copies it made: a log cut between them (a torn write) keeps
  // the held message for the PUBREL sent again, rather than losing it.
  if (known && s.persisted) journal(IncomingReleased{s.client_id, a.packet_id});
  append_ack(c, PacketType::Pubcomp, a.packet_id, known ? 0x00 : 0x92);
}

void Broker::on_pubcomp(Connection& c, const Pubcomp& a, TimePoint now) {
  Session& s = *c.session;
  auto it = find_inflight(s, a.packet_id);
  if (it == s.inflight.end()) return;
  if (!it->released)  // QoS 1, or QoS 2 before PUBREC
    return disconnect(c, 0x82, true, now,
                      why(c, fmt::format("PUBCOMP for a {} (packet identifier {})",
                                         it->qos == 1 ? "QoS 1 message" : "QoS 2 message before its PUBREC",
                                         a.packet_id)));
  journal_done(s, *it);
  s.inflight.erase(it);
  pump(s, now);
}

ClientInfo Broker::client_info(const Session& s) const {
  return ClientInfo{s.client_id, s.username ? std::optional<std::string_view>(*s.username) : std::nullopt,
                    s.cert_identity, s.listener ? std::string_view(*s.listener) : std::string_view()};
}

bool Broker::can_take(const Subscriber& sub, const MessageView& m, const Session* origin) {
  const Session& s = *sub.session;
  if (sub.options.no_local && &s == origin) return false;
  // A session restored from disk has no identity until its client is back;
  // its messages are checked as they leave (see may_leave).
  if (auth_.checks_reads() && s.listener && !auth_.may_receive(client_info(s), m.topic)) return false;
  if (const Connection* c = s.connection) {
    DeliveryFields f;
    f.qos = std::min<QoS>(m.qos, sub.options.qos);
    f.expiry_remaining = m.expires ? std::optional<std::uint32_t>(0) : std::nullopt;
    if (publish_size(m, f, c->version) > c->max_packet_out) return false;
  }
  return true;
}

Broker::Delivery& Broker::slot_for(Session* s) {
  if (s->route_stamp == route_stamp_) return deliveries_[s->route_slot];
  s->route_stamp = route_stamp_;
  s->route_slot = static_cast<std::uint32_t>(delivery_count_);
  return new_slot(s);
}

Broker::Delivery& Broker::new_slot(Session* s) {
  if (delivery_count_ == deliveries_.size()) deliveries_.emplace_back();
  Delivery& d = deliveries_[delivery_count_++];
  d.session = s;
  d.qos = 0;
  d.retain = false;
  d.ids.clear();
  return d;
}

std::size_t Broker::route(const MessageView& m, const Session* origin, MessagePtr owned, TimePoint now) {
  ++route_stamp_;
  delivery_count_ = 0;
  auto add = [&](Delivery& d, const Subscriber& sub) {
    d.qos = std::max<QoS>(d.qos, std::min<QoS>(m.qos, sub.options.qos));
    d.retain = d.retain || (sub.options.retain_as_published && m.retain);
    if (sub.options.identifier) d.ids.push_back(sub.options.identifier);
  };
  tree_.match(
      m.topic,
      [&](const Subscriber& sub) {
        if (sub.options.no_local && sub.session == origin) return;  // [MQTT-3.8.3-3]
        // One copy per session at the highest QoS of its matching non-shared
        // subscriptions, carrying every Subscription Identifier [MQTT-3.3.4-3] [MQTT-3.3.4-5].
        add(slot_for(sub.session), sub);
      },
      [&](SharedGroup& g) {
        // Round-robin over the members that can take the message and are
        // online; when none is, the first such member in turn gets it
        // (queued in its session). A member that cannot take it is passed
        // over, so the message is lost only when no member may have it.
        const std::size_t n = g.members.size();
        std::optional<std::size_t> online, offline;
        for (std::size_t i = 0; i < n && !online; ++i) {
          const std::size_t at = (g.next + i) % n;
          if (!can_take(g.members[at], m, origin)) continue;
          if (g.members[at].session->connection) online = at;
          else if (!offline) offline = at;
        }
        const auto pick = online ? online : offline;
        if (!pick) {
          ++counters_.dropped_not_authorized;
          return;
        }
        g.next = *pick + 1;
        // The copy of a shared subscription is a delivery of its own, never
        // merged with the session's other matches (5.0 section 4.8.2): its
        // QoS, retain flag and Subscription Identifier are this
        // subscription's alone [MQTT-3.3.4-3].
        add(new_slot(g.members[*pick].session), g.members[*pick]);
      });
  shared_encodings_.clear();
  shared_bytes_.clear();
  in_route_ = true;
  const std::size_t count = delivery_count_;
  for (std::size_t i = 0; i < count; ++i) {
    Delivery& d = deliveries_[i];
    deliver(*d.session, m, owned, d.qos, d.retain, d.ids, true, now);
  }
  in_route_ = false;
  return count;
}

void Broker::deliver(Session& s, const MessageView& m, MessagePtr& owned, QoS qos, bool retain,
                     std::span<const std::uint32_t> ids, bool shareable, TimePoint now) {
  // A session restored from disk does not know its client's listener (and
  // so the rules that apply) until the client is back: its messages are
  // queued unchecked and checked as they leave (may_leave).
  if (auth_.checks_reads() && s.listener && !auth_.may_receive(client_info(s), m.topic)) {
    ++counters_.dropped_not_authorized;
    return;
  }
  Connection* c = s.connection;
  if (c && c->backlogged) {
    if (qos == 0) {
      ++counters_.dropped_backlog;
      return;
    }
    if (!owned) owned = Message::make(m);
    enqueue(s, queued(s, Outgoing{owned, qos, retain, {ids.begin(), ids.end()}, 0, 0, false}));
    return;
  }
  if (c && qos == 0) {
    DeliveryFields f;
    f.retain = retain;
    f.subscription_ids = ids;
    f.expiry_remaining = seconds_left(m.expires, now);
    transmit(*c, m, f, shareable, now);
    return;
  }
  if (!c && qos == 0 && !config_.queue_qos0_offline) {
    ++counters_.dropped_qos0_offline;
    return;
  }
  if (!owned) owned = Message::make(m);
  Outgoing o{owned, qos, retain, {ids.begin(), ids.end()}, 0, 0, false};
  if (c && s.queue.empty() && s.inflight.size() < window(s)) {
    take_packet_id(s, o);
    DeliveryFields f;
    f.qos = qos;
    f.retain = retain;
    f.packet_id = o.packet_id;
    f.subscription_ids = ids;
    f.expiry_remaining = seconds_left(m.expires, now);
    if (transmit(*c, m, f, shareable, now)) {
      s.inflight.push_back(std::move(o));
      journal_added(s, s.inflight.back(), false);
    }
    return;
  }
  enqueue(s, queued(s, std::move(o)));
}

Outgoing&& Broker::queued(Session& s, Outgoing&& o) {
  // mosquitto numbers a message as it enters the session, whatever then
  // becomes of it (Behaviour::packet_id_when_queued).
  if (o.qos > 0 && config_.behaviour.packet_id_when_queued) take_packet_id(s, o);
  return std::move(o);
}

void Broker::take_packet_id(Session& s, Outgoing& o) {
  o.packet_id = next_packet_id(s);
  o.id_sequence = s.id_allocations;
}

bool Broker::transmit(Connection& c, const MessageView& m, DeliveryFields& f, bool shareable, TimePoint) {
  const bool v5 = c.version == ProtocolVersion::v5;
  const bool aliases = v5 && c.alias_max_out && config_.outgoing_topic_aliases;
  if (shareable && in_route_ && !aliases && f.subscription_ids.empty() && !f.dup) {
    // Same bytes for every subscriber at this level, QoS and retain flag:
    // encode once per route, copy, and patch the packet identifier.
    auto it = std::find_if(shared_encodings_.begin(), shared_encodings_.end(), [&](const SharedEncoding& e) {
      return e.v5 == v5 && e.qos == f.qos && e.retain == f.retain;
    });
    if (it == shared_encodings_.end()) {
      SharedEncoding e{v5, f.qos, f.retain, shared_bytes_.size(), 0};
      e.size = encode_publish(shared_bytes_, m, f, c.version);
      shared_encodings_.push_back(e);
      it = shared_encodings_.end() - 1;
    }
    if (it->size > c.max_packet_out) {
      ++counters_.dropped_too_large;  // [MQTT-3.1.2-24]
      return false;
    }
    const std::size_t start = c.out.size();
    const auto* src = shared_bytes_.data() + it->offset;
    c.out.insert(c.out.end(), src, src + it->size);
    if (f.qos > 0) {
      const std::size_t at = start + packet_id_offset(ByteView(c.out.data() + start, it->size));
      c.out[at] = static_cast<std::uint8_t>(f.packet_id >> 8);
      c.out[at + 1] = static_cast<std::uint8_t>(f.packet_id);
    }
    counters_.bytes_sent += it->size;
  } else {
    std::string_view topic = m.topic;
    bool new_alias = false;
    if (aliases) {
      // Aliases go to the first topics sent, up to the client's maximum and
      // max_alias_bytes_out of topic text, and are never remapped; later
      // topics are sent in full. The byte bound keeps many long topics from
      // costing each subscriber a copy of every one.
      TopicAliases& table = c.topic_aliases();
      auto& out = table.out;
      if (auto a = out.find(topic); a != out.end()) {
        f.topic_alias = a->second;
        f.alias_only = true;
      } else if (out.size() < c.alias_max_out && table.out_bytes + topic.size() <= config_.max_alias_bytes_out) {
        f.topic_alias = static_cast<std::uint16_t>(out.size() + 1);
        new_alias = true;
      }
    }
    const std::size_t size = publish_size(m, f, c.version);
    if (size > c.max_packet_out) {
      ++counters_.dropped_too_large;
      return false;
    }
    if (new_alias) {
      c.topic_aliases().out.emplace(std::string(topic), f.topic_alias);
      c.topic_aliases().out_bytes += topic.size();
    }
    encode_publish(c.out, m, f, c.version);
    counters_.bytes_sent += size;
  }
  ++counters_.messages_sent;
  mark_dirty(c);
  return true;
}

std::size_t Broker::window(const Session& s) const {
  std::size_t w = config_.max_inflight;
  if (s.connection && s.connection->version == ProtocolVersion::v5) w = std::min<std::size_t>(w, s.connection->receive_max_out);
  return w;
}

TimePoint Broker::expiry_at(TimePoint now, std::uint32_t seconds) const {
  TimePoint from = now;
  if (config_.behaviour.whole_second_expiry) {
    // mosquitto stores `time(NULL) + interval` and sends `expiry - time(NULL)`:
    // counting from the start of the wall-clock second, and rounding the
    // remainder up (seconds_left), gives the same figures.
    const auto wall = now.time_since_epoch() + wall_offset_;
    from = now - (wall - std::chrono::floor<std::chrono::seconds>(wall));
  }
  return from + std::chrono::seconds(seconds);
}

std::uint16_t Broker::next_packet_id(Session& s) {
  // Identifiers are taken in sequence; one can only still be in use if the
  // oldest holder (in flight, or queued when identifiers are taken on
  // queueing) took it 65535 or more identifiers ago, so only then are the
  // holders scanned.
  const bool queue_holds = config_.behaviour.packet_id_when_queued;
  auto holds = [](std::uint16_t id) { return [id](const Outgoing& o) { return o.packet_id == id; }; };
  while (true) {
    ++s.id_allocations;
    if (++s.last_packet_id == 0) s.last_packet_id = 1;
    const Outgoing* oldest = s.inflight.empty() ? nullptr : &s.inflight.front();
    if (!oldest && queue_holds) {
      auto q = std::find_if(s.queue.begin(), s.queue.end(), [](const Outgoing& o) { return o.packet_id != 0; });
      if (q != s.queue.end()) oldest = &*q;
    }
    if (!oldest || s.id_allocations - oldest->id_sequence < 65535) return s.last_packet_id;
    const std::uint16_t id = s.last_packet_id;
    if (std::none_of(s.inflight.begin(), s.inflight.end(), holds(id)) &&
        (!queue_holds || std::none_of(s.queue.begin(), s.queue.end(), holds(id))))
      return id;
  }
}

void Broker::enqueue(Session& s, Outgoing&& o) {
  const std::uint64_t cost = o.message->cost();
  auto full = [&] {
    return (config_.max_queued_messages && s.queue.size() >= config_.max_queued_messages) ||
           (config_.max_queued_bytes && s.queued_bytes + cost > config_.max_queued_bytes);
  };
  while (full()) {
    // Policy (see session.hpp): QoS 0 gives way first, the newest QoS 0 first.
    if (o.qos == 0) {
      ++counters_.dropped_queue_full;
      return;
    }
    auto victim = std::find_if(s.queue.begin(), s.queue.end(), [](const Outgoing& q) { return q.qos == 0; });
    if (victim == s.queue.end()) {
      ++counters_.dropped_queue_full;
      return;
    }
    s.queued_bytes -= victim->message->cost();
    journal_done(s, *victim);
    s.queue.erase(victim);
    --counters_.queued;
    ++counters_.dropped_queue_full;
  }
  s.queued_bytes += cost;
  s.queue.push_back(std::move(o));
  journal_added(s, s.queue.back(), true);
  ++counters_.queued;
}

void Broker::pump(Session& s, TimePoint now) {
  Connection* c = s.connection;
  if (!c || c->backlogged) return;
  if (!s.inflight.empty() && s.inflight.back().unsent) {
    // Messages in flight before the reconnection come first, as the window
    // opens; those now over the client's Maximum Packet Size are dropped.
    auto it = s.inflight.end();
    while (it != s.inflight.begin() && std::prev(it)->unsent) --it;
    auto sent = static_cast<std::size_t>(it - s.inflight.begin());
    while (it != s.inflight.end() && sent < window(s)) {
      if (send_inflight(s, *it, true, now)) {
        it->unsent = false;
        ++sent;
        ++it;
      } else {
        journal_done(s, *it);
        it = s.inflight.erase(it);
      }
    }
    if (it != s.inflight.end()) return;
  }
  while (!s.queue.empty()) {
    Outgoing& front = s.queue.front();
    if (front.qos > 0 && s.inflight.size() >= window(s)) break;
    Outgoing o = std::move(front);
    s.queue.pop_front();
    s.queued_bytes -= o.message->cost();
    --counters_.queued;
    if (o.message->expired(now)) {  // expired while queued: never sent
      ++counters_.dropped_expired;
      journal_done(s, o);
      continue;
    }
    if (!may_leave(s, o)) {
      journal_done(s, o);
      continue;
    }
    if (o.qos == 0) {
      journal_done(s, o);
      DeliveryFields f;
      f.retain = o.retain;
      f.subscription_ids = o.subscription_ids;
      f.expiry_remaining = seconds_left(o.message->expires(), now);
      transmit(*c, o.message->view(), f, false, now);
      continue;
    }
    if (!o.packet_id) take_packet_id(s, o);
    if (!send_inflight(s, o, false, now)) {
      journal_done(s, o);
      continue;
    }
    if (s.persisted) journal(OutgoingSent{s.client_id, o.seq, o.packet_id});
    s.inflight.push_back(std::move(o));
  }
}

bool Broker::may_leave(const Session& s, const Outgoing& o) {
  // A released QoS 2 message is only its identifier now (PUBREL).
  if (o.released || !auth_.checks_reads()) return true;
  if (auth_.may_receive(client_info(s), o.message->topic())) return true;
  ++counters_.dropped_not_authorized;
  return false;
}

bool Broker::send_inflight(Session& s, Outgoing& o, bool dup, TimePoint now) {
  Connection& c = *s.connection;
  if (o.released) {
    append_ack(c, PacketType::Pubrel, o.packet_id, 0);
    return true;
  }
  DeliveryFields f;
  f.qos = o.qos;
  f.retain = o.retain;
  f.dup = dup;
  f.packet_id = o.packet_id;
  f.subscription_ids = o.subscription_ids;
  f.expiry_remaining = seconds_left(o.message->expires(), now);
  return transmit(c, o.message->view(), f, false, now);
}

}  // namespace mq::broker
