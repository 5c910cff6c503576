#pragma once
/// A transparent MQTT proxy: accepts clients on one address, connects each
/// to the broker, forwards every byte unchanged both ways and shows each
/// connection to a ConnectionTap. TLS and WebSocket are terminated and
/// re-originated on either side as the two URLs ask; the MQTT bytes between
/// them are never altered.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "dump/observed.hpp"
#include "net/connect.hpp"
#include "net/listener.hpp"
#include "net/loop.hpp"
#include "proxy/faults.hpp"

namespace mq::proxy {

/// What a Proxy listens on, where it forwards to, and its limits.
struct ProxyOptions {
  net::Url listen;                     ///< where clients connect (port 0: any free port)
  net::ListenOptions listen_options;   ///< TLS certificates for mqtts/wss listeners
  net::Url upstream;                   ///< the broker
  net::ConnectOptions connect_options; ///< TLS and timeouts towards the broker
  /// Largest packet the tap frames; a larger one ends the framing of its
  /// direction (the bytes are still forwarded).
  std::uint32_t max_packet = 64u * 1024 * 1024;
  /// Bytes queued towards a side that does not read beyond which the other
  /// side is no longer read: the proxy's memory stays bounded.
  std::size_t high_water = 1024 * 1024;
  /// Faults to inject (none by default).
  FaultOptions faults;
};

/// Forwards connections and observes them. Lives on one loop.
class Proxy {
 public:
  /// Receives one-line notes: connections opened, failed and closed,
  /// framing lost, back-pressure.
  using NoteHandler = std::function<void(std::uint64_t connection, const std::string& note)>;

  /// Starts listening; packets go to `observer`, notes to `notes`.
  static net::NetResult<std::unique_ptr<Proxy>> start(net::Loop& loop, ProxyOptions options,
                                                      dump::PacketObserver& observer, NoteHandler notes = {});
  /// Aborts every connection still open.
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  /// Stops accepting and closes every connection (queued bytes are sent first).
  void stop();
  /// The address actually bound, with the real port.
  const net::Url& url() const { return listener_->url(); }
  /// Connections being forwarded (or waiting for the broker).
  std::size_t open_connections() const { return pairs_.size(); }
  /// Times the proxy stopped reading one side because the other did not read.
  std::uint64_t pauses() const { return pauses_; }
  /// Bytes the proxy holds for all its connections, waiting to be sent.
  std::size_t queued_bytes() const;

  /// Use start().
  Proxy(net::Loop& loop, ProxyOptions options, dump::PacketObserver& observer, NoteHandler notes);

 private:
  struct Pair;
  void accept(std::shared_ptr<net::Stream> client);
  void upstream_ready(std::uint64_t id, std::shared_ptr<net::Stream> stream, const net::NetError& error);
  void forward(Pair& pair, dump::Direction d, ByteView bytes);
  /// Writes bytes to the side they travel to, or keeps client bytes until
  /// the broker connection is ready.
  void send(Pair& pair, dump::Direction d, ByteView bytes);
  /// Forwards one packet under the faults asked for (see faults.hpp).
  void forward_packet(Pair& pair, dump::Direction d, ByteView bytes, std::optional<PacketType> type);
  /// Writes the delayed packets that are due, and arms the pair's timer for the next.
  void release_delayed(std::uint64_t id);
  /// Stops reading the side that sends in `d` when its target is backed up.
  void check_backlog(Pair& pair, dump::Direction d);
  void side_closed(std::uint64_t id, dump::Direction from, const net::NetError& why);
  void check_pressure();
  void note(std::uint64_t id, const std::string& text);
  void reap();
  /// Schedules the pair's removal once both sides are closed.
  void maybe_reap(Pair& pair);

  net::Loop& loop_;
  ProxyOptions options_;
  dump::PacketObserver& observer_;
  NoteHandler notes_;
  std::unique_ptr<net::Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Pair>> pairs_;
  std::uint64_t next_id_ = 0;
  std::uint64_t pauses_ = 0;
  net::Timer pressure_timer_;
  net::Timer reap_timer_;
};

/// Microseconds since the Unix epoch, now.
std::int64_t now_us();

}  // namespace mq::proxy
