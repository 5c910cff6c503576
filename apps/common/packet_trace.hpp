#pragma once
/// --trace and -d for the clients: every packet sent and received, written
/// to stderr with mqdump's formatters (text tree or NDJSON), or as one short
/// line per packet for -d.

#include <cstddef>
#include <cstdio>

#include "client_options.hpp"
#include "codec/types.hpp"

namespace mq::apps {

class PacketTrace {
 public:
  /// Writes to `out` (stderr in the apps). Packets are decoded at `version`.
  PacketTrace(TraceMode mode, bool debug, ProtocolVersion version, std::FILE* out = stderr);

  /// True when anything is printed (so the connection need not frame packets otherwise).
  bool enabled() const { return mode_ != TraceMode::Off || debug_; }

  /// Prints one whole packet; `sent` tells the direction.
  void packet(bool sent, ByteView bytes);

 private:
  TraceMode mode_;
  bool debug_;
  ProtocolVersion version_;
  std::FILE* out_;
  bool colour_;
  std::size_t number_ = 0;
  std::size_t offset_sent_ = 0;
  std::size_t offset_received_ = 0;
};

}  // namespace mq::apps
