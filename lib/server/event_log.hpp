#pragma once
/// The broker core's events as log lines: subscriptions, and takeovers with
/// both peers, plus one warning when two clients keep taking one client id
/// from each other (a takeover loop).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "broker/events.hpp"
#include "server/log.hpp"

namespace mq::server {

/// Counts takeovers per client id and says when one id starts flapping:
/// kFlapTakeovers takeovers with at most kFlapWindow between one and the
/// next. Pure logic over a caller's clock; memory is bounded by pruning ids
/// quiet for longer than the window.
class TakeoverWatch {
 public:
  /// Takeovers of one client id, each within kFlapWindow of the one before, that make a loop.
  static constexpr std::uint32_t kFlapTakeovers = 5;
  /// The longest gap between two takeovers of one loop.
  static constexpr std::chrono::seconds kFlapWindow{10};

  /// Notes a takeover of `client_id` at `now`; returns the number of
  /// takeovers in its current run when this one makes it a loop for the
  /// first time (the run goes on until the id is quiet for kFlapWindow), else 0.
  std::uint32_t note(std::string_view client_id, broker::TimePoint now);
  /// Client ids tracked now (for tests of the bound).
  std::size_t tracked() const { return runs_.size(); }

 private:
  struct Run {
    broker::TimePoint last;
    std::uint32_t count = 0;
    bool warned = false;
  };
  void prune(broker::TimePoint now);
  std::unordered_map<std::string, Run> runs_;
  std::size_t prune_at_ = 256;
};

/// How log lines name a connection: its number in the order connections
/// arrived (1, 2, 3...; never the core's ConnectionId, a recycled handle)
/// and its peer's address.
struct ConnName {
  std::uint64_t number = 0;
  std::string peer;
};

/// Logs what the core reports (broker::Events) at info level, and warns
/// once per takeover loop. `name` names a connection that is still open.
class EventLog final : public broker::Events {
 public:
  EventLog(Logger& log, std::function<ConnName(broker::ConnectionId)> name) : log_(log), name_(std::move(name)) {}

  void subscribed(broker::ConnectionId connection, std::string_view client_id, std::string_view filter,
                  std::uint8_t result) override;
  void unsubscribed(broker::ConnectionId connection, std::string_view client_id, std::string_view filter,
                    bool existed) override;
  void taken_over(std::string_view client_id, broker::ConnectionId old, broker::ConnectionId by) override;

  /// Why connection `id` closed, when the core closed it for a reason the
  /// network layer cannot see ("taken over"); nullopt otherwise. Forgets it.
  std::optional<std::string> close_reason(broker::ConnectionId id);

 private:
  Logger& log_;
  std::function<ConnName(broker::ConnectionId)> name_;
  TakeoverWatch watch_;
  /// Connections closed by a takeover, until their socket has closed.
  std::unordered_set<broker::ConnectionId> taken_over_;
};

}  // namespace mq::server
