#pragma once
/// The inverse of format_json: a JSON object as mqdump --json writes it back
/// to a Packet, so that `mqdump --json x | mqdump --encode` rebuilds x byte
/// for byte. Masked secrets ("***") are refused: their bytes are gone.

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/packets.hpp"

namespace mq::dump {

/// A Packet together with the storage its views point into. Movable (the
/// strings live in a deque, whose elements do not move); not copyable.
class OwnedPacket {
 public:
  OwnedPacket() = default;
  OwnedPacket(const OwnedPacket&) = delete;
  OwnedPacket& operator=(const OwnedPacket&) = delete;
  OwnedPacket(OwnedPacket&&) = default;
  OwnedPacket& operator=(OwnedPacket&&) = default;

  Packet packet;
  /// The "version" field; nullopt when absent (CONNECT carries its own).
  std::optional<ProtocolVersion> version;

  /// Keeps `s` alive as long as this object and returns a view of it.
  std::string_view keep(std::string s) { return storage_.emplace_back(std::move(s)); }

 private:
  std::deque<std::string> storage_;
};

/// Fills `out` from `j`. Returns an error message naming the field, or
/// nullopt on success. Unknown keys are ignored; absent fields take the
/// packet struct's defaults.
std::optional<std::string> packet_from_json(const nlohmann::ordered_json& j, OwnedPacket& out);

/// Parses one line of NDJSON, then as packet_from_json.
std::optional<std::string> packet_from_json_line(std::string_view line, OwnedPacket& out);

}  // namespace mq::dump
