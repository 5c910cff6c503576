#pragma once
/// A plain description of a CLI::App's options, read once from CLI11 so the
/// man page and the three completion renderers share one interpretation.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mq::apps {

/// What a shell should offer when completing an option's value.
enum class ValueCompletion {
  none,       ///< free text (or a flag with no value)
  choices,    ///< one of OptionInfo::choices
  file,       ///< a path to a file
  directory,  ///< a path to a directory
  words,      ///< several words, each from OptionInfo::words (mqpub -D COMMAND NAME VALUE)
};

/// One choice of a multi-word value and the choices of the word after it.
struct WordChoice {
  std::string word;
  std::vector<WordChoice> next;
};

/// Completion hints a definition attaches to an option, for what CLI11
/// cannot describe: a multi-word value whose later words depend on the
/// earlier ones, or choices that are prefixes the user continues
/// ("content-type=", completed without a space after).
struct CompletionHint {
  std::vector<WordChoice> words;
  std::vector<std::string> prefixes;
};

/// Attaches `hint` to `option` (kept for the life of the process; read by describe_cli).
void set_completion_hint(CLI::Option* option, CompletionHint hint);

/// Everything the renderers need to know about one visible option.
struct OptionInfo {
  std::vector<std::string> short_names;  ///< without the dash: "f"
  std::vector<std::string> long_names;   ///< without the dashes: "format"
  std::string positional_name;           ///< set only for positional arguments
  std::string value_name;                ///< "FORMAT", "FILE"; empty for flags
  std::string description;               ///< the option's help text
  std::string default_value;             ///< empty when CLI11 knows none
  std::vector<std::string> choices;      ///< allowed values, in CLI11's order
  bool choices_are_prefixes = false;     ///< choices end in '=': no space after completing one
  std::vector<WordChoice> words;         ///< ValueCompletion::words: the first word's choices
  std::size_t value_words = 0;           ///< most words one use of the option takes (-D: 4)
  std::vector<std::string> constraints;  ///< other validator descriptions, e.g. a range
  std::string envname;                   ///< environment variable read, if any
  std::vector<std::string> needs;        ///< display names of options this one needs
  std::vector<std::string> excludes;     ///< display names of options it excludes
  ValueCompletion completion = ValueCompletion::none;
  bool repeatable = false;  ///< may be given more than once, each use counts
  bool required = false;

  /// True when the option consumes a value.
  bool takes_value() const { return !value_name.empty(); }
  /// "-f, --format" (or the positional name).
  std::string display_name() const;
};

/// The options shown under one heading of --help.
struct OptionGroupInfo {
  std::string name;         ///< "Options" for the ungrouped ones
  std::string description;  ///< from add_option_group, else empty
  std::vector<OptionInfo> options;
};

struct SubcommandInfo;

/// The whole visible command line of an app.
struct CliInfo {
  std::vector<OptionInfo> positionals;   ///< in order of definition
  std::vector<OptionGroupInfo> groups;   ///< groups[0] is "Options", possibly empty
  std::vector<SubcommandInfo> subcommands;  ///< named subcommands (mqbroker passwd)
  /// Every option, positionals excluded, in group order.
  std::vector<const OptionInfo*> all_options() const;
};

/// A named subcommand and its own command line.
struct SubcommandInfo {
  std::string name;
  std::string description;
  CliInfo cli;
};

/// Height of a word tree: how many words after the option it completes.
std::size_t word_depth(const std::vector<WordChoice>& words);

/// The default group name CLI11 gives options that were not put elsewhere.
inline constexpr const char* kDefaultGroup = "Options";

/// Reads the visible options of `app`: hidden ones (group "") are left out,
/// option groups (add_option_group) become groups, named subcommands become
/// `subcommands`.
CliInfo describe_cli(const CLI::App& app);

}  // namespace mq::apps
