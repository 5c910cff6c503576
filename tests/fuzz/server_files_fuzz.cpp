/// Fuzzes the parsers of mqbroker's files (lib/server): the configuration
/// file, the ACL file and the password file. Input: [selector] text; the
/// selector (mod 3) picks config, ACL or password file.
///
/// Invariants: no crash or undefined behaviour; an error names the source
/// and a line that exists; a parsed ACL answers queries; a parsed password
/// file writes text that parses back to the same entries. Configuration
/// text holding `include_dir` is skipped so the fuzzer never walks the file
/// system.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "invariant.hpp"
#include "server/auth/acl_file.hpp"
#include "server/auth/password_file.hpp"
#include "server/config/reader.hpp"

using namespace mq;
using namespace mq::server;
using mq::fuzz::require;

namespace {

constexpr const char* kSource = "fuzzed";

/// An error location "fuzzed:N" (N a line of `text`), or "fuzzed".
void require_location(std::string_view where, std::string_view text) {
  require(where.starts_with(kSource), "an error does not name its source");
  where.remove_prefix(std::string_view(kSource).size());
  if (where.empty()) return;
  require(where.front() == ':', "an error location is not source:line");
  where.remove_prefix(1);
  std::size_t line = 0;
  for (char ch : where.substr(0, where.find_first_not_of("0123456789"))) line = line * 10 + (ch - '0');
  std::size_t lines = 1;
  for (char ch : text) lines += ch == '\n';
  require(line >= 1 && line <= lines, "an error names a line outside the text");
}

/// An ACL or password file error: "fuzzed:N: why", N a line of `text`.
void require_file_error(std::string_view error, std::string_view text) {
  require(error.find(": ") != std::string_view::npos, "a file error without a location and a message");
  require_location(error.substr(0, error.find(": ")), text);
}

void fuzz_config(std::string_view text) {
  if (text.find("include_dir") != std::string_view::npos) return;
  Settings settings;
  ConfigReader reader(settings);
  std::optional<ConfigError> e = reader.read_text(text, kSource);
  if (!e) e = reader.finish();
  if (e) require(!e->message.empty(), "a configuration error without a message");
  if (e && !e->where.empty() && e->where.starts_with(kSource)) require_location(e->where, text);
}

void fuzz_acl(std::string_view text) {
  std::string error;
  std::optional<AclFile> acl = AclFile::parse(text, kSource, &error);
  if (!acl) return require_file_error(error, text);
  static const std::optional<std::string_view> kUsers[] = {std::nullopt, "u", "admin"};
  static constexpr std::string_view kTopics[] = {"a/b", "u/c1", "$SYS/x", "x"};
  static constexpr std::string_view kFilters[] = {"#", "a/+", "u/#", "+/+", "$SYS/#"};
  for (const auto& user : kUsers) {
    for (std::string_view t : kTopics) {
      (void)acl->may_read(user, "c1", t);
      (void)acl->may_write(user, "c1", t);
    }
    for (std::string_view f : kFilters) (void)acl->may_subscribe(user, "c1", f);
  }
}

void fuzz_passwords(std::string_view text) {
  std::string error;
  std::optional<PasswordFile> file = PasswordFile::parse(text, kSource, &error);
  if (!file) return require_file_error(error, text);
  const std::string written = file->text();
  std::optional<PasswordFile> again = PasswordFile::parse(written, kSource, &error);
  require(again.has_value(), "a password file's own text does not parse");
  require(again->entries().size() == file->entries().size(), "a password file's text changes its entries");
  for (std::size_t i = 0; i < file->entries().size(); ++i) {
    const PasswordFile::Entry& a = file->entries()[i];
    const PasswordFile::Entry& b = again->entries()[i];
    require(a.user == b.user && a.hash.kind == b.hash.kind && a.hash.iterations == b.hash.iterations &&
                a.hash.salt == b.hash.salt && a.hash.hash == b.hash.hash,
            "a password file's text changes an entry");
  }
  // Checking a password runs the stored number of PBKDF2 rounds: only cheap ones.
  if (!file->entries().empty() && file->entries().front().hash.iterations <= 1000)
    (void)file->check(file->entries().front().user, as_bytes(std::string_view("password")));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: fuzz_config(text); break;
    case 1: fuzz_acl(text); break;
    default: fuzz_passwords(text); break;
  }
  return 0;
}
