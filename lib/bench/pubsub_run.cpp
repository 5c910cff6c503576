#include "bench/pubsub_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "bench/name_template.hpp"
#include "codec/reason_codes.hpp"

namespace mq::bench {

namespace {

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
std::chrono::milliseconds ms(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000))); }

// A topic or filter template for one client (the app has parsed it once
// already and rejected a bad one, so a parse error cannot happen here).
std::string expand(const std::string& text, std::uint64_t client, std::string_view id, unsigned worker) {
  NameTemplate t;
  if (NameTemplate::parse(text, t)) return text;
  return t.expand(TemplateVars{client, id, worker, 0});
}


}  // namespace

/// "0x87 Not authorized" for a reason code of `type`.
std::string reason_text(PacketType type, std::uint8_t code, ProtocolVersion v) {
  std::string_view name = v == ProtocolVersion::v5 ? reason_name(type, code)
                          : type == PacketType::Connack ? connack_return_name_v3(code)
                                                        : suback_return_name_v3(code);
  return fmt::format("{} 0x{:02x} {}", type == PacketType::Connack ? "CONNACK"
                                       : type == PacketType::Suback ? "SUBACK"
                                       : type == PacketType::Puback ? "PUBACK" : "PUBREC",
                     code, name);
}


PubSubRun::PubSubRun(net::Loop& loop, const RunConfig& config, RunResult& result)
    : loop_(loop), c_(config), result_(result), pool_(loop, config, *this), phase_timer_(loop), interval_timer_(loop),
      tick_timer_(loop), drain_timer_(loop), rate_timer_(loop, [this] { tick(); }) {
  filler_.assign(c_.size.max, 0);
  fill_payload(filler_, PayloadHeader{});  // the filler after the header, copied into every message
  // The schedule of the whole load: publisher g's k-th message is due at the
  // same time in whichever worker runs it.
  if (c_.rate > 0) schedule_.emplace(c_.rate, c_.ramp_s, std::max(1u, c_.total_publishers));
  self_ = UsageTracker(UsageTracker::Target::Self, 0);
  if (c_.broker_pid) broker_ = UsageTracker(UsageTracker::Target::Process, c_.broker_pid);
  else if (c_.broker_tid) broker_ = UsageTracker(UsageTracker::Target::Thread, c_.broker_tid);
}

std::optional<RunError> PubSubRun::run() {
  if (!pool_.error().empty()) return RunError{RunError::Kind::Connect, pool_.error()};
  start_setup();
  loop_.run_until([&] { return phase_ == Phase::Done; });
  pool_.disconnect_all();
  // Let the DISCONNECTs go out; the loop ends when every stream is closed.
  net::Timer grace(loop_);
  grace.start(std::chrono::milliseconds(500), [] {});
  loop_.run_until([&] { return !grace.active(); });
  return error_;
}

// ---- setup ------------------------------------------------------------------

void PubSubRun::start_setup() {
  const bool want_pubs = c_.mode != Mode::Sub, want_subs = c_.mode != Mode::Pub;
  const unsigned np = want_pubs ? c_.publishers : 0, ns = want_subs ? c_.subscribers : 0;
  // Subscribers first: every message must find its subscriptions in place.
  for (unsigned k = 0; k < ns; ++k) {
    Subscriber s;
    s.conn = pool_.add();
    s.global = c_.first_subscriber + k;
    subs_.push_back(s);
  }
  for (unsigned k = 0; k < np; ++k) {
    Publisher p;
    p.conn = pool_.add();
    p.global = c_.first_publisher + k;
    p.topic = expand(c_.topic, p.global, client_id('p', p.global), c_.worker_index);
    pubs_.push_back(std::move(p));
  }
  pub_of_conn_.assign(pool_.size(), -1);
  sub_of_conn_.assign(pool_.size(), -1);
  for (std::size_t k = 0; k < pubs_.size(); ++k) pub_of_conn_[pubs_[k].conn] = static_cast<std::int32_t>(k);
  // Sinks: one per subscriber, or one per shared group (this worker's
  // subscribers of a shared subscription split one stream of messages).
  const bool shared = !c_.share_group.empty();
  for (std::size_t k = 0; k < subs_.size(); ++k) {
    sub_of_conn_[subs_[k].conn] = static_cast<std::int32_t>(k);
    if (shared && !sinks_.empty()) {
      subs_[k].sink = 0;
      continue;
    }
    subs_[k].sink = static_cast<std::uint32_t>(sinks_.size());
    Sink sink;
    // Without a filter of its own, subscriber k follows this worker's
    // publisher k mod P (so a worker's loss count needs no other worker).
    if (c_.sub_topic.empty() && !shared && !pubs_.empty()) sink.expected = static_cast<std::int64_t>(k % pubs_.size());
    sinks_.push_back(std::move(sink));
  }
  for (auto& sink : sinks_)
    for (std::size_t k = 0; k < pubs_.size(); ++k)
      if (sink.expected < 0 || sink.expected == static_cast<std::int64_t>(k)) ++pubs_[k].sinks;
  for (const auto& s : subs_) pool_.open(s.conn, client_id('s', s.global));
  if (subs_.empty()) open_publishers();
  // Nothing may take longer than the connect timeout plus the SUBACKs.
  phase_timer_.start(c_.connect.timeout + std::chrono::seconds(5), [this] {
    setup_failed(RunError::Kind::Connect,
                 fmt::format("setup did not finish: {} of {} connections acknowledged, {} of {} subscriptions",
                             connacked_, pool_.size(), subacked_, subs_.size()));
  });
}

