#pragma once
/// Certificates made at test time with the OpenSSL API: a CA, a server
/// certificate for localhost/127.0.0.1/::1, a client certificate, an expired
/// one, a self-signed one and a second, unrelated CA.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdlib.h>

namespace mq::net::test {

/// Paths of the PEM files written into a temporary directory.
struct TestPki {
  std::string dir;
  std::string ca_cert, ca_key;
  std::string other_ca_cert, other_ca_key;
  std::string server_cert, server_key;      ///< CN=localhost, SAN localhost, 127.0.0.1, ::1
  std::string server2_cert, server2_key;    ///< CN=reloaded, same SANs
  std::string expired_cert, expired_key;    ///< valid names, expired yesterday
  std::string selfsigned_cert, selfsigned_key;
  std::string client_cert, client_key;      ///< CN=client-1

  /// Removes the directory.
  ~TestPki() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

namespace pki_detail {

inline EVP_PKEY* new_key() { return EVP_EC_gen("P-256"); }

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

/// A certificate for `key` named `cn`, signed by issuer/issuer_key (or self).
inline X509* new_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca, const char* san,
                      long from_days, long to_days) {
  static long serial = 1;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), to_days * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : cert;
  add_ext(cert, signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert, signer, NID_basic_constraints, "CA:FALSE");
    if (san) add_ext(cert, signer, NID_subject_alt_name, san);
  }
  add_ext(cert, signer, NID_authority_key_identifier, "keyid:always");
  X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
  return cert;
}

inline void write_pem(const std::string& path, X509* cert) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
}

inline void write_pem(const std::string& path, EVP_PKEY* key) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

}  // namespace pki_detail

/// Writes a fresh PKI into a new temporary directory.
inline void make_pki(TestPki& p) {
  using namespace pki_detail;
  char tmpl[] = "/tmp/mq-pki-XXXXXX";
  p.dir = ::mkdtemp(tmpl);
  auto path = [&](const char* name) { return p.dir + "/" + name; };
  const char* san = "DNS:localhost,IP:127.0.0.1,IP:::1";

  EVP_PKEY* ca_key = new_key();
  X509* ca = new_cert(ca_key, "mq test CA", nullptr, nullptr, true, nullptr, -1, 30);
  EVP_PKEY* other_key = new_key();
  X509* other = new_cert(other_key, "unrelated CA", nullptr, nullptr, true, nullptr, -1, 30);

  struct Leaf {
    const char* cn;
    X509* issuer;
    EVP_PKEY* issuer_key;
    long from, to;
    std::string* cert_path;
    std::string* key_path;
    const char* file;
  };
  std::vector<Leaf> leaves = {
      {"localhost", ca, ca_key, -1, 30, &p.server_cert, &p.server_key, "server"},
      {"reloaded", ca, ca_key, -1, 30, &p.server2_cert, &p.server2_key, "server2"},
      {"localhost", ca, ca_key, -30, -1, &p.expired_cert, &p.expired_key, "expired"},
      {"localhost", nullptr, nullptr, -1, 30, &p.selfsigned_cert, &p.selfsigned_key, "selfsigned"},
      {"client-1", ca, ca_key, -1, 30, &p.client_cert, &p.client_key, "client"},
  };
  for (auto& leaf : leaves) {
    EVP_PKEY* key = new_key();
    X509* cert = new_cert(key, leaf.cn, leaf.issuer, leaf.issuer_key, false, san, leaf.from, leaf.to);
    *leaf.cert_path = path((std::string(leaf.file) + ".crt").c_str());
    *leaf.key_path = path((std::string(leaf.file) + ".key").c_str());
    write_pem(*leaf.cert_path, cert);
    write_pem(*leaf.key_path, key);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  p.ca_cert = path("ca.crt");
  p.ca_key = path("ca.key");
  p.other_ca_cert = path("other-ca.crt");
  p.other_ca_key = path("other-ca.key");
  write_pem(p.ca_cert, ca);
  write_pem(p.ca_key, ca_key);
  write_pem(p.other_ca_cert, other);
  write_pem(p.other_ca_key, other_key);
  X509_free(ca);
  X509_free(other);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(other_key);
}

}  // namespace mq::net::test
