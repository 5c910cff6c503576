#include "server/event_log.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mq::server {

std::uint32_t TakeoverWatch::note(std::string_view client_id, broker::TimePoint now) {
  if (runs_.size() >= prune_at_) prune(now);
  auto [it, fresh] = runs_.try_emplace(std::string(client_id));
  Run& r = it->second;
  if (fresh || now - r.last > kFlapWindow) r = Run{};  // quiet long enough: a new run
  r.last = now;
  ++r.count;
  if (r.warned || r.count < kFlapTakeovers) return 0;
  r.warned = true;
  return r.count;
}

void TakeoverWatch::prune(broker::TimePoint now) {
  std::erase_if(runs_, [&](const auto& entry) { return now - entry.second.last > kFlapWindow; });
  // Pruning again only once the map has doubled keeps each takeover's share of the work constant.
  prune_at_ = std::max<std::size_t>(256, runs_.size() * 2);
}

void EventLog::subscribed(broker::ConnectionId connection, std::string_view client_id, std::string_view filter,
                          std::uint8_t result) {
  if (!log_.enabled(LogLevel::Info)) return;
  LogFields fields{{"connection", name_(connection).number},
                   {"client_id", std::string(client_id)},
                   {"filter", std::string(filter)}};
  if (result < 0x80) fields.emplace_back("qos", std::to_string(result));
  else fields.emplace_back("reason", fmt::format("0x{:02X}", result));
  log_.log(LogLevel::Info, result < 0x80 ? "subscribed" : "subscription refused", fields);
}

void EventLog::unsubscribed(broker::ConnectionId connection, std::string_view client_id, std::string_view filter,
                            bool existed) {
  if (!log_.enabled(LogLevel::Info)) return;
  log_.log(LogLevel::Info, existed ? "unsubscribed" : "unsubscribed from a filter it did not hold",
           {{"connection", name_(connection).number},
            {"client_id", std::string(client_id)},
            {"filter", std::string(filter)}});
}

void EventLog::taken_over(std::string_view client_id, broker::ConnectionId old, broker::ConnectionId by) {
  taken_over_.insert(old);
  const std::uint32_t loop = watch_.note(client_id, broker::Clock::now());
  if (!loop && !log_.enabled(LogLevel::Info)) return;
  const ConnName older = name_(old);
  const ConnName newer = name_(by);
  if (log_.enabled(LogLevel::Info))
    log_.log(LogLevel::Info, "client id taken over: the older connection is closed",
             {{"client_id", std::string(client_id)},
              {"old_connection", older.number},
              {"old_peer", older.peer},
              {"new_connection", newer.number},
              {"new_peer", newer.peer}});
  if (loop)
    log_.log(LogLevel::Warning,
             fmt::format("client id taken over {} times in a row, each within {} s: two clients probably share it "
                         "and reconnect at each other (warned once per run)",
                         loop, TakeoverWatch::kFlapWindow.count()),
             {{"client_id", std::string(client_id)},
              {"old_connection", older.number},
              {"old_peer", older.peer},
              {"new_connection", newer.number},
              {"new_peer", newer.peer}});
}

std::optional<std::string> EventLog::close_reason(broker::ConnectionId id) {
  if (!taken_over_.erase(id)) return std::nullopt;
  return "taken over by a new connection with the same client id";
}

}  // namespace mq::server
