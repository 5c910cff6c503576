#pragma once
/// Where mqpub's payload bytes come from: a file or all of stdin read whole,
/// text decoded from hex or base64, and stdin split into lines as it arrives.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mq::mqpub {

/// How the payload text is written on the command line or in the input.
enum class PayloadText : std::uint8_t { Raw, Hex, Base64 };

/// The bytes `text` stands for; nullopt and `error` when hex/base64 is bad.
std::optional<std::string> decode_payload(std::string_view text, PayloadText encoding, std::string* error);

/// The whole file (binary-safe); nullopt and `error` when it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string* error);

/// All of stdin (blocking; for -s and --replay -).
std::optional<std::string> read_stdin(std::string* error);

/// Splits a byte stream into lines: each "\n" ends one (not included);
/// finish() returns a last unterminated line.
class LineSplitter {
 public:
  /// Appends `bytes` and calls `line` for every complete line.
  void feed(std::string_view bytes, const std::function<void(std::string&&)>& line);
  /// The unterminated rest, if any.
  std::optional<std::string> finish();
  /// Bytes of the line not yet terminated.
  std::size_t pending() const { return partial_.size(); }

 private:
  std::string partial_;
};

}  // namespace mq::mqpub
