#pragma once
/// Small pieces the check files share.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "conform/context.hpp"

namespace mq::conform::checks {

/// The payload as text.
inline std::string_view text_of(const Publish& p) {
  return {reinterpret_cast<const char*>(p.payload.data()), p.payload.size()};
}

/// A subscription with its options (5.0 ones ignored at 3.1.1).
inline Subscription opts(Ctx& c, const std::string& filter, QoS qos, std::uint8_t retain_handling = 0,
                         bool retain_as_published = false, bool no_local = false) {
  Subscription s;
  s.filter = c.keep(filter);
  s.qos = qos;
  s.retain_handling = retain_handling;
  s.retain_as_published = retain_as_published;
  s.no_local = no_local;
  return s;
}

/// Not applicable when the broker refused any of the subscriptions.
inline void require_ok(Ctx& c, const std::vector<std::uint8_t>& codes) {
  for (auto code : codes)
    if (code >= 0x80) c.not_applicable(fmt::format("the broker refused the subscription (0x{:02x})", code));
}

/// A CONNECT with these 5.0 properties.
inline ConnectSpec with(std::initializer_list<Property> props) {
  ConnectSpec s;
  s.properties = props;
  return s;
}

/// Sends `bytes` on a connected client and requires the broker to close
/// (after a DISCONNECT with one of `reasons`, when given); records how.
inline void refuse(Ctx& c, std::vector<std::uint8_t> bytes, std::string_view what, std::vector<std::uint8_t> reasons = {}) {
  Conn& conn = c.connect();
  conn.send_raw(std::move(bytes));
  c.choose(c.expect_close(conn, what, std::move(reasons)));
}

/// Acknowledges a PUBLISH received at QoS 1 (nothing for QoS 0 or 2).
inline void puback(Conn& conn, const Publish& m) {
  if (m.qos != 1) return;
  Puback a;
  a.packet_id = m.packet_id;
  conn.send(a);
}

/// A subscriber to `filter` at `qos` and a publisher, connected in that order.
struct SubPub {
  Conn& sub;
  Conn& pub;
};
inline SubPub sub_and_pub(Ctx& c, const std::string& filter, QoS qos) {
  Conn& sub = c.connect();
  c.subscribe_ok(sub, filter, qos);
  return {sub, c.connect()};
}

}  // namespace mq::conform::checks
