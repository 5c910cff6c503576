#pragma once
/// Packet identifier allocation for one session: 1..65535, never 0,
/// skipping identifiers still in use, wrapping after 65535.

#include <cstdint>
#include <optional>
#include <vector>

namespace mq::client {

class PacketIds {
 public:
  PacketIds() : used_(65536, false) {}

  /// The next free identifier after the last one handed out, or nothing
  /// when all 65535 are in use.
  std::optional<std::uint16_t> allocate();
  /// Marks `id` as in use (a resumed session's identifiers). Returns false
  /// when it already was.
  bool reserve(std::uint16_t id);
  /// Frees `id`; freeing a free identifier does nothing.
  void release(std::uint16_t id);
  /// True when `id` is allocated.
  bool in_use(std::uint16_t id) const { return used_[id]; }
  /// Identifiers in use.
  std::size_t count() const { return count_; }
  /// Frees every identifier; allocation continues after the last one handed out.
  void clear();

 private:
  std::vector<bool> used_;
  std::uint16_t last_ = 0;
  std::size_t count_ = 0;
};

}  // namespace mq::client
