#pragma once
/// Man pages and shell completions generated from an app's own CLI11
/// definitions, so the documentation cannot drift from the binary.

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace mq::apps {

/// One documented exit status.
struct ExitCodeDoc {
  int code;
  std::string meaning;
};

/// The prose of a man page; the options section comes from the CLI::App.
struct AppDoc {
  std::string name;         ///< "mqdump"
  std::string summary;      ///< one line for NAME and --help
  std::string description;  ///< paragraphs separated by blank lines, plain text
  std::vector<ExitCodeDoc> exit_codes;
  /// Extra sections in order, e.g. {"JSON OUTPUT", "..."}; plain text paragraphs.
  std::vector<std::pair<std::string, std::string>> sections;
  /// Examples: command line, then what it does.
  std::vector<std::pair<std::string, std::string>> examples;
};

/// Adds the hidden option `--generate-docs KIND` (man, bash, zsh, fish) to
/// `app`: it prints that document on stdout and exits 0 (via CLI::Success).
/// Call it after every other option is defined.
void add_doc_generation(CLI::App& app, const AppDoc& doc);

/// The man page (roff, section 1).
std::string render_man(const CLI::App& app, const AppDoc& doc);
/// Completion scripts for each shell.
std::string render_bash(const CLI::App& app, const AppDoc& doc);
std::string render_zsh(const CLI::App& app, const AppDoc& doc);
std::string render_fish(const CLI::App& app, const AppDoc& doc);

}  // namespace mq::apps
