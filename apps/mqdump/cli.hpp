#pragma once
/// mqdump's command line: option definitions (the one source for --help,
/// the man page and the completions) and the prose of its documentation.

#include <CLI/CLI.hpp>

#include "docs.hpp"
#include "config.hpp"

namespace mq::mqdump {

/// The man page prose: description, JSON field reference, exit codes, examples.
apps::AppDoc documentation();

/// Defines every option on `app`, writing into `config`.
void define_options(CLI::App& app, Config& config);

}  // namespace mq::mqdump
