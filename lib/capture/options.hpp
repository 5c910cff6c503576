#pragma once
/// What a capture reader is asked to do: which ports carry MQTT, the level
/// to assume without a CONNECT, the memory bounds, and where notes go.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "capture/mqtt_extractor.hpp"
#include "capture/tcp_stream.hpp"
#include "codec/types.hpp"

namespace mq::capture {

/// The ports read as MQTT when none are given: 1883, and 8883 for captures
/// of TLS-terminated or test traffic that is plain on that port.
inline const std::vector<std::uint16_t> kDefaultPorts = {1883, 8883};

struct CaptureOptions {
  std::vector<std::uint16_t> ports = kDefaultPorts;  ///< broker ports; the other end is the client
  std::optional<ProtocolVersion> version;            ///< level for connections whose CONNECT was not captured
  ReassemblyLimits reassembly;
  ExtractLimits extract;
  /// Notes about the capture that are not packets: mid-stream starts,
  /// gaps given up, skipped frames. Prefixed with the connection and direction.
  std::function<void(std::string_view)> note;
};

/// Counts for the end of a capture.
struct CaptureStats {
  std::uint64_t frames = 0;        ///< frames read
  std::uint64_t segments = 0;      ///< TCP segments on the MQTT ports
  std::uint64_t packets = 0;       ///< MQTT packets handed to the observer
  std::uint64_t connections = 0;   ///< connections seen
  std::uint64_t fragments = 0;     ///< IP fragments skipped (not reassembled)
  std::uint64_t truncated = 0;     ///< frames cut short by the snap length, or whose headers disagree
};

}  // namespace mq::capture
