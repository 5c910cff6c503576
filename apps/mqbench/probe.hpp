#pragma once
/// `mqbench probe URL`: its own options, its man page section, and the run
/// (lib/probe does the measuring; this only maps options and prints).

#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace mq::mqbench {

/// The probe's own options (the connection and TLS options are mqbench's).
struct ProbeOptions {
  double wait = 2;                       ///< --probe-wait: seconds per answer
  std::uint32_t max_size = 256 * 1024;   ///< --probe-max-size
  std::uint32_t max_inflight = 1024;     ///< --probe-max-inflight
  std::string prefix = "mqprobe";        ///< --probe-prefix
};

/// Adds the probe's options to `app` (group "Probe").
void define_probe_cli(CLI::App& app, ProbeOptions& options);
/// The man page section that describes the probe, its output and its bounds.
std::pair<std::string, std::string> probe_doc_section();
/// Runs the probe and returns mqbench's exit status.
int run_probe(const CLI::App& app, const BenchOptions& options, const ProbeOptions& probe);

}  // namespace mq::mqbench
