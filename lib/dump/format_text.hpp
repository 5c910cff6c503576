#pragma once
/// The readable tree of a packet, built from the decoder's FieldTrace: one
/// line per field with its offset, its bytes in hex, its name indented by
/// depth and its decoded value. One formatter for mqdump and clients' --trace.

#include <cstdio>
#include <string>
#include <vector>

#include "codec/error.hpp"
#include "codec/reader.hpp"
#include "dump/format_json.hpp"

namespace mq::dump {

struct TextOptions {
  bool colour = false;        ///< ANSI colours (see use_colour)
  bool show_secrets = false;  ///< show passwords and authentication data
};

/// True when `stream` is a terminal and NO_COLOR is not set (any value).
bool use_colour(std::FILE* stream);

/// "packet 1: CONNECT, MQTT 3.1.1, 14 bytes at offset 0" then the field
/// lines. `packet` holds the whole packet; `trace` comes from decode_packet
/// (complete, or partial when decoding failed). Ends with a newline.
std::string format_packet_text(ByteView packet, const FieldTrace& trace, const PacketContext& ctx,
                               const TextOptions& options = {});

/// "error: packet 2 at offset 14: offset 3 in the packet, topic name: ... [MQTT-x]"
/// The offset inside the packet comes from the decoder; the stream offset
/// from `ctx`. Ends with a newline.
std::string format_error_text(const DecodeError& error, const PacketContext& ctx, const TextOptions& options = {});

/// --lenient's expert notes: one "violation: packet 2, offset 3 (input
/// offset 17), field: what [rule]" line per broken rule. Empty for none.
std::string format_violations_text(const std::vector<DecodeError>& violations, const PacketContext& ctx,
                                   const TextOptions& options = {});

}  // namespace mq::dump
