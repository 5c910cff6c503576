#pragma once
/// The broker's log: one line per event on stderr, stdout, files and/or
/// syslog, as text or as one JSON object per line, filtered by level.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mq::server {

/// How much to log, most severe first.
enum class LogLevel : unsigned char { Error, Warning, Notice, Info, Debug };

/// "error", "warning", "notice", "info", "debug".
std::string_view level_name(LogLevel l);

/// `text` with every control character written as an escape, for a text
/// log line: C0 controls and DEL as \n, \r, \t, \e or \xHH, C1 controls
/// (U+0080..U+009F) as \u0080.., and a backslash as \\. A client id or
/// topic can then neither forge a line nor drive the reader's terminal.
std::string escape_for_log(std::string_view text);

/// One key=value of a log line: text, or a count such as a connection's
/// number, which a JSON line writes as a number (as the lint's objects do).
struct LogField {
  LogField(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  LogField(std::string k, std::uint64_t n) : key(std::move(k)), value(std::to_string(n)), number(n) {}
  std::string key;
  std::string value;  ///< as the text line shows it
  std::optional<std::uint64_t> number;
};

/// The key/value fields of a log line, in order.
using LogFields = std::vector<LogField>;

/// Writes log lines. Not thread-safe: one per loop.
class Logger {
 public:
  /// Logs events at `level` and more severe to `out` (nullptr: nothing),
  /// as JSON when `json`.
  Logger(LogLevel level = LogLevel::Notice, bool json = false, std::FILE* out = stderr)
      : level_(level), json_(json), out_(out) {}
  /// True when an event at `l` would be written (to skip building it).
  bool enabled(LogLevel l) const { return (out_ || !more_.empty() || syslog_) && l <= level_; }
  /// Writes `message` with extra key/value fields (JSON string values,
  /// numbers for the fields made from a count).
  void log(LogLevel l, std::string_view message, const LogFields& fields = {});
  /// Writes an event whose fields are not all strings: `text` as the text
  /// line, or a JSON line whose "msg" is `msg` followed by the members of
  /// the object `fields`.
  void log_object(LogLevel l, std::string_view text, std::string_view msg, const nlohmann::ordered_json& fields);

  void set_level(LogLevel l) { level_ = l; }
  void set_json(bool json) { json_ = json; }
  void set_output(std::FILE* out) { out_ = out; }
  /// Also writes every line to each of `outs` (log files).
  void set_more_outputs(std::vector<std::FILE*> outs) { more_ = std::move(outs); }
  /// Also sends every line to syslog(3) (opened by the caller), without
  /// the time stamp, at the matching priority.
  void set_syslog(bool on) { syslog_ = on; }
  /// Time stamps of text lines: none, ISO 8601 UTC with milliseconds (the
  /// default, empty format), or strftime(3) `format` in local time, as
  /// mosquitto's log_timestamp_format. JSON lines always carry "time".
  void set_timestamp(bool on, std::string format = {}) {
    timestamp_ = on;
    timestamp_format_ = std::move(format);
  }

 private:
  std::string text_time() const;
  /// Writes a finished line (JSON, or text without its time) everywhere.
  void write(LogLevel l, std::string body);

  LogLevel level_;
  bool json_;
  std::FILE* out_;
  std::vector<std::FILE*> more_;
  bool syslog_ = false;
  bool timestamp_ = true;
  std::string timestamp_format_;
};

}  // namespace mq::server
