#pragma once
/// The embeddable broker: the sans-I/O broker core driven by the network
/// layer. It owns the core, the listeners and one stream per client on a
/// net::Loop it is given, flushes the core's output once per loop
/// iteration, runs the core's timers, reloads credentials and certificates,
/// and tells the core which subscribers cannot keep up.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "broker/broker.hpp"
#include "net/listener.hpp"
#include "net/loop.hpp"
#include "server/config/settings.hpp"
#include "server/conn_table.hpp"
#include "server/event_log.hpp"
#include "server/file_authorizer.hpp"
#include "server/lint_log.hpp"
#include "server/log.hpp"
#include "server/persist/store.hpp"

namespace mq::server {

/// A listener once bound: what it speaks and where.
struct BoundListener {
  std::string kind;     ///< "mqtt", "mqtts", "ws", "wss" or "unix"
  std::string address;  ///< "127.0.0.1:45123", "[::1]:8883" or the socket path
  std::uint16_t port = 0;  ///< the real port (0 for Unix sockets)
};

/// The line announced for a bound listener: "listening mqtt 127.0.0.1:45123".
std::string listening_line(const BoundListener& l);

/// Maps the configuration onto the broker core's limits; an error message
/// for a setting the core cannot honour.
std::optional<std::string> to_broker_config(const Settings& s, broker::Config& out);

/// Bytes queued on one client's socket above which the core is told the
/// client is backlogged: its QoS 0 messages are dropped and counted, QoS 1/2
/// ones wait in its session queue. Other clients are not held up.
inline constexpr std::size_t kHighWater = 8u * 1024 * 1024;
/// Sockets over max_connections held at once to be told so by CONNACK
/// (0x97 / return code 3); past this many they are closed on accept, so a
/// flood of connections cannot grow past the limit by more than this.
inline constexpr std::size_t kMaxRefusing = 64;
/// Bytes queued on a backlogged client's socket below which it gets messages again.
inline constexpr std::size_t kLowWater = 1u * 1024 * 1024;
/// A backlogged client whose socket stays above kLowWater this long is
/// disconnected (it does not read), which frees its buffered output.
inline constexpr std::chrono::seconds kStallLimit{30};
/// Bytes queued on one client's socket, whatever they are (messages,
/// PINGRESP, WebSocket pongs), past which it is disconnected at once: a
/// client that sends but never reads costs at most this much output memory.
inline constexpr std::size_t kMaxQueuedOutput = 64u * 1024 * 1024;

/// An MQTT broker on a loop.
class Server final : private broker::Output, private net::detail::Flushable, private net::StreamHandler {
 public:
  /// Checks the settings, reads the password and ACL files, the TLS
  /// certificates and the persistence data. Nothing is bound yet. With
  /// `check_only` the persistence data is read but nothing is written.
  /// Returns an error message.
  static std::optional<std::string> create(net::Loop& loop, Settings settings, Logger& log,
                                           std::unique_ptr<Server>& out, bool check_only = false);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every listener (all or none). Returns an error message naming the
  /// listener that failed.
  std::optional<std::string> start();
  /// The bound listeners, in configuration order.
  const std::vector<BoundListener>& listeners() const { return bound_; }
  /// Re-reads the password and ACL files and the certificates; on error
  /// the old ones stay in force. Connected clients are not touched.
  std::optional<std::string> reload();
  /// Stops accepting, disconnects every client (5.0 ones with 0x8B), and
  /// closes the sockets once their output is written. `done` runs when the
  /// last one has closed.
  void shutdown(std::function<void()> done = {});
  /// The core's live figures.
  const broker::Counters& counters() const { return broker_->counters(); }
  /// Connections open on the sockets (as the server sees them).
  std::size_t open_streams() const { return conns_.size(); }
  /// The data directory, or nullptr without persistence.
  const Store* store() const { return store_.get(); }
  /// True after a write to the data directory failed: the server stopped
  /// (without acknowledging what was not written) and should exit non-zero.
  bool failed() const { return failed_; }
  /// Runs `cb` when a persistence failure stops the server outside shutdown().
  void on_failed(std::function<void()> cb) { on_failed_ = std::move(cb); }

