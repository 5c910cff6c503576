#pragma once
/// TLS settings (OpenSSL 3 SSL_CTX) for clients and servers, and the plain
/// wording of certificate verification failures.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/error.hpp"

struct ssl_ctx_st;

namespace mq::net {

/// Lowest TLS version to negotiate.
enum class TlsVersion : unsigned char {
  Tls12,  ///< TLS 1.2 (the default)
  Tls13,  ///< TLS 1.3
};

/// Client-side TLS settings.
struct TlsClientOptions {
  std::string ca_file;      ///< PEM file of trusted CAs; with ca_dir empty too, the system store is used
  std::string ca_dir;       ///< directory of hashed CA certificates
  std::string cert_file;    ///< client certificate (PEM chain), optional
  std::string key_file;     ///< client private key (PEM), required with cert_file
  std::string server_name;  ///< SNI and name to verify; empty: the URL's host
  std::vector<std::string> alpn;                ///< protocols to offer, e.g. {"mqtt"}
  TlsVersion min_version = TlsVersion::Tls12;   ///< lowest version accepted
  /// Highest version offered; unset: the highest OpenSSL knows (mqbench
  /// probe pins both ends to learn which versions a broker speaks).
  std::optional<TlsVersion> max_version;
  bool insecure = false;    ///< skip certificate and host name verification
  std::string ciphers;        ///< OpenSSL cipher list for TLS 1.2 and below; empty: OpenSSL's default
  std::string tls13_ciphers;  ///< TLS 1.3 ciphersuites ("TLS_AES_128_GCM_SHA256:..."); empty: default
  /// TLS-PSK: the identity and key (bytes); with a key no certificate is
  /// asked for or verified, as in mosquitto's PSK mode.
  std::string psk_identity;
  std::string psk_key;
};

/// Server-side TLS settings.
struct TlsServerOptions {
  std::string cert_file;  ///< server certificate (PEM chain)
  std::string key_file;   ///< server private key (PEM)
  std::string ca_file;    ///< CAs that sign client certificates; enables asking for one
  bool require_client_cert = false;  ///< reject clients without a valid certificate
  std::vector<std::string> alpn;     ///< protocols the server accepts, in preference order
  TlsVersion min_version = TlsVersion::Tls12;  ///< lowest version accepted
};

/// An SSL_CTX configured for the client side. Shared by the connections
/// made with it.
class TlsClientContext {
 public:
  /// Loads CAs, certificate and key; errors name the file and the reason.
  static NetResult<std::shared_ptr<TlsClientContext>> create(const TlsClientOptions& options);
  /// Frees the SSL_CTX (connections keep their own reference).
  ~TlsClientContext();
  /// The OpenSSL context, for lib/net internals.
  ssl_ctx_st* raw() const { return ctx_; }
  /// The options it was made from.
  const TlsClientOptions& options() const { return options_; }
  /// Use create().
  TlsClientContext(ssl_ctx_st* ctx, TlsClientOptions options) : ctx_(ctx), options_(std::move(options)) {}

 private:
  ssl_ctx_st* ctx_;
  TlsClientOptions options_;
};

/// An SSL_CTX configured for the server side. To reload certificates, create
/// a new one and give it to the listener: new connections use it, existing
/// ones keep the old one.
class TlsServerContext {
 public:
  /// Loads certificate, key and client CAs; errors name the file and reason.
  static NetResult<std::shared_ptr<TlsServerContext>> create(const TlsServerOptions& options);
  /// Frees the SSL_CTX (connections keep their own reference).
  ~TlsServerContext();
  /// The OpenSSL context, for lib/net internals.
  ssl_ctx_st* raw() const { return ctx_; }
  /// The options it was made from.
  const TlsServerOptions& options() const { return options_; }
  /// Use create().
  TlsServerContext(ssl_ctx_st* ctx, TlsServerOptions options) : ctx_(ctx), options_(std::move(options)) {}

 private:
  ssl_ctx_st* ctx_;
  TlsServerOptions options_;
};

/// Plain words for an X509 verification result (X509_V_ERR_*), e.g.
/// "the server's certificate has expired". `peer` is "server" or "client";
/// `name` is the host name checked, used for mismatch messages.
std::string verify_failure_message(long x509_result, std::string_view peer, std::string_view name);

/// The reasons in OpenSSL's error queue, joined with "; " (the queue is emptied).
std::string openssl_errors();

}  // namespace mq::net
