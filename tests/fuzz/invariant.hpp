#pragma once
/// How a fuzz target reports a broken invariant: a message naming what broke,
/// then abort(), which libFuzzer records as a crash with the input saved.

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "codec/error.hpp"
#include "codec/types.hpp"

namespace mq::fuzz {

/// Aborts with `what` when `ok` is false.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

/// Aborts with `what` and the decoder's error text.
[[noreturn]] inline void broken(const char* what, const DecodeError& e) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, to_string(e).c_str());
  std::abort();
}

/// The protocol level a selector byte picks: 3.1, 3.1.1, 5.0 or none.
inline std::optional<ProtocolVersion> level_from(std::uint8_t selector) {
  switch (selector % 4) {
    case 0: return ProtocolVersion::v31;
    case 1: return ProtocolVersion::v311;
    case 2: return ProtocolVersion::v5;
    default: return std::nullopt;
  }
}

}  // namespace mq::fuzz
