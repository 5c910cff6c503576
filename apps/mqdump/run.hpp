#pragma once
/// Runs mqdump for a parsed command line: reads the input, decodes (or
/// encodes) every packet, writes the output; returns the exit status.

#include "config.hpp"

namespace mq::mqdump {

int run(const Config& config);

}  // namespace mq::mqdump
