#include "client/topic_aliases.hpp"

namespace mq::client {

void OutgoingAliases::reset(std::uint16_t maximum) {
  maximum_ = maximum;
  by_topic_.clear();
}

OutgoingAliases::Use OutgoingAliases::use(std::string_view topic) {
  if (maximum_ == 0) return {};
  // Heterogeneous lookup needs C++20 transparent hashing, which the
  // standard library here lacks; topics are short, the copy is cheap.
  std::string key(topic);
  auto it = by_topic_.find(key);
  if (it != by_topic_.end()) return {it->second, false};
  if (by_topic_.size() >= maximum_) return {};
  const auto alias = static_cast<std::uint16_t>(by_topic_.size() + 1);
  by_topic_.emplace(std::move(key), alias);
  return {alias, true};
}

void IncomingAliases::reset(std::uint16_t maximum) {
  maximum_ = maximum;
  topics_.assign(maximum, std::string());
}

void IncomingAliases::set(std::uint16_t alias, std::string_view topic) {
  if (alias == 0 || alias > topics_.size()) return;
  topics_[alias - 1] = std::string(topic);
}

std::optional<std::string_view> IncomingAliases::find(std::uint16_t alias) const {
  if (alias == 0 || alias > topics_.size() || topics_[alias - 1].empty()) return std::nullopt;
  return topics_[alias - 1];
}

}  // namespace mq::client
