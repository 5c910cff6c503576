#pragma once
/// mqdump --lint on mqsub's NDJSON: each line a received message.

#include <vector>

#include "config.hpp"
#include "io.hpp"

namespace mq::mqdump {

/// Lints the messages of `sources` (lines as mqsub --json writes them);
/// returns the exit status. A line that is not such a record stops the run
/// (with --keep-going: is reported and skipped).
int lint_messages(const Config& config, const std::vector<Source>& sources);

}  // namespace mq::mqdump
