#include "bench/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace mq::bench {

OpenLoopSchedule::OpenLoopSchedule(double total_rate, double ramp_s, std::uint64_t clients)
    : rate_(total_rate > 0 ? total_rate : 1.0),
      ramp_s_(ramp_s > 0 ? ramp_s : 0.0),
      clients_(clients > 0 ? clients : 1),
      ramp_sends_(rate_ * ramp_s_ / 2.0),
      ns_per_send_(1e9 / rate_) {}

// Sends due by time t: the rate rises linearly to R over the ramp T, so
// N(t) = R t^2 / (2T) during it and R T / 2 + R (t - T) after. Send g is due
// when N reaches g: g = 0 is due at once.
std::uint64_t OpenLoopSchedule::offset_ns(std::uint64_t g) const {
  const double x = static_cast<double>(g);
  const double ns = x < ramp_sends_ ? std::sqrt(2.0 * ramp_s_ * x / rate_) * 1e9
                                    : ramp_s_ * 1e9 + (x - ramp_sends_) * ns_per_send_;
  return static_cast<std::uint64_t>(ns + 0.5);
}

std::uint64_t OpenLoopSchedule::due_by(std::uint64_t t_ns) const {
  const double t = static_cast<double>(t_ns) / 1e9;
  const double n = t < ramp_s_ ? rate_ * t * t / (2.0 * ramp_s_) : ramp_sends_ + rate_ * (t - ramp_s_);
  // The closed form is a guess within rounding; offset_ns is the definition.
  auto g = static_cast<std::uint64_t>(std::max(0.0, std::floor(n)));
  while (offset_ns(g + 1) <= t_ns) ++g;
  while (g > 0 && offset_ns(g) > t_ns) --g;
  return g + 1;  // sends 0 .. g
}

SendCursor::SendCursor(const OpenLoopSchedule& schedule, ClientRange range) : schedule_(&schedule), range_(range) {
  next_ = Send{range.first, 0, schedule.client_send_ns(range.first, 0)};
}

void SendCursor::advance() {
  // Within one round (same k) client order is time order: global send
  // numbers k * clients + c grow with c.
  if (next_.client + 1 < range_.first + range_.count) {
    ++next_.client;
  } else {
    next_.client = range_.first;
    ++next_.seq;
  }
  next_.at_ns = schedule_->client_send_ns(next_.client, next_.seq);
}

std::uint64_t connect_offset_ns(std::uint64_t index, double rate_per_s) {
  if (!(rate_per_s > 0)) return 0;
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(index) / rate_per_s * 1e9));
}

std::uint64_t count_share(std::uint64_t total, std::uint64_t clients, std::uint64_t client) {
  if (clients == 0) return 0;
  return total / clients + (client < total % clients ? 1 : 0);
}

}  // namespace mq::bench
