#include "client/packet_ids.hpp"

#include <algorithm>

namespace mq::client {

std::optional<std::uint16_t> PacketIds::allocate() {
  if (count_ >= 65535) return std::nullopt;
  std::uint16_t id = last_;
  do {
    id = id == 65535 ? 1 : static_cast<std::uint16_t>(id + 1);
  } while (used_[id]);
  used_[id] = true;
  ++count_;
  last_ = id;
  return id;
}

bool PacketIds::reserve(std::uint16_t id) {
  if (id == 0 || used_[id]) return false;
  used_[id] = true;
  ++count_;
  return true;
}

void PacketIds::release(std::uint16_t id) {
  if (id == 0 || !used_[id]) return;
  used_[id] = false;
  --count_;
}

void PacketIds::clear() {
  std::fill(used_.begin(), used_.end(), false);
  count_ = 0;
}

}  // namespace mq::client
