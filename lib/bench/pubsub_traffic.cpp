#include "bench/pubsub_run.hpp"

#include <algorithm>
#include <cstring>
#include <span>

#include "codec/types.hpp"

// The message traffic of PubSubRun: building and sending PUBLISH batches
// (closed loop and open loop), and every packet the broker sends back.

namespace mq::bench {

// What each figure counts. A message belongs to the measured phase when
// its publisher sent it in that phase (by sequence number for this
// process's publishers, by the time stamp for others'); received,
// bytes_received, duplicates, reordered, per-subscriber counts and the e2e
// histograms count arrivals of those messages only, wherever they fall
// (in the drain too), so for every interval and for the run
// e2e count = received - duplicates. Messages without an mqbench header
// are left out of every figure and reported in a warning. Loss is counted over the whole run,
// warm-up included, so that no lost message is ever hidden.
/// Output a publisher may have waiting for the broker to read before it
/// stops sending: a broker that stops reading cannot grow mqbench's memory.
constexpr std::size_t kMaxUnsentBytes = 1024 * 1024;

bool PubSubRun::measured(std::uint32_t global, std::uint64_t seq, std::int64_t stamp) const {
  if (global >= c_.first_publisher && global - c_.first_publisher < pubs_.size())
    return seq >= pubs_[global - c_.first_publisher].measured_from;
  return stamp >= measure_start_ns_;
}

// ---- traffic ----------------------------------------------------------------

void PubSubRun::on_packet(std::uint32_t index, std::uint8_t first, ByteView body, std::int64_t now) {
  switch (first >> 4) {
    case 3:
      if (const std::int32_t k = sub_of_conn_[index]; k >= 0) on_publish(subs_[static_cast<std::size_t>(k)], first, body, now);
      return;
    case 4: case 5: case 7:
      if (const std::int32_t k = pub_of_conn_[index]; k >= 0) on_ack(pubs_[static_cast<std::size_t>(k)], first, body, now);
      return;
    case 6:  // PUBREL for a QoS 2 message received: complete it
      if (body.size() >= 2) {
        const std::uint8_t comp[4] = {0x70, 0x02, body[0], body[1]};
        pool_.write(index, ByteView(comp, 4));
      }
      return;
    case 2: on_connack(index, body, now); return;
    case 9: on_suback(index, body, now); return;
    default: return;  // PINGRESP, DISCONNECT (followed by the close), AUTH
  }
}

void PubSubRun::on_publish(Subscriber& s, std::uint8_t first, ByteView body, std::int64_t now) {
  const unsigned qos = (first >> 1) & 3;
  if (body.size() < 2) return;
  std::size_t at = 2 + (static_cast<std::size_t>(body[0]) << 8 | body[1]);
  std::size_t id_at = at;
  if (qos > 0) at += 2;
  if (c_.version == ProtocolVersion::v5 && at < body.size()) {
    std::uint32_t len = 0;
    unsigned shift = 0;
    while (at < body.size()) {
      const std::uint8_t b = body[at++];
      len |= static_cast<std::uint32_t>(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80) || shift > 21) break;
    }
    at += len;
  }
  if (at > body.size()) return;
  if (qos > 0 && id_at + 2 <= body.size()) {
    const std::uint8_t ack[4] = {static_cast<std::uint8_t>(qos == 1 ? 0x40 : 0x50), 0x02, body[id_at], body[id_at + 1]};
    pool_.write(s.conn, ByteView(ack, 4));
  }
  last_event_ns_ = now;
  const std::size_t payload_size = body.size() - at;
  PayloadHeader h;
  if (!read_payload_header(std::span<const std::uint8_t>(body.data() + at, payload_size), h)) {  // not an mqbench message (another client's, on a wildcard): reported by finish()
    ++foreign_;
    return;
  }
  const auto stamp = static_cast<std::int64_t>(h.timestamp_ns);
  const bool counted = measured(h.publisher, h.sequence, stamp);
  if (counted) {
    ++cur_.received;
    ++s.received;
    cur_.bytes_received += payload_size;
  }
  Sink& sink = sinks_[s.sink];
  const std::uint32_t g = h.publisher;
  if (g >= sink.by_publisher.size()) {
    if (g > (1u << 20)) return;  // not a publisher index of ours
    sink.by_publisher.resize(g + 1);
  }
  switch (sink.by_publisher[g].observe(h.sequence)) {
    case SequenceTracker::Arrival::duplicate: cur_.duplicates += counted; return;
    case SequenceTracker::Arrival::reordered: cur_.reordered += counted; break;
    case SequenceTracker::Arrival::too_old:  // lost already; reported as a late arrival by finish()
    default: break;
  }
  if (counted) interval_e2e_.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - stamp)));
  if (g >= c_.first_publisher && g - c_.first_publisher < pubs_.size()) {
    ++pubs_[g - c_.first_publisher].delivered;
    loop_.schedule_flush(this);
  }
}

