#pragma once
/// Saved options, as mosquitto_pub/sub read theirs from
/// $XDG_CONFIG_HOME/mosquitto_pub: mq reads $XDG_CONFIG_HOME/mq/<tool>
/// (~/.config/mq/<tool> without XDG_CONFIG_HOME) before the command line,
/// and --profile NAME adds $XDG_CONFIG_HOME/mq/profiles/NAME, a saved
/// connection (host, TLS files, credentials) like MQTTX's. Each line holds
/// one option and its argument as on the command line; # starts a comment.

#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

namespace mq::apps {

/// The folder of mq's files: $XDG_CONFIG_HOME/mq, else $HOME/.config/mq
/// (empty when neither variable is set).
std::string config_dir();

/// The words of an options file: per line the option, then its argument
/// (the rest of the line, one word; -D and --define split it on spaces).
/// Lines that are empty or start with # are skipped.
std::variant<std::vector<std::string>, std::string> parse_options_text(const std::string& text);

/// Adds --profile NAME (read before parsing by with_saved_options).
void add_profile_option(CLI::App& app);

/// The arguments to parse, in order: the tool's defaults file, the --profile
/// file, then the command line. An option of a file that takes one value or
/// is a flag is dropped when the command line gives it too (the command line
/// wins); repeatable ones (-t, -D) add up. The error names the file and line.
std::variant<std::vector<std::string>, std::string> with_saved_options(const CLI::App& app, const std::string& tool,
                                                                      int argc, char** argv);

}  // namespace mq::apps
