#pragma once
/// Appends wire primitives to a byte vector. Writes what it is given: lengths
/// longer than a field can hold are truncated, not refused (validation is a
/// separate step).

#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/types.hpp"
#include "codec/varint.hpp"

namespace mq {

class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void varint(std::uint32_t v) {
    std::uint8_t buf[4];
    std::size_t n = write_varint(buf, v);
    out_.insert(out_.end(), buf, buf + n);
  }
  void bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  /// Two-byte length prefix then the bytes.
  void binary(ByteView b) {
    u16(static_cast<std::uint16_t>(b.size()));
    bytes(b);
  }
  void string(std::string_view s) { binary(as_bytes(s)); }

  std::size_t size() const { return out_.size(); }

 private:
  std::vector<std::uint8_t>& out_;
};

}  // namespace mq
