#include "proxy/faults.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mq::proxy {

FaultAction FaultPlan::decide(std::optional<PacketType> type, std::string& why) {
  ++packets_;
  if (options_.cut_after && packets_ > options_.cut_after) {
    why = fmt::format("cut after {} packets (--cut-after)", options_.cut_after);
    return FaultAction::Cut;
  }
  if (options_.drop_after && packets_ > options_.drop_after) {
    why = fmt::format("dropped: packet {} after the first {} (--drop-after)", packets_, options_.drop_after);
    return FaultAction::Drop;
  }
  if (type && std::find(options_.hold.begin(), options_.hold.end(), *type) != options_.hold.end()) {
    why = fmt::format("held back: {} (--hold)", packet_type_name(*type));
    return FaultAction::Drop;
  }
  return FaultAction::Forward;
}

}  // namespace mq::proxy
