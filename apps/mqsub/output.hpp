#pragma once
/// What mqsub prints per message (raw payload, -v, -F, --json) and how it
/// reaches stdout: one write per message, so output is flushed per message,
/// and a closed pipe is reported instead of killing the process.

#include <optional>
#include <string>

#include "format.hpp"
#include "message_json.hpp"

namespace mq::mqsub {

/// Turns a message into the bytes to print.
class MessagePrinter {
 public:
  enum class Mode : std::uint8_t { Payload, Verbose, Format, Json };

  MessagePrinter(Mode mode, bool eol, std::optional<OutputFormat> format, apps::PayloadEncoding encoding)
      : mode_(mode), eol_(eol), format_(std::move(format)), encoding_(encoding) {}

  /// The text for one message, newline included unless -N.
  std::string render(const MessageView& m, std::string* warning) const;

 private:
  Mode mode_;
  bool eol_;
  std::optional<OutputFormat> format_;
  apps::PayloadEncoding encoding_;
};

/// Writes whole buffers to a file descriptor.
class FdWriter {
 public:
  explicit FdWriter(int fd) : fd_(fd) {}
  /// Writes all of `bytes`; false when the reader has gone (EPIPE) or
  /// another error ends the output (its text in `error`).
  bool write(const std::string& bytes, std::string* error);

 private:
  int fd_;
};

}  // namespace mq::mqsub
