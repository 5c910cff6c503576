#include "bench/payload.hpp"

#include <bit>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace mq::bench {

namespace {

constexpr std::uint8_t kMagic[4] = {'m', 'q', 'b', 1};

// Little-endian stores and loads; memcpy of a native integer on the
// little-endian machines we run on (one instruction each, per message).
template <class T>
void put_le(std::uint8_t* p, T v) {
  if constexpr (std::endian::native != std::endian::little)
    for (unsigned i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  else
    std::memcpy(p, &v, sizeof v);
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

bool parse_bytes(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::uint32_t PayloadSize::of(std::uint32_t publisher, std::uint64_t sequence) const {
  if (max <= min) return min;
  const std::uint64_t span = std::uint64_t{max} - min + 1;
  return min + static_cast<std::uint32_t>(mix((std::uint64_t{publisher} << 40) ^ sequence ^ 0x6d7162ull) % span);
}

std::optional<std::string> parse_payload_size(std::string_view text, PayloadSize& out) {
  const std::size_t dash = text.find('-');
  std::uint64_t lo = 0, hi = 0;
  const bool ok = dash == std::string_view::npos
                      ? parse_bytes(text, lo) && (hi = lo, true)
                      : parse_bytes(text.substr(0, dash), lo) && parse_bytes(text.substr(dash + 1), hi);
  if (!ok) return fmt::format("--size '{}': expected bytes as N or MIN-MAX, e.g. 64 or 32-1024", text);
  if (lo < kPayloadHeaderSize)
    return fmt::format("--size '{}': at least {} bytes (sequence number, publisher and timestamp)", text,
                       kPayloadHeaderSize);
  if (hi < lo) return fmt::format("--size '{}': the range ends below its start", text);
  if (hi > kPayloadMaxSize) return fmt::format("--size '{}': at most {} bytes", text, kPayloadMaxSize);
  out = PayloadSize{static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi)};
  return std::nullopt;
}

void write_payload_header(std::span<std::uint8_t> payload, const PayloadHeader& h) {
  std::uint8_t* p = payload.data();
  for (unsigned i = 0; i < 4; ++i) p[i] = kMagic[i];
  put_le<std::uint32_t>(p + kPayloadPublisherOffset, h.publisher);
  patch_payload(p, h.sequence, h.timestamp_ns);
}

void patch_payload(std::uint8_t* payload, std::uint64_t sequence, std::uint64_t timestamp_ns) {
  put_le<std::uint64_t>(payload + kPayloadSequenceOffset, sequence);
  put_le<std::uint64_t>(payload + kPayloadTimestampOffset, timestamp_ns);
}

void fill_payload(std::span<std::uint8_t> payload, const PayloadHeader& h) {
  write_payload_header(payload, h);
  for (std::size_t i = kPayloadHeaderSize; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>('a' + i % 26);
}

}  // namespace mq::bench
