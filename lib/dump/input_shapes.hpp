#pragma once
/// Internal: the parsers for each text shape, used by parse_input.
/// Positions are byte indexes into the whole text; parse_input turns them
/// into line and column.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::dump::detail {

/// The outcome of one shape parser.
struct ShapeResult {
  bool ok = false;
  std::vector<std::uint8_t> bytes;
  std::size_t error_pos = 0;
  std::string message;
  bool c_array = false;  ///< set by parse_hex_text when braces were found
  /// parse_offset_dump: where each dump (offsets starting again at 0) begins in `bytes`.
  std::vector<std::size_t> block_starts;
};

/// Free-form hex: tokens separated by whitespace , : ; - with optional 0x or
/// \x prefixes, comments (// /* */ and lines starting with #) skipped. When
/// the text holds `{...}` blocks (C arrays), only their contents are read,
/// and prefix-less all-digit tokens there are decimal, as in C.
ShapeResult parse_hex_text(std::string_view text);

/// Dumps with an offset column (xxd, hexdump -C, Wireshark "Copy as Hex
/// Dump", tshark -x, tcpdump -xx). Nullopt when the text does not have that
/// shape; otherwise the bytes or an error.
std::optional<ShapeResult> parse_offset_dump(std::string_view text);

/// Plain hexdump and od -x dumps: an offset column (hex or octal), 16-bit
/// little-endian words, a last line with the total length. Nullopt when the
/// text does not have that shape.
std::optional<ShapeResult> parse_word_dump(std::string_view text);

/// True for od -An -tx2 style text: indented lines of 4-digit words only,
/// whose byte order cannot be known without the tool.
bool looks_like_words_without_offsets(std::string_view text);

/// The TCP payload when `frame` is a whole network frame as tshark -x and
/// tcpdump -xx print it (Ethernet, Linux cooked or BSD loopback header, or
/// none, then IPv4 or IPv6, then TCP); nullopt when it is not one.
std::optional<std::vector<std::uint8_t>> tcp_payload_of_frame(const std::vector<std::uint8_t>& frame);

/// Hex digit value or -1.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Describes a character for an error message: 'g', or U+00E9 / byte 0xff.
std::string describe_char(std::string_view text, std::size_t pos);

}  // namespace mq::dump::detail
