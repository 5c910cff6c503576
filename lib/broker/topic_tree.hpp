#pragma once
/// The subscription trie: one node per topic level, '+' and '#' as ordinary
/// children, so matching a topic costs its depth times the wildcards met,
/// not the number of subscriptions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/levels.hpp"
#include "codec/types.hpp"

namespace mq::broker {

struct Session;

/// A subscription's options as SUBSCRIBE gave them.
struct SubOptions {
  QoS qos = 0;  ///< granted (already capped by maximum_qos)
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0;
  std::uint32_t identifier = 0;  ///< Subscription Identifier, 0 for none
};

/// One session's subscription at a node.
struct Subscriber {
  Session* session = nullptr;
  SubOptions options;
};

/// The members of one `$share/<name>/<filter>` group, served round-robin.
struct SharedGroup {
  std::string name;
  std::vector<Subscriber> members;
  std::size_t next = 0;  ///< member to try first for the next message
};

/// A trie node: the subscriptions whose filter ends here.
struct TopicNode {
  LevelMap<TopicNode> children;
  /// children["#"] and children["+"], kept beside the map so that matching
  /// a topic does not hash the wildcards at every level.
  TopicNode* multi_level = nullptr;
  TopicNode* single_level = nullptr;
  std::vector<Subscriber> subscribers;
  std::vector<SharedGroup> groups;
  bool empty() const { return children.empty() && subscribers.empty() && groups.empty(); }
};

class TopicTree {
 public:
  /// Adds or replaces `session`'s subscription to `filter` (the part after
  /// "$share/<group>/" for a shared one, `group` empty otherwise). Returns
  /// true when it did not exist before.
  bool add(std::string_view filter, std::string_view group, Session* session, const SubOptions& options);
  /// Removes it; returns false when there was none.
  bool remove(std::string_view filter, std::string_view group, Session* session);

  /// Calls `on_subscriber(const Subscriber&)` for every non-shared
  /// subscription matching `topic` and `on_group(SharedGroup&)` for every
  /// matching shared group. Filters starting with a wildcard do not match
  /// topics starting with '$' [MQTT-4.7.2-1].
  template <typename OnSubscriber, typename OnGroup>
  void match(std::string_view topic, OnSubscriber&& on_subscriber, OnGroup&& on_group) {
    const bool dollar = !topic.empty() && topic[0] == '$';
    match_at(root_, LevelCursor{topic, 0}, !dollar, on_subscriber, on_group);
  }

 private:
  template <typename OnSubscriber, typename OnGroup>
  static void report(TopicNode& n, OnSubscriber& on_subscriber, OnGroup& on_group) {
    for (const auto& s : n.subscribers) on_subscriber(s);
    for (auto& g : n.groups) on_group(g);
  }

  template <typename OnSubscriber, typename OnGroup>
  static void match_at(TopicNode& n, LevelCursor cursor, bool wildcards, OnSubscriber& on_subscriber,
                       OnGroup& on_group) {
    if (n.children.empty()) {
      if (cursor.done()) report(n, on_subscriber, on_group);
      return;
    }
    // '#' matches the remaining levels, none included ("a/#" matches "a").
    if (wildcards && n.multi_level) report(*n.multi_level, on_subscriber, on_group);
    if (cursor.done()) {
      report(n, on_subscriber, on_group);
      return;
    }
    const std::string_view level = cursor.next();
    if (auto it = n.children.find(level); it != n.children.end())
      match_at(*it->second, cursor, true, on_subscriber, on_group);
    if (wildcards && n.single_level) match_at(*n.single_level, cursor, true, on_subscriber, on_group);
  }

  /// The node for `filter`, created when `create`; nullptr when absent.
  TopicNode* find(std::string_view filter, bool create);
  /// Removes empty nodes along `filter`'s path.
  void prune(std::string_view filter);

  TopicNode root_;
};

}  // namespace mq::broker
