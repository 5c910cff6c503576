#include "server/conn_table.hpp"

#include "broker/connection_table.hpp"

namespace mq::server {
namespace {

std::uint32_t generation(broker::ConnectionId id) { return static_cast<std::uint32_t>(id >> 32); }

}  // namespace

std::optional<std::size_t> ConnTable::live_slot(broker::ConnectionId id) const {
  const std::size_t slot = broker::connection_slot(id);
  if (slot < live_.size() && live_[slot].stream && live_[slot].generation == generation(id)) return slot;
  return std::nullopt;
}

void ConnTable::add(broker::ConnectionId id, std::shared_ptr<net::Stream> stream, std::uint32_t listener,
                    std::uint64_t number) {
  const std::size_t slot = broker::connection_slot(id);
  if (slot >= live_.size()) live_.resize(slot + 1);
  // The core reuses a slot only after Output::close or closed(), which both
  // empty it here; an occupant would be a stream the core forgot.
  if (live_[slot].stream) set_aside(slot);
  live_[slot] = Conn{std::move(stream), generation(id), listener, number};
  ++size_;
}

Conn* ConnTable::find(broker::ConnectionId id) {
  if (auto slot = live_slot(id)) return &live_[*slot];
  auto it = closing_.find(id);
  return it == closing_.end() ? nullptr : &it->second.conn;
}

void ConnTable::closing(broker::ConnectionId id) {
  if (auto slot = live_slot(id)) set_aside(*slot);
}

std::optional<std::uint32_t> ConnTable::remove(broker::ConnectionId id) {
  if (auto slot = live_slot(id)) {
    const std::uint32_t listener = live_[*slot].listener;
    live_[*slot] = Conn{};
    if (*slot < names_.size()) std::string().swap(names_[*slot]);
    --size_;
    return listener;
  }
  auto it = closing_.find(id);
  if (it == closing_.end()) return std::nullopt;
  const std::uint32_t listener = it->second.conn.listener;
  closing_.erase(it);
  --size_;
  return listener;
}

void ConnTable::set_name(broker::ConnectionId id, std::string name) {
  if (auto slot = live_slot(id)) {
    if (*slot >= names_.size()) names_.resize(live_.size());
    names_[*slot] = std::move(name);
  } else if (auto it = closing_.find(id); it != closing_.end()) {
    it->second.name = std::move(name);
  }
}

std::string_view ConnTable::name(broker::ConnectionId id) const {
  if (auto slot = live_slot(id)) return *slot < names_.size() ? std::string_view(names_[*slot]) : std::string_view();
  auto it = closing_.find(id);
  return it == closing_.end() ? std::string_view() : std::string_view(it->second.name);
}

std::vector<std::shared_ptr<net::Stream>> ConnTable::streams() const {
  std::vector<std::shared_ptr<net::Stream>> out;
  out.reserve(size_);
  for (const Conn& c : live_)
    if (c.stream) out.push_back(c.stream);
  for (const auto& [id, c] : closing_) out.push_back(c.conn.stream);
  return out;
}

void ConnTable::set_aside(std::size_t slot) {
  const broker::ConnectionId id = broker::ConnectionId{live_[slot].generation} << 32 | (slot + 1);
  Closing& c = closing_[id];
  c.conn = std::move(live_[slot]);
  live_[slot] = Conn{};
  if (slot < names_.size()) {
    c.name = std::move(names_[slot]);
    std::string().swap(names_[slot]);
  }
}

}  // namespace mq::server
