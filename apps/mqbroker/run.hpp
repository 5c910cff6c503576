#pragma once
/// Runs the broker from the parsed command line.

#include "cli.hpp"

namespace mq::mqbroker {

/// Reads the configuration, starts the server, serves until SIGTERM or
/// SIGINT; returns the exit status.
int run(const Options& o);

}  // namespace mq::mqbroker
