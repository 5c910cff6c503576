#include "text.hpp"

#include <fmt/format.h>

#include "codec/rules.hpp"

namespace mq::apps {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> split_paragraphs(std::string_view text) {
  std::vector<std::string> paras;
  std::string current;
  for (const auto& line : split_lines(text)) {
    if (trim(line).empty()) {
      if (!current.empty()) paras.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty()) current += '\n';
    current += line;
  }
  if (!current.empty()) paras.push_back(std::move(current));
  return paras;
}

std::string trim(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(space);
  return std::string(text.substr(first, last - first + 1));
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

std::string first_line(std::string_view text) {
  auto t = trim(text);
  return trim(std::string_view(t).substr(0, t.find('\n')));
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string plural(std::uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len == 1 || i + len > text.size() || !is_valid_utf8(text.substr(i, len))) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    // U+0080..U+009F (C2 80..C2 9F) are the C1 controls: CSI, OSC and friends.
    if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0)
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
    else
      out += text.substr(i, len);
    i += len;
  }
  return out;
}

}  // namespace mq::apps
