#pragma once
/// The broker's sessions by client identifier: an open-addressing hash table
/// of owning pointers, keyed by each session's own client_id (the identifier
/// is stored once, in the session). A session costs one pointer slot at a
/// load of at most 3/4, about 14 bytes on average, where a node-based map
/// costs a 48-byte node and its bucket. Linear probing; an erase moves the
/// entries behind it back, so there are no tombstones.

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/levels.hpp"
#include "broker/session.hpp"

namespace mq::broker {

/// Owns the sessions; at most one per client identifier.
class SessionIndex {
 public:
  /// The session of `client_id`, or nullptr.
  Session* find(std::string_view client_id) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(client_id);; i = next(i)) {
      Session* s = slots_[i].get();
      if (!s) return nullptr;
      if (s->client_id == client_id) return s;
    }
  }
  /// Takes `s`, whose client_id no session in the index has; returns it.
  Session& insert(std::unique_ptr<Session> s) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    Session& added = *s;
    place(std::move(s));
    ++size_;
    return added;
  }
  /// Destroys session `s`, which is in the index.
  void erase(const Session& s) {
    std::size_t hole = home(s.client_id);
    while (slots_[hole].get() != &s) hole = next(hole);
    slots_[hole].reset();
    --size_;
    // Entries after the hole that could not sit at their home slot move up,
    // so that every probe sequence stays unbroken.
    for (std::size_t i = next(hole); slots_[i]; i = next(i)) {
      const std::size_t h = home(slots_[i]->client_id);
      // Movable when its home is not in (hole, i], cyclically.
      const bool stays = hole < i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (stays) continue;
      slots_[hole] = std::move(slots_[i]);
      hole = i;
    }
  }
  /// Sessions held.
  std::size_t size() const { return size_; }
  /// Calls `f(Session&)` for every session, in no particular order. `f`
  /// must not add or erase sessions.
  template <typename F>
  void for_each(F&& f) {
    for (auto& s : slots_)
      if (s) f(*s);
  }
  /// Calls `f(const Session&)` for every session, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : slots_)
      if (s) f(std::as_const(*s));
  }

 private:
  std::size_t home(std::string_view client_id) const { return StringHash{}(client_id) & (slots_.size() - 1); }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void place(std::unique_ptr<Session> s) {
    std::size_t i = home(s->client_id);
    while (slots_[i]) i = next(i);
    slots_[i] = std::move(s);
  }
  /// Doubles the table (16 slots at first) and places every session again.
  void grow() {
    std::vector<std::unique_ptr<Session>> old(slots_.empty() ? 16 : slots_.size() * 2);
    old.swap(slots_);
    for (auto& s : old)
      if (s) place(std::move(s));
  }

  /// A power of two in size (or empty); null for a free slot.
  std::vector<std::unique_ptr<Session>> slots_;
  std::size_t size_ = 0;
};

}  // namespace mq::broker
