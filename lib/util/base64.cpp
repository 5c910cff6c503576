#include "util/base64.hpp"

namespace mq {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Value of a base64 digit in either alphabet, or -1.
int digit_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool fail(Base64Error* error, std::size_t pos, std::string message) {
  if (error) *error = {pos, std::move(message)};
  return false;
}

}  // namespace

std::string base64_encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = static_cast<std::uint32_t>(bytes[i]) << 16 | static_cast<std::uint32_t>(bytes[i + 1]) << 8 | bytes[i + 2];
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(bytes[i]) << 16;
    if (left == 2) v |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += left == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Base64Error* error) {
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t digits = 0;   // digits seen, padding excluded
  std::size_t padding = 0;  // '=' seen
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      if (digits % 4 < 2 || padding > 2) {
        fail(error, i, "misplaced '=' padding");
        return std::nullopt;
      }
      continue;
    }
    int v = digit_value(c);
    if (v < 0) {
      fail(error, i, std::string("'") + c + "' is not a base64 character");
      return std::nullopt;
    }
    if (padding > 0) {
      fail(error, i, "base64 data after '=' padding");
      return std::nullopt;
    }
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (digits % 4 == 1) {
    fail(error, text.size(), "base64 ends with a lone character (not a whole byte)");
    return std::nullopt;
  }
  if (padding > 0 && (digits + padding) % 4 != 0) {
    fail(error, text.size(), "incomplete '=' padding");
    return std::nullopt;
  }
  return out;
}

}  // namespace mq
