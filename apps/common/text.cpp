#include "text.hpp"

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

}  // namespace mq::apps
