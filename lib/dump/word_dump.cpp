// Dumps of 16-bit words: plain hexdump and od -x print each pair of bytes as
// one little-endian word ("0c10" for the bytes 10 0c), after an offset
// column (hex for hexdump, octal for od), and end with a line holding only
// the total length. Read in byte order here; without offsets the byte order
// cannot be known and the text is refused rather than read swapped.
#include "dump/input_shapes.hpp"

namespace mq::dump::detail {

namespace {

bool is_word(std::string_view t) {
  if (t.size() != 4) return false;
  for (char c : t)
    if (hex_value(c) < 0) return false;
  return true;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) nl = text.size();
    auto line = text.substr(begin, nl - begin);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back(line);
    begin = nl + 1;
  }
  return out;
}

std::optional<std::uint64_t> number(std::string_view t, unsigned base) {
  if (t.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : t) {
    int v = hex_value(c);
    if (v < 0 || static_cast<unsigned>(v) >= base) return std::nullopt;
    n = n * base + static_cast<unsigned>(v);
  }
  return n;
}

}  // namespace

std::optional<ShapeResult> parse_word_dump(std::string_view text) {
  auto lines = lines_of(text);
  if (lines.size() < 2) return std::nullopt;
  // Every line: a 7-digit offset, then up to eight 4-digit words; the last
  // line is the offset alone (the total length).
  std::vector<std::vector<std::string_view>> rows;
  for (auto line : lines) {
    auto words = split_words(line);
    if (words.empty() || words[0].size() != 7 || words.size() > 9) return std::nullopt;
    for (std::size_t i = 1; i < words.size(); ++i)
      if (!is_word(words[i])) return std::nullopt;
    rows.push_back(std::move(words));
  }
  if (rows.back().size() != 1) return std::nullopt;
  // hexdump's offsets are hex and od's octal: the one in which every row
  // starts where the words before it end, and the last gives the length
  // (one less than the words hold when it is odd).
  for (unsigned base : {16u, 8u}) {
    ShapeResult r;
    bool consistent = true;
    for (std::size_t k = 0; k + 1 < rows.size() && consistent; ++k) {
      auto offset = number(rows[k][0], base);
      consistent = offset && *offset == r.bytes.size();
      for (std::size_t i = 1; i < rows[k].size(); ++i) {
        const auto w = rows[k][i];
        r.bytes.push_back(static_cast<std::uint8_t>(hex_value(w[2]) << 4 | hex_value(w[3])));  // low byte first
        r.bytes.push_back(static_cast<std::uint8_t>(hex_value(w[0]) << 4 | hex_value(w[1])));
      }
    }
    auto total = number(rows.back()[0], base);
    if (!consistent || !total || (*total != r.bytes.size() && *total + 1 != r.bytes.size())) continue;
    r.bytes.resize(static_cast<std::size_t>(*total));
    r.ok = true;
    return r;
  }
  return std::nullopt;
}

bool looks_like_words_without_offsets(std::string_view text) {
  // od -An -tx2 / -x: lines that start with a space and hold only 4-digit words.
  auto lines = lines_of(text);
  if (lines.empty()) return false;
  for (auto line : lines) {
    if (line.front() != ' ') return false;
    auto words = split_words(line);
    if (words.empty()) return false;
    for (auto w : words)
      if (!is_word(w)) return false;
  }
  return true;
}

}  // namespace mq::dump::detail
