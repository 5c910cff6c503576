#include "client/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace mq::client {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum, double factor, double jitter,
                 Random random)
    : initial_(std::max(initial, std::chrono::milliseconds(0))),
      maximum_(std::max(maximum, initial_)),
      factor_(std::max(factor, 1.0)),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      random_(std::move(random)) {}

std::chrono::milliseconds Backoff::next() {
  // Computed in double and capped before converting, so a long outage
  // cannot overflow the exponent into nonsense.
  const double cap = static_cast<double>(maximum_.count());
  const double grown = static_cast<double>(initial_.count()) * std::pow(factor_, static_cast<double>(attempt_));
  const double ceiling = std::min(grown, cap);
  if (attempt_ < 1'000'000) ++attempt_;
  double r = random_ ? random_() : 0.0;
  r = std::clamp(r, 0.0, 1.0);
  const double delay = ceiling * (1.0 - jitter_ * r);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(delay)));
}

}  // namespace mq::client
