// Free-form hex and C arrays.
#include <fmt/format.h>

#include "dump/input_shapes.hpp"

namespace mq::dump::detail {

namespace {

bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ',' || c == ':' ||
         c == ';' || c == '-' || c == '"';
}

/// One region of text to read tokens from, and whether it is inside braces.
struct Region {
  std::size_t begin;
  std::size_t end;
  bool in_braces;
};

/// Blanks out comments so that tokens never start inside one; returns the
/// text with comments replaced by spaces (same length, positions unchanged).
std::string blank_comments(std::string_view text) {
  std::string out(text);
  bool line_start = true;
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '\n') {
      line_start = true;
      continue;
    }
    if (line_start && c == '#') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
      --i;
      continue;
    }
    if (c != ' ' && c != '\t') line_start = false;
    if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
      --i;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      std::size_t close = out.find("*/", i + 2);
      std::size_t stop = close == std::string::npos ? out.size() : close + 2;
      for (; i < stop; ++i)
        if (out[i] != '\n') out[i] = ' ';
      --i;
    }
  }
  return out;
}

/// Reads the tokens of one region into `r.bytes`; false on error.
bool read_region(std::string_view text, Region region, ShapeResult& r) {
  std::size_t i = region.begin;
  while (i < region.end) {
    if (is_separator(text[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    bool prefixed = false;
    if (i + 1 < region.end && (text[i] == '0' || text[i] == '\\') && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      prefixed = true;
      i += 2;
    }
    std::size_t digits_begin = i;
    // A token ends at a separator or where the next \x prefix starts.
    while (i < region.end && !is_separator(text[i]) && text[i] != '\\') ++i;
    std::size_t digits_end = i;
    if (i < region.end && text[i] == '\\' && !(i + 1 < region.end && (text[i + 1] == 'x' || text[i + 1] == 'X'))) {
      r.error_pos = i;
      r.message = "'\\' is only understood as part of a \\x prefix";
      return false;
    }
    std::string_view digits = text.substr(digits_begin, digits_end - digits_begin);
    if (digits.empty()) {
      r.error_pos = start;
      r.message = "a 0x prefix with no hex digits after it";
      return false;
    }
    bool all_decimal = digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (region.in_braces && !prefixed && all_decimal) {
      unsigned value = 0;
      for (char c : digits) {
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 255) {
          r.error_pos = start;
          r.message = fmt::format("decimal value {} does not fit in a byte", digits);
          return false;
        }
      }
      r.bytes.push_back(static_cast<std::uint8_t>(value));
      continue;
    }
    for (std::size_t k = 0; k < digits.size(); ++k) {
      if (hex_value(digits[k]) < 0) {
        r.error_pos = digits_begin + k;
        r.message = describe_char(text, digits_begin + k) + " is not a hex digit";
        return false;
      }
    }
    if (prefixed && digits.size() == 1) {  // 0x1, as in C
      r.bytes.push_back(static_cast<std::uint8_t>(hex_value(digits[0])));
      continue;
    }
    if (digits.size() % 2 != 0) {
      r.error_pos = start;
      r.message = fmt::format("odd number of hex digits ({}) in \"{}\"", digits.size(),
                              text.substr(start, digits_end - start));
      return false;
    }
    for (std::size_t k = 0; k < digits.size(); k += 2)
      r.bytes.push_back(static_cast<std::uint8_t>(hex_value(digits[k]) << 4 | hex_value(digits[k + 1])));
  }
  return true;
}

}  // namespace

ShapeResult parse_hex_text(std::string_view original) {
  std::string text = blank_comments(original);
  ShapeResult r;
  std::vector<Region> regions;
  std::size_t open = text.find('{');
  if (open == std::string::npos) {
    regions.push_back({0, text.size(), false});
  } else {
    r.c_array = true;
    while (open != std::string::npos) {
      std::size_t close = text.find('}', open + 1);
      if (close == std::string::npos) {
        r.error_pos = open;
        r.message = "'{' without a closing '}'";
        return r;
      }
      regions.push_back({open + 1, close, true});
      open = text.find('{', close + 1);
    }
  }
  for (const Region& region : regions)
    if (!read_region(text, region, r)) return r;
  r.ok = true;
  return r;
}

std::string describe_char(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "end of input";
  auto c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  if (c < 0x80) return fmt::format("byte 0x{:02x}", c);
  // Decode one UTF-8 sequence to name the character.
  std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (len == 1 || pos + len > text.size()) return fmt::format("byte 0x{:02x}", c);
  std::uint32_t cp = c & (0x3F >> (len - 1));
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(text[pos + k]);
    if ((b & 0xC0) != 0x80) return fmt::format("byte 0x{:02x}", c);
    cp = cp << 6 | (b & 0x3F);
  }
  return fmt::format("'{}' (U+{:04X})", text.substr(pos, len), cp);
}

}  // namespace mq::dump::detail
