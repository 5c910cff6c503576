#pragma once
/// Helpers for the codec tests: decode bytes written by hand from the
/// specification, re-encode them, and check every truncated prefix.

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/validate.hpp"

namespace mq::test {

using Bytes = std::vector<std::uint8_t>;

/// Bytes from a string literal (for readable text fields inside byte lists).
inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// Concatenates byte lists: cat({0x30, 0x05}, text("a/b"), {...}).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// Decodes `bytes`, failing the test with the decoder's message if it fails.
inline Packet decode_ok(const Bytes& bytes, std::optional<ProtocolVersion> v) {
  auto r = decode_packet(bytes, v);
  if (!r) FAIL_CHECK("decode failed: " << to_string(r.error()));
  REQUIRE(r.ok());
  return *r;
}

/// Decodes `bytes` and returns the packet of type T.
template <typename T>
T decode_as(const Bytes& bytes, std::optional<ProtocolVersion> v) {
  Packet p = decode_ok(bytes, v);
  REQUIRE(std::holds_alternative<T>(p));
  return std::get<T>(p);
}

/// The error decoding `bytes` gives; fails the test if it decodes.
inline DecodeError decode_err(const Bytes& bytes, std::optional<ProtocolVersion> v) {
  auto r = decode_packet(bytes, v);
  if (r) FAIL_CHECK("decoded although it should not have");
  REQUIRE_FALSE(r.ok());
  return r.error();
}

/// Checks the error for `bytes`: kind, offset, field and rule id.
inline void expect_error(const Bytes& bytes, std::optional<ProtocolVersion> v, ErrorKind kind, std::size_t offset,
                         std::string_view field, std::string_view rule = {}) {
  DecodeError e = decode_err(bytes, v);
  INFO("error: " << to_string(e));
  CHECK(e.kind == kind);
  CHECK(e.offset == offset);
  CHECK(e.field == field);
  CHECK(e.rule == rule);
}

/// The properties every round trip checks: re-encoding gives the same bytes
/// and size, the decoded packet validates, decode_body agrees, the trace
/// covers the packet, and every truncated prefix fails as Truncated.
inline void check_round_trip(const Bytes& bytes, ProtocolVersion v) {
  auto r = decode_packet(bytes, v);
  if (!r) FAIL_CHECK("decode failed: " << to_string(r.error()));
  REQUIRE(r.ok());
  const Packet& p = *r;
  const ProtocolVersion level = std::holds_alternative<Connect>(p) ? std::get<Connect>(p).version : v;
  CHECK(encode(p, v) == bytes);
  CHECK(encoded_size(p, v) == bytes.size());
  auto invalid = validate(p, level);
  if (invalid) FAIL_CHECK("validate: " << to_string(*invalid));

  auto header = decode_fixed_header(bytes);
  REQUIRE(header.ok());
  auto body = decode_body(*header, ByteView(bytes).subspan(header->header_size), v);
  REQUIRE(body.ok());
  CHECK(encode(*body, v) == bytes);

  FieldTrace trace;
  REQUIRE(decode_packet(bytes, v, &trace).ok());
  REQUIRE_FALSE(trace.empty());
  std::size_t end = 0;
  for (const auto& f : trace) end = std::max(end, f.offset + f.length);
  CHECK(end == bytes.size());

  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    FieldTrace t;
    auto cut = decode_packet(prefix, v, &t);
    INFO("prefix of " << n << " bytes");
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.error().kind == ErrorKind::Truncated);
  }
}

}  // namespace mq::test
