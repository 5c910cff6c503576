#pragma once
/// Access control lists in mosquitto's acl_file format:
///
///   topic [read|write|readwrite|deny] TOPIC   (before any `user`: anonymous clients)
///   user NAME                                 (the topic lines after it are NAME's)
///   pattern [read|write|readwrite|deny] TOPIC (everyone; %u user name, %c client id)
///
/// TOPIC may hold wildcards. Without an access word a rule grants readwrite.
/// A matching deny rule wins over any grant; with no matching grant access is
/// refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mq::server {

/// What a rule grants.
enum class AclAccess : std::uint8_t {
  Read = 1,
  Write = 2,
  ReadWrite = 3,
  Deny = 4,
};

/// One `topic` or `pattern` line.
struct AclRule {
  AclAccess access = AclAccess::ReadWrite;
  std::string topic;     ///< filter, with %u/%c in patterns
  bool pattern = false;  ///< substitutes %u and %c
};

/// The rules of one ACL file.
class AclFile {
 public:
  /// Reads `path`; errors name the file and line.
  static std::optional<AclFile> load(const std::string& path, std::string* error);
  /// Parses ACL text; `source` names it in errors.
  static std::optional<AclFile> parse(std::string_view text, const std::string& source, std::string* error);

  /// May this client publish to `topic`?
  bool may_write(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic) const;
  /// May this client receive a message published to `topic`?
  bool may_read(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic) const;
  /// May this client subscribe to `filter`? Only when a read rule covers
  /// every topic the filter matches (as mosquitto 2 decides).
  bool may_subscribe(std::optional<std::string_view> user, std::string_view client_id, std::string_view filter) const;

 private:
  /// Applies `f(rule_topic, access)` to every rule for this client, with
  /// patterns substituted; stops when f returns true, and returns that.
  template <typename F>
  bool any_rule(std::optional<std::string_view> user, std::string_view client_id, F&& f) const;
  bool decide(std::optional<std::string_view> user, std::string_view client_id, std::string_view topic,
              AclAccess wanted, bool filter) const;

  std::vector<AclRule> anonymous_;
  std::unordered_map<std::string, std::vector<AclRule>> users_;
  std::vector<AclRule> patterns_;
};

/// True when every topic that `filter` matches is matched by `rule` too
/// (both are valid topic filters).
bool filter_covered(std::string_view rule, std::string_view filter);

}  // namespace mq::server
