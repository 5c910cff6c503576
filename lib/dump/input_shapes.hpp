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
