#include "run.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "net/loop.hpp"
#include "server/config/reader.hpp"
#include "server/server.hpp"

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

std::FILE* log_output(const server::Settings& s) {
  if (s.log_dests.empty()) return stderr;
  for (const auto& d : s.log_dests)
    if (d == "stderr") return stderr;
  for (const auto& d : s.log_dests)
    if (d == "stdout") return stdout;
  return nullptr;  // log_dest none
}

/// Reads the file, then -p and the key flags in command-line order.
std::optional<server::ConfigError> load_settings(const Options& o, server::Settings& s) {
  server::ConfigReader reader(s);
  if (!o.config_file.empty())
    if (auto e = reader.read_file(o.config_file)) return e;
  for (int port : o.ports)
    if (auto e = reader.apply("listener", fmt::format("{} 127.0.0.1", port), "-p")) return e;
  for (const auto& [key, value] : o.key_flags) {
    std::string flag = "--" + key;
    for (char& c : flag)
      if (c == '_') c = '-';
    if (auto e = reader.apply(key, value, flag)) return e;
  }
  return reader.finish();
}

}  // namespace

int run(const Options& o) {
  server::Settings settings;
  if (auto e = load_settings(o, settings)) {
    fmt::print(stderr, "mqbroker: {}\n", to_string(*e));
    return code(Exit::Usage);
  }
  server::Logger log(log_level(o, settings), settings.log_format == "json", log_output(settings));
  std::signal(SIGPIPE, SIG_IGN);

  net::Loop loop;
  std::unique_ptr<server::Server> srv;
  if (auto e = server::Server::create(loop, settings, log, srv, o.check_config)) {
    fmt::print(stderr, "mqbroker: {}\n", *e);
    return code(Exit::StartFailed);
  }
  if (o.check_config) {
    fmt::print(stderr, "mqbroker: the configuration is valid\n");
    srv.reset();
    loop.close();
    return code(Exit::Ok);
  }
  // Signals are watched before the listeners are announced: a script that
  // reads the announcement and sends SIGTERM at once must not kill us.
  bool stopping = false;
  auto stop = [&](int signum) {
    if (stopping) return;
    stopping = true;
    log.log(LogLevel::Notice, "shutting down", {{"signal", signum == SIGINT ? "SIGINT" : "SIGTERM"}});
    srv->shutdown([&] { loop.stop(); });
  };
  srv->on_failed([&] { loop.stop(); });
  net::SignalWatcher term(loop, SIGTERM, stop);
  net::SignalWatcher intr(loop, SIGINT, stop);
  net::SignalWatcher hup(loop, SIGHUP, [&](int) {
    if (auto e = srv->reload()) log.log(LogLevel::Error, "reload failed; the previous files stay in force", {{"error", *e}});
    else log.log(LogLevel::Notice, "reloaded password, ACL and certificate files");
  });
  if (auto e = srv->start()) {
    fmt::print(stderr, "mqbroker: {}\n", *e);
    srv.reset();
    loop.close();
    return code(Exit::StartFailed);
  }
  if (!settings.pid_file.empty()) std::ofstream(settings.pid_file) << ::getpid() << '\n';
  for (const auto& l : srv->listeners()) {
    std::string line = server::listening_line(l) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    log.log(LogLevel::Notice, "listening", {{"kind", l.kind}, {"address", l.address}});
  }
  std::fflush(stdout);

  loop.run();
  const bool failed = srv->failed();
  srv.reset();
  if (!settings.pid_file.empty()) std::remove(settings.pid_file.c_str());
  return code(failed ? Exit::StartFailed : Exit::Ok);
}

}  // namespace mq::mqbroker
