#pragma once
/// mqpub's run: connect, feed messages from the chosen source into the
/// session with the in-flight window kept full, count acknowledgements and
/// end with the exit status that says what happened.

#include "cli.hpp"
#include "client_options.hpp"

namespace mq::mqpub {

/// Runs with validated options and a built setup; returns the exit status.
int run(const PubOptions& options, apps::ClientSetup setup);

}  // namespace mq::mqpub
