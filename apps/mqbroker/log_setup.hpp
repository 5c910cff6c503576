#pragma once
/// Where mqbroker's log goes: log_dest (stderr, stdout, syslog, files),
/// log_type and -v levels, time stamps. Log files are appended to and
/// reopened on SIGHUP, so logrotate's postrotate `kill -HUP` works as it
/// does for mosquitto.

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "server/config/settings.hpp"
#include "server/log.hpp"

namespace mq::mqbroker {

/// The log destinations of one run; closes its files and syslog when destroyed.
class LogSetup {
 public:
  /// Opens every log file of `s`; returns the first that cannot be opened.
  std::optional<std::string> open(const Options& o, const server::Settings& s, server::Logger& log);
  /// Closes and reopens the log files (after logrotate moved them).
  std::optional<std::string> reopen(server::Logger& log);
  ~LogSetup();

 private:
  std::vector<std::string> paths_;
  std::vector<std::FILE*> files_;
  std::FILE* stdout_ = nullptr;  ///< stdout as an extra output next to stderr
  bool syslog_ = false;
  void apply(server::Logger& log) const;
};

}  // namespace mq::mqbroker
