#pragma once
/// CLI11's parse errors rewritten as one plain sentence that names the
/// option ("-C: 0 is not a positive number"), for every tool's usage errors.

#include <string>

#include <CLI/CLI.hpp>

namespace mq::apps {

/// The sentence for `error`, without the program name or a trailing newline.
std::string usage_message(const CLI::ParseError& error);

}  // namespace mq::apps
