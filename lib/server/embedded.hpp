#pragma once
/// A broker running in-process on its own thread and loop, for tests and
/// benchmarks: start it on port 0 and ask for the ports it got.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server/config/settings.hpp"
#include "server/log.hpp"
#include "server/server.hpp"

namespace mq::net {
class Wakeup;
}

namespace mq::server {

/// Owns a thread that runs a net::Loop with a Server on it.
class EmbeddedBroker {
 public:
  /// Starts the broker and returns once every listener is bound (or an
  /// error message when something failed). Logs at `level` to stderr.
  static std::optional<std::string> start(Settings settings, std::unique_ptr<EmbeddedBroker>& out,
                                          LogLevel level = LogLevel::Error);
  /// Stops the broker (see stop()).
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  /// Disconnects every client, closes the listeners and joins the thread.
  /// The broker's loop is woken at once (net::Wakeup), not polled.
  void stop();
  /// The bound listeners, in configuration order.
  const std::vector<BoundListener>& listeners() const { return listeners_; }
  /// The port of the first listener of `kind` ("mqtt", "ws", ...), 0 if none.
  std::uint16_t port(std::string_view kind = "mqtt") const;

  /// The kernel thread id of the broker's thread (for its CPU time in
  /// /proc/self/task/TID/stat).
  int thread_id() const { return tid_; }

  /// Settings for a broker on 127.0.0.1 port 0 with anonymous access.
  static Settings loopback_settings();

 private:
  EmbeddedBroker() = default;
  void run(Settings settings, LogLevel level);

  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  /// The broker loop's wake-up while it runs, nullptr before and after.
  std::mutex wake_mutex_;
  net::Wakeup* wake_ = nullptr;
  std::vector<BoundListener> listeners_;
  std::optional<std::string> error_;
  int tid_ = 0;
};

}  // namespace mq::server
