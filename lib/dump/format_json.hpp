#pragma once
/// One JSON object per packet (NDJSON), binary-safe and lossless: the
/// inverse, from_json, rebuilds the exact bytes. Field names are documented
/// in mqdump(1), section JSON OUTPUT; the summary:
///
///   packet, offset, length        position of the packet in the input stream
///   type, version                 "PUBLISH", "3.1.1" / "5.0" (level used to decode)
///   <field>                       the packet's fields (client_id, topic, packet_id, ...)
///   <field>_encoding              next to every binary field: "utf-8", "base64" or
///                                 "masked"; next to a text field only when it is
///                                 not valid UTF-8 ("base64")
///   reason_code, reason_name      number and name; SUBACK/UNSUBACK: reason_codes
///                                 as [{"code":..,"name":..}]
///   properties                    object keyed by property key, in wire order;
///                                 user-property as [[key, value], ...], repeated
///                                 properties as arrays; property_order when the
///                                 wire order interleaves them
///   tail                          "shortest" | "reason-only" | "full" (5.0 acks,
///                                 DISCONNECT, AUTH)

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "codec/error.hpp"
#include "codec/packets.hpp"

namespace mq::dump {

/// Where a packet sits in its input and how it was read.
struct PacketContext {
  std::size_t number = 1;  ///< 1-based position in the stream
  std::size_t offset = 0;  ///< first byte, counted from the start of the stream
  std::size_t length = 0;  ///< bytes, fixed header included
  std::optional<ProtocolVersion> version;  ///< level the packet was decoded at
  bool version_guessed = false;  ///< no CONNECT or -V: the only level that decodes the packet
};

struct JsonOptions {
  bool show_secrets = false;  ///< write passwords and authentication data instead of "***"
};

/// The JSON object for one packet, keys in a stable documented order.
nlohmann::ordered_json packet_to_json(const Packet& packet, const PacketContext& ctx, const JsonOptions& options = {});

/// An error or a rule violation: {kind, offset, field, message, rule (when one applies)}.
nlohmann::ordered_json error_to_json(const DecodeError& error);

/// The same as one line of text, without the newline.
std::string packet_to_json_line(const Packet& packet, const PacketContext& ctx, const JsonOptions& options = {});

}  // namespace mq::dump
