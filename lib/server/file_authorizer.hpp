#pragma once
/// The broker core's Authorizer backed by the configuration's password and
/// ACL files, per listener when per_listener_settings is on. Reloadable
/// (SIGHUP) without touching connected clients.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "broker/auth.hpp"
#include "server/auth/acl_file.hpp"
#include "server/auth/password_file.hpp"
#include "server/config/settings.hpp"

namespace mq::server {

/// Decides CONNECT, PUBLISH, SUBSCRIBE and delivery from the files.
class FileAuthorizer final : public broker::Authorizer {
 public:
  /// Reads every listener's files; returns an error message naming the
  /// file and line. `listeners` are the effective listeners, named by their
  /// index as the server names them in PeerInfo::listener.
  std::optional<std::string> load(const Settings& settings, const std::vector<ListenerSettings>& listeners);

  broker::AuthResult authenticate(const broker::Credentials& c) override;
  bool may_publish(const broker::ClientInfo& client, std::string_view topic, QoS qos, bool retain) override;
  bool may_subscribe(const broker::ClientInfo& client, std::string_view filter, QoS qos) override;
  bool may_receive(const broker::ClientInfo& client, std::string_view topic) override;
  bool checks_reads() const override { return any_acl_; }

  /// A password to check off the event loop (see defer_hashing).
  struct HashJob {
    broker::ConnectionId connection = 0;
    std::string user;
    std::vector<std::uint8_t> password;
    std::shared_ptr<const PasswordFile> file;
    std::string source;         ///< the peer's address without its port
    std::uint64_t generation = 0;  ///< load() count when it was asked
  };
  /// With `on`, authenticate() answers kAuthDeferred instead of hashing a
  /// password it has not verified before, and queues a HashJob for the
  /// caller to run off the loop (take_jobs) and report (finish). At most
  /// kMaxHashing jobs are pending, kMaxHashingPerSource per peer address;
  /// past that a CONNECT is refused with 0x89 Server busy.
  void defer_hashing(bool on) { defer_ = on; }
  /// The jobs queued since the last call.
  std::vector<HashJob> take_jobs() { return std::exchange(jobs_, {}); }
  /// The verdict for `job` (its check returned `ok`): 0 or 0x86. Remembers
  /// a verified password unless the files were reloaded since.
  broker::AuthResult finish(const HashJob& job, bool ok);
  static constexpr std::size_t kMaxHashing = 32;
  static constexpr std::size_t kMaxHashingPerSource = 4;

 private:
  /// What one listener enforces.
  struct Policy {
    bool allow_anonymous = true;
    bool identity_as_username = false;
    std::shared_ptr<const PasswordFile> passwords;
    std::shared_ptr<const AclFile> acl;
  };
  const Policy* policy_for(std::string_view listener) const;
  /// The user name the ACL sees: the certificate identity on listeners
  /// that use it, else the CONNECT user name.
  std::optional<std::string_view> user_of(const Policy& p, const broker::ClientInfo& c) const;
  /// A cheap keyed digest of a password, to remember verified ones.
  std::array<std::uint8_t, 32> digest(std::string_view user, ByteView password) const;

  std::vector<Policy> policies_;
  bool any_acl_ = false;
  std::array<std::uint8_t, 32> cache_key_{};
  /// Users whose password was verified, with its digest: PBKDF2 with many
  /// rounds is paid once per user and password, not on every CONNECT.
  std::unordered_map<std::string, std::array<std::uint8_t, 32>> verified_;
  bool defer_ = false;
  std::uint64_t generation_ = 0;
  std::vector<HashJob> jobs_;
  std::size_t hashing_ = 0;
  std::unordered_map<std::string, std::size_t> hashing_by_source_;
};

}  // namespace mq::server