 private:
  Server(net::Loop& loop, Settings settings, Logger& log);

  // broker::Output
  void send(broker::ConnectionId id, ByteView bytes) override;
  void close(broker::ConnectionId id) override;
  // Flushable: once per loop iteration after events.
  void flush() override;
  // StreamHandler: every connection's stream, tagged with its ConnectionId.
  void on_stream_data(std::uint64_t id, ByteView bytes) override;
  void on_stream_close(std::uint64_t id, const net::NetError& e) override;

  void on_accept(std::size_t listener, std::shared_ptr<net::Stream> stream);
  /// Keeps the total of partly received packets within the input buffer
  /// budget: when `id` grew past its share and the total is over, it is
  /// disconnected (logged).
  void check_input_budget(broker::ConnectionId id);
  /// Runs the password checks the authorizer deferred on libuv's thread
  /// pool; each answer goes to the core on the loop's thread.
  void start_hash_jobs();
  void schedule();
  void arm_timer();
  void check_pressure();
  void forget(broker::ConnectionId id);
  /// Tells the core about sockets that went over kHighWater during a flush.
  void note_backlogs();
  /// Notes the client id of `id` once its CONNECT succeeded, and logs it.
  void note_client(broker::ConnectionId id);
  /// The number log lines give connection `id` (0 when it is not open).
  std::uint64_t number_of(broker::ConnectionId id);
  /// Writes a snapshot; logs and stops the server when it fails.
  void save_snapshot();
  /// A write to the data directory failed: clients are cut off without
  /// their pending output and the server shuts down.
  void persistence_failed(const std::string& error);
  std::optional<std::string> make_tls(std::size_t index, std::shared_ptr<net::TlsServerContext>& out) const;

  net::Loop& loop_;
  Settings settings_;
  std::vector<ListenerSettings> listener_settings_;
  Logger& log_;
  /// The core's subscriptions and takeovers, logged.
  EventLog events_;
  /// Every connection's packets, linted (--lint); null when off.
  std::unique_ptr<LintLog> lint_;
  FileAuthorizer auth_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<Store> store_;
  std::vector<std::shared_ptr<net::TlsServerContext>> tls_;
  std::vector<std::unique_ptr<net::Listener>> net_listeners_;
  std::vector<BoundListener> bound_;
  std::vector<std::size_t> per_listener_open_;
  /// Sockets accepted over their listener's max_connections, kept only to
  /// be refused with a CONNACK (at most kMaxRefusing at once).
  std::unordered_set<broker::ConnectionId> refusing_;
  /// Every client's stream, with its client identifier for the "connection
  /// closed" log line (noted once a CONNECT succeeded, only while
  /// connection_messages is on).
  ConnTable conns_;
  /// Sockets the listeners have handed over, refused ones included: the
  /// last connection's number in the log.
  std::uint64_t arrivals_ = 0;
  net::Timer deadline_timer_;
  net::Timer pressure_timer_;
  net::Timer drain_timer_;
  net::Timer autosave_timer_;
  bool failed_ = false;
  std::optional<broker::TimePoint> armed_for_;
  /// Clients over kHighWater, and since when.
  std::unordered_map<broker::ConnectionId, broker::TimePoint> backlogged_;
  /// Went over kHighWater in Output::send, where the core cannot be called.
  std::vector<broker::ConnectionId> newly_backlogged_;
  bool shutting_down_ = false;
  /// Partly received bytes per connection holding any, and their total.
  std::unordered_map<broker::ConnectionId, std::size_t> input_held_;
  std::size_t input_total_ = 0;
  /// Expires with the server: a password check finishing later is ignored.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  std::function<void()> on_drained_;
  std::function<void()> on_failed_;
};

}  // namespace mq::server
