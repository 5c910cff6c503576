#pragma once
/// A password file: `user:hash` lines as mosquitto_passwd writes them.
/// mqbroker reads mosquitto's $7$ and $6$ entries and writes $7$ entries with
/// a random 12-byte salt and many more PBKDF2 rounds; mosquitto reads those
/// (mosquitto 2.0 accepts only 12-byte salts in $7$ entries).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/password_hash.hpp"

namespace mq::server {

/// The users of a password file, in file order.
class PasswordFile {
 public:
  /// One user.
  struct Entry {
    std::string user;
    PasswordHash hash;
  };

  /// Reads `path`; errors name the file and line ("pw:3: ..."). Blank lines
  /// and lines starting with '#' are skipped.
  static std::optional<PasswordFile> load(const std::string& path, std::string* error);
  /// Parses file text; `source` names it in errors.
  static std::optional<PasswordFile> parse(std::string_view text, const std::string& source, std::string* error);

  /// True when `user` exists and `password` is theirs.
  bool check(std::string_view user, ByteView password) const;
  /// check(), at the same cost for every user name, known or not: after
  /// the user's own hash (none for an unknown user), the password is hashed
  /// against a dummy PBKDF2 entry of padding_rounds() rounds, so every check
  /// costs as much as the dearest hash in the file and timing tells neither
  /// which user names exist nor which hash kind a user has (a file of
  /// mosquitto_passwd's 101-round entries stays cheap for everyone).
  bool check_evenly(std::string_view user, ByteView password) const;
  /// The dummy PBKDF2 rounds check_evenly() adds for `user`: the dearest
  /// entry's cost minus the user's own (a $6$ entry costs one round; an
  /// empty file costs kDefaultIterations, as a file mqbroker writes).
  std::uint32_t padding_rounds(std::string_view user) const;
  /// True when `user` has an entry.
  bool contains(std::string_view user) const { return find(user) != nullptr; }
  /// Adds `user`, or replaces their password.
  void set(std::string_view user, std::string_view password, std::uint32_t iterations = kDefaultIterations);
  /// Removes `user`; false when there was no such user.
  bool remove(std::string_view user);
  /// The file text.
  std::string text() const;
  /// Writes the file through a temporary file and a rename, readable and
  /// writable by the owner only (mode 0600). Returns an error message.
  std::optional<std::string> save(const std::string& path) const;

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const Entry* find(std::string_view user) const;
  std::vector<Entry> entries_;
};

/// Why a user name cannot go into a password file, or nothing.
std::optional<std::string> check_user_name(std::string_view user);

}  // namespace mq::server
