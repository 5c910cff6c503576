#pragma once
/// Retained messages in a trie keyed by topic level, so a SUBSCRIBE finds the
/// ones its filter matches by walking the filter, not every stored topic.

#include <cstddef>
#include <string_view>

#include "broker/levels.hpp"
#include "broker/message.hpp"

namespace mq::broker {

class RetainedStore {
 public:
  /// What set() did.
  enum class Change : unsigned char { Added, Replaced, Deleted, Unchanged };

  /// Stores `m` for its topic, replacing any earlier one; an empty payload
  /// deletes the topic's message instead [MQTT-3.3.1-6] [MQTT-3.3.1-7].
  /// With `may_add` false a topic that holds none is left empty.
  Change set(std::string_view topic, MessagePtr m, bool may_add = true);

  /// Calls `fn(const MessagePtr&)` for every retained message whose topic
  /// `filter` matches; expired ones are removed instead.
  template <typename Fn>
  void match(std::string_view filter, TimePoint now, Fn&& fn) {
    visit(root_, LevelCursor{filter, 0}, true, now, fn);
  }

  std::size_t size() const { return size_; }

  /// Calls `fn(const MessagePtr&)` for every stored message, '$' topics
  /// and expired ones included, parents before children.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    walk(root_, fn);
  }

 private:
  struct Node {
    LevelMap<Node> children;
    MessagePtr message;
  };

  template <typename Fn>
  void emit(Node& n, TimePoint now, Fn& fn) {
    if (!n.message) return;
    if (n.message->expired(now)) {
      n.message.reset();
      --size_;
      return;
    }
    fn(n.message);
  }

  /// Every message at or under `n`; '$' topics are skipped at the first level.
  template <typename Fn>
  void subtree(Node& n, bool at_root, TimePoint now, Fn& fn) {
    if (!at_root) emit(n, now, fn);
    for (auto& [level, child] : n.children) {
      if (at_root && !level.empty() && level[0] == '$') continue;
      subtree(*child, false, now, fn);
    }
  }

  template <typename Fn>
  void visit(Node& n, LevelCursor cursor, bool at_root, TimePoint now, Fn& fn) {
    if (cursor.done()) {
      emit(n, now, fn);
      return;
    }
    const std::string_view level = cursor.next();
    if (level == "#") {
      subtree(n, at_root, now, fn);  // "a/#" also matches "a" itself
      return;
    }
    if (level == "+") {
      for (auto& [name, child] : n.children) {
        if (at_root && !name.empty() && name[0] == '$') continue;
        visit(*child, cursor, false, now, fn);
      }
      return;
    }
    if (auto it = n.children.find(level); it != n.children.end()) visit(*it->second, cursor, false, now, fn);
  }

  template <typename Fn>
  static void walk(const Node& n, Fn& fn) {
    if (n.message) fn(n.message);
    for (const auto& [level, child] : n.children) walk(*child, fn);
  }

  Node root_;
  std::size_t size_ = 0;
};

}  // namespace mq::broker
