#include "codec/encode.hpp"

#include <algorithm>

#include "codec/encode_body.hpp"
#include "codec/writer.hpp"

namespace mq {

namespace {

/// CONNECT carries its own level; every other packet uses the connection's.
ProtocolVersion level_for(const Packet& p, ProtocolVersion version) {
  if (const auto* c = std::get_if<Connect>(&p)) return c->version;
  return version;
}

std::size_t body_size(const Packet& p, ProtocolVersion version) {
  detail::ByteCounter counter;
  detail::put_body(counter, p, level_for(p, version));
  return counter.n;
}

}  // namespace

void encode(const Packet& p, ProtocolVersion version, std::vector<std::uint8_t>& out) {
  const std::size_t body = body_size(p, version);
  // Grow geometrically: callers append many packets to one buffer, and an
  // exact reserve per packet would copy the whole buffer every time.
  const std::size_t needed = out.size() + 5 + body;
  if (out.capacity() < needed) out.reserve(std::max(needed, 2 * out.capacity()));
  Writer w(out);
  w.u8(detail::first_byte(p));
  w.varint(static_cast<std::uint32_t>(body));
  detail::put_body(w, p, level_for(p, version));
}

std::vector<std::uint8_t> encode(const Packet& p, ProtocolVersion version) {
  std::vector<std::uint8_t> out;
  encode(p, version, out);
  return out;
}

std::size_t encoded_size(const Packet& p, ProtocolVersion version) {
  const std::size_t body = body_size(p, version);
  return 1 + varint_size(static_cast<std::uint32_t>(body)) + body;
}

}  // namespace mq
