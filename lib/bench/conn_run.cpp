#include "bench/conn_run.hpp"

#include <cmath>

#include <fmt/format.h>

#include "codec/reason_codes.hpp"

namespace mq::bench {

namespace {
double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
std::chrono::milliseconds ms(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000))); }
}  // namespace

ConnRun::ConnRun(net::Loop& loop, const RunConfig& config, RunResult& result, HoldMemory* hold)
    : loop_(loop), c_(config), result_(result), pool_(loop, config, *this), interval_timer_(loop), end_timer_(loop),
      rate_timer_(loop), hold_(hold) {
  self_ = UsageTracker(UsageTracker::Target::Self, 0);
  if (c_.broker_pid) broker_ = UsageTracker(UsageTracker::Target::Process, c_.broker_pid);
  else if (c_.broker_tid) broker_ = UsageTracker(UsageTracker::Target::Thread, c_.broker_tid);
}

std::optional<RunError> ConnRun::run() {
  if (!pool_.error().empty()) return RunError{RunError::Kind::Connect, pool_.error()};
  start_ns_ = interval_start_ns_ = clock_ns();
  mark_start(result_);
  self_.start();
  broker_.start();
  if (hold_) {
    hold_->self_before = sample_this_thread().rss_bytes;
    if (c_.broker_pid)
      if (auto b = sample_process(c_.broker_pid)) hold_->broker_before = b->rss_bytes;
  }
  interval_timer_.start_repeating(ms(c_.interval_s), [this] { interval(); });
  // Churn runs for the duration (or --count connects); hold keeps its
  // connections for the duration after the last one is up.
  if (!c_.hold) end_timer_.start(ms(c_.duration_s), [this] { finish(); });
  if (c_.connect_rate > 0) {
    rate_timer_.start_repeating(std::chrono::milliseconds(1), [this] { start_more(); });
  }
  start_more();
  loop_.run_until([&] { return done_; });
  pool_.disconnect_all();
  net::Timer grace(loop_);
  grace.start(std::chrono::milliseconds(500), [] {});
  loop_.run_until([&] { return !grace.active(); });
  if (cur_.connects_ok == 0)
    return RunError{RunError::Kind::Connect, first_error_.empty() ? "no connection succeeded" : first_error_};
  return std::nullopt;
}

void ConnRun::open(std::uint32_t slot) {
  ++started_;
  ++in_flight_;
  pool_.open(slot, fmt::format("{}-w{}-c{}", c_.client_prefix, c_.worker_index, started_ - 1));
}

void ConnRun::start_more() {
  if (stopping_) return;
  const std::uint64_t total = c_.hold ? c_.connections : c_.count;
  std::uint64_t allowed = UINT64_MAX;
  if (c_.connect_rate > 0)
    allowed = static_cast<std::uint64_t>(seconds(clock_ns() - start_ns_) * c_.connect_rate) + 1;
  while (in_flight_ < c_.in_flight && (total == 0 || started_ < total) && started_ < allowed) {
    std::uint32_t slot;
    if (!idle_.empty()) {
      slot = idle_.back();
      idle_.pop_back();
    } else {
      slot = pool_.add();
    }
    open(slot);
  }
  if (c_.hold && started_ == total && in_flight_ == 0 && !end_timer_.active() && !stopping_) {
    rate_timer_.stop();
    // Everything is open: measure the memory it takes, then hold.
    self_.sample();
    broker_.sample();
    if (hold_) {
      // Anything done right after accepting settles within a moment.
      hold_->connections = held_;
      hold_->self_held = sample_this_thread().rss_bytes;
      if (c_.broker_pid)
        if (auto b = sample_process(c_.broker_pid)) hold_->broker_held = b->rss_bytes;
    }
    end_timer_.start(ms(c_.duration_s), [this] { finish(); });
  }
}

void ConnRun::on_up(std::uint32_t) {}

void ConnRun::on_packet(std::uint32_t index, std::uint8_t first, ByteView body, std::int64_t now) {
  if ((first >> 4) != 2) return;
  --in_flight_;
  const std::uint8_t code = body.size() >= 2 ? body[1] : 0xFF;
  if (code != 0) {
    ++cur_.connects_failed;
    const std::string why = fmt::format("CONNACK 0x{:02x} {}", code,
                                        c_.version == ProtocolVersion::v5 ? reason_name(PacketType::Connack, code)
                                                                          : connack_return_name_v3(code));
    ++result_.failures_by_reason[why];
    if (first_error_.empty()) first_error_ = "the broker refused the connection: " + why;
    pool_.disconnect(index);
    idle_.push_back(index);
  } else {
    ++cur_.connects_ok;
    result_.connect.record(static_cast<std::uint64_t>(now - pool_.started_ns(index)));
    if (c_.hold) {
      ++held_;
    } else {
      pool_.disconnect(index);
      idle_.push_back(index);
    }
  }
  if (!c_.hold && c_.count && cur_.connects_ok + cur_.connects_failed >= c_.count) {
    finish();
    return;
  }
  start_more();
}

void ConnRun::on_down(std::uint32_t index, const net::NetError& why, bool was_up) {
  if (done_) return;
  const std::string cause = fmt::format("{}: {}", was_up ? "connection lost" : "connect failed", net::errc_name(why.code));
  ++result_.failures_by_cause[cause];
  if (first_error_.empty()) first_error_ = why.message.empty() ? cause : why.message;
  if (!was_up) {
    --in_flight_;
    ++cur_.connects_failed;
  } else {
    ++cur_.disconnects;
    if (c_.hold && held_ > 0) --held_;
  }
  idle_.push_back(index);
  if (!c_.hold && c_.count && cur_.connects_ok + cur_.connects_failed >= c_.count) {
    finish();
    return;
  }
  start_more();
}

void ConnRun::interval() {
  const std::int64_t now = clock_ns();
  IntervalRecord r;
  r.start_s = seconds(interval_start_ns_ - start_ns_);
  r.end_s = seconds(now - start_ns_);
  r.delta = cur_ - prev_;
  const std::int64_t length = now - interval_start_ns_;
  prev_ = cur_;
  interval_start_ns_ = now;
  if (close_interval(c_, result_, std::move(r), length, cur_, self_, broker_, interrupted_)) finish();
}

void ConnRun::finish() {
  if (stopping_) return;
  stopping_ = true;
  end_timer_.stop();
  rate_timer_.stop();
  interval_timer_.stop();
  // The last, partial interval, unless nothing happened in it.
  if (cur_ == prev_ && !result_.intervals.empty()) {
    self_.sample();
    broker_.sample();
  } else {
    interval();
  }
  result_.totals = cur_;
  result_.self = self_.usage();
  result_.broker = broker_.usage();
  done_ = true;
}

}  // namespace mq::bench
