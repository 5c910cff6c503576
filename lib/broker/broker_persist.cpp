// Persistence on the core's side: journaling changes, rebuilding state from
// records read back from disk, and writing the whole state as a snapshot.

#include <algorithm>

#include "broker/broker.hpp"
#include "codec/rules.hpp"

namespace mq::broker {

namespace {

/// The filter and group a full filter is stored under in the topic tree.
std::pair<std::string_view, std::string_view> tree_key(std::string_view full) {
  const auto shared = parse_shared(full);
  if (!shared) return {full, {}};
  return {shared->filter, shared->group};
}

/// The record that restores outgoing message `o` of `s`.
OutgoingAdd added_record(const Session& s, const Outgoing& o, bool queued) {
  // A record with a packet identifier is one in flight: a queued message
  // numbered early (Behaviour::packet_id_when_queued) is saved without its
  // identifier and numbered again when sent after a restart.
  return OutgoingAdd{s.client_id, o.seq,   o.qos, o.retain, o.released, queued ? std::uint16_t{0} : o.packet_id,
                     o.subscription_ids, o.message};
}

template <typename List>
auto find_seq(List& list, std::uint64_t seq) {
  return std::find_if(list.begin(), list.end(), [seq](const Outgoing& o) { return o.seq == seq; });
}

}  // namespace

void Broker::journal_retained(std::string_view topic, const MessagePtr& m, RetainedStore::Change change) {
  if (!journal_) return;
  if (change == RetainedStore::Change::Added || change == RetainedStore::Change::Replaced) journal(RetainSet{m});
  if (change == RetainedStore::Change::Deleted) journal(RetainDelete{topic});
}

void Broker::journal_session(Session& s) {
  if (!journal_) return;
  if (s.expiry_interval == 0) {
    if (s.persisted) journal(SessionDelete{s.client_id});
    s.persisted = false;
    return;
  }
  const bool first = !s.persisted;
  s.persisted = true;
  journal(SessionSave{s.client_id, s.expiry_interval, s.version,
                      s.username ? std::optional<std::string_view>(*s.username) : std::nullopt});
  if (!first) return;
  // A session that was in memory only (a 5.0 client raising nothing but
  // resuming with a non-zero expiry) brings its current state along.
  for (const auto& [filter, options] : s.subscriptions) journal(SubscriptionAdd{s.client_id, filter, options});
  if (journal_) save_incoming(s, *journal_);
  for (auto* list : {&s.inflight, &s.queue})
    for (const Outgoing& o : *list) journal(added_record(s, o, list == &s.queue));
}

void Broker::journal_added(Session& s, Outgoing& o, bool queued) {
  o.seq = s.next_seq++;
  if (!s.persisted) return;
  journal(added_record(s, o, queued));
}

Session* Broker::restored_session(std::string_view client_id) {
  return sessions_.find(client_id);
}

void Broker::save_incoming(const Session& s, Journal& out) const {
  for (std::uint16_t id : s.awaiting_pubrel) {
    if (auto held = held_qos2_.find({&s, id}); held != held_qos2_.end())
      out.write(IncomingHeld{s.client_id, id, held->second});
    else
      out.write(IncomingReceived{s.client_id, id});
  }
}

void Broker::restore(const Record& record, TimePoint now) {
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, RetainSet>) {
          retained_.set(r.message->topic(), r.message);
        } else if constexpr (std::is_same_v<T, RetainDelete>) {
          retained_.set(r.topic, nullptr);
        } else if constexpr (std::is_same_v<T, SessionSave>) {
          Session* s = restored_session(r.client_id);
          if (!s) {
            auto fresh = std::make_unique<Session>();
            fresh->client_id = r.client_id;
            s = &sessions_.insert(std::move(fresh));
          }
          s->expiry_interval = r.expiry_interval;
          s->version = r.version;
          s->username = r.username ? std::optional<std::string>(std::string(*r.username)) : std::nullopt;
          s->persisted = journal_ != nullptr;
        } else if constexpr (std::is_same_v<T, SessionDelete>) {
          if (Session* s = restored_session(r.client_id)) {
            drop_subscriptions(*s);
            drop_held(*s);
            sessions_.erase(*s);
          }
        } else if constexpr (std::is_same_v<T, SubscriptionAdd>) {
          Session* s = restored_session(r.client_id);
          if (!s) return;
          s->subscriptions.insert_or_assign(std::string(r.filter), r.options);
          const auto [filter, group] = tree_key(r.filter);
          tree_.add(filter, group, s, r.options);
        } else if constexpr (std::is_same_v<T, SubscriptionRemove>) {
          Session* s = restored_session(r.client_id);
          if (!s) return;
          auto it = s->subscriptions.find(r.filter);
          if (it == s->subscriptions.end()) return;
          const auto [filter, group] = tree_key(it->first);
          tree_.remove(filter, group, s);
          s->subscriptions.erase(it);
        } else if constexpr (std::is_same_v<T, OutgoingAdd>) {
          Session* s = restored_session(r.client_id);
          // Only shapes the core itself makes: a message unless released,
          // an identifier exactly when QoS > 0 and sent, released only at QoS 2.
          const bool sent = r.packet_id != 0;
          if (!s || (!r.message && !r.released) || (r.qos == 0 && sent) || (r.released && (r.qos != 2 || !sent)))
            return;
          Outgoing o{r.message, r.qos, r.retain, r.subscription_ids, r.packet_id, 0, r.released, r.seq};
          if (r.released) o.message.reset();
          s->next_seq = std::max(s->next_seq, r.seq + 1);
          (r.packet_id ? s->inflight : s->queue).push_back(std::move(o));
        } else if constexpr (std::is_same_v<T, OutgoingSent>) {
          Session* s = restored_session(r.client_id);
          if (!s) return;
          auto it = find_seq(s->queue, r.seq);
          if (it == s->queue.end() || it->qos == 0 || r.packet_id == 0) return;
          it->packet_id = r.packet_id;
          s->inflight.push_back(std::move(*it));
          s->queue.erase(it);
        } else if constexpr (std::is_same_v<T, OutgoingReleased>) {
          Session* s = restored_session(r.client_id);
          if (!s) return;
          auto it = find_seq(s->inflight, r.seq);
          if (it == s->inflight.end() || it->qos != 2) return;
          it->released = true;
          it->message.reset();
        } else if constexpr (std::is_same_v<T, OutgoingDone>) {
          Session* s = restored_session(r.client_id);
          if (!s) return;
          if (auto it = find_seq(s->inflight, r.seq); it != s->inflight.end()) s->inflight.erase(it);
          else if (auto q = find_seq(s->queue, r.seq); q != s->queue.end()) s->queue.erase(q);
        } else if constexpr (std::is_same_v<T, IncomingReceived>) {
          if (Session* s = restored_session(r.client_id)) s->awaiting_pubrel.insert(r.packet_id);
        } else if constexpr (std::is_same_v<T, IncomingReleased>) {
          if (Session* s = restored_session(r.client_id)) {
            s->awaiting_pubrel.erase(r.packet_id);
            held_qos2_.erase({s, r.packet_id});
          }
        } else if constexpr (std::is_same_v<T, IncomingHeld>) {
          // Held whatever the profile now: PUBREC promised the message, so
          // the PUBREL forwards it even if the broker now forwards on PUBLISH.
          Session* s = restored_session(r.client_id);
          if (!s || !r.message) return;
          s->awaiting_pubrel.insert(r.packet_id);
          held_qos2_[{s, r.packet_id}] = r.message;
        }
      },
      record);
  (void)now;
}

