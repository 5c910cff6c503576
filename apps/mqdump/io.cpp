#include "io.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>
#include <unistd.h>

namespace mq::mqdump {

namespace {

bool read_all(std::FILE* f, std::string& out) {
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return !std::ferror(f);
}

std::optional<Source> read_stdin() {
  Source s{"standard input", {}, false};
  if (::isatty(STDIN_FILENO) == 1) report("reading packets from the terminal; end with Ctrl-D (see --help)");
  if (!read_all(stdin, s.data)) {
    report(fmt::format("standard input: {}", std::strerror(errno)));
    return std::nullopt;
  }
  return s;
}

}  // namespace

std::optional<std::vector<Source>> read_sources(const Config& config) {
  std::vector<Source> sources;
  if (!config.texts.empty()) {
    Source s{"arguments", {}, true};
    for (std::size_t i = 0; i < config.texts.size(); ++i) s.data += (i ? "\n" : "") + config.texts[i];
    sources.push_back(std::move(s));
  }
  for (const auto& name : config.files) {
    if (name == "-") {
      auto s = read_stdin();
      if (!s) return std::nullopt;
      sources.push_back(std::move(*s));
      continue;
    }
    std::FILE* f = std::fopen(name.c_str(), "rb");
    if (!f) {
      report(fmt::format("{}: {}", name, std::strerror(errno)));
      return std::nullopt;
    }
    Source s{name, {}, false};
    bool ok = read_all(f, s.data);
    int err = errno;
    std::fclose(f);
    if (!ok) {
      report(fmt::format("{}: {}", name, std::strerror(err)));
      return std::nullopt;
    }
    sources.push_back(std::move(s));
  }
  if (config.texts.empty() && config.files.empty()) {
    auto s = read_stdin();
    if (!s) return std::nullopt;
    sources.push_back(std::move(*s));
  }
  return sources;
}

Output::Output() { std::signal(SIGPIPE, SIG_IGN); }

bool Output::check() {
  if (!std::ferror(stdout)) return true;
  if (errno == EPIPE)
    closed_ = true;
  else
    failed_ = true;
  return false;
}

bool Output::write(std::string_view s) {
  if (closed_ || failed_) return false;
  std::fwrite(s.data(), 1, s.size(), stdout);
  return check();
}

bool Output::flush() {
  if (closed_ || failed_) return false;
  std::fflush(stdout);
  return check();
}

void report(std::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "mqdump: %.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace mq::mqdump
