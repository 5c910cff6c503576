#include "broker/retained_store.hpp"

#include <vector>

namespace mq::broker {

RetainedStore::Change RetainedStore::set(std::string_view topic, MessagePtr m, bool may_add) {
  const bool deleting = !m || m->payload().empty();
  std::vector<std::pair<Node*, std::string_view>> path;
  Node* node = &root_;
  LevelCursor cursor{topic, 0};
  while (!cursor.done()) {
    const std::string_view level = cursor.next();
    auto it = node->children.find(level);
    if (it == node->children.end()) {
      if (deleting || !may_add) return Change::Unchanged;
      it = node->children.emplace(std::string(level), std::make_unique<Node>()).first;
    }
    path.emplace_back(node, level);
    node = it->second.get();
  }
  if (!deleting) {
    if (node->message) {
      node->message = std::move(m);
      return Change::Replaced;
    }
    if (!may_add) return Change::Unchanged;
    node->message = std::move(m);
    ++size_;
    return Change::Added;
  }
  if (!node->message) return Change::Unchanged;
  node->message.reset();
  --size_;
  // Drop the nodes left empty.
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto child = it->first->children.find(it->second);
    if (child->second->message || !child->second->children.empty()) break;
    it->first->children.erase(child);
  }
  return Change::Deleted;
}

}  // namespace mq::broker
