#include "completion_parts.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "text.hpp"

namespace mq::apps::detail {

/// A shell function name derived from the app name.
std::string function_name(const std::string& app) {
  std::string out = "_";
  for (char c : app) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out + "_completion";
}

/// All spellings of an option: "-f", "--format".
std::vector<std::string> spellings(const OptionInfo& o) {
  std::vector<std::string> out;
  for (const auto& s : o.short_names) out.push_back("-" + s);
  for (const auto& l : o.long_names) out.push_back("--" + l);
  return out;
}

/// The words of a word tree level, in order.
std::vector<std::string> words_of(const std::vector<WordChoice>& level) {
  std::vector<std::string> out;
  for (const auto& w : level) out.push_back(w.word);
  return out;
}

/// The bash command that offers `words` for the current word.
std::string bash_words_reply(const std::vector<std::string>& words) {
  return "mapfile -t COMPREPLY < <(compgen -W " + shell_quote(join(words, " ")) + " -- \"$cur\")";
}

/// Bash lines that complete the later words of multi-word values (-D
/// COMMAND NAME VALUE): the option is looked for among the words before.
std::string bash_word_trees(const CliInfo& cli) {
  std::size_t depth = 0;
  std::ostringstream cases;
  for (const auto* o : cli.all_options()) {
    if (o->completion != ValueCompletion::words) continue;
    // Every word of the value, the free ones after the tree included.
    depth = std::max({depth, word_depth(o->words), o->value_words});
    cases << "      " << join(spellings(*o), "|") << ")\n";
    cases << "        case \"${COMP_WORDS[*]:i+1:COMP_CWORD-i-1}\" in\n";
    each_level(o->words, "", [&](const std::string& path, const std::vector<std::string>& words) {
      cases << "          " << shell_quote(path) << ") " << bash_words_reply(words) << " ;;\n";
    });
    cases << "          *) COMPREPLY=() ;;\n        esac\n        return 0 ;;\n";
  }
  if (depth < 2) return {};
  std::ostringstream out;
  out << "  # the later words of multi-word values (free text past the listed ones)\n";
  out << "  local i\n  [[ $cur == -* ]] ||\n";
  out << "  for ((i = COMP_CWORD - 2; i > 0 && i > COMP_CWORD - " << depth << " - 1; i--)); do\n";
  out << "    case ${COMP_WORDS[i]} in\n" << cases.str() << "    esac\n  done\n";
  return out.str();
}

/// Escapes text for a zsh _arguments spec: `\`, `[`, `]` and `:` are special.
std::string zsh_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '[' || c == ']' || c == ':') out += '\\';
    out += c;
  }
  return out;
}

/// A zsh action that offers `words` as they are (no quoting needed: the
/// words come from our own tables and hold no blanks or colons).
std::string zsh_compadd(const std::vector<std::string>& words, bool prefixes) {
  return std::string("{compadd ") + (prefixes ? "-S \"\" " : "") + "-- " + join(words, " ") + "}";
}

/// The ":MESSAGE:ACTION" pairs of a multi-word value: the first word from
/// the tree's top, each later one chosen by the words before it.
std::string zsh_word_specs(const OptionInfo& o) {
  std::string out = ":word 1:" + zsh_compadd(words_of(o.words), false);
  const std::size_t depth = word_depth(o.words);
  for (std::size_t level = 2; level <= depth; ++level) {
    std::string key;
    for (std::size_t back = level - 1; back >= 1; --back)
      key += (key.empty() ? "" : " ") + std::string("${words[CURRENT-") + std::to_string(back) + "]}";
    std::string cases;
    each_level(o.words, "", [&](const std::string& path, const std::vector<std::string>& words) {
      if (static_cast<std::size_t>(std::count(path.begin(), path.end(), ' ')) + 2 == level)
        cases += " (" + shell_quote(path) + ") compadd -- " + join(words, " ") + " ;;";
    });
    out += ":word " + std::to_string(level) + ":{case \"" + key + "\" in" + cases + " esac}";
  }
  return out + ":value: ";
}

/// Escapes text for a fish single-quoted string.
std::string fish_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

/// Fish lines for the later words of multi-word values: a function per
/// option that tells whether the words typed since the option are a given
/// path, and one completion per path.
std::string fish_word_trees(const CliInfo& cli, const std::string& app) {
  std::ostringstream out;
  for (const auto* o : cli.all_options()) {
    if (o->completion != ValueCompletion::words) continue;
    const std::string name = function_name(app + "_words_" + (o->long_names.empty() ? o->short_names[0] : o->long_names[0]));
    const std::size_t depth = word_depth(o->words);
    out << "function " << name << " --argument-names expected\n";
    out << "    set -l tokens (commandline -opc)\n    set -l n (count $tokens)\n";
    out << "    for i in (seq $n -1 1)\n";
    out << "        test $i -ge (math $n - " << depth << " + 1); or return 1\n";
    std::string names;
    for (const auto& spelling : spellings(*o)) names += " " + spelling;
    out << "        if test $i -lt $n; and contains -- $tokens[$i]" << names << "\n";
    out << "            set -l path (string join ' ' -- $tokens[(math $i + 1)..$n])\n";
    out << "            test \"$path\" = \"$expected\"\n            return\n        end\n    end\n    return 1\nend\n";
    each_level(o->words, "", [&](const std::string& path, const std::vector<std::string>& words) {
      out << "complete -c " << app << " -n " << fish_quote(name + " \"" + path + "\"") << " -x -a "
          << fish_quote(join(words, " ")) << "\n";
    });
  }
  return out.str();
}

}  // namespace mq::apps::detail
