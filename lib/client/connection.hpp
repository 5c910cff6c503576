#pragma once
/// Runs a ClientSession over a lib/net Stream: connects to the broker URL,
/// feeds received bytes and the clock into the session, writes its output,
/// keeps its timer armed, hands its events to the caller and, when asked,
/// reconnects with backoff (the session resumes). The one place where the
/// I/O-free session meets the loop; mqpub, mqsub and mqbench share it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "client/backoff.hpp"
#include "client/session.hpp"
#include "codec/framer.hpp"
#include "net/connect.hpp"
#include "net/loop.hpp"

namespace mq::client {

/// Reconnection after a lost connection: off unless `enabled`.
struct ReconnectPolicy {
  bool enabled = false;
  std::chrono::milliseconds initial{1000};  ///< first delay
  std::chrono::milliseconds maximum{30000};  ///< delays grow up to this
  // Delays start again from `initial` once a connection stayed up for
  // `maximum` (at most 10 s), not at every CONNACK.
};

/// How the connection reports to its owner. Every handler is optional.
struct ConnectionHandlers {
  /// Each session event, in order.
  std::function<void(Event&)> on_event;
  /// The transport is up (before CONNACK).
  std::function<void()> on_transport_up;
  /// The transport failed or ended and no reconnect follows: `error` is why
  /// (code None after close()).
  std::function<void(const net::NetError& error)> on_ended;
  /// A reconnect is scheduled after `delay` because of `error`.
  std::function<void(const net::NetError& error, std::chrono::milliseconds delay)> on_reconnecting;
  /// One whole packet sent (`sent` true) or received, for --trace and -d.
  std::function<void(bool sent, ByteView packet)> on_packet;
};

class Connection {
 public:
  /// Nothing happens until open(). `session` must outlive the connection.
  Connection(net::Loop& loop, ClientSession& session, net::Url url, net::ConnectOptions options,
             ReconnectPolicy reconnect, ConnectionHandlers handlers);
  /// Aborts the transport (no handler is called).
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Connects and starts the session; CONNECT goes out once the transport is up.
  void open();

  /// Writes the session's pending output, delivers its pending events and
  /// re-arms its timer. Call after every request made to the session
  /// (publish, subscribe, ...); safe to call from inside an event handler.
  void service();

  /// Ends for good: DISCONNECT (when connected), then the broker's close is
  /// awaited (at most 0.5 s) so that it has read everything sent; on_ended
  /// follows with code None. No reconnect.
  void close(std::uint8_t reason_code = 0, OwnedProperties properties = {});

  /// Stops reconnecting: the next end of the transport is final.
  void stop_reconnecting() { reconnect_.enabled = false; }

  /// True while a transport is connected.
  bool transport_up() const { return stream_ != nullptr; }
  /// Bytes written to the transport that the kernel has not taken yet.
  std::size_t queued_bytes() const { return stream_ ? stream_->queued_bytes() : 0; }

  ClientSession& session() { return session_; }

 private:
  void connect_transport();
  void on_connected(std::shared_ptr<net::Stream> stream, const net::NetError& error);
  void on_data(ByteView bytes);
  void on_stream_closed(const net::NetError& error);
  void transport_ended(const net::NetError& error);
  void write_output();
  void arm_timer();
  void trace(bool sent, ByteView bytes);

  net::Loop& loop_;
  ClientSession& session_;
  net::Url url_;
  net::ConnectOptions options_;
  ReconnectPolicy reconnect_;
  ConnectionHandlers handlers_;
  Backoff backoff_;

  std::unique_ptr<net::PendingConnect> pending_;
  std::shared_ptr<net::Stream> stream_;
  net::Timer session_timer_;
  net::Timer reconnect_timer_;
  net::Timer linger_timer_;  ///< bounds the wait for the broker's close after our DISCONNECT
  bool lingering_ = false;   ///< DISCONNECT sent, waiting for the broker to close
  std::optional<TimePoint> armed_for_;
  std::optional<TimePoint> up_since_;  ///< CONNACK of the current connection, for the backoff reset
  bool closing_ = false;  ///< close() was called
  bool ended_ = false;    ///< on_ended was reported
  bool in_service_ = false;
  bool service_again_ = false;
  /// Packet boundaries of both directions, for on_packet only.
  Framer trace_out_;
  Framer trace_in_;
};

}  // namespace mq::client
