#include "lint/client_rules.hpp"

#include <algorithm>
#include <functional>

namespace mq::lint {

ClientRuleSet::ClientRuleSet(std::size_t max_clients) : max_(std::max<std::size_t>(max_clients, 1)) {}

bool ClientRuleSet::contains(std::string_view client_id, LintRule rule) const {
  auto it = rules_.find(std::hash<std::string_view>{}(client_id));
  return it != rules_.end() && (it->second >> static_cast<unsigned>(rule) & 1);
}

bool ClientRuleSet::insert(std::string_view client_id, LintRule rule) {
  // A hash instead of the id: a client id may be 64 KiB long. Two ids with
  // one hash share their findings, which costs a log line, never memory.
  const std::uint64_t key = std::hash<std::string_view>{}(client_id);
  const std::uint32_t bit = 1u << static_cast<unsigned>(rule);
  auto [it, fresh] = rules_.try_emplace(key, 0);
  if (fresh) {
    order_.push_back(key);
    if (rules_.size() > max_) {
      rules_.erase(order_.front());
      order_.pop_front();  // never `key`: it was not there before
    }
  }
  if (it->second & bit) return false;
  it->second |= bit;
  return true;
}

}  // namespace mq::lint
