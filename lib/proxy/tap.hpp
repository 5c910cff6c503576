#pragma once
/// The proxy's view of one connection, without I/O: the bytes each side
/// sends go in as they arrive, and every complete packet comes out to a
/// PacketObserver, framed per direction and decoded at the connection's
/// level (taken from its CONNECT). What the tap sees never changes what is
/// forwarded: the proxy forwards the same bytes whatever happens here.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "codec/framer.hpp"
#include "dump/observed.hpp"

namespace mq::proxy {

/// Observes one proxied connection.
class ConnectionTap {
 public:
  /// Receives one-line notes about the connection (framing lost, ...).
  using NoteHandler = std::function<void(std::uint64_t connection, const std::string& note)>;

  /// A tap for connection `id` between `client` and `server`, handing
  /// packets to `observer`. Packets larger than `max_packet` bytes lose the
  /// framing of their direction (the proxy keeps forwarding them).
  ConnectionTap(std::uint64_t id, dump::Endpoint client, dump::Endpoint server, dump::PacketObserver& observer,
                std::uint32_t max_packet, NoteHandler notes = {});

  /// Receives each framed packet after the observer has seen it, and bytes
  /// that could not be framed (type empty): for forwarding packet by packet.
  using PacketSink = std::function<void(dump::Direction, ByteView bytes, std::optional<PacketType> type)>;
  /// Sets the sink (none by default).
  void set_sink(PacketSink sink) { sink_ = std::move(sink); }

  /// Packet types (bit 1 << type) of `direction` that are framed but not
  /// decoded: the observer gets them with `decoded` null. A reader that
  /// needs only some types (the broker's lint) saves their decoding. None
  /// by default.
  void skip_types(dump::Direction direction, std::uint16_t mask) { sides_[index(direction)].skip = mask; }

  /// Reports the connection's opening, with the subject of the client's
  /// verified certificate (empty without one).
  void start(std::int64_t time_us, std::string_view certificate);
  /// Takes bytes that travelled in `direction` at `time_us`.
  void feed(dump::Direction direction, ByteView bytes, std::int64_t time_us);
  /// Reports the end of the connection (once; later calls do nothing).
  void end(std::int64_t time_us, std::string_view how);

  /// The level found in the CONNECT, if one was seen.
  std::optional<ProtocolVersion> version() const { return version_; }
  /// True once a direction could not be framed any more.
  bool framing_lost(dump::Direction d) const { return sides_[index(d)].lost; }
  /// Bytes in `d` that were forwarded raw after the framing was lost.
  std::uint64_t raw_bytes(dump::Direction d) const { return sides_[index(d)].raw; }
  /// The connection id.
  std::uint64_t id() const { return id_; }

 private:
  struct Side {
    explicit Side(std::uint32_t max) : framer(max) {}
    Framer framer;
    bool lost = false;
    std::uint16_t skip = 0;
    std::uint64_t raw = 0;
  };
  static std::size_t index(dump::Direction d) { return d == dump::Direction::ToServer ? 0 : 1; }
  /// Decodes and hands out one framed packet.
  void deliver(dump::Direction d, ByteView packet, std::int64_t time_us);
  /// Hands one packet (or the bytes of a framing error) to the observer.
  void hand_out(dump::Direction d, ByteView bytes, const Result<Packet>& decoded, std::int64_t time_us);
  /// Reports a framing error: the unframeable bytes go out as one malformed packet.
  void lose_framing(dump::Direction d, const DecodeError& error, ByteView rest, std::int64_t time_us);

  std::uint64_t id_;
  dump::Endpoint client_;
  dump::Endpoint server_;
  dump::PacketObserver& observer_;
  NoteHandler notes_;
  PacketSink sink_;
  std::array<Side, 2> sides_;
  std::optional<ProtocolVersion> version_;
  bool ended_ = false;
};

/// Splits "127.0.0.1:5000", "[::1]:1883" or a socket path into an Endpoint.
dump::Endpoint parse_endpoint(std::string_view peer);

}  // namespace mq::proxy
