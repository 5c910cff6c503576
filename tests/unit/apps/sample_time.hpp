#pragma once
/// The fixed receive time of the app-level message tests.

#include <chrono>

namespace mq::apps::test {

/// 2024-05-06T22:12:00.123456789Z
inline std::chrono::system_clock::time_point sample_time() {
  using namespace std::chrono;
  return system_clock::time_point(duration_cast<system_clock::duration>(seconds(1715033520) + nanoseconds(123456789)));
}

}  // namespace mq::apps::test
