#pragma once
/// mqbench's command line: the options as given, their documentation, and
/// their translation into a bench::RunConfig.

#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/runner.hpp"
#include "client_options.hpp"
#include "docs.hpp"

namespace mq::mqbench {

/// The options as the command line gave them.
struct BenchOptions {
  std::string mode = "pubsub";
  std::vector<std::string> files;  ///< merge and compare inputs
  apps::ClientOptions client;
  unsigned clients = 0;  ///< -c: connections (conn), publishers (pub), subscribers (sub), pairs (pubsub)
  unsigned publishers = 1, subscribers = 1;
  unsigned qos = 0;
  std::string size = "32";
  std::string topic = "mqbench/%i";
  std::string sub_topic;
  std::string shared;
  bool retain = false;
  double rate = 0;
  double ramp = 0;
  std::size_t window = 1000;
  double duration = 10;
  double warmup = 1;
  std::uint64_t count = 0;
  double interval = 1;
  bool hold = false;
  unsigned in_flight = 100;
  double connect_rate = 0;
  std::string sources;
  int broker_pid = 0;
  std::string json, csv, report, slo;
  std::string worker;
  bool quiet = false;
  // conform mode
  bool conform_list = false;
  std::vector<std::string> conform_select;
  std::string junit;
  double conform_wait = 2;
};

/// mqbench's man page prose.
apps::AppDoc documentation();
/// Defines every option on `app`.
void define_cli(CLI::App& app, BenchOptions& options);

/// A checked configuration, or a usage error. `embedded` is set when no
/// broker address was given (the caller starts the embedded broker and
/// fills in its port).
std::variant<bench::RunConfig, std::string> make_config(const CLI::App& app, const BenchOptions& options,
                                                        bool& embedded);

}  // namespace mq::mqbench
