#pragma once
/// Test helper: a conversation written as hex packets with times and
/// directions, fed through the proxy's tap (framing and decoding at the
/// CONNECT's level) to a reader under test.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/tap.hpp"

namespace mq::dump::test {

/// Bytes from hex text; spaces are ignored.
inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string digits;
  for (char c : text)
    if (c != ' ') digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(nibble(digits[i]) << 4 | nibble(digits[i + 1])));
  return out;
}

/// Feeds packets of several connections to one observer.
class Conversation {
 public:
  explicit Conversation(PacketObserver& reader) : reader_(reader) {}

  /// Client `conn` sends `hex_packet` at `seconds`.
  Conversation& client(std::uint64_t conn, double seconds, std::string_view hex_packet) {
    return send(conn, Direction::ToServer, seconds, hex(hex_packet));
  }
  /// The broker sends `hex_packet` to connection `conn` at `seconds`.
  Conversation& broker(std::uint64_t conn, double seconds, std::string_view hex_packet) {
    return send(conn, Direction::ToClient, seconds, hex(hex_packet));
  }
  /// Either side sends bytes built elsewhere.
  Conversation& send(std::uint64_t conn, Direction d, double seconds, const std::vector<std::uint8_t>& bytes) {
    tap(conn).feed(d, bytes, us(seconds));
    return *this;
  }
  /// Connection `conn` comes from `address` (before its first packet).
  Conversation& from(std::uint64_t conn, std::string address) {
    addresses_[conn] = std::move(address);
    return *this;
  }
  /// Connection `conn` ends at `seconds`.
  Conversation& end(std::uint64_t conn, double seconds, std::string_view how = "closed by client") {
    tap(conn).end(us(seconds), how);
    return *this;
  }

 private:
  static std::int64_t us(double seconds) { return static_cast<std::int64_t>(1.7e15 + seconds * 1e6); }
  proxy::ConnectionTap& tap(std::uint64_t conn) {
    auto& t = taps_[conn];
    if (!t)
      t = std::make_unique<proxy::ConnectionTap>(conn, Endpoint{addresses_.count(conn) ? addresses_[conn] : "127.0.0.1",
                                                          static_cast<std::uint16_t>(40000 + conn)},
                                                 Endpoint{"127.0.0.1", 1883}, reader_, 1u << 20);
    return *t;
  }
  PacketObserver& reader_;
  std::map<std::uint64_t, std::unique_ptr<proxy::ConnectionTap>> taps_;
  std::map<std::uint64_t, std::string> addresses_;
};

}  // namespace mq::dump::test
