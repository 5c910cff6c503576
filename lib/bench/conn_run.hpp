#pragma once
/// The conn mode: connection churn (connect, CONNACK, DISCONNECT, again,
/// with K handshakes in flight) or hold (open N connections and keep them).

#include <cstdint>
#include <optional>
#include <vector>

#include "bench/client_pool.hpp"
#include "bench/proc_usage.hpp"
#include "bench/runner.hpp"
#include "net/loop.hpp"

namespace mq::bench {

/// One conn-mode run on the caller's loop.
class ConnRun final : public PoolEvents {
 public:
  ConnRun(net::Loop& loop, const RunConfig& config, RunResult& result, HoldMemory* hold);
  /// Runs; returns an error only when no connection succeeded at all.
  std::optional<RunError> run();

  void on_up(std::uint32_t index) override;
  void on_packet(std::uint32_t index, std::uint8_t first, ByteView body, std::int64_t now) override;
  void on_down(std::uint32_t index, const net::NetError& why, bool was_up) override;

 private:
  void start_more();
  void interval();
  void finish();
  void open(std::uint32_t slot);

  net::Loop& loop_;
  const RunConfig& c_;
  RunResult& result_;
  ClientPool pool_;
  bool done_ = false;
  bool stopping_ = false;
  std::vector<std::uint32_t> idle_;  ///< churn: free slots
  std::uint64_t started_ = 0;        ///< connects begun
  std::uint32_t in_flight_ = 0;
  std::uint64_t held_ = 0;
  Counters cur_, prev_;
  net::Timer interval_timer_, end_timer_, rate_timer_;
  std::int64_t start_ns_ = 0, interval_start_ns_ = 0;
  std::string first_error_;
  UsageTracker self_, broker_;
  bool interrupted_ = false;  ///< the stop request was seen (said once)
  HoldMemory* hold_;
};

}  // namespace mq::bench
