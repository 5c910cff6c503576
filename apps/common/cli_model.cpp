#include "cli_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

namespace mq::apps {
namespace {

/// The hints set_completion_hint attached, by the name of the validator
/// that marks the option. Not by the option's address: an address is
/// reused once an App is gone, a name made from a counter never is.
std::map<std::string, CompletionHint>& hints() {
  static std::map<std::string, CompletionHint> table;
  return table;
}

constexpr std::string_view kHintPrefix = "mq-completion-hint-";

/// The hint attached to `opt`, or nullptr.
const CompletionHint* hint_of(const CLI::Option& opt) {
  auto& o = const_cast<CLI::Option&>(opt);  // CLI11 2.1 offers no const access to validators
  for (int i = 0;; ++i) {
    const CLI::Validator* v = nullptr;
    try {
      v = o.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return nullptr;
    }
    if (v->get_name().starts_with(kHintPrefix))
      if (auto it = hints().find(v->get_name()); it != hints().end()) return &it->second;
  }
}

/// Splits CLI11's full type name "TEXT:{a,b}:FILE" into the type and one
/// description per validator; colons inside {} or [] belong to a description.
std::vector<std::string> split_type_name(std::string_view full) {
  std::vector<std::string> parts(1);
  int depth = 0;
  for (char c : full) {
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') depth = std::max(0, depth - 1);
    if (c == ':' && depth == 0) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

/// Splits "a,b,c" at `separator` into its non-empty items.
std::vector<std::string> split_items_on(std::string_view inside, char separator) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= inside.size()) {
    auto comma = inside.find(separator, start);
    if (comma == std::string_view::npos) comma = inside.size();
    if (comma > start) items.emplace_back(inside.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

/// Splits "a,b,c" (the inside of CLI11's "{a,b,c}") into its items.
std::vector<std::string> split_items(std::string_view inside) { return split_items_on(inside, ','); }

/// "true|false", "ipv4|ipv6": a value name that lists the values.
std::vector<std::string> value_name_choices(const std::string& name) {
  if (name.find('|') == std::string::npos) return {};
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '|' ||
          c == '.' || c == '-' || c == '_'))
      return {};
  return split_items_on(name, '|');
}

/// The keys of CLI11's map description "{k1->v1,k2->v2}".
std::vector<std::string> map_keys(std::string_view braced) {
  std::vector<std::string> keys;
  for (auto& item : split_items(braced.substr(1, braced.size() - 2))) {
    keys.push_back(item.substr(0, item.find("->")));
  }
  return keys;
}

/// Reads one validator description into `info`: sets of values (IsMember,
/// Transformer, CheckedTransformer), path checks, or anything else verbatim.
void apply_validator(const std::string& desc, OptionInfo& info) {
  constexpr std::string_view checked_prefix = "value in {";
  if (desc == "FILE" || desc.starts_with("PATH(")) {
    info.completion = ValueCompletion::file;
  } else if (desc == "DIR") {
    info.completion = ValueCompletion::directory;
  } else if (desc.starts_with(checked_prefix)) {  // CheckedTransformer
    auto close = desc.find('}');
    info.choices = map_keys(std::string_view(desc).substr(checked_prefix.size() - 1,
                                                          close - checked_prefix.size() + 2));
    info.completion = ValueCompletion::choices;
  } else if (desc.size() >= 2 && desc.front() == '{' && desc.back() == '}') {
    // IsMember "{a,b}" or Transformer "{a->1,b->2}": offer the names.
    info.choices = desc.find("->") != std::string::npos
                       ? map_keys(desc)
                       : split_items(std::string_view(desc).substr(1, desc.size() - 2));
    info.completion = ValueCompletion::choices;
  } else if (!desc.empty()) {
    info.constraints.push_back(desc);
  }
}

/// The name shown for the option in needs/excludes lists.
std::string reference_name(const CLI::Option& opt) {
  if (!opt.get_lnames().empty()) return "--" + opt.get_lnames().front();
  if (!opt.get_snames().empty()) return "-" + opt.get_snames().front();
  return opt.get_name(true);
}

OptionInfo describe_option(const CLI::Option& opt) {
  OptionInfo info;
  info.short_names = opt.get_snames();
  info.long_names = opt.get_lnames();
  if (opt.get_positional()) info.positional_name = opt.get_name(true);
  info.description = opt.get_description();
  info.default_value = opt.get_default_str();
  info.envname = opt.get_envname();
  info.required = opt.get_required();
  auto policy = opt.get_multi_option_policy();
  info.repeatable = opt.get_items_expected_max() > 1 || policy == CLI::MultiOptionPolicy::TakeAll ||
                    policy == CLI::MultiOptionPolicy::Join;
  for (const auto* other : opt.get_needs()) info.needs.push_back(reference_name(*other));
  for (const auto* other : opt.get_excludes()) info.excludes.push_back(reference_name(*other));

  auto parts = split_type_name(opt.get_type_name());
  for (std::size_t i = 1; i < parts.size(); ++i) apply_validator(parts[i], info);
  // Capped: a vector option without expected() reports an enormous maximum.
  info.value_words = static_cast<std::size_t>(std::clamp(opt.get_items_expected_max(), 0, 16));
  if (opt.get_items_expected_max() > 0) {
    info.value_name = parts[0].empty() ? "VALUE" : parts[0];
    // Naming convention: a value called FILE, PATH or DIR completes paths.
    if (info.completion == ValueCompletion::none) {
      if (info.value_name == "FILE" || info.value_name == "PATH") info.completion = ValueCompletion::file;
      if (info.value_name == "DIR") info.completion = ValueCompletion::directory;
    }
    if (info.value_name == "TEXT" && info.completion == ValueCompletion::file) info.value_name = "FILE";
    if (info.value_name == "TEXT" && info.completion == ValueCompletion::directory) info.value_name = "DIR";
    if (info.completion == ValueCompletion::none) {
      info.choices = value_name_choices(info.value_name);
      if (!info.choices.empty()) info.completion = ValueCompletion::choices;
    }
  }
  if (const auto* hint = hint_of(opt)) {
    if (!hint->words.empty()) {
      info.words = hint->words;
      info.completion = ValueCompletion::words;
    } else if (!hint->prefixes.empty()) {
      info.choices = hint->prefixes;
      info.choices_are_prefixes = true;
      info.completion = ValueCompletion::choices;
    }
  }
  return info;
}

OptionGroupInfo& group_named(CliInfo& cli, const std::string& name) {
  for (auto& g : cli.groups) {
    if (g.name == name) return g;
  }
  return cli.groups.emplace_back(OptionGroupInfo{name, "", {}});
}

/// Adds the options of `app` (the main app or one of its option groups).
/// `forced_group` is the option group's heading, empty for the main app.
void collect(const CLI::App& app, const std::string& forced_group, CliInfo& cli) {
  for (const auto* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    bool is_help = opt == app.get_help_ptr() || opt == app.get_help_all_ptr();
    if (!forced_group.empty() && is_help) continue;  // option groups carry a copy of --help
    auto info = describe_option(*opt);
    if (opt->get_positional() && !opt->nonpositional()) {
      cli.positionals.push_back(std::move(info));
      continue;
    }
    bool default_group = opt->get_group() == kDefaultGroup;
    group_named(cli, default_group && !forced_group.empty() ? forced_group : opt->get_group())
        .options.push_back(std::move(info));
  }
  if (forced_group.empty())
    for (const auto* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
      if (sub->get_group().empty()) continue;  // hidden
      SubcommandInfo info{sub->get_name(), sub->get_description(), {}};
      info.cli.groups.push_back(OptionGroupInfo{kDefaultGroup, "", {}});
      collect(*sub, "", info.cli);
      cli.subcommands.push_back(std::move(info));
    }
  for (const auto* sub : app.get_subcommands([](const CLI::App* s) { return s->get_name().empty(); })) {
    if (sub->get_group().empty()) continue;  // a hidden option group
    auto& g = group_named(cli, sub->get_group());
    if (g.description.empty()) g.description = sub->get_description();
    collect(*sub, sub->get_group(), cli);
  }
}

}  // namespace

void set_completion_hint(CLI::Option* option, CompletionHint hint) {
  static unsigned counter = 0;
  std::string name = std::string(kHintPrefix) + std::to_string(++counter);
  hints()[name] = std::move(hint);
  // A validator that accepts everything and describes nothing: it only
  // carries the name.
  option->check(CLI::Validator([](std::string&) { return std::string(); }, "", name));
}

std::size_t word_depth(const std::vector<WordChoice>& words) {
  std::size_t deepest = 0;
  for (const auto& w : words) deepest = std::max(deepest, word_depth(w.next));
  return words.empty() ? 0 : deepest + 1;
}

std::string OptionInfo::display_name() const {
  if (!positional_name.empty()) return positional_name;
  std::string out;
  for (const auto& s : short_names) out += (out.empty() ? "-" : ", -") + s;
  for (const auto& l : long_names) out += (out.empty() ? "--" : ", --") + l;
  return out;
}

std::vector<const OptionInfo*> CliInfo::all_options() const {
  std::vector<const OptionInfo*> out;
  for (const auto& g : groups) {
    for (const auto& o : g.options) out.push_back(&o);
  }
  return out;
}

CliInfo describe_cli(const CLI::App& app) {
  CliInfo cli;
  cli.groups.push_back(OptionGroupInfo{kDefaultGroup, "", {}});
  collect(app, "", cli);
  return cli;
}

}  // namespace mq::apps
