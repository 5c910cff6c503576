#include "log_setup.hpp"

#include <syslog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace mq::mqbroker {
namespace {

using server::LogLevel;

LogLevel log_level(const Options& o, const server::Settings& s) {
  if (o.log_level == "error") return LogLevel::Error;
  if (o.log_level == "warning") return LogLevel::Warning;
  if (o.log_level == "notice") return LogLevel::Notice;
  if (o.log_level == "info") return LogLevel::Info;
  if (o.log_level == "debug") return LogLevel::Debug;
  if (o.verbose >= 2) return LogLevel::Debug;
  if (o.verbose == 1) return LogLevel::Info;
  LogLevel l = LogLevel::Notice;
  for (const auto& t : s.log_types) {
    if (t == "all" || t == "debug") l = LogLevel::Debug;
    else if ((t == "information" || t == "subscribe" || t == "unsubscribe") && l < LogLevel::Info) l = LogLevel::Info;
  }
  return l;
}

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

constexpr int kLocalFacilities[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                    LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};

}  // namespace

std::optional<std::string> LogSetup::open(const Options& o, const server::Settings& s, server::Logger& log) {
  log.set_level(log_level(o, s));
  log.set_json(s.log_format == "json");
  log.set_timestamp(s.log_timestamp, s.log_timestamp_format);
  // mosquitto: no log_dest means stderr; any log_dest replaces it; none silences all.
  const auto& d = s.log_dests;
  const bool none = has(d, "none");
  const bool to_stderr = !none && (d.empty() || has(d, "stderr"));
  const bool to_stdout = !none && has(d, "stdout");
  log.set_output(to_stderr ? stderr : to_stdout ? stdout : nullptr);
  stdout_ = to_stderr && to_stdout ? stdout : nullptr;
  syslog_ = !none && has(d, "syslog");
  if (syslog_) ::openlog("mqbroker", LOG_PID, s.log_facility < 0 ? LOG_DAEMON : kLocalFacilities[s.log_facility]);
  if (!none) paths_ = s.log_files;
  return reopen(log);
}

std::optional<std::string> LogSetup::reopen(server::Logger& log) {
  std::vector<std::FILE*> fresh;
  for (const auto& p : paths_) {
    std::FILE* f = std::fopen(p.c_str(), "a");
    if (!f) {
      const std::string why = std::strerror(errno);
      for (std::FILE* g : fresh) std::fclose(g);
      return fmt::format("cannot open the log file {}: {}", p, why);
    }
    fresh.push_back(f);
  }
  for (std::FILE* f : files_) std::fclose(f);
  files_ = std::move(fresh);
  apply(log);
  return std::nullopt;
}

void LogSetup::apply(server::Logger& log) const {
  std::vector<std::FILE*> more = files_;
  if (stdout_) more.push_back(stdout_);
  log.set_more_outputs(std::move(more));
  log.set_syslog(syslog_);
}

LogSetup::~LogSetup() {
  for (std::FILE* f : files_) std::fclose(f);
  if (syslog_) ::closelog();
}

}  // namespace mq::mqbroker
