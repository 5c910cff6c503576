/// Fuzzes mqdump's input reader (lib/dump/input.hpp). The first byte picks
/// the declared format (auto, raw, hex, base64), the rest is the text. Raw
/// and binary-looking input must come back unchanged; an error must point at
/// a line and column that exist; and whatever bytes are read must survive a
/// round trip through plain hex, spaced hex, a C array and base64.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/base64.hpp"
#include "dump/input.hpp"
#include "invariant.hpp"
#include "same_packet.hpp"

using namespace mq;
using namespace mq::dump;
using mq::fuzz::require;

namespace {

/// `bytes` as hex digits, with `sep` between bytes, each prefixed by `prefix`.
std::string to_hex(ByteView bytes, std::string_view sep, std::string_view prefix) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += sep;
    out += prefix;
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xF];
  }
  return out;
}

/// `text` read in `format` must give exactly `expected`.
void require_reads_back(const std::string& text, InputFormat format, ByteView expected, const char* what) {
  InputResult r = parse_input(text, format);
  require(r.ok, what);
  require(fuzz::same_bytes(r.bytes, expected), what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr InputFormat kFormats[] = {InputFormat::Auto, InputFormat::Raw, InputFormat::Hex,
                                             InputFormat::Base64};
  const InputFormat format = kFormats[data[0] % 4];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  InputResult r = parse_input(text, format);
  if (format == InputFormat::Raw || (format == InputFormat::Auto && looks_binary(text))) {
    require(r.ok && r.shape == InputShape::Raw, "raw or binary input not taken as raw bytes");
    require(fuzz::same_bytes(r.bytes, as_bytes(text)), "raw input changed on reading");
  }
  if (!r.ok) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    require(r.error.line >= 1 && r.error.line <= lines, "error line outside the input");
    require(r.error.column >= 1 && r.error.column <= text.size() + 1, "error column outside the input");
    require(!r.error.message.empty(), "error without a message");
    return 0;
  }

  const ByteView bytes(r.bytes);
  require_reads_back(to_hex(bytes, "", ""), InputFormat::Hex, bytes, "plain hex does not read back");
  require_reads_back(to_hex(bytes, " ", ""), InputFormat::Auto, bytes, "spaced hex does not read back");
  require_reads_back("{" + to_hex(bytes, ", ", "0x") + "}", InputFormat::Auto, bytes, "a C array does not read back");
  require_reads_back(base64_encode(bytes), InputFormat::Base64, bytes, "base64 does not read back");
  return 0;
}
