#pragma once
/// mqbench conform: the conformance suite (lib/conform) as a command.

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace mq::mqbench {

/// Runs `mqbench conform URL` (or --list) and returns the exit status.
int run_conform(const CLI::App& app, const BenchOptions& options);

}  // namespace mq::mqbench
