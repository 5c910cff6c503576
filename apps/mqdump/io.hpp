#pragma once
/// mqdump's plumbing: reading whole inputs and writing output that notices
/// a closed pipe instead of dying on SIGPIPE.

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace mq::mqdump {

/// One input: its name for messages and its content.
struct Source {
  std::string name;  ///< file name, "standard input" or "arguments"
  std::string data;
  bool arguments = false;  ///< built from positional arguments, one per line
};

/// Reads every input the config names (arguments, files, or stdin). On
/// failure prints "mqdump: NAME: reason" and returns nullopt.
std::optional<std::vector<Source>> read_sources(const Config& config);

/// Standard output with error tracking. After the reader goes away (EPIPE)
/// `closed()` is true and writes are dropped.
class Output {
 public:
  Output();
  bool write(std::string_view s);
  bool flush();
  bool closed() const { return closed_; }
  bool failed() const { return failed_; }

 private:
  bool check();
  bool closed_ = false;
  bool failed_ = false;
};

/// "mqdump: " + message + newline on stderr, after flushing stdout so the
/// two streams stay in order on a terminal.
void report(std::string_view message);

}  // namespace mq::mqdump
