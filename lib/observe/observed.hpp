#pragma once
/// A packet seen on a live or captured connection, as the sources of live
/// traffic (the proxy, capture files, a live interface) hand it to what
/// reads conversations (the summary, the lint, the printers). Sources know
/// where and when a packet passed; readers know what it means. This header
/// is the whole contract between them; it lives outside lib/dump so that
/// the broker can feed its own traffic to the same readers (the lint).

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/decode.hpp"

namespace mq::observe {

/// Which way a packet travelled.
enum class Direction : std::uint8_t {
  ToServer,  ///< client to broker
  ToClient,  ///< broker to client
};

/// "c->s" or "s->c".
constexpr std::string_view direction_arrow(Direction d) { return d == Direction::ToServer ? "c->s" : "s->c"; }

/// "2026-12-06T05:42:50.123456Z" for microseconds since the Unix epoch.
std::string format_time_utc(std::int64_t time_us);

/// One end of a connection: an IP address and port, or a unix socket path
/// (port 0).
struct Endpoint {
  std::string address;
  std::uint16_t port = 0;
};

/// One packet, complete as it was on the wire, with its place in the
/// conversation. Views are valid only during the call that receives it.
struct ObservedPacket {
  std::int64_t time_us = 0;       ///< capture or receive time, microseconds since the Unix epoch
  std::uint64_t connection = 0;   ///< connection id, from 1, in the order connections were first seen
  Direction direction = Direction::ToServer;
  const Endpoint* client = nullptr;  ///< the connection's client end
  const Endpoint* server = nullptr;  ///< the connection's broker end
  ByteView bytes;                    ///< the whole packet, fixed header included
  std::optional<ProtocolVersion> version;  ///< the level it was decoded at (from the connection's CONNECT)
  /// The strict decode at that level; views point into `bytes`. Null when
  /// the source was told not to decode this type (ConnectionTap::skip_types).
  const Result<Packet>* decoded = nullptr;
};

/// A connection the source saw open (the proxy, which accepts them; capture
/// readers cannot tell an open from a stream they joined and never report one).
struct ConnectionStart {
  std::int64_t time_us = 0;
  std::uint64_t connection = 0;
  const Endpoint* client = nullptr;
  const Endpoint* server = nullptr;
  /// The subject of the certificate the client presented and the proxy
  /// verified (RFC 2253, "CN=dev-1,O=Acme"); empty without one.
  std::string_view certificate;
};

/// How a connection ended, as far as the source can tell.
struct ConnectionEnd {
  std::int64_t time_us = 0;
  std::uint64_t connection = 0;
  std::string_view how;  ///< "closed by client", "closed by broker", "reset", "capture ended"...
};

/// Receives a conversation in the order it was seen. Implemented by the
/// summary, the lint and the printers; fed by the proxy and capture readers.
class PacketObserver {
 public:
  virtual ~PacketObserver() = default;
  /// A packet passed.
  virtual void packet(const ObservedPacket& p) = 0;
  /// A connection opened (only sources that accept connections call this;
  /// readers that need no more than the packets ignore it).
  virtual void connection_start(const ConnectionStart&) {}
  /// A connection ended (sources that cannot tell never call this).
  virtual void connection_end(const ConnectionEnd& end) = 0;
};

}  // namespace mq::observe