std::string PubSubRun::client_id(char kind, std::uint64_t global) const {
  return fmt::format("{}-w{}-{}{}", c_.client_prefix, c_.worker_index, kind, global);
}

void PubSubRun::open_publishers() {
  for (const auto& p : pubs_) pool_.open(p.conn, client_id('p', p.global));
}

void PubSubRun::setup_failed(RunError::Kind kind, std::string message) {
  if (phase_ != Phase::Setup) return;
  error_ = RunError{kind, std::move(message)};
  phase_ = Phase::Done;
}

void PubSubRun::on_up(std::uint32_t) {}

void PubSubRun::on_down(std::uint32_t index, const net::NetError& why, bool was_up) {
  if (phase_ == Phase::Done) return;
  const std::string cause = was_up ? fmt::format("connection lost: {}", net::errc_name(why.code))
                                   : fmt::format("connect failed: {}", net::errc_name(why.code));
  count_failure(cause);
  if (!was_up) ++cur_.connects_failed;
  else ++cur_.disconnects;
  if (phase_ == Phase::Setup) {
    setup_failed(RunError::Kind::Connect, why.message.empty() ? cause : why.message);
    return;
  }
  result_.warnings.push_back(fmt::format("{} {} ended during the run: {}", pub_of_conn_[index] >= 0 ? "publisher" : "subscriber",
                                         index, why.message.empty() ? cause : why.message));
  if (pub_of_conn_[index] >= 0) pubs_[static_cast<std::size_t>(pub_of_conn_[index])].ready = false;
}

void PubSubRun::subscribe(Subscriber& s) {
  std::string filter = c_.sub_topic.empty()
                           ? (pubs_.empty() ? expand(c_.topic, s.global, client_id('s', s.global), c_.worker_index)
                                            : pubs_[(s.global - c_.first_subscriber) % pubs_.size()].topic)
                           : expand(c_.sub_topic, s.global, client_id('s', s.global), c_.worker_index);
  if (!c_.share_group.empty()) filter = fmt::format("$share/{}/{}", c_.share_group, filter);
  Subscribe sub;
  sub.packet_id = 1;
  sub.subscriptions.push_back(Subscription{filter, static_cast<QoS>(c_.qos)});
  s.subscribe_ns = clock_ns();
  pool_.write(s.conn, ByteView(encode(Packet{sub}, c_.version)));
}

