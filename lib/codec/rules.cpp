#include "codec/rules.hpp"

#include <cstdint>

namespace mq {

namespace {

/// Walks UTF-8; returns the offset of the first bad sequence, or npos.
/// `reject_nul` also stops at U+0000. `what` tells which problem it was.
enum class Utf8Problem { None, IllFormed, Surrogate, Nul };

struct Utf8Scan {
  Utf8Problem problem = Utf8Problem::None;
  std::size_t position = 0;
};

Utf8Scan scan_utf8(std::string_view s, bool reject_nul) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes with no NUL at a time.
    while (i + 8 <= n) {
      std::uint64_t w;
      __builtin_memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      if (reject_nul && ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) break;
      i += 8;
    }
    if (i >= n) break;
    std::uint8_t c = p[i];
    if (c < 0x80) {
      if (c == 0 && reject_nul) return {Utf8Problem::Nul, i};
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return {Utf8Problem::IllFormed, i};
    }
    if (i + len > n) return {Utf8Problem::IllFormed, i};
    for (std::size_t k = 1; k < len; ++k) {
      std::uint8_t cc = p[i + k];
      if ((cc & 0xC0) != 0x80) return {Utf8Problem::IllFormed, i};
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return {Utf8Problem::IllFormed, i};  // overlong or out of range
    if (cp >= 0xD800 && cp <= 0xDFFF) return {Utf8Problem::Surrogate, i};
    i += len;
  }
  return {};
}

}  // namespace

std::optional<Violation> check_utf8(std::string_view s) {
  Utf8Scan r = scan_utf8(s, true);
  switch (r.problem) {
    case Utf8Problem::None: return std::nullopt;
    case Utf8Problem::IllFormed: return Violation{"ill-formed UTF-8", "MQTT-1.5.4-1", r.position};
    case Utf8Problem::Surrogate: return Violation{"UTF-8 encodes a surrogate code point", "MQTT-1.5.4-1", r.position};
    case Utf8Problem::Nul: return Violation{"string contains U+0000", "MQTT-1.5.4-2", r.position};
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) { return scan_utf8(s, false).problem == Utf8Problem::None; }

std::optional<Violation> check_topic_name(std::string_view topic) {
  if (topic.empty()) return Violation{"topic name is empty", "MQTT-4.7.3-1", 0};
  for (std::size_t i = 0; i < topic.size(); ++i)
    if (topic[i] == '+' || topic[i] == '#')
      return Violation{"wildcard character in a topic name", "MQTT-3.3.2-2", i};
  return check_utf8(topic);
}

std::optional<SharedFilter> parse_shared(std::string_view filter) {
  constexpr std::string_view kPrefix = "$share/";
  if (filter.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = filter.substr(kPrefix.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return SharedFilter{rest, {}};
  return SharedFilter{rest.substr(0, slash), rest.substr(slash + 1)};
}

std::optional<Violation> check_topic_filter(std::string_view filter) {
  if (filter.empty()) return Violation{"topic filter is empty", "MQTT-4.7.3-1", 0};
  std::size_t start = 0;
  if (auto shared = parse_shared(filter)) {
    std::size_t group_at = 7;
    if (shared->group.empty())
      return Violation{"shared subscription has an empty share name", "MQTT-4.8.2-1", group_at};
    for (std::size_t i = 0; i < shared->group.size(); ++i)
      if (shared->group[i] == '+' || shared->group[i] == '#')
        return Violation{"share name contains a wildcard", "MQTT-4.8.2-2", group_at + i};
    start = group_at + shared->group.size() + 1;
    if (start > filter.size() || shared->filter.empty())
      return Violation{"shared subscription has no topic filter after the share name", "MQTT-4.8.2-2",
                       filter.size()};
  }
  for (std::size_t i = start; i < filter.size(); ++i) {
    char c = filter[i];
    bool level_start = i == start || filter[i - 1] == '/';
    bool level_end = i + 1 == filter.size() || filter[i + 1] == '/';
    if (c == '#') {
      if (!level_start || i + 1 != filter.size())
        return Violation{"'#' must be the last character and alone in its level", "MQTT-4.7.1-1", i};
    } else if (c == '+') {
      if (!level_start || !level_end)
        return Violation{"'+' must occupy an entire level", "MQTT-4.7.1-2", i};
    }
  }
  return check_utf8(filter);
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic[0] == '$' && !filter.empty() && (filter[0] == '+' || filter[0] == '#'))
    return false;
  std::size_t f = 0, t = 0;
  while (true) {
    std::size_t fe = filter.find('/', f);
    std::string_view flevel = filter.substr(f, fe == std::string_view::npos ? std::string_view::npos : fe - f);
    if (flevel == "#") return true;  // matches the parent level too ("a/#" matches "a")
    if (t > topic.size()) return false;
    std::size_t te = topic.find('/', t);
    std::string_view tlevel = topic.substr(t, te == std::string_view::npos ? std::string_view::npos : te - t);
    if (flevel != "+" && flevel != tlevel) return false;
    bool flast = fe == std::string_view::npos;
    bool tlast = te == std::string_view::npos;
    if (flast && tlast) return true;
    if (flast) return false;
    if (tlast) {
      // Topic ended; only a trailing "/#" in the filter can still match.
      return filter.substr(fe + 1) == "#";
    }
    f = fe + 1;
    t = te + 1;
  }
}

}  // namespace mq
