#pragma once
/// The broker's connections by slot. A ConnectionId names a slot (its low 32
/// bits, minus one) and how many times that slot was used before (the high
/// 32 bits), so a slot freed by one connection is taken by the next one
/// opened while ids stay unique: an id kept past its connection's life (a
/// timer, a close request, the network layer's bookkeeping) finds nothing
/// rather than the newer connection. The first use of every slot gives the
/// ids 1, 2, 3, ... Looking up an id is an index and a comparison, and a
/// connection costs no hash node.

#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "broker/connection.hpp"
#include "broker/output.hpp"

namespace mq::broker {

/// The slot that `id` names (any value for id 0, which names none).
inline std::size_t connection_slot(ConnectionId id) { return static_cast<std::size_t>((id & 0xFFFF'FFFFu) - 1); }

/// Connections owned by slot, with freed slots reused most recent first.
/// They are built in place in chunks of 64, so a connection costs its own
/// size and one bit: no heap block of its own, no pointer to it. A
/// Connection never moves while it lives.
class ConnectionTable {
 public:
  ConnectionTable() = default;
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;
  ~ConnectionTable() {
    for (std::size_t slot = 0; slot < used_.size(); ++slot)
      if (used_[slot]) at(slot).~Connection();
  }

  /// Builds a connection in a free slot and gives it its id (Connection::id).
  Connection& add(std::uint32_t max_packet_size) {
    ConnectionId id = 0;
    if (free_.empty()) {
      if (used_.size() % kChunk == 0) chunks_.push_back(std::make_unique<Cell[]>(kChunk));
      used_.push_back(false);
      id = used_.size();
    } else {
      id = free_.back() + (ConnectionId{1} << 32);  // the slot's next generation
      free_.pop_back();
    }
    const std::size_t slot = connection_slot(id);
    Connection* c = new (chunks_[slot / kChunk][slot % kChunk].bytes) Connection(max_packet_size);
    c->id = id;
    used_[slot] = true;
    return *c;
  }
  /// The connection named `id`, or nullptr when it ended (or never was).
  Connection* find(ConnectionId id) {
    const std::size_t slot = connection_slot(id);
    if (slot >= used_.size() || !used_[slot]) return nullptr;
    Connection& c = at(slot);
    return c.id == id ? &c : nullptr;
  }
  const Connection* find(ConnectionId id) const { return const_cast<ConnectionTable*>(this)->find(id); }
  /// Destroys connection `c` and frees its slot.
  void erase(Connection& c) {
    const ConnectionId id = c.id;
    c.~Connection();
    used_[connection_slot(id)] = false;
    free_.push_back(id);
  }
  /// Calls `f(Connection&)` for every connection, in slot order. `f` must
  /// not add or erase connections.
  template <typename F>
  void for_each(F&& f) {
    for (std::size_t slot = 0; slot < used_.size(); ++slot)
      if (used_[slot]) f(at(slot));
  }

 private:
  static constexpr std::size_t kChunk = 64;
  /// Room for one Connection.
  struct Cell {
    alignas(Connection) unsigned char bytes[sizeof(Connection)];
  };
  Connection& at(std::size_t slot) {
    return *std::launder(reinterpret_cast<Connection*>(chunks_[slot / kChunk][slot % kChunk].bytes));
  }

  std::vector<std::unique_ptr<Cell[]>> chunks_;
  /// Whether each slot holds a connection.
  std::vector<bool> used_;
  /// The last id of each free slot.
  std::vector<ConnectionId> free_;
};

}  // namespace mq::broker
