#pragma once
/// The connections of a benchmark: each one is connected through lib/net
/// (TCP, TLS, WebSocket or a Unix socket, from one of several source
/// addresses), sends its CONNECT, and hands every packet the broker sends to
/// the runner, framed but not decoded. Slots are reused for churn.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "bench/runner.hpp"
#include "codec/framer.hpp"
#include "net/connect.hpp"
#include "net/stream.hpp"

namespace mq::bench {

/// Monotonic nanoseconds: the one clock of a run (payload stamps, latency).
std::int64_t clock_ns();

/// Receives what happens to the pool's connections.
class PoolEvents {
 public:
  /// The transport is up and CONNECT was queued.
  virtual void on_up(std::uint32_t index) = 0;
  /// One whole packet from the broker; `body` is valid during the call.
  /// `now` is clock_ns() read once for the whole read it came in.
  virtual void on_packet(std::uint32_t index, std::uint8_t first_byte, ByteView body, std::int64_t now) = 0;
  /// The connection failed to open (`was_up` false) or ended.
  virtual void on_down(std::uint32_t index, const net::NetError& why, bool was_up) = 0;

 protected:
  ~PoolEvents() = default;
};

/// The connections, by index.
class ClientPool final : public net::StreamHandler {
 public:
  /// Prepares connecting as `config` says; the TLS context is made once
  /// here and shared. On a TLS setup error, error() says why.
  ClientPool(net::Loop& loop, const RunConfig& config, PoolEvents& events);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  /// Why the pool cannot connect at all (bad TLS files), empty when it can.
  const std::string& error() const { return error_; }
  /// Adds a slot; returns its index.
  std::uint32_t add();
  /// Number of slots.
  std::size_t size() const { return conns_.size(); }
  /// Starts connecting slot `i` as `client_id` (the slot must be idle).
  void open(std::uint32_t i, const std::string& client_id);
  /// Queues bytes on slot `i` (ignored when it is not up).
  void write(std::uint32_t i, ByteView bytes);
  /// Bytes queued on slot `i` that the kernel has not taken yet.
  std::size_t queued(std::uint32_t i) const;
  /// Sends DISCONNECT, closes gracefully and frees the slot for reuse.
  void disconnect(std::uint32_t i);
  /// Closes every connection (DISCONNECT first where up).
  void disconnect_all();
  /// True while slot `i` has a connection up.
  bool up(std::uint32_t i) const { return conns_[i].stream != nullptr; }
  /// When slot `i` began its current connect (clock_ns()).
  std::int64_t started_ns(std::uint32_t i) const { return conns_[i].started_ns; }

  void on_stream_data(std::uint64_t tag, ByteView bytes) override;
  void on_stream_close(std::uint64_t tag, const net::NetError& why) override;

 private:
  struct Conn {
    std::shared_ptr<net::Stream> stream;
    std::unique_ptr<net::PendingConnect> pending;
    Framer framer;
    std::int64_t started_ns = 0;
  };
  void connected(std::uint32_t i, std::shared_ptr<net::Stream> stream, const net::NetError& error,
                 std::vector<std::uint8_t> connect_packet);
  void drop(std::uint32_t i);

  net::Loop& loop_;
  const RunConfig& config_;
  PoolEvents& events_;
  net::ConnectOptions options_;
  std::string error_;
  std::deque<Conn> conns_;
  std::size_t next_source_ = 0;
  std::vector<std::uint8_t> disconnect_;
};

}  // namespace mq::bench
