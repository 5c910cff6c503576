#pragma once
/// Base64 (RFC 4648): binary-safe JSON output and pasted input (mqdump,
/// mqsub), and the salts and hashes of the broker's password files. Kept out
/// of lib/dump so the server does not depend on the decoder's folder.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/types.hpp"

namespace mq {

/// Standard alphabet with '=' padding.
std::string base64_encode(ByteView bytes);

/// Where base64 text stops making sense: the byte index into the input and why.
struct Base64Error {
  std::size_t position = 0;
  std::string message;
};

/// Decodes standard or URL-safe base64. Whitespace is skipped; padding is
/// optional but, when present, must be complete and last.
/// Returns the bytes, or sets `error` and returns nothing.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Base64Error* error = nullptr);

}  // namespace mq
