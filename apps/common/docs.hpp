#pragma once
/// Man pages and shell completions generated from an app's own CLI11
/// definitions, so the documentation cannot drift from the binary.
///
/// What the generator reads from CLI11:
/// - option groups (`->group("Connection")` or `add_option_group`) become
///   man page subsections; group "" hides an option everywhere;
/// - allowed values come from `CLI::IsMember`, `CLI::Transformer` and
///   `CLI::CheckedTransformer` (values must not contain commas); other
///   validators (e.g. `CLI::Range`) are printed as they describe themselves;
/// - a value completes as a file when the option has `CLI::ExistingFile`,
///   `CLI::ExistingPath` or `CLI::NonexistentPath`, or when its type name is
///   FILE or PATH (`->type_name("FILE")`); as a directory with
///   `CLI::ExistingDirectory` or type name DIR;
/// - an option is repeatable when each use counts: vectors, counting flags.
///
/// Description and section text is plain: blank lines separate paragraphs,
/// and a paragraph whose lines all start with two spaces is shown verbatim.

#include <optional>
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
  /// Related man pages for SEE ALSO, e.g. "mqsub(1)"; the section is left
  /// out when empty.
  std::vector<std::string> see_also;
};

/// The document kinds `--generate-docs` accepts, in the order of `render_doc`.
inline const std::vector<std::string> kDocKinds = {"man", "bash", "zsh", "fish"};

/// Adds the hidden option `--generate-docs KIND` (man, bash, zsh, fish) to
/// `app`: it prints that document on stdout and exits 0 (via CLI::Success).
/// Call it after every other option is defined.
void add_doc_generation(CLI::App& app, const AppDoc& doc);

/// Parses the command line. Returns the status to exit with when the run
/// ends here: 0 after --help, --version or --generate-docs (already
/// printed), `usage_status` after a usage error (already explained on
/// stderr); nothing when the program goes on.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, int usage_status);
/// The same for arguments in command line order (argv[0] left out), e.g.
/// with saved options in front (with_saved_options).
std::optional<int> parse_command_line(CLI::App& app, std::vector<std::string> args, int usage_status);

/// The man page (roff, section 1).
std::string render_man(const CLI::App& app, const AppDoc& doc);
/// Completion scripts for each shell.
std::string render_bash(const CLI::App& app, const AppDoc& doc);
std::string render_zsh(const CLI::App& app, const AppDoc& doc);
std::string render_fish(const CLI::App& app, const AppDoc& doc);
/// One of the above by kind ("man", "bash", "zsh", "fish"); throws
/// std::invalid_argument for any other kind.
std::string render_doc(const CLI::App& app, const AppDoc& doc, const std::string& kind);

}  // namespace mq::apps