void Broker::restore_done(TimePoint now) {
  counters_.sessions = sessions_.size();
  counters_.subscriptions = 0;
  counters_.queued = 0;
  sessions_.for_each([&](Session& s) {
    counters_.subscriptions += s.subscriptions.size();
    counters_.queued += s.queue.size();
    s.queued_bytes = 0;
    for (const Outgoing& o : s.queue) s.queued_bytes += o.message->cost();
    // Identifiers restored in flight are not in sequence: next_packet_id
    // scans the window for as long as the oldest of them is in flight.
    for (Outgoing& o : s.inflight) o.id_sequence = 0;
    s.id_allocations = 65535;
    if (!s.inflight.empty()) s.last_packet_id = s.inflight.back().packet_id;
    // A session saved as never expiring gets persistent_client_expiration now.
    s.expiry_interval = granted_expiry(s.expiry_interval);
    // The restart counts as the moment the client went away.
    if (s.expiry_interval != 0xFFFF'FFFF) {
      s.expires_at = now + std::chrono::seconds(s.expiry_interval);
      schedule(TimerKind::SessionExpiry, *s.expires_at, s.client_id.str());
    }
  });
  counters_.retained = retained_.size();
}

void Broker::save(Journal& out) const {
  // $SYS/ figures are published afresh on start; they are not kept.
  retained_.for_each([&](const MessagePtr& m) {
    if (!m->topic().starts_with("$SYS/")) out.write(RetainSet{m});
  });
  sessions_.for_each([&](const Session& s) {
    if (s.expiry_interval == 0) return;
    out.write(SessionSave{s.client_id, s.expiry_interval, s.version,
                          s.username ? std::optional<std::string_view>(*s.username) : std::nullopt});
    for (const auto& [filter, options] : s.subscriptions) out.write(SubscriptionAdd{s.client_id, filter, options});
    save_incoming(s, out);
    for (const auto* list : {&s.inflight, &s.queue})
      for (const Outgoing& o : *list) out.write(added_record(s, o, list == &s.queue));
  });
}

}  // namespace mq::broker
