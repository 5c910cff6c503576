#pragma once
/// Runs what the command line asked for: a benchmark (with the embedded
/// broker when no address was given), or merge / compare of result files.

#include "cli.hpp"

namespace mq::mqbench {

/// Runs the benchmark mode; returns the exit status.
int run_bench(const CLI::App& app, const BenchOptions& options);
/// `mqbench merge FILE...`; returns the exit status.
int run_merge(const BenchOptions& options);
/// `mqbench compare A B`; returns the exit status.
int run_compare(const BenchOptions& options);

}  // namespace mq::mqbench