void PubSubRun::on_ack(Publisher& p, std::uint8_t first, ByteView body, std::int64_t now) {
  if (body.size() < 2) return;
  const auto type = static_cast<PacketType>(first >> 4);
  const std::uint8_t reason = body.size() >= 3 ? body[2] : 0;
  const std::uint16_t id = static_cast<std::uint16_t>(body[0] << 8 | body[1]);
  if (type == PacketType::Pubrec && reason < 0x80) {
    const std::uint8_t rel[4] = {0x62, 0x02, body[0], body[1]};
    pool_.write(p.conn, ByteView(rel, 4));
    return;
  }
  ++p.acks;
  last_event_ns_ = now;
  if (reason >= 0x80) {
    ++cur_.publish_failed;
    ++result_.failures_by_reason[reason_text(type, reason, c_.version)];
  } else {
    // Like received, acked counts only messages sent in the measured phase:
    // an acknowledgement of a warm-up message arriving later is in no figure.
    const std::int64_t sent = p.sent_ns.empty() ? 0 : p.sent_ns[id & p.ring_mask];
    if (sent >= measure_start_ns_) {
      ++cur_.acked;
      if (now >= sent) result_.ack.record(static_cast<std::uint64_t>(now - sent));
    }
  }
  loop_.schedule_flush(this);
}

void PubSubRun::flush() {
  if (phase_ == Phase::Drain) {
    check_drained();
    return;
  }
  if (!sending() || c_.rate > 0) return;
  const std::int64_t now = clock_ns();
  for (auto& p : pubs_) top_up(p, now);
}

void PubSubRun::tick() {
  if (!sending()) return;
  const std::int64_t now = clock_ns();
  if (c_.rate <= 0) {
    for (auto& p : pubs_) top_up(p, now);
    return;
  }
  // Open loop: each publisher sends what its schedule says is due by now,
  // then the timer is set for the next message due.
  const auto elapsed = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - schedule_start_ns_));
  std::uint64_t next_at = UINT64_MAX;
  bool blocked = false;
  for (auto& p : pubs_) {
    if (!p.ready) continue;
    if (pool_.queued(p.conn) > kMaxUnsentBytes) {
      // The broker is not reading: hold the sends back (they become late,
      // which the lag meter reports) rather than queue without bound.
      blocked = held_back_ = true;
      next_at = std::min(next_at, schedule_->client_send_ns(p.global, p.seq));
      continue;
    }
    std::uint64_t n = 0;
    while (schedule_->client_send_ns(p.global, p.seq + n) <= elapsed) ++n;
    if (c_.count) n = std::min(n, c_.count - std::min(c_.count, p.measured_sent));
    if (c_.qos > 0) {
      const std::uint64_t room = p.cap - std::min<std::uint64_t>(p.cap, p.seq - p.acks);
      if (room < n) {
        n = room;
        blocked = true;  // the in-flight limit: try again shortly
      }
    }
    if (n) send(p, n, now, true);
    if (!sending()) return;  // the count was reached
    next_at = std::min(next_at, schedule_->client_send_ns(p.global, p.seq));
  }
  if (next_at == UINT64_MAX) {
    rate_timer_.start_at(now + 1'000'000);  // no publisher is up
    return;
  }
  std::int64_t next = schedule_start_ns_ + static_cast<std::int64_t>(next_at);
  if (blocked) next = std::max(next, now + 100'000);
  rate_timer_.start_at(next);
}

