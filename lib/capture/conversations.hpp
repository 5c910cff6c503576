#pragma once
/// The connection table of a capture: sorts TCP segments on the MQTT ports
/// into connections (the end on a configured port is the broker), numbers
/// them in the order they are first seen, reassembles both directions,
/// decodes each packet at the connection's level (learned from its CONNECT)
/// and hands it, with its time and addresses, to a PacketObserver. Ends a
/// connection on RST, on FIN from both ends, when a new SYN reuses its ports,
/// and at the end of the capture. Pure logic; fed by the pcap reader, the
/// fuzzer and the tests.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "capture/options.hpp"
#include "dump/observed.hpp"
#include "netframe/frame.hpp"

namespace mq::capture {

// The frame decoder is shared with mqdump's hex input; capture code names its types bare.
using netframe::LinkType;
using netframe::TcpFlag;
using netframe::TcpSegment;

class Connection;

class ConversationTracker {
 public:
  ConversationTracker(const CaptureOptions& options, dump::PacketObserver& observer);
  ~ConversationTracker();
  ConversationTracker(const ConversationTracker&) = delete;
  ConversationTracker& operator=(const ConversationTracker&) = delete;

  /// One frame of the capture at `time_us` (counted, and read if it is TCP).
  void frame(std::int64_t time_us, LinkType link, ByteView bytes);
  /// One TCP segment at `time_us`; ignored unless one end is on an MQTT port.
  void segment(std::int64_t time_us, const TcpSegment& seg);
  /// The capture ended: every connection still open is flushed and ended.
  void finish();

  const CaptureStats& stats() const { return stats_; }

 private:
  using Key = std::tuple<std::string, std::uint16_t, std::string, std::uint16_t>;  ///< client, then broker
  bool is_broker_port(std::uint16_t port) const;
  void end(std::map<Key, std::unique_ptr<Connection>>::iterator it, std::int64_t time_us, std::string_view how);

  const CaptureOptions& options_;
  dump::PacketObserver& observer_;
  std::map<Key, std::unique_ptr<Connection>> open_;
  CaptureStats stats_;
  std::int64_t last_time_us_ = 0;
};

}  // namespace mq::capture
