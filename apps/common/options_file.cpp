#include "options_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace mq::apps {

namespace {

/// The file's text; nullopt when it does not exist.
std::optional<std::string> read_text(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) *error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The option a word names (-h, --host, --host=x), or null.
const CLI::Option* option_of(const CLI::App& app, const std::string& word) {
  if (word.size() < 2 || word[0] != '-') return nullptr;
  std::string name = word.substr(0, word.find('='));
  return app.get_option_no_throw(name);
}

}  // namespace

std::string config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/mq";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/mq";
  return {};
}

std::variant<std::vector<std::string>, std::string> parse_options_text(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line.erase(0, start);
    const auto space = line.find_first_of(" \t");
    std::string option = line.substr(0, space);
    if (option[0] != '-') return fmt::format("line {}: '{}' is not an option", number, option);
    words.push_back(option);
    if (space == std::string::npos) continue;
    std::string rest = line.substr(line.find_first_not_of(" \t", space));
    if (option == "-D" || option == "--define") {
      std::istringstream split(rest);
      for (std::string w; split >> w;) words.push_back(w);
    } else {
      words.push_back(rest);  // the rest of the line is one argument, spaces included
    }
  }
  return words;
}

void add_profile_option(CLI::App& app) {
  app.add_option("--profile", "Read the saved connection $XDG_CONFIG_HOME/mq/profiles/NAME "
                              "(~/.config/mq/profiles/NAME): options as on the command line, one per line")
      ->type_name("NAME")
      ->group("Connection");
}

std::variant<std::vector<std::string>, std::string> with_saved_options(const CLI::App& app, const std::string& tool,
                                                                      int argc, char** argv) {
  std::vector<std::string> given(argv + 1, argv + argc);
  std::string profile;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (given[i] == "--profile" && i + 1 < given.size()) profile = given[i + 1];
    if (given[i].rfind("--profile=", 0) == 0) profile = given[i].substr(10);
  }
  const std::string dir = config_dir();
  std::vector<std::string> saved;
  auto add_file = [&](const std::string& path, bool required) -> std::optional<std::string> {
    std::string error;
    auto text = read_text(path, &error);
    if (!text) {
      if (!error.empty()) return error;
      if (required) return fmt::format("--profile: no file {}", path);
      return std::nullopt;
    }
    auto words = parse_options_text(*text);
    if (auto* bad = std::get_if<std::string>(&words)) return fmt::format("{}: {}", path, *bad);
    auto& list = std::get<std::vector<std::string>>(words);
    saved.insert(saved.end(), list.begin(), list.end());
    return std::nullopt;
  };
  if (!dir.empty())
    if (auto bad = add_file(dir + "/" + tool, false)) return *bad;
  if (!profile.empty()) {
    if (dir.empty()) return std::string("--profile: neither XDG_CONFIG_HOME nor HOME is set");
    if (profile.find('/') != std::string::npos) return fmt::format("--profile: '{}' is a name, not a path", profile);
    if (auto bad = add_file(dir + "/profiles/" + profile, true)) return *bad;
  }
  // Drop a saved single-valued option or flag that the command line gives.
  std::vector<const CLI::Option*> on_command_line;
  for (const auto& w : given)
    if (const auto* o = option_of(app, w)) on_command_line.push_back(o);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < saved.size();) {
    const CLI::Option* o = option_of(app, saved[i]);
    std::size_t n = 1;
    while (i + n < saved.size() && !option_of(app, saved[i + n])) ++n;  // the option's arguments
    const bool single = o && o->get_expected_max() <= 1;
    const bool overridden = single && std::find(on_command_line.begin(), on_command_line.end(), o) != on_command_line.end();
    if (!overridden) out.insert(out.end(), saved.begin() + static_cast<std::ptrdiff_t>(i),
                                saved.begin() + static_cast<std::ptrdiff_t>(i + n));
    i += n;
  }
  out.insert(out.end(), given.begin(), given.end());
  return out;
}

}  // namespace mq::apps
