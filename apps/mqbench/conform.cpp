#include "conform.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "conform/runner.hpp"
#include "exit_codes.hpp"

namespace mq::mqbench {

namespace {

bool write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return true;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "mqbench: error: cannot write {}\n", path);
    return false;
  }
  return true;
}

}  // namespace

int run_conform(const CLI::App& app, const BenchOptions& o) {
  if (o.conform_list) {
    std::string text = conform::format_list(o.conform_select);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return code(Exit::Ok);
  }
  apps::ClientOptions c = o.client;
  if (o.files.size() > 1) {
    fmt::print(stderr, "mqbench: error: conform takes one broker URL\n");
    return code(Exit::Usage);
  }
  if (o.files.size() == 1) {
    if (!c.url.empty() || !c.host.empty()) {
      fmt::print(stderr, "mqbench: error: give the broker as URL or with -L/-h, not both\n");
      return code(Exit::Usage);
    }
    c.url = o.files[0];
  }
  if (c.url.empty() && c.host.empty() && c.port == 0 && c.unix_path.empty() && !std::getenv(apps::kUrlEnv)) {
    fmt::print(stderr, "mqbench: error: conform needs a broker: mqbench conform mqtt://HOST:PORT\n");
    return code(Exit::Usage);
  }
  auto setup = apps::make_client_setup(c, "mqbench");
  if (auto* error = std::get_if<std::string>(&setup)) {
    fmt::print(stderr, "mqbench: error: {}\n", *error);
    return code(Exit::Usage);
  }
  auto& s = std::get<apps::ClientSetup>(setup);
  conform::RunOptions run;
  run.target.url = s.url;
  run.target.connect = s.connect;
  run.target.username = s.config.username;
  run.target.password = s.config.password;
  run.target.wait = std::chrono::milliseconds(static_cast<std::int64_t>(o.conform_wait * 1000));
  run.patterns = o.conform_select;
  if (app.count("-V")) {
    run.v5 = s.config.version == ProtocolVersion::v5;
    run.v311 = !run.v5;
  }

  std::string error;
  conform::Capabilities caps = conform::discover(run.target, error);
  if (!caps.v311 && !caps.v5) {
    fmt::print(stderr, "mqbench: error: no MQTT connection to {} succeeded{}\n", net::to_string(run.target.url),
               error.empty() ? "" : ": " + error);
    return code(Exit::Connect);
  }
  const bool to_stdout = o.json == "-";
  auto results = conform::run_checks(run, caps, [&](const conform::CheckResult& r) {
    if (!o.quiet && !to_stdout)
      fmt::print(stderr, "{} {} {}\n", conform::verdict_name(r.verdict), r.check->name,
                 r.version == ProtocolVersion::v5 ? "5.0" : "3.1.1");
  });
  bool ok = true;
  if (!o.json.empty()) ok &= write_file(o.json, conform::format_json(results, caps));
  if (!o.junit.empty()) ok &= write_file(o.junit, conform::format_junit(results));
  if (!to_stdout) {
    std::string table = conform::format_table(results, caps);
    std::fwrite(table.data(), 1, table.size(), stdout);
  }
  if (!ok) return code(Exit::Failure);
  for (const auto& r : results)
    if (r.verdict == conform::Verdict::Fail) return code(Exit::Nonconformant);
  return code(Exit::Ok);
}

}  // namespace mq::mqbench
