// The text log escapes control characters, so a client id or topic cannot
// forge a log line or drive the terminal that shows it.

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "server/log.hpp"

namespace mq::server {

namespace {

/// Everything `log` wrote to a temporary file.
template <typename F>
std::string written(bool json, F log) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  Logger logger(LogLevel::Info, json, f);
  log(logger);
  std::rewind(f);
  std::string out;
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace

TEST_CASE("log: control characters are escaped, C0, DEL and C1 alike") {
  CHECK(escape_for_log("plain/topic é") == "plain/topic é");
  CHECK(escape_for_log("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(escape_for_log("\x1b]0;owned\x07\x1b[2J") == "\\e]0;owned\\x07\\e[2J");
  CHECK(escape_for_log(std::string("\0\x7f", 2)) == "\\x00\\x7f");
  CHECK(escape_for_log("\xc2\x9b" "2J") == "\\u009b2J");  // U+009B, the one-character CSI
  CHECK(escape_for_log("back\\slash") == "back\\\\slash");
  CHECK(escape_for_log("\xc2") == "\xc2");  // a cut sequence is left as it is
}

TEST_CASE("log: a client id with a newline cannot forge a line in the text log") {
  const std::string forged = "dev\n2026-01-01T00:00:00.000Z notice client connected client_id=admin";
  const std::string text = written(false, [&](Logger& l) { l.log(LogLevel::Info, "client connected", {{"client_id", forged}}); });
  CHECK(text.find('\n') == text.size() - 1);  // one line
  CHECK(text.find("client_id=dev\\n2026-01-01T00:00:00.000Z notice") != std::string::npos);
  // JSON escapes by itself; the value stays exactly what the client sent.
  const std::string json = written(true, [&](Logger& l) { l.log(LogLevel::Info, "client connected", {{"client_id", forged}}); });
  CHECK(json.find('\n') == json.size() - 1);
  CHECK(json.find("\"client_id\":\"dev\\n2026") != std::string::npos);
}

TEST_CASE("log: a count (a connection's number) is a JSON number, and plain in the text line") {
  const auto line = [](Logger& l) {
    l.set_timestamp(false);
    l.log(LogLevel::Notice, "connection closed", {{"connection", std::uint64_t{12}}, {"client_id", "7"}});
  };
  CHECK(written(false, line) == "notice connection closed connection=12 client_id=7\n");
  const std::string json = written(true, line);
  CHECK(json.find(R"("msg":"connection closed","connection":12,"client_id":"7"})") != std::string::npos);
}

TEST_CASE("log: log_timestamp false drops the time; a strftime format replaces ISO 8601; extra outputs get each line") {
  std::FILE* extra = std::tmpfile();
  REQUIRE(extra);
  const std::string plain = written(false, [&](Logger& l) {
    l.set_timestamp(false);
    l.set_more_outputs({extra});
    l.log(LogLevel::Notice, "hello", {{"k", "v"}});
  });
  CHECK(plain == "notice hello k=v\n");
  std::rewind(extra);
  char buf[64] = {};
  CHECK(std::string(std::fgets(buf, sizeof buf, extra)) == "notice hello k=v\n");
  std::fclose(extra);
  const std::string stamped = written(false, [](Logger& l) {
    l.set_timestamp(true, "[%Y]");
    l.log(LogLevel::Notice, "hello");
  });
  CHECK(stamped.size() == std::string("[2026] notice hello\n").size());
  CHECK(stamped.starts_with("[2"));
  CHECK(stamped.ends_with("] notice hello\n"));
}

}  // namespace mq::server
