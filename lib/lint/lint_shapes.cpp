#include "lint/lint_shapes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace mq::lint::lint_shapes {

namespace {

bool hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return c >= '0' && c <= '9'; }

/// Longest run of characters for which `pred` holds.
template <typename Pred>
std::size_t longest_run(std::string_view s, Pred pred) {
  std::size_t best = 0, run = 0;
  for (char c : s) {
    run = pred(c) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

/// 8-4-4-4-12 hex digits somewhere in `s`.
bool has_uuid(std::string_view s) {
  static constexpr std::array<std::size_t, 5> kGroups = {8, 4, 4, 4, 12};
  for (std::size_t start = 0; start + 36 <= s.size(); ++start) {
    std::size_t at = start;
    bool ok = true;
    for (std::size_t g = 0; g < kGroups.size() && ok; ++g) {
      for (std::size_t i = 0; i < kGroups[g]; ++i) ok = ok && hex_digit(s[at++]);
      if (g + 1 < kGroups.size()) ok = ok && s[at++] == '-';
    }
    if (ok) return true;
  }
  return false;
}

/// Six hex pairs separated by ':' or '-', or twelve hex digits in a row.
bool has_mac(std::string_view s) {
  for (std::size_t start = 0; start + 17 <= s.size(); ++start) {
    bool ok = true;
    const char sep = s[start + 2];
    if (sep != ':' && sep != '-') continue;
    for (std::size_t i = 0; i < 17 && ok; ++i) ok = (i % 3 == 2) ? s[start + i] == sep : hex_digit(s[start + i]);
    if (ok) return true;
  }
  return longest_run(s, hex_digit) == 12;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool id_like_level(std::string_view level) {
  if (level.size() >= 6 && std::all_of(level.begin(), level.end(), digit)) return true;
  if (level.size() == 36 && has_uuid(level)) return true;
  return level.size() >= 12 && std::all_of(level.begin(), level.end(), hex_digit) &&
         std::any_of(level.begin(), level.end(), digit);
}

std::string topic_pattern(std::string_view topic) {
  std::string out;
  bool any = false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = topic.find('/', start);
    const std::string_view level = topic.substr(start, slash == std::string_view::npos ? topic.npos : slash - start);
    if (id_like_level(level)) {
      out += "{id}";
      any = true;
    } else {
      out += level;
    }
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return any ? out : std::string();
}

bool random_client_id(std::string_view id) {
  static constexpr std::string_view kGenerated[] = {"mosq-", "mosq_", "mqttjs_", "mqttx_", "paho", "auto-"};
  for (auto prefix : kGenerated)
    if (id.substr(0, prefix.size()) == prefix) return true;
  return has_uuid(id) || longest_run(id, hex_digit) >= 16;
}

bool device_client_id(std::string_view id) {
  if (id.empty() || random_client_id(id)) return false;
  return has_mac(id) || longest_run(id, digit) >= 4;
}

bool telemetry_payload(ByteView payload) {
  std::string_view s = as_chars(payload);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty() || s.size() > 4096) return false;
  if (s == "true" || s == "false") return true;
  auto number = [](std::string_view n) {
    if (!n.empty() && (n.front() == '-' || n.front() == '+')) n.remove_prefix(1);
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return digit(c) || c == '.' || c == 'e' || c == 'E' || c == '-'; }) &&
           digit(n.front());
  };
  if (number(s)) return true;
  // A flat JSON object: no nested objects or arrays.
  return s.front() == '{' && s.back() == '}' && s.find_first_of("[]{}", 1) == s.size() - 1;
}

bool command_topic(std::string_view topic) {
  static constexpr std::string_view kNames[] = {"cmd", "command", "commands", "set", "control", "rpc", "request",
                                                "action"};
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = topic.find('/', start);
    const std::string level = lower(topic.substr(start, slash == std::string_view::npos ? topic.npos : slash - start));
    if (std::find(std::begin(kNames), std::end(kNames), level) != std::end(kNames)) return true;
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

std::string_view native_property_for(std::string_view name) {
  std::string key;
  for (char c : name)
    if (c != '-' && c != '_' && c != ' ') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (key == "contenttype") return "content-type";
  if (key == "responsetopic" || key == "replyto") return "response-topic";
  if (key == "correlationdata" || key == "correlationid") return "correlation-data";
  if (key == "messageexpiry" || key == "messageexpiryinterval" || key == "ttl") return "message-expiry-interval";
  if (key == "payloadformat" || key == "payloadformatindicator") return "payload-format-indicator";
  return {};
}

std::size_t level_count(std::string_view topic) { return 1 + static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/')); }

}  // namespace mq::lint::lint_shapes
