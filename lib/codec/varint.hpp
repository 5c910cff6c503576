#pragma once
/// Variable byte integers (MQTT 5.0 section 1.5.5, 3.1.1 section 2.2.3):
/// 7 bits per byte, least significant group first, at most four bytes.

#include <cstddef>
#include <cstdint>

namespace mq {

/// Largest value a variable byte integer can hold (268,435,455).
inline constexpr std::uint32_t kVarIntMax = 268'435'455;

/// Bytes needed to encode `v` (1..4; values above kVarIntMax count as 4).
constexpr std::size_t varint_size(std::uint32_t v) {
  return v < 128 ? 1 : v < 16'384 ? 2 : v < 2'097'152 ? 3 : 4;
}

/// Writes `v` at `out` (which must have room for varint_size(v) bytes) and
/// returns the number of bytes written. Values above kVarIntMax are truncated
/// to their low 28 bits: the caller validates.
inline std::size_t write_varint(std::uint8_t* out, std::uint32_t v) {
  std::size_t n = 0;
  do {
    std::uint8_t b = v & 0x7F;
    v >>= 7;
    if (v && n < 3) b |= 0x80;
    out[n++] = b;
  } while (v && n < 4);
  return n;
}

/// Outcome of reading a variable byte integer from a buffer.
enum class VarIntStatus : std::uint8_t {
  Ok,
  NeedMore,     ///< the buffer ends inside the integer
  TooLong,      ///< a fifth byte would be needed
  NotMinimal,   ///< encoded in more bytes than necessary
};

struct VarIntRead {
  VarIntStatus status;
  std::uint32_t value;
  std::size_t length;  ///< bytes consumed (valid when status is Ok)
};

/// Reads a variable byte integer from [p, p+n).
inline VarIntRead read_varint(const std::uint8_t* p, std::size_t n) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= n) return {VarIntStatus::NeedMore, 0, 0};
    std::uint8_t b = p[i];
    value |= static_cast<std::uint32_t>(b & 0x7F) << (7 * i);
    if (!(b & 0x80)) {
      if (i > 0 && b == 0) return {VarIntStatus::NotMinimal, value, i + 1};
      return {VarIntStatus::Ok, value, i + 1};
    }
  }
  return {VarIntStatus::TooLong, 0, 4};
}

}  // namespace mq
