#include "server/file_authorizer.hpp"

#include <charconv>
#include <map>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "codec/rules.hpp"

namespace mq::server {

std::optional<std::string> FileAuthorizer::load(const Settings& settings,
                                                const std::vector<ListenerSettings>& listeners) {
  // Files shared by several listeners are read once.
  std::map<std::string, std::shared_ptr<const PasswordFile>> password_files;
  std::map<std::string, std::shared_ptr<const AclFile>> acl_files;
  std::vector<Policy> policies;
  bool any_acl = false;
  for (const auto& l : listeners) {
    const SecuritySettings& sec = settings.security_for(l);
    Policy p;
    p.allow_anonymous = settings.anonymous_allowed(l);
    p.identity_as_username = l.use_identity_as_username;
    std::string error;
    if (!sec.password_file.empty()) {
      auto& slot = password_files[sec.password_file];
      if (!slot) {
        auto f = PasswordFile::load(sec.password_file, &error);
        if (!f) return error;
        slot = std::make_shared<const PasswordFile>(std::move(*f));
      }
      p.passwords = slot;
    }
    if (!sec.acl_file.empty()) {
      auto& slot = acl_files[sec.acl_file];
      if (!slot) {
        auto f = AclFile::load(sec.acl_file, &error);
        if (!f) return error;
        slot = std::make_shared<const AclFile>(std::move(*f));
      }
      p.acl = slot;
      any_acl = true;
    }
    policies.push_back(std::move(p));
  }
  // Only a complete, valid set replaces the one in force.
  policies_ = std::move(policies);
  any_acl_ = any_acl;
  verified_.clear();
  ++generation_;
  if (RAND_bytes(cache_key_.data(), static_cast<int>(cache_key_.size())) != 1) return "OpenSSL could not produce random bytes";
  return std::nullopt;
}

const FileAuthorizer::Policy* FileAuthorizer::policy_for(std::string_view listener) const {
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(listener.data(), listener.data() + listener.size(), index);
  if (ec != std::errc() || index >= policies_.size()) return nullptr;
  return &policies_[index];
}

std::optional<std::string_view> FileAuthorizer::user_of(const Policy& p, const broker::ClientInfo& c) const {
  if (p.identity_as_username) return c.cert_identity.empty() ? std::nullopt : std::optional(c.cert_identity);
  return c.username;
}

std::array<std::uint8_t, 32> FileAuthorizer::digest(std::string_view user, ByteView password) const {
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  std::vector<std::uint8_t> input(user.begin(), user.end());
  input.push_back(0);
  input.insert(input.end(), password.begin(), password.end());
  HMAC(EVP_sha256(), cache_key_.data(), static_cast<int>(cache_key_.size()), input.data(), input.size(), out.data(),
       &len);
  return out;
}

broker::AuthResult FileAuthorizer::authenticate(const broker::Credentials& c) {
  const Policy* p = policy_for(c.client.listener);
  if (!p) return 0x87;  // a listener we do not know: refuse rather than guess
  if (p->identity_as_username) {
    // The listener required a verified certificate; its name is the identity.
    return c.client.cert_identity.empty() ? 0x87 : 0x00;
  }
  if (!c.client.username) return p->allow_anonymous ? 0x00 : 0x87;
  if (!p->passwords) return 0x00;  // no password file: any user name is accepted, as in mosquitto
  ByteView password = c.password ? *c.password : ByteView{};
  std::string user(*c.client.username);
  auto d = digest(user, password);
  auto it = verified_.find(user);
  if (it != verified_.end() && CRYPTO_memcmp(it->second.data(), d.data(), d.size()) == 0) return 0x00;
  if (!c.password) return 0x86;
  if (defer_) {
    // PBKDF2 takes about 100 ms: run off the loop, bounded per source.
    const std::string_view addr = c.peer_address;
    const auto colon = addr.rfind(':');
    std::string source(colon == std::string_view::npos ? addr : addr.substr(0, colon));
    std::size_t& mine = hashing_by_source_[source];
    if (hashing_ >= kMaxHashing || mine >= kMaxHashingPerSource) {
      if (mine == 0) hashing_by_source_.erase(source);
      return 0x89;  // Server busy
    }
    ++mine;
    ++hashing_;
    jobs_.push_back(HashJob{c.connection, std::move(user), std::vector<std::uint8_t>(password.begin(), password.end()),
                            p->passwords, std::move(source), generation_});
    return broker::kAuthDeferred;
  }
  if (!p->passwords->check_evenly(user, password)) return 0x86;
  verified_[user] = d;
  return 0x00;
}

broker::AuthResult FileAuthorizer::finish(const HashJob& job, bool ok) {
  --hashing_;
  if (auto it = hashing_by_source_.find(job.source); it != hashing_by_source_.end() && --it->second == 0)
    hashing_by_source_.erase(it);
  if (!ok) return 0x86;
  // A check started before a reload vouches for this connection only.
  if (job.generation == generation_) verified_[job.user] = digest(job.user, job.password);
  return 0x00;
}

bool FileAuthorizer::may_publish(const broker::ClientInfo& client, std::string_view topic, QoS, bool) {
  const Policy* p = policy_for(client.listener);
  if (!p) return false;
  return !p->acl || p->acl->may_write(user_of(*p, client), client.client_id, topic);
}

bool FileAuthorizer::may_subscribe(const broker::ClientInfo& client, std::string_view filter, QoS) {
  const Policy* p = policy_for(client.listener);
  if (!p) return false;
  if (!p->acl) return true;
  // A shared subscription is judged by the filter after $share/group/.
  if (auto shared = parse_shared(filter)) filter = shared->filter;
  return p->acl->may_subscribe(user_of(*p, client), client.client_id, filter);
}

bool FileAuthorizer::may_receive(const broker::ClientInfo& client, std::string_view topic) {
  const Policy* p = policy_for(client.listener);
  if (!p) return false;
  return !p->acl || p->acl->may_read(user_of(*p, client), client.client_id, topic);
}

}  // namespace mq::server
