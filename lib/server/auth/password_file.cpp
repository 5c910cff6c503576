#include "server/auth/password_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "server/persist/files.hpp"
#include "server/text_file.hpp"

namespace mq::server {

std::optional<std::string> check_user_name(std::string_view user) {
  if (user.empty()) return "the user name is empty";
  if (user.find(':') != std::string_view::npos) return "a user name cannot contain ':'";
  for (char c : user)
    if (c == '\n' || c == '\r' || c == '\0') return "a user name cannot contain a line break or NUL";
  return std::nullopt;
}

std::optional<PasswordFile> PasswordFile::parse(std::string_view text, const std::string& source, std::string* error) {
  PasswordFile file;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t colon = line.find(':');
    auto fail = [&](const std::string& why) -> std::optional<PasswordFile> {
      if (error) *error = fmt::format("{}:{}: {}", source, line_no, why);
      return std::nullopt;
    };
    if (colon == std::string_view::npos) return fail("expected USER:HASH");
    std::string_view user = line.substr(0, colon);
    if (auto bad = check_user_name(user)) return fail(*bad);
    std::string why;
    auto hash = parse_password_hash(line.substr(colon + 1), &why);
    if (!hash) return fail(fmt::format("user {}: {}", user, why));
    if (file.find(user)) return fail(fmt::format("user {} appears twice", user));
    file.entries_.push_back({std::string(user), std::move(*hash)});
  }
  return file;
}

std::optional<PasswordFile> PasswordFile::load(const std::string& path, std::string* error) {
  std::string why;
  auto text = read_text_file(path, &why);
  if (!text) {
    if (error) *error = fmt::format("{}: cannot read the password file: {}", path, why);
    return std::nullopt;
  }
  return parse(*text, path, error);
}

const PasswordFile::Entry* PasswordFile::find(std::string_view user) const {
  for (const auto& e : entries_)
    if (e.user == user) return &e;
  return nullptr;
}

bool PasswordFile::check(std::string_view user, ByteView password) const {
  const Entry* e = find(user);
  return e && verify_password(e->hash, password);
}

namespace {
/// What verifying a hash costs, in PBKDF2 rounds.
std::uint32_t cost(const PasswordHash& h) {
  return h.kind == PasswordHash::Kind::Pbkdf2Sha512 ? std::max<std::uint32_t>(h.iterations, 1) : 1;
}
}  // namespace

std::uint32_t PasswordFile::padding_rounds(std::string_view user) const {
  std::uint32_t dearest = entries_.empty() ? kDefaultIterations : 0;
  for (const auto& e : entries_) dearest = std::max(dearest, cost(e.hash));
  const Entry* e = find(user);
  const std::uint32_t own = e ? cost(e->hash) : 0;
  return own < dearest ? dearest - own : 0;
}

bool PasswordFile::check_evenly(std::string_view user, ByteView password) const {
  const Entry* e = find(user);
  const bool ok = e && verify_password(e->hash, password);
  if (std::uint32_t rounds = padding_rounds(user)) {
    const PasswordHash dummy{PasswordHash::Kind::Pbkdf2Sha512, rounds, std::vector<std::uint8_t>(kSaltBytes),
                             std::vector<std::uint8_t>(64)};
    (void)verify_password(dummy, password);
  }
  return ok;
}

void PasswordFile::set(std::string_view user, std::string_view password, std::uint32_t iterations) {
  PasswordHash h = make_password_hash(password, iterations);
  for (auto& e : entries_) {
    if (e.user == user) {
      e.hash = std::move(h);
      return;
    }
  }
  entries_.push_back({std::string(user), std::move(h)});
}

bool PasswordFile::remove(std::string_view user) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->user == user) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

std::string PasswordFile::text() const {
  std::string out;
  for (const auto& e : entries_) out += fmt::format("{}:{}\n", e.user, format_password_hash(e.hash));
  return out;
}

std::optional<std::string> PasswordFile::save(const std::string& path) const {
  // Written as the persistence files are: a fresh temporary name created
  // exclusively, then renamed, so no symlink is ever followed.
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const std::string body = text();
  return replace_file(dir, path, as_bytes(body));
}

}  // namespace mq::server