void PubSubRun::on_connack(std::uint32_t index, ByteView body, std::int64_t now) {
  auto decoded = decode_body(FixedHeader{0x20, static_cast<std::uint32_t>(body.size()), 2}, body, c_.version);
  const auto* ack = decoded.ok() ? std::get_if<Connack>(&decoded.value()) : nullptr;
  if (!ack || ack->reason_code != 0) {
    const std::string why = ack ? reason_text(PacketType::Connack, ack->reason_code, c_.version) : "malformed CONNACK";
    ++cur_.connects_failed;
    ++result_.failures_by_reason[why];
    setup_failed(RunError::Kind::Refused, "the broker refused the connection: " + why);
    return;
  }
  ++cur_.connects_ok;
  result_.connect.record(static_cast<std::uint64_t>(now - pool_.started_ns(index)));
  ++connacked_;
  if (const std::int32_t k = sub_of_conn_[index]; k >= 0) {
    subscribe(subs_[static_cast<std::size_t>(k)]);
    return;
  }
  Publisher& p = pubs_[static_cast<std::size_t>(pub_of_conn_[index])];
  if (const Property* rm = find(ack->properties, PropertyId::ReceiveMaximum)) p.cap = rm->number;
  if (c_.qos > 0) {
    p.cap = std::min<std::uint32_t>({p.cap, 65535, static_cast<std::uint32_t>(std::max<std::size_t>(c_.window, 1))});
    // A ring of send times by packet id: one larger than the in-flight
    // limit, as the ids skip 0 when they wrap.
    std::uint32_t ring = 1;
    while (ring < p.cap + 1) ring <<= 1;
    p.sent_ns.assign(ring, 0);
    p.ring_mask = ring - 1;
  }
  p.ready = true;
  check_setup_done();
}

void PubSubRun::on_suback(std::uint32_t index, ByteView body, std::int64_t now) {
  const std::int32_t k = sub_of_conn_[index];
  if (k < 0) return;
  Subscriber& s = subs_[static_cast<std::size_t>(k)];
  auto decoded = decode_body(FixedHeader{0x90, static_cast<std::uint32_t>(body.size()), 2}, body, c_.version);
  const auto* ack = decoded.ok() ? std::get_if<Suback>(&decoded.value()) : nullptr;
  if (!ack || ack->reason_codes.empty() || ack->reason_codes[0] >= 0x80) {
    const std::string why = ack && !ack->reason_codes.empty()
                                ? reason_text(PacketType::Suback, ack->reason_codes[0], c_.version)
                                : "malformed SUBACK";
    ++cur_.subscribes_failed;
    ++result_.failures_by_reason[why];
    setup_failed(RunError::Kind::Subscribe, "the broker refused the subscription: " + why);
    return;
  }
  ++cur_.subscribes_ok;
  result_.subscribe.record(static_cast<std::uint64_t>(now - s.subscribe_ns));
  s.subacked = true;
  if (++subacked_ == subs_.size()) open_publishers();
  check_setup_done();
}

void PubSubRun::check_setup_done() {
  if (phase_ != Phase::Setup || subacked_ != subs_.size() || connacked_ != pool_.size()) return;
  phase_timer_.stop();
  phase_ = Phase::Warmup;
  schedule_start_ns_ = clock_ns();
  if (c_.rate > 0 && !pubs_.empty()) rate_timer_.start_at(schedule_start_ns_);
  else if (!pubs_.empty() && pubs_[0].sinks == 0 && c_.qos == 0)
    tick_timer_.start_repeating(std::chrono::milliseconds(1), [this] { tick(); });  // no feedback: refill by time
  if (c_.warmup_s > 0) phase_timer_.start(ms(c_.warmup_s), [this] { begin_measure(); });
  else begin_measure();
  loop_.schedule_flush(this);
}

// ---- phases -----------------------------------------------------------------

void PubSubRun::begin_measure() {
  phase_ = Phase::Measure;
  measure_start_ns_ = interval_start_ns_ = last_event_ns_ = clock_ns();
  // Message counts start from zero; connection counts keep the setup's.
  const Counters keep = cur_;
  cur_ = Counters{};
  cur_.connects_ok = keep.connects_ok;
  cur_.connects_failed = keep.connects_failed;
  cur_.subscribes_ok = keep.subscribes_ok;
  cur_.subscribes_failed = keep.subscribes_failed;
  cur_.disconnects = keep.disconnects;
  prev_ = cur_;
  interval_e2e_.clear();
  result_.ack.clear();
  for (auto& s : subs_) s.received = 0;
  for (auto& p : pubs_) {
    p.measured_sent = 0;
    p.measured_from = p.seq;  // what it sends from now on is measured
  }
  self_.start();
  broker_.start();
  result_.warmup_s = c_.warmup_s;
  mark_start(result_);
  interval_timer_.start_repeating(ms(c_.interval_s), [this] { interval(); });
  // With a count the run ends when every publisher sent it, or at the duration.
  phase_timer_.start(ms(c_.duration_s), [this] { end_measure(); });
}

