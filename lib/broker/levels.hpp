#pragma once
/// Helpers shared by the two tries (subscriptions and retained messages):
/// splitting topics into levels without copying, and a string-keyed map that
/// can be searched with a string_view.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mq::broker {

/// Hash that accepts std::string and std::string_view alike.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Children of a trie node by level name, searchable without building a string.
template <typename Node>
using LevelMap = std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>>;

/// Walks the '/'-separated levels of a topic or filter. `pos` is the start of
/// the next level, or npos once every level was returned.
struct LevelCursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos == std::string_view::npos; }
  /// The next level; an empty topic has one empty level.
  std::string_view next() {
    const std::size_t slash = text.find('/', pos);
    std::string_view level = text.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? std::string_view::npos : slash + 1;
    return level;
  }
};

/// Number of levels in a topic or filter.
inline std::size_t count_levels(std::string_view s) {
  std::size_t n = 1;
  for (char c : s) n += c == '/';
  return n;
}

}  // namespace mq::broker
