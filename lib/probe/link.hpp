#pragma once
/// One probe connection: packets written by the codec and read back through
/// the framer over a lib/net stream, one step at a time, each wait bounded.
/// The probe talks to the broker this way rather than through
/// client::ClientSession because it must step past the session's own guards
/// on purpose (one PUBLISH more than the broker's Receive Maximum, a packet
/// over its advertised Maximum Packet Size) and see exactly what comes back.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/framer.hpp"
#include "codec/packets.hpp"
#include "net/connect.hpp"
#include "net/loop.hpp"

namespace mq::probe {

/// A received packet: its own bytes and the packet decoded from them (whose
/// views point into `bytes`, so a Received is moved, never copied).
struct Received {
  std::unique_ptr<std::vector<std::uint8_t>> bytes;
  Packet packet;
};

/// How a wait for the broker ended.
enum class Outcome : std::uint8_t {
  Packet,     ///< a packet arrived
  Closed,     ///< the broker closed the connection (or it failed)
  Timeout,    ///< nothing arrived in time
  Malformed,  ///< the broker sent bytes that do not decode; the link is closed
};

/// A bounded, step-by-step conversation with the broker.
class Link {
 public:
  /// A link on `loop` speaking protocol `version` (used to encode and decode).
  Link(net::Loop& loop, ProtocolVersion version);
  /// Aborts the transport if it is still open.
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  /// Opens the transport (TCP, TLS, WebSocket as `url` says); the error when it fails.
  std::optional<net::NetError> connect(const net::Url& url, const net::ConnectOptions& options);
  /// Queues `p`, encoded at this link's version (written on the next wait).
  void send(const Packet& p);
  /// Waits at most `timeout` for the next packet. Incoming QoS 1/2 PUBLISHes
  /// are acknowledged and PUBRELs completed as they arrive, as a
  /// well-behaved client does; they are still returned.
  Outcome next(std::chrono::milliseconds timeout, Received& out);
  /// Runs the loop for `timeout` or until the broker closes, keeping what arrives.
  void idle(std::chrono::milliseconds timeout);
  /// Sends DISCONNECT (reason `reason` at 5.0) and waits at most `timeout`
  /// for the broker to close.
  void disconnect(std::chrono::milliseconds timeout, std::uint8_t reason = 0);
  /// Drops the transport without DISCONNECT (a lost connection, for wills).
  void abort();

  /// True while the transport is open.
  bool open() const { return stream_ != nullptr && !closed_; }
  /// Why the transport ended (empty message when it is still open).
  const net::NetError& close_reason() const { return close_reason_; }
  /// The stream, to ask TLS for its ALPN choice; nullptr when not connected.
  const std::shared_ptr<net::Stream>& stream() const { return stream_; }
  /// The version packets are encoded and decoded at.
  ProtocolVersion version() const { return version_; }

 private:
  void on_data(ByteView bytes);
  bool wait(std::chrono::milliseconds timeout, const std::function<bool()>& done);
  void answer(const Packet& p);

  net::Loop& loop_;
  ProtocolVersion version_;
  std::shared_ptr<net::Stream> stream_;
  Framer framer_;
  std::deque<std::vector<std::uint8_t>> inbox_;  ///< whole packets not yet returned
  bool closed_ = false;
  bool malformed_ = false;
  net::NetError close_reason_;
  net::Timer timer_;
};

/// The text of an outcome for details ("closed", "no answer", ...).
std::string outcome_text(Outcome o);

}  // namespace mq::probe