void PubSubRun::end_measure() {
  if (phase_ != Phase::Measure && phase_ != Phase::Warmup) return;
  phase_ = Phase::Drain;
  send_end_ns_ = clock_ns();
  if (c_.rate > 0 && held_back_) {
    // Sends the schedule had due but the generator never made (held back
    // while the broker was not reading): the report must say so.
    const auto elapsed = static_cast<std::uint64_t>(std::max<std::int64_t>(0, send_end_ns_ - schedule_start_ns_));
    std::uint64_t unsent = 0;
    for (const auto& p : pubs_) {
      if (!p.ready) continue;
      std::uint64_t due = p.seq;
      while (schedule_->client_send_ns(p.global, due) <= elapsed && (!c_.count || due < c_.count)) ++due;
      unsent += due - p.seq;
    }
    if (unsent)
      result_.warnings.push_back(fmt::format(
          "the generator fell {} sends behind its schedule and never made them (the broker was not reading)", unsent));
  }
  tick_timer_.stop();
  rate_timer_.stop();
  phase_timer_.stop();
  drain_timer_.start(ms(c_.drain_s), [this] { finish(); });
  check_drained();
}

void PubSubRun::check_drained() {
  if (phase_ != Phase::Drain) return;
  for (const auto& p : pubs_) {
    if (c_.qos > 0 && p.acks != p.seq) return;
    if (p.delivered != p.seq * p.sinks) return;
  }
  if (c_.mode == Mode::Sub) return;  // others publish: wait out the drain time
  finish();
}

void PubSubRun::interval() {
  const std::int64_t now = clock_ns();
  IntervalRecord r;
  r.start_s = seconds(interval_start_ns_ - measure_start_ns_);
  r.end_s = seconds(now - measure_start_ns_);
  r.delta = cur_ - prev_;
  r.e2e = interval_e2e_;
  result_.e2e.merge(interval_e2e_);
  interval_e2e_.clear();
  const std::int64_t length = now - interval_start_ns_;
  prev_ = cur_;
  interval_start_ns_ = now;
  if (close_interval(c_, result_, std::move(r), length, cur_, self_, broker_, interrupted_)) end_measure();
}

void PubSubRun::finish() {
  if (phase_ == Phase::Done) return;
  drain_timer_.stop();
  interval_timer_.stop();
  // Loss: every message of a local publisher that a sink expecting it never
  // saw, warm-up included (a lost message is never hidden); for publishers
  // of other processes only the gaps below the highest number seen.
  std::uint64_t late = 0;
  for (auto& sink : sinks_) {
    for (std::size_t k = 0; k < pubs_.size(); ++k)
      if (sink.expected < 0 || sink.expected == static_cast<std::int64_t>(k))
        if (pubs_[k].global >= sink.by_publisher.size()) sink.by_publisher.resize(pubs_[k].global + 1);
    for (std::size_t g = 0; g < sink.by_publisher.size(); ++g) {
      SequenceTracker& t = sink.by_publisher[g];
      const bool local = g >= c_.first_publisher && g - c_.first_publisher < pubs_.size();
      const auto k = static_cast<std::int64_t>(g - c_.first_publisher);
      const bool expects = local && (sink.expected < 0 || sink.expected == k);
      t.finish(expects ? pubs_[static_cast<std::size_t>(k)].seq : t.next_expected());
      cur_.lost += t.counts().lost;
      late += t.counts().too_old;
    }
  }
  if (late)
    result_.warnings.push_back(fmt::format(
        "{} messages arrived more than {} sequence numbers late: counted lost, then seen late", late,
        SequenceTracker::kWindow));
  if (foreign_)
    result_.warnings.push_back(fmt::format("{} messages without an mqbench payload were left out of every figure", foreign_));
  // The last, partial interval, unless nothing happened in it (a sliver of
  // a second with no events would only make the per-interval rates jump).
  if (cur_ == prev_ && interval_e2e_.count() == 0 && !result_.intervals.empty()) {
    self_.sample();
    broker_.sample();
  } else {
    interval();
  }
  const std::int64_t end = std::max(send_end_ns_, last_event_ns_);
  result_.measured_s = seconds(std::max<std::int64_t>(end, measure_start_ns_ + 1) - measure_start_ns_);
  result_.totals = cur_;
  for (const auto& s : subs_) result_.per_subscriber_received.push_back(s.received);
  result_.self = self_.usage();
  result_.broker = broker_.usage();
  phase_ = Phase::Done;
}

}  // namespace mq::bench