void PubSubRun::top_up(Publisher& p, std::int64_t now) {
  if (!p.ready) return;
  std::uint64_t out = p.sinks ? p.seq - p.delivered / p.sinks : 0;
  std::uint64_t limit = c_.window;
  if (c_.qos > 0) {
    out = std::max(out, p.seq - p.acks);
    limit = std::min<std::uint64_t>(limit, p.cap);
  } else if (!p.sinks && pool_.queued(p.conn) > kMaxUnsentBytes) {
    return;  // nothing to wait for but the socket
  }
  if (out > limit / 2) return;  // refill in batches of at least half a window
  std::uint64_t n = limit - out;
  if (c_.count && phase_ == Phase::Measure) n = std::min(n, c_.count - p.measured_sent);
  if (n) send(p, n, now, false);
}

std::size_t PubSubRun::build(const Publisher& p, std::uint8_t* out, std::size_t size, std::uint64_t seq,
                             std::int64_t stamp) const {
  const bool v5 = c_.version == ProtocolVersion::v5;
  const std::size_t remaining = 2 + p.topic.size() + (c_.qos ? 2 : 0) + (v5 ? 1 : 0) + size;
  std::uint8_t* w = out;
  *w++ = static_cast<std::uint8_t>(0x30 | c_.qos << 1 | (c_.retain ? 1 : 0));
  std::size_t r = remaining;
  do {
    std::uint8_t b = r & 0x7F;
    r >>= 7;
    *w++ = static_cast<std::uint8_t>(b | (r ? 0x80 : 0));
  } while (r);
  *w++ = static_cast<std::uint8_t>(p.topic.size() >> 8);
  *w++ = static_cast<std::uint8_t>(p.topic.size());
  std::memcpy(w, p.topic.data(), p.topic.size());
  w += p.topic.size();
  if (c_.qos) {
    const auto id = static_cast<std::uint16_t>(seq % 65535 + 1);
    *w++ = static_cast<std::uint8_t>(id >> 8);
    *w++ = static_cast<std::uint8_t>(id);
  }
  if (v5) *w++ = 0;  // no properties
  write_payload_header(std::span<std::uint8_t>(w, size), PayloadHeader{p.global, seq, static_cast<std::uint64_t>(stamp)});
  std::memcpy(w + kPayloadHeaderSize, filler_.data() + kPayloadHeaderSize, size - kPayloadHeaderSize);
  return static_cast<std::size_t>(w - out) + size;
}

void PubSubRun::send(Publisher& p, std::uint64_t n, std::int64_t now, bool scheduled) {
  const std::size_t most = 5 + 2 + p.topic.size() + 3 + std::size_t{c_.size.max};
  scratch_.resize(static_cast<std::size_t>(n) * most);
  std::size_t used = 0;
  const bool measuring = phase_ == Phase::Measure;
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t seq = p.seq++;
    std::int64_t stamp = now;
    if (scheduled) {
      // Stamped with the time it was due, so a late send shows as latency.
      stamp = schedule_start_ns_ + static_cast<std::int64_t>(schedule_->client_send_ns(p.global, seq));
      if (measuring) {
        const auto late = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - stamp));
        ++result_.lag.scheduled;
        if (late > result_.lag.late_threshold_ns) ++result_.lag.late;
        result_.lag.max_ns = std::max(result_.lag.max_ns, late);
      }
    }
    const std::size_t size = c_.size.of(p.global, seq);
    used += build(p, scratch_.data() + used, size, seq, stamp);
    if (c_.qos) p.sent_ns[(seq % 65535 + 1) & p.ring_mask] = now;
    cur_.bytes_published += size;
  }
  cur_.published += n;
  if (measuring) p.measured_sent += n;
  pool_.write(p.conn, ByteView(scratch_.data(), used));
  if (c_.count && measuring) {
    for (const auto& q : pubs_)
      if (q.measured_sent < c_.count) return;
    end_measure();
  }
}

}  // namespace mq::bench
