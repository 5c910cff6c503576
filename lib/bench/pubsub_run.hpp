#pragma once
/// The message modes (pub, sub, pubsub): publishers send pre-built PUBLISH
/// packets with only the payload's sequence number and time stamp and the
/// packet identifier patched in; subscribers check every sequence number.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "bench/client_pool.hpp"
#include "bench/proc_usage.hpp"
#include "bench/schedule.hpp"
#include "bench/sequence_tracker.hpp"
#include "bench/runner.hpp"
#include "net/loop.hpp"
#include "net/precise_timer.hpp"

namespace mq::bench {

/// "PUBACK 0x87 Not authorized": a reason code of `type` for messages and
/// the failures-by-reason table.
std::string reason_text(PacketType type, std::uint8_t code, ProtocolVersion v);

/// One run of pub, sub or pubsub on the caller's loop (setup and phases in
/// pubsub_run.cpp, message traffic in pubsub_traffic.cpp).
class PubSubRun final : public PoolEvents, public net::detail::Flushable {
 public:
  PubSubRun(net::Loop& loop, const RunConfig& config, RunResult& result);
  /// Sets up, warms up, measures and drains; returns a setup failure.
  std::optional<RunError> run();

  void on_up(std::uint32_t index) override;
  void on_packet(std::uint32_t index, std::uint8_t first, ByteView body, std::int64_t now) override;
  void on_down(std::uint32_t index, const net::NetError& why, bool was_up) override;
  /// End of a loop iteration: closed-loop publishers top up their window.
  void flush() override;

 private:
  enum class Phase : std::uint8_t { Setup, Warmup, Measure, Drain, Done };
  struct Publisher {
    std::uint32_t conn = 0;
    std::uint32_t global = 0;
    std::string topic;
    std::uint64_t seq = 0;            ///< messages sent, warm-up included
    std::uint64_t measured_sent = 0;  ///< messages sent in the measured phase
    std::uint64_t measured_from = UINT64_MAX;  ///< its first sequence number of the measured phase
    std::uint64_t acks = 0;           ///< acknowledgements of any kind (in-flight accounting)
    std::uint64_t delivered = 0;      ///< first arrivals, summed over its sinks
    unsigned sinks = 0;               ///< sinks that expect every message
    std::uint32_t cap = 65535;        ///< in-flight limit (QoS > 0)
    bool ready = false;
    std::vector<std::int64_t> sent_ns;  ///< send time by packet id, ring of ring_mask + 1
    std::uint32_t ring_mask = 0;
  };
  struct Subscriber {
    std::uint32_t conn = 0;
    std::uint32_t global = 0;
    std::uint32_t sink = 0;
    std::int64_t subscribe_ns = 0;
    bool subacked = false;
    std::uint64_t received = 0;  ///< messages of the measured phase
  };
  /// Where loss is counted: a subscriber, or a whole shared-subscription group.
  struct Sink {
    std::vector<SequenceTracker> by_publisher;  ///< by global publisher index
    std::int64_t expected = -1;             ///< the one local publisher it follows, -1: every one
  };

  void start_setup();
  void subscribe(Subscriber& s);
  void open_publishers();
  void on_connack(std::uint32_t index, ByteView body, std::int64_t now);
  void on_suback(std::uint32_t index, ByteView body, std::int64_t now);
  void on_publish(Subscriber& s, std::uint8_t first, ByteView body, std::int64_t now);
  void on_ack(Publisher& p, std::uint8_t type, ByteView body, std::int64_t now);
  void setup_failed(RunError::Kind kind, std::string message);
  void check_setup_done();
  void begin_measure();
  void end_measure();
  void tick();
  void interval();
  void finish();
  void check_drained();
  void top_up(Publisher& p, std::int64_t now);
  void send(Publisher& p, std::uint64_t n, std::int64_t now, bool scheduled);
  std::size_t build(const Publisher& p, std::uint8_t* out, std::size_t size, std::uint64_t seq, std::int64_t stamp) const;
  bool measured(std::uint32_t global, std::uint64_t seq, std::int64_t stamp) const;
  std::string client_id(char kind, std::uint64_t global) const;
  bool sending() const { return phase_ == Phase::Warmup || phase_ == Phase::Measure; }
  void count_failure(const std::string& cause) { ++result_.failures_by_cause[cause]; }

  net::Loop& loop_;
  const RunConfig& c_;
  RunResult& result_;
  ClientPool pool_;
  Phase phase_ = Phase::Setup;
  std::optional<RunError> error_;
  std::vector<Publisher> pubs_;
  std::vector<Subscriber> subs_;
  std::vector<Sink> sinks_;
  std::vector<std::int32_t> pub_of_conn_, sub_of_conn_;  ///< -1 where the connection is the other kind
  std::size_t connacked_ = 0, subacked_ = 0;

  Counters cur_, prev_;
  LatencyHistogram interval_e2e_;
  net::Timer phase_timer_, interval_timer_, tick_timer_, drain_timer_;
  net::PreciseTimer rate_timer_;  ///< open loop: wakes at the next message's due time
  std::int64_t schedule_start_ns_ = 0;    ///< open loop: time of sequence 0
  bool held_back_ = false;  ///< open loop: sends were held back while the broker was not reading
  std::optional<OpenLoopSchedule> schedule_;  ///< open loop: the whole load's send times
  std::int64_t measure_start_ns_ = INT64_MAX;
  std::int64_t interval_start_ns_ = 0;
  std::int64_t last_event_ns_ = 0;
  std::int64_t send_end_ns_ = 0;
  std::vector<std::uint8_t> scratch_, filler_;
  UsageTracker self_, broker_;
  std::uint64_t foreign_ = 0;  ///< messages without an mqbench payload header
  bool interrupted_ = false;  ///< the stop request was seen (said once)
};

}  // namespace mq::bench
