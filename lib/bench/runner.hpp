#pragma once
/// The mqbench run: opens the connections (through lib/net, any transport),
/// drives publishers and subscribers on one loop and one clock, and fills a
/// RunResult. No libuv here; the loop is net::Loop.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/payload.hpp"
#include "bench/results.hpp"
#include "codec/types.hpp"
#include "net/connect.hpp"
#include "net/url.hpp"

namespace mq::bench {

/// What the run does.
enum class Mode : std::uint8_t {
  Pub,     ///< publishers only (closed loop on PUBACK at QoS > 0)
  Sub,     ///< subscribers only, counting what arrives from others
  PubSub,  ///< publishers and subscribers in one process, end-to-end latency
  Conn,    ///< connections only: churn (connect, CONNACK, disconnect) or hold
};

/// Everything a run needs, already checked by the app.
struct RunConfig {
  Mode mode = Mode::PubSub;
  net::Url url;
  net::ConnectOptions connect;         ///< TLS, WebSocket headers, timeout
  ProtocolVersion version = ProtocolVersion::v5;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::uint16_t keep_alive = 60;
  std::string client_prefix = "mqbench";  ///< client ids: PREFIX-wW-pI / -sI / -cI

  unsigned publishers = 1;             ///< this worker's share
  unsigned subscribers = 1;            ///< this worker's share
  unsigned first_publisher = 0;        ///< global index of this worker's first publisher
  unsigned first_subscriber = 0;       ///< idem for subscribers
  unsigned total_publishers = 1;       ///< over all workers: topics subscribers follow
  /// Topic template (name_template.hpp): %i is the publisher's global index, %w the worker.
  std::string topic = "mqbench/%i";
  /// Subscription filter template (%i: the subscriber's global index); empty:
  /// subscriber j follows the topic of publisher j mod total_publishers.
  std::string sub_topic;
  /// Share name: subscribers join "$share/NAME/filter" (MQTT 5.0).
  std::string share_group;
  unsigned qos = 0;
  bool retain = false;
  PayloadSize size{32, 32};  ///< payload bytes (at least kPayloadHeaderSize), see payload.hpp

  double rate = 0;            ///< messages/s of the whole load (every worker); 0: closed loop
  double ramp_s = 0;          ///< open loop: seconds of linear ramp from 0 to `rate`
  std::size_t window = 1000;  ///< closed loop: messages outstanding per publisher
  double warmup_s = 1;
  double duration_s = 10;
  std::uint64_t count = 0;    ///< messages per publisher; 0: until the duration ends
  double drain_s = 2;         ///< after the last send, how long to wait for stragglers

  // conn mode
  unsigned connections = 100;  ///< hold: connections to open; churn: total connects (0: duration)
  unsigned in_flight = 100;    ///< connection handshakes at a time
  bool hold = false;           ///< hold the connections until the duration ends
  double connect_rate = 0;     ///< new connections per second; 0: as fast as in_flight allows

  std::vector<std::string> sources;  ///< local addresses, used in turn
  int broker_pid = 0;          ///< broker CPU/RSS from /proc
  int broker_tid = 0;          ///< an in-process broker's thread
  double interval_s = 1;
  unsigned worker_index = 0, worker_count = 1;

  /// Called after each interval with the interval and the totals so far
  /// (for --json streaming and the live status line).
  std::function<void(const IntervalRecord&, const RunResult&)> on_interval;
  /// Polled once per interval: true ends the run early (SIGINT).
  std::function<bool()> interrupted;
};

/// Why a run could not produce results at all.
struct RunError {
  enum class Kind : std::uint8_t { Connect, Refused, Subscribe } kind;
  std::string message;
};

/// Memory around a conn --hold run: resident sizes before the first
/// connection and with every connection open (0 where unknown).
struct HoldMemory {
  std::uint64_t connections = 0;
  std::uint64_t self_before = 0, self_held = 0;
  std::uint64_t broker_before = 0, broker_held = 0;
};

/// Runs the benchmark. Failures of single connections are counted in the
/// result; a run where the setup itself fails (nothing could connect, a
/// subscription was refused) returns the error.
std::optional<RunError> run(const RunConfig& config, RunResult& result, HoldMemory* hold = nullptr);

class UsageTracker;

/// What every mode does when an interval ends: marks a sliver shorter than
/// half an interval (the run's last) partial, samples CPU and memory, stores
/// the record and the totals so far, and calls on_interval. True the first
/// time the stop request (SIGINT) is seen: the caller then ends its run.
bool close_interval(const RunConfig& c, RunResult& result, IntervalRecord r, std::int64_t length_ns,
                    const Counters& totals, UsageTracker& self, UsageTracker& broker, bool& interrupted);

/// Sets the result's start time (UTC text and Unix seconds) to now.
void mark_start(RunResult& result);

}  // namespace mq::bench
