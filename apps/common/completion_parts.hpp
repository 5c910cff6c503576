#pragma once
/// Pieces of the completion generator shared by its renderers: option
/// spellings and shell quoting, and the completion of multi-word values
/// (-D COMMAND NAME VALUE) in bash, zsh and fish.

#include <string>
#include <string_view>
#include <vector>

#include "cli_model.hpp"

namespace mq::apps::detail {

/// A shell function name derived from the app name.
std::string function_name(const std::string& app);

/// All spellings of an option: "-f", "--format".
std::vector<std::string> spellings(const OptionInfo& o);

/// The words of a word tree level, in order.
std::vector<std::string> words_of(const std::vector<WordChoice>& level);

/// The bash command that offers `words` for the current word.
std::string bash_words_reply(const std::vector<std::string>& words);

/// Bash lines that complete the later words of multi-word values (-D
/// COMMAND NAME VALUE): the option is looked for among the words before.
std::string bash_word_trees(const CliInfo& cli);

/// Escapes text for a zsh _arguments spec: `\`, `[`, `]` and `:` are special.
std::string zsh_escape(std::string_view text);

/// A zsh action that offers `words` as they are (no quoting needed: the
/// words come from our own tables and hold no blanks or colons).
std::string zsh_compadd(const std::vector<std::string>& words, bool prefixes);

/// The ":MESSAGE:ACTION" pairs of a multi-word value: the first word from
/// the tree's top, each later one chosen by the words before it.
std::string zsh_word_specs(const OptionInfo& o);

/// Escapes text for a fish single-quoted string.
std::string fish_quote(std::string_view text);

/// Fish lines for the later words of multi-word values: a function per
/// option that tells whether the words typed since the option are a given
/// path, and one completion per path.
std::string fish_word_trees(const CliInfo& cli, const std::string& app);

/// Calls `visit(path, choices)` for every level below the first of a word
/// tree: `path` holds the words that lead there ("publish").
template <typename Visit>
void each_level(const std::vector<WordChoice>& level, const std::string& path, Visit&& visit) {
  for (const auto& w : level) {
    if (w.next.empty()) continue;
    const std::string here = path.empty() ? w.word : path + " " + w.word;
    visit(here, words_of(w.next));
    each_level(w.next, here, visit);
  }
}

}  // namespace mq::apps::detail
