#pragma once
/// Prints a live or captured conversation: a PacketObserver that writes each
/// observed packet as mqdump's tree or as one NDJSON object, headed by when
/// it passed (ISO 8601 UTC, microseconds), its connection, its direction and
/// both ends; and a line when a connection ends. Shared by every source of
/// live traffic (capture files, live interfaces, the proxy).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "dump/format_json.hpp"
#include "dump/format_text.hpp"
#include "dump/observed.hpp"

namespace mq::dump {

/// "127.0.0.1:1883", "[::1]:1883", or a unix socket path (port 0).
std::string format_endpoint(const Endpoint& e);

/// How the printer writes.
struct ObservedPrintOptions {
  bool json = false;      ///< NDJSON instead of the tree
  TextOptions text;       ///< colours and secrets for the tree
  JsonOptions json_options;
  bool lenient = false;   ///< decode as far as the bytes go and list every broken rule (decode_packet_lenient)
};

/// Writes every packet and connection end it is handed through `write`.
/// In each connection, packets are numbered from 1 across both directions
/// and their offset counts the bytes of their own direction, so "packet 3 at
/// offset 57" is the 3rd packet of the conversation, 57 bytes into what its
/// sender sent. A packet that does not decode is shown as far as it reads,
/// followed by its error and the rule it breaks; in NDJSON it carries an
/// "error" object and its bytes in hex, so nothing observed is lost.
class ObservedPrinter : public PacketObserver {
 public:
  /// `write` receives whole lines (text blocks end with a newline).
  ObservedPrinter(std::function<void(std::string_view)> write, ObservedPrintOptions options);

  void packet(const ObservedPacket& p) override;
  void connection_start(const ConnectionStart& start) override;
  void connection_end(const ConnectionEnd& end) override;

  /// Packets that failed to decode (or, lenient, broke a rule) so far.
  std::uint64_t decode_failures() const { return failures_; }

 private:
  /// Number and offset of the packet in its connection (see the class comment).
  PacketContext context_for(const ObservedPacket& p);

  std::function<void(std::string_view)> write_;
  ObservedPrintOptions options_;
  struct Position {
    std::size_t packets = 0;
    std::size_t sent[2] = {0, 0};  ///< bytes so far, by Direction
  };
  std::map<std::uint64_t, Position> positions_;
  std::uint64_t failures_ = 0;
};

}  // namespace mq::dump
