#include "server/auth/acl_file.hpp"


#include <fmt/format.h>

#include "codec/rules.hpp"
#include "server/text_file.hpp"

namespace mq::server {
namespace {

std::vector<std::string_view> split_levels(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

/// `%u` and `%c` replaced; nothing when a value is missing or could widen
/// the rule (it holds a wildcard or a level separator).
std::optional<std::string> substitute(std::string_view topic, std::optional<std::string_view> user,
                                      std::string_view client_id) {
  std::string out;
  for (std::size_t i = 0; i < topic.size(); ++i) {
    if (topic[i] == '%' && i + 1 < topic.size() && (topic[i + 1] == 'u' || topic[i + 1] == 'c')) {
      std::optional<std::string_view> value = topic[i + 1] == 'u' ? user : std::optional(client_id);
      if (!value || value->empty() || value->find_first_of("+#/") != std::string_view::npos) return std::nullopt;
      out += *value;
      ++i;
    } else {
      out += topic[i];
    }
  }
  return out;
}

bool grants(AclAccess have, AclAccess wanted) {
  return have != AclAccess::Deny &&
         (static_cast<std::uint8_t>(have) & static_cast<std::uint8_t>(wanted)) == static_cast<std::uint8_t>(wanted);
}

}  // namespace

bool filter_covered(std::string_view rule, std::string_view filter) {
  auto r = split_levels(rule);
  auto f = split_levels(filter);
  // Wildcards at the first level never match topics starting with '$' [MQTT-4.7.2-1].
  if (!f[0].empty() && f[0][0] == '$' && (r[0] == "+" || r[0] == "#")) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (i >= r.size()) return false;
    if (r[i] == "#") return true;
    if (f[i] == "#") return false;
    if (r[i] == "+") continue;
    if (f[i] == "+" || f[i] != r[i]) return false;
  }
  // "a/#" also matches "a".
  return r.size() == f.size() || (r.size() == f.size() + 1 && r.back() == "#");
}

std::optional<AclFile> AclFile::parse(std::string_view text, const std::string& source, std::string* error) {
  AclFile acl;
  std::vector<AclRule>* current = &acl.anonymous_;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& why) -> std::optional<AclFile> {
      if (error) *error = fmt::format("{}:{}: {}", source, line_no, why);
      return std::nullopt;
    };
    std::size_t space = line.find_first_of(" \t");
    std::string_view key = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (key == "user") {
      if (rest.empty()) return fail("user: a user name is missing");
      current = &acl.users_[std::string(rest)];
      continue;
    }
    if (key != "topic" && key != "pattern")
      return fail(fmt::format("unknown key \"{}\" (expected user, topic or pattern)", key));
    AclRule rule;
    rule.pattern = key == "pattern";
    std::size_t sp = rest.find_first_of(" \t");
    std::string_view first = rest.substr(0, sp);
    struct Word {
      std::string_view text;
      AclAccess access;
    };
    static constexpr Word kWords[] = {{"read", AclAccess::Read},
                                      {"write", AclAccess::Write},
                                      {"readwrite", AclAccess::ReadWrite},
                                      {"deny", AclAccess::Deny}};
    for (const auto& w : kWords) {
      if (sp != std::string_view::npos && first == w.text) {
        rule.access = w.access;
        rest.remove_prefix(sp);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
        break;
      }
    }
    if (rest.empty()) return fail(fmt::format("{}: a topic is missing", key));
    if (auto v = check_topic_filter(rest))
      return fail(fmt::format("{}: \"{}\" is not a valid topic filter: {}", key, rest, v->message));
    rule.topic = std::string(rest);
    if (rule.pattern) acl.patterns_.push_back(std::move(rule));
    else current->push_back(std::move(rule));
  }
  return acl;
}

std::optional<AclFile> AclFile::load(const std::string& path, std::string* error) {
  std::string why;
  auto text = read_text_file(path, &why);
  if (!text) {
    if (error) *error = fmt::format("{}: cannot read the ACL file: {}", path, why);
    return std::nullopt;
  }
  return parse(*text, path, error);
}

template <typename F>
bool AclFile::any_rule(std::optional<std::string_view> user, std::string_view client_id, F&& f) const {
  const std::vector<AclRule>* own = &anonymous_;
  if (user) {
    auto it = users_.find(std::string(*user));
    own = it == users_.end() ? nullptr : &it->second;
  }
  if (own)
    for (const auto& r : *own)
      if (f(std::string_view(r.topic), r.access)) return true;
  for (const auto& r : patterns_) {
    auto topic = substitute(r.topic, user, client_id);
    if (topic && f(std::string_view(*topic), r.access)) return true;
  }
  return false;
}

bool AclFile::decide(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic,
                     AclAccess wanted, bool filter) const {
  auto matches = [&](std::string_view rule) { return filter ? filter_covered(rule, topic) : topic_matches(rule, topic); };
  bool denied = any_rule(user, client_id, [&](std::string_view rule, AclAccess a) {
    return a == AclAccess::Deny && matches(rule);
  });
  if (denied) return false;
  return any_rule(user, client_id, [&](std::string_view rule, AclAccess a) { return grants(a, wanted) && matches(rule); });
}

bool AclFile::may_write(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic) const {
  return decide(user, client_id, topic, AclAccess::Write, false);
}
bool AclFile::may_read(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic) const {
  return decide(user, client_id, topic, AclAccess::Read, false);
}
bool AclFile::may_subscribe(std::optional<std::string_view> user, std::string_view client_id,
                            std::string_view filter) const {
  return decide(user, client_id, filter, AclAccess::Read, true);
}

}  // namespace mq::server
