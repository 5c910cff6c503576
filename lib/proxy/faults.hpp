#pragma once
/// Fault injection for testing clients through the proxy: delay every
/// packet, drop packets after the first N, hold back packets of some types,
/// cut the connection after N packets. Decisions only, without I/O; the
/// proxy applies them. Off unless asked for: without faults the proxy
/// forwards bytes as they arrive, with them it forwards packet by packet.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/types.hpp"

namespace mq::proxy {

/// The faults asked for (all off by default).
struct FaultOptions {
  std::chrono::milliseconds delay{0};  ///< every packet is forwarded this much later
  std::uint64_t drop_after = 0;        ///< packets after the first N of a connection are dropped (0: none)
  std::uint64_t cut_after = 0;         ///< the connection is cut after N packets (0: never)
  std::vector<PacketType> hold;        ///< packets of these types are never forwarded
  /// True when any fault is asked for.
  bool any() const { return delay.count() > 0 || drop_after > 0 || cut_after > 0 || !hold.empty(); }
};

/// What to do with one packet.
enum class FaultAction : std::uint8_t {
  Forward,  ///< forward it (after the delay, if any)
  Drop,     ///< do not forward it; the connection stays open
  Cut,      ///< do not forward it, and close both sides of the connection
};

/// The faults of one connection: counts its packets (both directions).
class FaultPlan {
 public:
  explicit FaultPlan(const FaultOptions& options) : options_(options) {}
  /// Decides for the next packet; `type` is empty for bytes that could not
  /// be framed (they count as one packet). `why` receives the reason when
  /// the packet is not forwarded.
  FaultAction decide(std::optional<PacketType> type, std::string& why);
  /// Packets decided so far.
  std::uint64_t packets() const { return packets_; }

 private:
  const FaultOptions& options_;
  std::uint64_t packets_ = 0;
};

}  // namespace mq::proxy
