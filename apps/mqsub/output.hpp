#pragma once
/// What mqsub prints per message (raw payload, -v, -F, --json) and how it
/// reaches stdout: one write per message, so output is flushed per message,
/// and a closed pipe is reported instead of killing the process.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "format.hpp"
#include "message_json.hpp"

namespace mq::mqsub {

/// Turns a message into the bytes to print.
class MessagePrinter {
 public:
  enum class Mode : std::uint8_t { Payload, Verbose, Format, Json };

  MessagePrinter(Mode mode, bool eol, std::optional<OutputFormat> format, apps::PayloadEncoding encoding,
                 bool pretty = false)
      : mode_(mode), eol_(eol), format_(std::move(format)), encoding_(encoding), pretty_(pretty) {}

  /// The text for one message, newline included unless -N.
  std::string render(const MessageView& m, std::string* warning) const;

 private:
  Mode mode_;
  bool eol_;
  std::optional<OutputFormat> format_;
  apps::PayloadEncoding encoding_;
  bool pretty_;
};

/// The output options as the command line gave them: mqsub's, and mqpub's
/// for the response of --wait-response.
struct PrintOptions {
  bool verbose = false;
  std::string format;
  bool no_eol = false;
  bool json = false;
  std::string payload_encoding = "auto";
  bool pretty = false;  ///< --pretty: JSON (--json, %j, %J) over several indented lines
};

/// Adds -v, -F, -N, --json and --payload-encoding to `app` in group `group`;
/// `what` names the printed thing in the help ("each message", "the response"),
/// `manual` where OUTPUT FORMAT and JSON OUTPUT are ("" or " in mqsub(1)").
/// Returns the options so a caller can add `needs` to them.
std::vector<CLI::Option*> add_print_options(CLI::App& app, PrintOptions& options, const char* group,
                                            const char* what, const char* manual);

/// The printer the options select; nullopt and `error` when -F does not compile.
std::optional<MessagePrinter> make_printer(const PrintOptions& options, std::string* error);

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
