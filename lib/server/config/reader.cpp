#include "server/config/reader.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "server/text_file.hpp"

namespace mq::server {
namespace {

std::vector<std::string> split_words(std::string_view value) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < value.size() && value[i] != ' ' && value[i] != '\t') ++i;
    if (i > start) words.emplace_back(value.substr(start, i - start));
  }
  return words;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// The name of a listener for messages: "listener 1883 127.0.0.1".
std::string listener_label(const ListenerSettings& l) {
  return l.unix_path.empty() ? fmt::format("listener {}{}{}", l.port, l.address.empty() ? "" : " ", l.address)
                             : fmt::format("listener unix {}", l.unix_path);
}

std::optional<std::string> check_listener(const ListenerSettings& l) {
  if (!l.certfile.empty() && l.keyfile.empty()) return "certfile is set but keyfile is not";
  if (l.certfile.empty() && !l.keyfile.empty()) return "keyfile is set but certfile is not";
  bool wants_tls = !l.cafile.empty() || !l.capath.empty() || l.require_certificate || l.use_identity_as_username ||
                   !l.tls_version.empty();
  if (wants_tls && !l.tls()) return "TLS options are set but certfile and keyfile are not";
  if (l.require_certificate && l.cafile.empty() && l.capath.empty())
    return "require_certificate needs cafile or capath to verify client certificates";
  if (l.use_identity_as_username && !l.require_certificate)
    return "use_identity_as_username needs require_certificate true";
  if (!l.unix_path.empty() && l.tls()) return "a Unix socket listener cannot use TLS";
  return std::nullopt;
}

}  // namespace

std::string to_string(const ConfigError& e) {
  return e.where.empty() ? e.message : fmt::format("{}: {}", e.where, e.message);
}

std::optional<ConfigError> ConfigReader::apply(std::string_view key, std::string_view value, const std::string& where) {
  std::vector<std::string> words = split_words(value);
  if (key == "include_dir") {
    if (words.size() != 1) return ConfigError{where, "include_dir: expected one directory"};
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(words[0], ec))
      return ConfigError{where, fmt::format("include_dir: {} is not a directory", words[0])};
    if (include_depth_ >= 8) return ConfigError{where, "include_dir: nested more than 8 deep"};
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(words[0], ec))
      if (entry.path().extension() == ".conf" && entry.is_regular_file()) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    ++include_depth_;
    for (const auto& f : files) {
      if (auto e = read_file(f)) {
        --include_depth_;
        return e;
      }
    }
    --include_depth_;
    return std::nullopt;
  }
  const KeyInfo* info = find_key(key);
  if (!info) {
    if (auto reason = unsupported_key(key))
      return ConfigError{where, fmt::format("{}: not supported by mqbroker ({})", key, *reason)};
    if (const InertKey* inert = inert_key(key)) {
      if (words.empty()) return ConfigError{where, fmt::format("{}: a value is missing", key)};
      if (!inert->value.empty() && (words.size() != 1 || words[0] != inert->value))
        return ConfigError{where, fmt::format("{}: only {} is supported ({})", key, inert->value, inert->note)};
      out_.notes.push_back(fmt::format("{}: {}: accepted, does not apply: {}", where, key, inert->note));
      return std::nullopt;
    }
    if (auto near = closest_key(key))
      return ConfigError{where, fmt::format("unknown key \"{}\"; did you mean \"{}\"?", key, *near)};
    return ConfigError{where, fmt::format("unknown key \"{}\"", key)};
  }
  if (auto e = info->apply(out_, words)) return ConfigError{where, fmt::format("{}: {}", key, *e)};
  if (key == "listener") out_.listeners.back().where = where;
  return std::nullopt;
}

std::optional<ConfigError> ConfigReader::read_text(std::string_view text, const std::string& source) {
  out_.from_file = true;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::size_t space = line.find_first_of(" \t");
    std::string_view key = line.substr(0, space);
    std::string_view value = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (auto e = apply(key, value, fmt::format("{}:{}", source, line_no))) return e;
  }
  return std::nullopt;
}

std::optional<ConfigError> ConfigReader::read_file(const std::string& path) {
  std::string why;
  auto text = read_text_file(path, &why);
  if (!text) return ConfigError{path, fmt::format("cannot read the configuration file: {}", why)};
  return read_text(*text, path);
}

std::optional<ConfigError> ConfigReader::finish() {
  for (const auto& l : out_.effective_listeners())
    if (auto e = check_listener(l)) return ConfigError{l.where, fmt::format("{}: {}", listener_label(l), *e)};
  return std::nullopt;
}

std::optional<ConfigError> read_config_file(const std::string& path, Settings& out) {
  ConfigReader reader(out);
  if (auto e = reader.read_file(path)) return e;
  return reader.finish();
}

std::vector<ListenerSettings> Settings::effective_listeners() const {
  std::vector<ListenerSettings> result;
  if (default_listener_set) result.push_back(default_listener);
  result.insert(result.end(), listeners.begin(), listeners.end());
  if (result.empty()) {
    ListenerSettings local = default_listener;
    local.address = "127.0.0.1";
    result.push_back(local);
  }
  return result;
}

bool Settings::anonymous_allowed(const ListenerSettings& l) const {
  const SecuritySettings& sec = security_for(l);
  if (sec.allow_anonymous) return *sec.allow_anonymous;
  // A password file asks for passwords, however the listeners were given.
  if (!sec.password_file.empty()) return false;
  // mosquitto 2: anonymous access only in local-only mode (no listener configured).
  return !from_file || (listeners.empty() && !default_listener_set);
}

}  // namespace mq::server
