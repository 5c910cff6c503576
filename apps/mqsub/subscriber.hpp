#pragma once
/// mqsub's run: connect, subscribe, print each message, stop on the
/// condition asked for, and end with the exit status that says which.

#include "cli.hpp"
#include "client_options.hpp"

namespace mq::mqsub {

/// Runs with parsed options and a built setup; returns the exit status.
int run(const SubOptions& options, apps::ClientSetup setup);

}  // namespace mq::mqsub
