#include "broker/topic_tree.hpp"

#include <algorithm>

namespace mq::broker {

namespace {

/// Where `parent` keeps a cached pointer to its child `level`, if anywhere.
TopicNode** wildcard_slot(TopicNode& parent, std::string_view level) {
  if (level == "#") return &parent.multi_level;
  if (level == "+") return &parent.single_level;
  return nullptr;
}

}  // namespace

TopicNode* TopicTree::find(std::string_view filter, bool create) {
  TopicNode* node = &root_;
  LevelCursor cursor{filter, 0};
  while (!cursor.done()) {
    const std::string_view level = cursor.next();
    auto it = node->children.find(level);
    if (it == node->children.end()) {
      if (!create) return nullptr;
      it = node->children.emplace(std::string(level), std::make_unique<TopicNode>()).first;
      if (TopicNode** slot = wildcard_slot(*node, level)) *slot = it->second.get();
    }
    node = it->second.get();
  }
  return node;
}

bool TopicTree::add(std::string_view filter, std::string_view group, Session* session, const SubOptions& options) {
  TopicNode* node = find(filter, true);
  std::vector<Subscriber>* list = &node->subscribers;
  if (!group.empty()) {
    auto g = std::find_if(node->groups.begin(), node->groups.end(), [&](const SharedGroup& x) { return x.name == group; });
    if (g == node->groups.end()) {
      node->groups.push_back(SharedGroup{std::string(group), {}, 0});
      g = node->groups.end() - 1;
    }
    list = &g->members;
  }
  for (auto& s : *list) {
    if (s.session == session) {
      s.options = options;
      return false;
    }
  }
  list->push_back(Subscriber{session, options});
  return true;
}

bool TopicTree::remove(std::string_view filter, std::string_view group, Session* session) {
  TopicNode* node = find(filter, false);
  if (!node) return false;
  bool removed = false;
  auto drop = [&](std::vector<Subscriber>& list) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Subscriber& s) { return s.session == session; });
    if (it == list.end()) return;
    list.erase(it);
    removed = true;
  };
  if (group.empty()) {
    drop(node->subscribers);
  } else {
    auto g = std::find_if(node->groups.begin(), node->groups.end(), [&](const SharedGroup& x) { return x.name == group; });
    if (g != node->groups.end()) {
      drop(g->members);
      if (g->members.empty()) node->groups.erase(g);
      else if (g->next >= g->members.size()) g->next = 0;
    }
  }
  if (removed) prune(filter);
  return removed;
}

void TopicTree::prune(std::string_view filter) {
  // Collect the path, then delete empty nodes from the leaf up.
  std::vector<std::pair<TopicNode*, std::string_view>> path;
  TopicNode* node = &root_;
  LevelCursor cursor{filter, 0};
  while (!cursor.done()) {
    const std::string_view level = cursor.next();
    auto it = node->children.find(level);
    if (it == node->children.end()) return;
    path.emplace_back(node, level);
    node = it->second.get();
  }
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto child = it->first->children.find(it->second);
    if (!child->second->empty()) return;
    if (TopicNode** slot = wildcard_slot(*it->first, it->second)) *slot = nullptr;
    it->first->children.erase(child);
  }
}

}  // namespace mq::broker
