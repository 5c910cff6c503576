#pragma once
/// The observed-conversation contract (observe/observed.hpp) under the
/// decoder's names: everything in lib/dump, the proxy and the capture
/// readers says dump::ObservedPacket, dump::Direction...

#include "observe/observed.hpp"

namespace mq::dump {

using observe::ConnectionEnd;
using observe::ConnectionStart;
using observe::Direction;
using observe::direction_arrow;
using observe::Endpoint;
using observe::format_time_utc;
using observe::ObservedPacket;
using observe::PacketObserver;

}  // namespace mq::dump
