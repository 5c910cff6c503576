#include "net/tls_context.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace mq::net {
namespace {

/// One row per verification result we explain; the rest get OpenSSL's words.
struct VerifyText {
  long code;
  const char* text;
};

constexpr VerifyText kVerifyTexts[] = {
    {X509_V_ERR_CERT_HAS_EXPIRED, "certificate has expired"},
    {X509_V_ERR_CERT_NOT_YET_VALID, "certificate is not valid yet (check the clocks)"},
    {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "certificate is self-signed and not trusted"},
    {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "certificate chain ends in a self-signed CA that is not trusted"},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "certificate was issued by an unknown CA"},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "certificate was issued by an unknown CA"},
    {X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "certificate was issued by an unknown CA"},
    {X509_V_ERR_CERT_REVOKED, "certificate has been revoked"},
    {X509_V_ERR_CERT_SIGNATURE_FAILURE, "certificate has an invalid signature"},
    {X509_V_ERR_INVALID_CA, "certificate chain contains a CA certificate that may not sign"},
    {X509_V_ERR_INVALID_PURPOSE, "certificate may not be used for this purpose"},
    {X509_V_ERR_CERT_CHAIN_TOO_LONG, "certificate chain is too long"},
    {X509_V_ERR_CERT_UNTRUSTED, "certificate is not trusted"},
    {X509_V_ERR_CERT_REJECTED, "certificate is rejected"},
    {X509_V_ERR_EE_KEY_TOO_SMALL, "certificate key is too small"},
    {X509_V_ERR_CA_MD_TOO_WEAK, "certificate is signed with a weak digest"},
};

int version_constant(TlsVersion v) { return v == TlsVersion::Tls13 ? TLS1_3_VERSION : TLS1_2_VERSION; }

/// "" when `path` can be opened for reading, else the reason.
std::string unreadable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::strerror(errno);
  std::fclose(f);
  return {};
}

NetError config_error(std::string what, const std::string& path, std::string reason) {
  return NetError{NetErrc::Config, "cannot load " + what + " '" + path + "': " + reason};
}

/// ALPN wire format: each name prefixed by its length.
std::vector<unsigned char> alpn_wire(const std::vector<std::string>& names) {
  std::vector<unsigned char> out;
  for (const auto& n : names) {
    out.push_back(static_cast<unsigned char>(n.size()));
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

/// Loads certificate chain and key into `ctx`.
std::optional<NetError> load_identity(SSL_CTX* ctx, const std::string& cert, const std::string& key) {
  if (auto why = unreadable(cert); !why.empty()) return config_error("certificate", cert, why);
  if (auto why = unreadable(key); !why.empty()) return config_error("private key", key, why);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return config_error("certificate", cert, openssl_errors());
  NetError mismatch{NetErrc::Config, "private key '" + key + "' does not match certificate '" + cert + "'"};
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return mismatch;
    }
    return config_error("private key", key, openssl_errors());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return mismatch;
  return std::nullopt;
}

/// A TLS-PSK identity and key, owned by the SSL_CTX it is attached to.
struct PskSecret {
  std::string identity;
  std::string key;
};

/// The SSL_CTX ex_data slot of the PskSecret; OpenSSL frees it with the context.
int psk_slot() {
  static const int slot = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* secret, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<PskSecret*>(secret); });
  return slot;
}

/// Hands OpenSSL the identity and key (TLS 1.2 PSK cipher suites, and TLS
/// 1.3 with a SHA-256 ciphersuite).
unsigned psk_client_callback(SSL* ssl, const char* /*hint*/, char* identity, unsigned max_identity, unsigned char* psk,
                             unsigned max_psk) {
  const auto* s = static_cast<const PskSecret*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), psk_slot()));
  if (!s || s->identity.size() + 1 > max_identity || s->key.size() > max_psk) return 0;
  std::memcpy(identity, s->identity.c_str(), s->identity.size() + 1);
  std::memcpy(psk, s->key.data(), s->key.size());
  return static_cast<unsigned>(s->key.size());
}

}  // namespace

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    std::string text = reason ? reason : "error " + std::to_string(ERR_GET_REASON(e));
    if (out.find(text) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? "unknown TLS error" : out;
}

std::string verify_failure_message(long result, std::string_view peer, std::string_view name) {
  std::string who = "the " + std::string(peer) + "'s ";
  if (result == X509_V_ERR_HOSTNAME_MISMATCH)
    return who + "certificate does not match the host name '" + std::string(name) + "'";
  if (result == X509_V_ERR_IP_ADDRESS_MISMATCH)
    return who + "certificate does not match the IP address " + std::string(name);
  for (const auto& row : kVerifyTexts)
    if (row.code == result) return who + row.text;
  return who + "certificate was rejected: " + X509_verify_cert_error_string(result);
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }
TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

