#include "dump/level_tracker.hpp"

#include <fmt/format.h>

namespace mq::dump {

namespace {

/// Without a known level, a packet that breaks rules is read leniently when
/// exactly one level reads it; the level is used for it alone.
bool lenient_at_one_level(ByteView bytes, FieldTrace* trace, std::vector<DecodeError>& violations, LevelDecode& d) {
  std::vector<DecodeError> v3, v5;
  FieldTrace t3, t5;
  auto r3 = decode_packet_lenient(bytes, ProtocolVersion::v311, trace ? &t3 : nullptr, v3);
  auto r5 = decode_packet_lenient(bytes, ProtocolVersion::v5, trace ? &t5 : nullptr, v5);
  if (r3.ok() == r5.ok()) return false;
  d.version = r3 ? ProtocolVersion::v311 : ProtocolVersion::v5;
  d.guessed = true;
  if (trace) *trace = r3 ? std::move(t3) : std::move(t5);
  auto& found = r3 ? v3 : v5;
  violations.insert(violations.end(), found.begin(), found.end());
  d.result = r3 ? std::move(r3) : std::move(r5);
  return true;
}

Result<Packet> decode_at(ByteView bytes, std::optional<ProtocolVersion> v, FieldTrace* trace,
                         std::vector<DecodeError>* violations) {
  return violations ? decode_packet_lenient(bytes, v, trace, *violations) : decode_packet(bytes, v, trace);
}

}  // namespace

LevelDecode LevelTracker::decode(ByteView bytes, FieldTrace* trace, std::vector<DecodeError>* violations) {
  LevelDecode d;
  if (bytes.empty()) {
    d.result = DecodeError{ErrorKind::Truncated, 0, "fixed header", "no bytes", {}};
    return d;
  }
  auto type = static_cast<PacketType>(bytes[0] >> 4);
  bool needs_level = type != PacketType::Connect && type != PacketType::Pingreq && type != PacketType::Pingresp;
  if (version_ || !needs_level) {
    d.result = decode_at(bytes, version_, trace, violations);
    d.version = version_;
    d.guessed = guessed_ && needs_level;
  } else {
    // No CONNECT and no -V: try both levels.
    FieldTrace t3, t5;
    auto r3 = decode_packet(bytes, ProtocolVersion::v311, trace ? &t3 : nullptr);
    auto r5 = decode_packet(bytes, ProtocolVersion::v5, trace ? &t5 : nullptr);
    if (r3 && r5) {
      d.result = DecodeError{ErrorKind::UnknownVersion, 0, "fixed header",
                             fmt::format("{} reads differently at MQTT 3.1.1 and 5.0 and the input has no CONNECT to "
                                         "tell which: give -V mqttv311 or -V mqttv5",
                                         packet_type_name(type)),
                             {}};
    } else if (r3 || r5) {
      version_ = r3 ? ProtocolVersion::v311 : ProtocolVersion::v5;
      guessed_ = true;
      d.guessed = true;
      d.version = version_;
      if (trace) *trace = r3 ? std::move(t3) : std::move(t5);
      d.result = r3 ? std::move(r3) : std::move(r5);
    } else if (violations && lenient_at_one_level(bytes, trace, *violations, d)) {
      // read leniently at the only level that reads it
    } else {
      // Neither decodes: report the attempt that got further.
      bool five = r5.error().offset >= r3.error().offset;
      DecodeError e = five ? r5.error() : r3.error();
      e.message += fmt::format(" (read as MQTT {}; no CONNECT in the input and no -V)", five ? "5.0" : "3.1.1");
      d.version = five ? ProtocolVersion::v5 : ProtocolVersion::v311;
      if (trace) *trace = five ? std::move(t5) : std::move(t3);
      d.result = e;
    }
  }
  if (d.result)
    if (const auto* c = std::get_if<Connect>(&*d.result)) {
      version_ = c->version;
      guessed_ = false;
      d.version = c->version;
    }
  return d;
}

}  // namespace mq::dump
