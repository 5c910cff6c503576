#pragma once
/// The broker's connections by slot. A ConnectionId names a slot (its low 32
/// bits, minus one) and how many times that slot was used before (the high
/// 32 bits), so a slot freed by one connection is taken by the next one
/// opened while ids stay unique: an id kept past its connection's life (a
/// timer, a close request, the network layer's bookkeeping) finds nothing
/// rather than the newer connection. The first use of every slot gives the
/// ids 1, 2, 3, ... Looking up an id is an index and a comparison, and a
/// connection costs one pointer in the table instead of a hash node.

#include <cstdint>
#include <memory>
#include <vector>

#include "broker/connection.hpp"
#include "broker/output.hpp"

namespace mq::broker {

/// The slot that `id` names (any value for id 0, which names none).
inline std::size_t connection_slot(ConnectionId id) { return static_cast<std::size_t>((id & 0xFFFF'FFFFu) - 1); }

/// Connections owned by slot, with freed slots reused most recent first.
class ConnectionTable {
 public:
  /// Stores `c` in a free slot, gives it its id (Connection::id) and returns it.
  ConnectionId add(std::unique_ptr<Connection> c) {
    ConnectionId id = 0;
    if (free_.empty()) {
      slots_.emplace_back();
      id = slots_.size();
    } else {
      id = free_.back() + (ConnectionId{1} << 32);  // the slot's next generation
      free_.pop_back();
    }
    c->id = id;
    slots_[connection_slot(id)] = std::move(c);
    return id;
  }
  /// The connection named `id`, or nullptr when it ended (or never was).
  Connection* find(ConnectionId id) const {
    const std::size_t slot = connection_slot(id);
    if (slot >= slots_.size()) return nullptr;
    Connection* c = slots_[slot].get();
    return c && c->id == id ? c : nullptr;
  }
  /// Destroys connection `c` and frees its slot.
  void erase(Connection& c) {
    const ConnectionId id = c.id;
    slots_[connection_slot(id)].reset();
    free_.push_back(id);
  }
  /// Calls `f(Connection&)` for every connection, in slot order. `f` must
  /// not add or erase connections.
  template <typename F>
  void for_each(F&& f) {
    for (auto& c : slots_)
      if (c) f(*c);
  }

 private:
  std::vector<std::unique_ptr<Connection>> slots_;
  /// The last id of each free slot.
  std::vector<ConnectionId> free_;
};

}  // namespace mq::broker
