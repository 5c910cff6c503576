#pragma once
/// Reading captures with libpcap: pcap and pcapng files (by name, or bytes
/// already read, e.g. from standard input) and live interfaces. Each frame
/// goes to a ConversationTracker, which hands MQTT packets to the observer.
/// The only code that links libpcap.

#include <atomic>
#include <optional>
#include <string>

#include "capture/options.hpp"
#include "dump/observed.hpp"

namespace mq::capture {

/// True when `bytes` start with a pcap (either byte order, micro- or
/// nanosecond) or pcapng magic number.
bool looks_like_capture(ByteView bytes);

/// What a capture run produced: counts, or a one-line error.
struct CaptureResult {
  std::optional<std::string> error;  ///< "capture.pcap: unknown file format", "lo: You don't have permission..."
  CaptureStats stats;
};

/// Reads the capture file at `path` to its end.
CaptureResult read_file(const std::string& path, const CaptureOptions& options, dump::PacketObserver& observer);

/// Reads a capture already in memory; `name` is used in messages.
CaptureResult read_bytes(ByteView bytes, const std::string& name, const CaptureOptions& options,
                         dump::PacketObserver& observer);

/// How long a live capture runs.
struct LiveOptions {
  std::uint64_t max_packets = 0;       ///< stop after this many MQTT packets (0: no limit)
  double timeout_seconds = 0;          ///< stop after this long (0: no limit)
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by a signal handler) to stop
  /// Called once the interface is capturing, before any packet.
  std::function<void(std::string_view interface_name)> listening;
};

/// Captures on interface `name` (only the MQTT ports, by a BPF filter) until
/// `live` says to stop. Needs capture rights (root or CAP_NET_RAW); without
/// them the error says so.
CaptureResult capture_live(const std::string& name, const CaptureOptions& options, const LiveOptions& live,
                           dump::PacketObserver& observer);

}  // namespace mq::capture
