// Session life: resumption with retransmission, wills and their delay,
// expiry, and the timers that drive them.

#include <fmt/format.h>

#include "broker/broker.hpp"

namespace mq::broker {

void Broker::resume(Session& s, Connection& c, TimePoint now) {
  (void)c;
  // Unacknowledged messages go again, in order, PUBLISH with DUP or PUBREL
  // [MQTT-4.4.0-1], as many at once as the client's Receive Maximum allows
  // [MQTT-3.3.4-7]: pump() sends them before anything queued. Those the
  // client may no longer read (rules reloaded since) are dropped here.
  for (auto it = s.inflight.begin(); it != s.inflight.end();) {
    if (may_leave(s, *it)) {
      it->unsent = true;
      ++it;
    } else {
      journal_done(s, *it);
      it = s.inflight.erase(it);
    }
  }
  pump(s, now);
}

void Broker::publish_will(Session& s, TimePoint now) {
  if (!s.will) return;
  StoredWill will = std::move(*s.will);
  s.will.reset();
  s.will_at.reset();
  MessageView m = will.message->view();
  if (!auth_.may_publish(client_info(s), m.topic, m.qos, m.retain)) {
    ++counters_.dropped_not_authorized;
    return;
  }
  if (will.expiry) m.expires = expiry_at(now, *will.expiry);
  MessagePtr owned = m.expires ? Message::make(m) : will.message;
  ++counters_.wills_published;
  if (m.retain) {
    const bool may_add = !config_.max_retained || retained_.size() < config_.max_retained;
    const auto change = retained_.set(m.topic, owned, may_add);
    journal_retained(m.topic, owned, change);
    if (change == RetainedStore::Change::Unchanged && !m.payload.empty()) ++counters_.retained_dropped;
    counters_.retained = retained_.size();
  }
  route(owned->view(), nullptr, owned, now);
}

void Broker::end_session(Session& s, TimePoint now) {
  if (s.will_at) publish_will(s, now);  // the session ends before the will delay [MQTT-3.1.3-9]
  drop_subscriptions(s);
  drop_held(s);
  if (s.persisted) journal(SessionDelete{s.client_id});
  s.persisted = false;
  counters_.queued -= s.queue.size();
  if (s.connection) s.connection->session = nullptr;
  --counters_.sessions;
  sessions_.erase(s);
}

void Broker::on_keep_alive_check(const KeepAliveCheck& k, TimePoint now) {
  Connection* c = connections_.find(k.connection);
  if (!c || c->state != Connection::State::Active) return;
  const TimePoint deadline = c->last_packet + std::chrono::milliseconds(c->keep_alive * 1500);
  if (deadline <= now) {
    disconnect(*c, 0x8D, true, now,  // Keep Alive timeout [MQTT-3.1.2-24]
               why(*c, fmt::format("no packet for 1.5 times the keep alive of {} s", c->keep_alive)));
  } else {
    schedule_keep_alive(*c, deadline);
  }
}

void Broker::on_timer(const Timer& t, TimePoint now) {
  switch (t.kind) {
    case TimerKind::WillDelay: {
      Session* found = sessions_.find(t.client_id);
      if (!found) break;
      Session& s = *found;
      if (s.will_at && *s.will_at <= now && !s.connection) publish_will(s, now);
      break;
    }
    case TimerKind::SessionExpiry: {
      Session* found = sessions_.find(t.client_id);
      if (!found) break;
      Session& s = *found;
      if (!s.connection && s.expires_at && *s.expires_at <= now) end_session(s, now);
      break;
    }
    case TimerKind::Sys:
      publish_sys(now);
      schedule(TimerKind::Sys, now + std::chrono::seconds(config_.sys_interval));
      break;
  }
}

}  // namespace mq::broker