NetResult<std::shared_ptr<TlsClientContext>> TlsClientContext::create(const TlsClientOptions& o) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return NetError{NetErrc::Config, "cannot create TLS context: " + openssl_errors()};
  auto result = std::make_shared<TlsClientContext>(ctx, o);  // frees ctx on every error path
  SSL_CTX_set_min_proto_version(ctx, version_constant(o.min_version));
  if (o.max_version) SSL_CTX_set_max_proto_version(ctx, version_constant(*o.max_version));
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (o.ca_file.empty() && o.ca_dir.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
      return NetError{NetErrc::Config, "cannot load the system CA store: " + openssl_errors()};
  } else {
    if (!o.ca_file.empty())
      if (auto why = unreadable(o.ca_file); !why.empty()) return config_error("CA file", o.ca_file, why);
    if (SSL_CTX_load_verify_locations(ctx, o.ca_file.empty() ? nullptr : o.ca_file.c_str(),
                                      o.ca_dir.empty() ? nullptr : o.ca_dir.c_str()) != 1)
      return config_error(o.ca_file.empty() ? "CA directory" : "CA file",
                          o.ca_file.empty() ? o.ca_dir : o.ca_file, openssl_errors());
  }
  if (!o.cert_file.empty() || !o.key_file.empty()) {
    if (o.cert_file.empty() || o.key_file.empty())
      return NetError{NetErrc::Config, "a client certificate needs both a certificate file and a key file"};
    if (auto err = load_identity(ctx, o.cert_file, o.key_file)) return *err;
  }
  if (!o.alpn.empty()) {
    auto wire = alpn_wire(o.alpn);
    if (SSL_CTX_set_alpn_protos(ctx, wire.data(), static_cast<unsigned>(wire.size())) != 0)
      return NetError{NetErrc::Config, "invalid ALPN protocol list"};
  }
  if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) != 1)
    return NetError{NetErrc::Config, "no cipher of '" + o.ciphers + "' is known to OpenSSL"};
  if (!o.tls13_ciphers.empty() && SSL_CTX_set_ciphersuites(ctx, o.tls13_ciphers.c_str()) != 1)
    return NetError{NetErrc::Config, "'" + o.tls13_ciphers + "' is not a list of TLS 1.3 ciphersuites"};
  if (!o.psk_key.empty()) {
    SSL_CTX_set_ex_data(ctx, psk_slot(), new PskSecret{o.psk_identity, o.psk_key});
    SSL_CTX_set_psk_client_callback(ctx, psk_client_callback);
  }
  const bool verify = !o.insecure && o.psk_key.empty();
  SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  return result;
}

NetResult<std::shared_ptr<TlsServerContext>> TlsServerContext::create(const TlsServerOptions& o) {
  ERR_clear_error();
  if (o.cert_file.empty() || o.key_file.empty())
    return NetError{NetErrc::Config, "a TLS listener needs a certificate file and a key file"};
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return NetError{NetErrc::Config, "cannot create TLS context: " + openssl_errors()};
  auto result = std::make_shared<TlsServerContext>(ctx, o);
  SSL_CTX_set_min_proto_version(ctx, version_constant(o.min_version));
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (auto err = load_identity(ctx, o.cert_file, o.key_file)) return *err;
  if (!o.ca_file.empty()) {
    if (auto why = unreadable(o.ca_file); !why.empty()) return config_error("CA file", o.ca_file, why);
    if (SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) != 1)
      return config_error("CA file", o.ca_file, openssl_errors());
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(o.ca_file.c_str()));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (o.require_client_cert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nullptr);
  } else if (o.require_client_cert) {
    return NetError{NetErrc::Config, "requiring client certificates needs a CA file to verify them"};
  }
  if (!o.alpn.empty()) {
    // The server's list lives in the context object; OpenSSL's callback
    // picks the first of the server's protocols the client offered.
    SSL_CTX_set_alpn_select_cb(ctx, [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                                       unsigned int inlen, void* arg) -> int {
      const auto* self = static_cast<const TlsServerContext*>(arg);
      for (const auto& want : self->options().alpn) {
        for (unsigned i = 0; i < inlen;) {
          unsigned len = in[i];
          if (i + 1 + len > inlen) break;
          if (len == want.size() && std::memcmp(in + i + 1, want.data(), len) == 0) {
            *out = in + i + 1;
            *outlen = static_cast<unsigned char>(len);
            return SSL_TLSEXT_ERR_OK;
          }
          i += 1 + len;
        }
      }
      return SSL_TLSEXT_ERR_NOACK;
    }, result.get());
  }
  return result;
}

}  // namespace mq::net
