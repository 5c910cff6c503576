// Dumps with an offset column and an optional ASCII column: xxd, hexdump -C,
// Wireshark "Copy as Hex Dump", tshark -x, tcpdump -xx.
#include <fmt/format.h>

#include "dump/input_shapes.hpp"

namespace mq::dump::detail {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

struct Token {
  std::size_t begin;
  std::size_t end;
};

/// One line split into its offset column and the tokens after it.
struct DumpLine {
  std::size_t begin = 0;  ///< first byte of the line in the text
  std::size_t end = 0;    ///< one past its last byte (newline excluded)
  std::uint64_t offset = 0;
  std::size_t offset_end = 0;
  std::vector<Token> tokens;
};

/// Reads the offset column: optional spaces, optional 0x, 4..8 hex digits,
/// optional ':', then a gap (a tab, two spaces, or ": ") or the end of the
/// line. Nullopt when the line does not start that way.
std::optional<DumpLine> read_offset(std::string_view text, std::size_t begin, std::size_t end) {
  DumpLine line;
  line.begin = begin;
  line.end = end;
  std::size_t i = begin;
  while (i < end && is_blank(text[i])) ++i;
  if (i + 1 < end && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) i += 2;
  std::size_t digits = i;
  while (i < end && hex_value(text[i]) >= 0) {
    line.offset = line.offset * 16 + static_cast<unsigned>(hex_value(text[i]));
    ++i;
  }
  std::size_t n = i - digits;
  if (n < 4 || n > 8) return std::nullopt;
  bool colon = i < end && text[i] == ':';
  if (colon) ++i;
  std::size_t gap = i;
  while (i < end && is_blank(text[i])) ++i;
  bool at_end = i == end;
  bool tab = gap < end && text[gap] == '\t';
  if (!at_end && !(colon && i > gap) && !tab && i - gap < 2) return std::nullopt;
  line.offset_end = i;
  while (i < end) {
    while (i < end && is_blank(text[i])) ++i;
    if (i == end) break;
    std::size_t t = i;
    while (i < end && !is_blank(text[i])) ++i;
    line.tokens.push_back({t, i});
  }
  return line;
}

bool is_byte_token(std::string_view t) {
  if (t.empty() || t.size() % 2 != 0) return false;
  for (char c : t)
    if (hex_value(c) < 0) return false;
  return true;
}

void append_token(std::string_view t, std::vector<std::uint8_t>& out) {
  for (std::size_t k = 0; k + 1 < t.size(); k += 2)
    out.push_back(static_cast<std::uint8_t>(hex_value(t[k]) << 4 | hex_value(t[k + 1])));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// Does `column` read as the ASCII rendering of `bytes` (printable ASCII as
/// itself, anything else as '.')? Accepts hexdump -C's |...| framing.
bool is_ascii_column(std::string_view column, const std::vector<std::uint8_t>& bytes) {
  std::string ascii;
  for (auto b : bytes) ascii += (b >= 0x20 && b < 0x7F) ? static_cast<char>(b) : '.';
  column = trim(column);
  if (column.size() >= 2 && column.front() == '|' && column.back() == '|')
    return column.substr(1, column.size() - 2) == ascii;
  return !column.empty() && column == trim(ascii);
}

/// Reads the bytes of one line. The ASCII column is recognised by its content
/// (it must spell the bytes before it), so ASCII text that happens to look
/// like hex is never taken for bytes.
bool read_line(std::string_view text, const DumpLine& line, ShapeResult& r) {
  const auto& tokens = line.tokens;
  std::vector<std::uint8_t> bytes;
  std::size_t hex_prefix = 0;
  while (hex_prefix < tokens.size() &&
         is_byte_token(text.substr(tokens[hex_prefix].begin, tokens[hex_prefix].end - tokens[hex_prefix].begin)))
    ++hex_prefix;
  for (std::size_t j = 0; j <= hex_prefix; ++j) {
    if (j > 0) append_token(text.substr(tokens[j - 1].begin, tokens[j - 1].end - tokens[j - 1].begin), bytes);
    if (j == tokens.size()) break;
    if (!bytes.empty() && is_ascii_column(text.substr(tokens[j].begin, line.end - tokens[j].begin), bytes)) {
      r.bytes.insert(r.bytes.end(), bytes.begin(), bytes.end());
      return true;
    }
  }
  // No ASCII column spelled the bytes: everything must be hex, or the rest
  // must stand apart after a wide gap (an ASCII column we cannot check, e.g.
  // with non-ASCII rendering).
  if (hex_prefix < tokens.size()) {
    std::size_t rest = tokens[hex_prefix].begin;
    std::size_t prev_end = hex_prefix == 0 ? line.offset_end : tokens[hex_prefix - 1].end;
    bool wide_gap = rest - prev_end >= 2 || (hex_prefix == 0 && rest == line.offset_end);
    if (!wide_gap || hex_prefix == 0) {
      std::size_t bad = rest;
      while (bad < tokens[hex_prefix].end && hex_value(text[bad]) >= 0) ++bad;
      r.error_pos = bad < tokens[hex_prefix].end ? bad : rest;
      r.message = bad < tokens[hex_prefix].end ? describe_char(text, bad) + " is not a hex digit"
                                               : "odd number of hex digits";
      return false;
    }
  }
  r.bytes.insert(r.bytes.end(), bytes.begin(), bytes.end());
  return true;
}

}  // namespace

std::optional<ShapeResult> parse_offset_dump(std::string_view text) {
  std::vector<DumpLine> lines;
  bool any_content = false;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t nl = text.find('\n', begin);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::size_t content_end = end;
    while (content_end > begin && is_blank(text[content_end - 1])) --content_end;
    if (content_end > begin) {
      auto line = read_offset(text, begin, content_end);
      if (!line) return std::nullopt;
      if (!lines.empty() && line->offset != 0 && line->offset <= lines.back().offset) return std::nullopt;
      any_content = any_content || !line->tokens.empty();
      lines.push_back(std::move(*line));
    }
    begin = end + 1;
  }
  if (lines.empty() || !any_content) return std::nullopt;
  ShapeResult r;
  r.block_starts.push_back(0);
  std::uint64_t dump_start = lines.front().offset;  // offset of the first byte of the current dump
  std::size_t dump_bytes = 0;                      // r.bytes.size() when the current dump began
  for (const DumpLine& line : lines) {
    if (line.offset == 0 && &line != &lines.front()) {  // a second dump starts
      dump_start = 0;
      dump_bytes = r.bytes.size();
      r.block_starts.push_back(dump_bytes);
    }
    std::uint64_t expected = dump_start + (r.bytes.size() - dump_bytes);
    if (line.offset != expected) {
      r.error_pos = line.begin;
      r.message = fmt::format("the offset column says 0x{:x} but the lines before it hold 0x{:x} bytes", line.offset,
                              expected - dump_start);
      return r;
    }
    if (!read_line(text, line, r)) return r;
  }
  r.ok = true;
  return r;
}

}  // namespace mq::dump::detail
