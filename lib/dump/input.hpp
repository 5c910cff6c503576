#pragma once
/// Turning what users paste (or pipe) into bytes. The shape of the text is
/// detected: plain or separated hex, C arrays, xxd / hexdump -C / Wireshark
/// dumps with offset and ASCII columns, base64; input that is not text is
/// taken as raw bytes. Pure functions; errors name the line and column.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::dump {

/// What the user says the input is (`--input`).
enum class InputFormat : std::uint8_t { Auto, Raw, Hex, Base64 };

/// "auto", "raw", "hex", "base64"; nullopt otherwise.
std::optional<InputFormat> parse_input_format(std::string_view s);

/// The shape that was actually read.
enum class InputShape : std::uint8_t {
  Raw,         ///< bytes taken as they are
  Hex,         ///< hex digits, optionally 0x/\x prefixed, separated by spaces, colons, commas...
  CArray,      ///< `{0x10, 0x0c, ...}`, e.g. from `xxd -i`
  OffsetDump,  ///< offset column, hex, optional ASCII column (xxd, hexdump -C, Wireshark, tshark -x)
  Base64,
};

/// "raw", "hex", "C array", "offset dump", "base64".
std::string_view shape_name(InputShape s);

/// A bad character in text input; line and column count from 1 (columns in
/// characters, not bytes).
struct InputError {
  std::size_t line = 1;
  std::size_t column = 1;
  std::string message;
};

/// "line 2, column 7: 'g' is not a hex digit"
std::string to_string(const InputError& e);

struct InputResult {
  bool ok = false;
  std::vector<std::uint8_t> bytes;
  InputShape shape = InputShape::Raw;
  InputError error;
};

/// True when `data` cannot be text: NUL or other control bytes, or invalid UTF-8.
bool looks_binary(std::string_view data);

/// Reads `data` in the given format; Auto detects raw binary, dumps, hex and
/// base64 (hex wins when text is both). Text with no bytes at all is
/// accepted and yields no bytes.
InputResult parse_input(std::string_view data, InputFormat format = InputFormat::Auto);

}  // namespace mq::dump
