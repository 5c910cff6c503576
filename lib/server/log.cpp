#include "server/log.hpp"

#include <syslog.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mq::server {

std::string_view level_name(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return "error";
    case LogLevel::Warning: return "warning";
    case LogLevel::Notice: return "notice";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "?";
}

std::string escape_for_log(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == 0x1B) {
      out += "\\e";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // U+0080..U+009F in UTF-8
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

std::string iso_time() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int syslog_priority(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return LOG_ERR;
    case LogLevel::Warning: return LOG_WARNING;
    case LogLevel::Notice: return LOG_NOTICE;
    case LogLevel::Info: return LOG_INFO;
    case LogLevel::Debug: return LOG_DEBUG;
  }
  return LOG_NOTICE;
}

void write_line(std::FILE* f, const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);
}

}  // namespace

std::string Logger::text_time() const {
  if (timestamp_format_.empty()) return iso_time();
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[256];
  const std::size_t n = std::strftime(buf, sizeof buf, timestamp_format_.c_str(), &tm);
  return std::string(buf, n);
}

void Logger::log(LogLevel l, std::string_view message, const LogFields& fields) {
  if (!enabled(l)) return;
  if (json_) {
    nlohmann::ordered_json j;
    for (const LogField& f : fields) {
      if (f.number) j[f.key] = *f.number;
      else j[f.key] = f.value;
    }
    log_object(l, {}, message, j);
    return;
  }
  std::string body = fmt::format("{} {}", level_name(l), escape_for_log(message));
  for (const LogField& f : fields) body += fmt::format(" {}={}", f.key, escape_for_log(f.value));
  write(l, std::move(body));
}

void Logger::log_object(LogLevel l, std::string_view text, std::string_view msg, const nlohmann::ordered_json& fields) {
  if (!enabled(l)) return;
  if (!json_) return write(l, fmt::format("{} {}", level_name(l), escape_for_log(text)));
  nlohmann::ordered_json j;
  j["time"] = iso_time();
  j["level"] = level_name(l);
  j["msg"] = msg;
  for (const auto& [k, v] : fields.items()) j[k] = v;
  // Invalid UTF-8 (a client id, say) is replaced rather than aborting the dump.
  write(l, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Logger::write(LogLevel l, std::string body) {
  // The body is the line without its time, for syslog, which stamps its own.
  std::string line = json_ || !timestamp_ ? body : text_time() + " " + body;
  line += '\n';
  if (out_) write_line(out_, line);
  for (std::FILE* f : more_) write_line(f, line);
  if (syslog_) ::syslog(syslog_priority(l), "%s", body.c_str());
}

}  // namespace mq::server
