#pragma once
/// Open-loop load: when each send is due, decided in advance and never by
/// how fast the broker answers. The whole load (all clients of all workers)
/// is one stream of sends at `total_rate` per second, optionally ramping up
/// linearly from 0 over `ramp_s` seconds, dealt out round-robin: global send
/// g goes to client g % clients, so client c's k-th send is global send
/// k * clients + c. Each worker walks only its own clients' sends; the N
/// workers together make exactly the one-process stream, and a rate per
/// client is the total rate divided by the number of clients.
///
/// Latency is measured from the scheduled time (coordinated omission
/// corrected): a send that goes out late carries its scheduled time, so the
/// delay the generator or the broker caused shows up in the figures, and
/// LagMeter says how much of it was the generator's.

#include <cstdint>

#include "bench/results.hpp"
#include "bench/worker.hpp"

namespace mq::bench {

/// The send times of the whole load.
class OpenLoopSchedule {
 public:
  /// `total_rate` sends/s (> 0) spread over `clients` (> 0) clients,
  /// reached after a linear ramp of `ramp_s` seconds (0: no ramp).
  OpenLoopSchedule(double total_rate, double ramp_s, std::uint64_t clients);

  /// Nanoseconds after the start at which global send g is due.
  std::uint64_t offset_ns(std::uint64_t g) const;
  /// Client c's k-th send (both 0-based).
  std::uint64_t client_send_ns(std::uint64_t client, std::uint64_t k) const { return offset_ns(k * clients_ + client); }
  /// How many sends of the whole load are due at or before t_ns.
  std::uint64_t due_by(std::uint64_t t_ns) const;
  std::uint64_t clients() const { return clients_; }
  double total_rate() const { return rate_; }

 private:
  double rate_;
  double ramp_s_;
  std::uint64_t clients_;
  double ramp_sends_;   // sends that fall within the ramp: rate * ramp / 2
  double ns_per_send_;  // 1e9 / rate: a multiplication per send, not a division
};

/// Walks the sends of a contiguous range of clients in time order (ties in
/// client order), O(1) per send and without looking at other clients'.
class SendCursor {
 public:
  struct Send {
    std::uint64_t client;  ///< global client index
    std::uint64_t seq;     ///< this client's send number (0-based): the payload's sequence number
    std::uint64_t at_ns;   ///< scheduled offset from the start
  };
  SendCursor(const OpenLoopSchedule& schedule, ClientRange range);
  /// The next send of the range (valid when the range is not empty).
  Send peek() const { return next_; }
  /// Moves to the following send.
  void advance();

 private:
  const OpenLoopSchedule* schedule_;
  ClientRange range_;
  Send next_{};
};

/// Counts how late sends went out against their scheduled time.
class LagMeter {
 public:
  explicit LagMeter(std::uint64_t late_threshold_ns = 1'000'000) { lag_.late_threshold_ns = late_threshold_ns; }
  /// One send scheduled at `scheduled_ns` that went out at `now_ns`.
  void sent(std::uint64_t scheduled_ns, std::uint64_t now_ns) {
    const std::uint64_t behind = now_ns > scheduled_ns ? now_ns - scheduled_ns : 0;
    ++lag_.scheduled;
    if (behind > lag_.late_threshold_ns) ++lag_.late;
    if (behind > lag_.max_ns) lag_.max_ns = behind;
  }
  const GeneratorLag& lag() const { return lag_; }
  /// Starts counting afresh (at the end of the warm-up).
  void reset() { lag_ = GeneratorLag{0, 0, 0, lag_.late_threshold_ns}; }

 private:
  GeneratorLag lag_;
};

/// When connection `index` (global, 0-based) opens, in ns after the start,
/// to open connections at `rate_per_s` in total across all workers; 0 for
/// every index when the rate is 0 (as fast as possible).
std::uint64_t connect_offset_ns(std::uint64_t index, double rate_per_s);

/// Client `client`'s share of `total` messages over `clients` clients:
/// total / clients, plus one for the first total % clients clients, so the
/// shares add up to exactly `total`.
std::uint64_t count_share(std::uint64_t total, std::uint64_t clients, std::uint64_t client);

}  // namespace mq::bench
