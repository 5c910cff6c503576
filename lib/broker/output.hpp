#pragma once
/// What the broker core and the network layer exchange: connection ids, peer
/// details, the clock type, and the Output interface the core writes to.

#include <chrono>
#include <cstdint>
#include <string>

#include "codec/types.hpp"

namespace mq::broker {

/// Time as the core sees it: always passed in by the caller, never read.
using Clock = std::chrono::steady_clock;
/// A moment on the caller's monotonic clock.
using TimePoint = Clock::time_point;

/// Names one accepted socket. Never reused during a Broker's life.
using ConnectionId = std::uint64_t;

/// What the network layer knows about a peer when it accepts a socket.
struct PeerInfo {
  std::string address;       ///< "127.0.0.1:50312", "[::1]:50312", or a WebSocket peer
  std::string listener;      ///< the listener's name, for logs and authorization
  std::string cert_identity;  ///< TLS client certificate subject (empty without one)
  /// Over a limit of the network layer (a listener's max_connections): its
  /// CONNECT is answered with CONNACK 0x97 (return code 3 before 5.0).
  bool over_limit = false;
};

/// Implemented by the network layer (or a test). The core calls it only
/// from Broker::flush(), so the caller controls when bytes leave.
class Output {
 public:
  virtual ~Output() = default;
  /// Bytes to write to connection `id`, in order. The view is valid only
  /// during the call: copy it or write it before returning.
  virtual void send(ConnectionId id, ByteView bytes) = 0;
  /// Close connection `id` once everything sent before has been written.
  /// The core has already forgotten the connection; a later
  /// Broker::closed(id) for it is ignored.
  virtual void close(ConnectionId id) = 0;
};

}  // namespace mq::broker
