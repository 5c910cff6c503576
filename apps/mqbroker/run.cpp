#include "run.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "log_setup.hpp"
#include "net/loop.hpp"
#include "server/config/profiles.hpp"
#include "server/config/reader.hpp"
#include "server/server.hpp"

namespace mq::mqbroker {
namespace {

using server::LogLevel;

/// Reads the file, then -p and the key flags in command-line order.
std::optional<server::ConfigError> load_settings(const Options& o, server::Settings& s) {
  server::ConfigReader reader(s);
  if (!o.profile.empty())
    if (auto e = reader.apply("profile", o.profile, "--profile")) return e;
  if (!o.config_file.empty())
    if (auto e = reader.read_file(o.config_file)) return e;
  if (o.lint)
    if (auto e = reader.apply("lint", "true", "--lint")) return e;
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
  if (o.show_profile) {
    const server::Profile* p = server::find_profile(o.profile.empty() ? "mqbroker" : o.profile);
    std::fputs(server::describe_profile(*p).c_str(), stdout);
    return code(Exit::Ok);
  }
  server::Settings settings;
  if (auto e = load_settings(o, settings)) {
    fmt::print(stderr, "mqbroker: {}\n", to_string(*e));
    return code(Exit::Usage);
  }
  server::Logger log;
  LogSetup log_setup;
  if (auto e = log_setup.open(o, settings, log)) {
    fmt::print(stderr, "mqbroker: {}\n", *e);
    return code(Exit::StartFailed);
  }
  for (const auto& note : settings.notes) log.log(LogLevel::Notice, note);
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
    if (auto e = log_setup.reopen(log)) log.log(LogLevel::Error, "the log files stay as they were", {{"error", *e}});
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
