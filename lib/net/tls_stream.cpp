#include "net/tls_stream.hpp"

#include <array>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace mq::net {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

/// Decrypted bytes are handed to the data handler before the next read, so
/// one buffer per thread serves every TLS stream.
std::array<std::uint8_t, 64 * 1024>& plaintext_buffer() {
  thread_local std::array<std::uint8_t, 64 * 1024> buf;
  return buf;
}

}  // namespace

TlsStream::TlsStream(Loop& loop, std::shared_ptr<Stream> inner, ssl_st* ssl, bool is_client, std::string host)
    : loop_(&loop), inner_(std::move(inner)), ssl_(ssl), is_client_(is_client), host_(std::move(host)) {
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
}

std::shared_ptr<TlsStream> TlsStream::client(Loop& loop, std::shared_ptr<Stream> inner,
                                             std::shared_ptr<TlsClientContext> ctx, const std::string& host) {
  SSL* ssl = SSL_new(ctx->raw());
  const auto& o = ctx->options();
  std::string name = o.server_name.empty() ? host : o.server_name;
  auto s = std::make_shared<TlsStream>(loop, std::move(inner), ssl, true, name);
  bool ip = is_ip_literal(name);
  if (!ip) SSL_set_tlsext_host_name(ssl, name.c_str());  // SNI carries names only
  if (!o.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    else X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  }
  SSL_set_connect_state(ssl);
  return s;
}

std::shared_ptr<TlsStream> TlsStream::server(Loop& loop, std::shared_ptr<Stream> inner,
                                             std::shared_ptr<TlsServerContext> ctx) {
  SSL* ssl = SSL_new(ctx->raw());  // holds its own reference to the SSL_CTX
  auto s = std::make_shared<TlsStream>(loop, std::move(inner), ssl, false, std::string());
  SSL_set_accept_state(ssl);
  return s;
}

TlsStream::~TlsStream() {
  loop_->cancel_flush(this);
  if (inner_) {
    inner_->on_data(nullptr);
    inner_->on_close(nullptr);
  }
  SSL_free(ssl_);
}

void TlsStream::start(ReadyHandler ready) {
  ready_ = std::move(ready);
  std::weak_ptr<TlsStream> weak = std::static_pointer_cast<TlsStream>(shared_from_this());
  inner_->on_data([weak](ByteView b) {
    if (auto self = weak.lock()) self->on_inner_data(b);
  });
  inner_->on_close([weak](const NetError& why) {
    if (auto self = weak.lock()) self->on_inner_close(why);
  });
  advance_handshake();
}

void TlsStream::on_inner_data(ByteView bytes) {
  BIO_write(SSL_get_rbio(ssl_), bytes.data(), static_cast<int>(bytes.size()));
  if (!handshake_done_) {
    advance_handshake();
    if (!handshake_done_) return;
  }
  read_plaintext();
}

void TlsStream::advance_handshake() {
  if (error_) return;
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  send_ciphertext();
  if (r == 1) {
    handshake_done_ = true;
    if (!plain_out_.empty()) loop_->schedule_flush(this);
    auto ready = std::move(ready_);
    ready_ = nullptr;
    if (ready) ready(NetError{});
    return;
  }
  int err = SSL_get_error(ssl_, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
  fail(ssl_failure(r, "handshake"));
}

NetError TlsStream::ssl_failure(int ret, std::string_view during) {
  long verify = SSL_get_verify_mode(ssl_) == SSL_VERIFY_NONE ? X509_V_OK : SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    ERR_clear_error();
    return NetError{NetErrc::TlsVerify, verify_failure_message(verify, is_client_ ? "server" : "client", host_)};
  }
  int err = SSL_get_error(ssl_, ret);
  std::string reason = err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN
                           ? std::string("the connection ended unexpectedly")
                           : openssl_errors();
  return NetError{NetErrc::Tls, "TLS " + std::string(during) + " with " + inner_->peer_address() + " failed: " + reason};
}

void TlsStream::read_plaintext() {
  auto& buf = plaintext_buffer();
  auto keep = shared_from_this();  // the data handler may drop the last reference
  while (!error_) {
    ERR_clear_error();
    int n = SSL_read(ssl_, buf.data(), static_cast<int>(buf.size()));
    if (n > 0) {
      emit_data(ByteView(buf.data(), static_cast<std::size_t>(n)));
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ) break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      // close_notify from the peer: answer it and close below us.
      if (!error_) error_ = NetError{NetErrc::PeerClosed, "connection closed by " + inner_->peer_address()};
      SSL_shutdown(ssl_);
      send_ciphertext();
      inner_->close();
      break;
    }
    fail(ssl_failure(n, "read"));
    break;
  }
  send_ciphertext();  // renegotiation, key updates and session tickets
}

void TlsStream::send_ciphertext() {
  BIO* wbio = SSL_get_wbio(ssl_);
  std::size_t pending = BIO_ctrl_pending(wbio);
  if (pending == 0) return;
  std::vector<std::uint8_t> out(pending);
  int n = BIO_read(wbio, out.data(), static_cast<int>(out.size()));
  if (n <= 0) return;
  out.resize(static_cast<std::size_t>(n));
  inner_->write(std::move(out));
}

void TlsStream::write(ByteView bytes) {
  if (closing_ || error_ || !is_open()) return;
  plain_out_.insert(plain_out_.end(), bytes.begin(), bytes.end());
  if (handshake_done_) loop_->schedule_flush(this);
}

void TlsStream::flush() {
  if (plain_out_.empty() || !handshake_done_ || error_) return;
  ERR_clear_error();
  // A memory BIO accepts everything, so SSL_write completes in one call.
  int n = SSL_write(ssl_, plain_out_.data(), static_cast<int>(plain_out_.size()));
  if (n <= 0) {
    fail(ssl_failure(n, "write"));
    return;
  }
  plain_out_.clear();
  send_ciphertext();
}

void TlsStream::close() {
  if (closing_ || !is_open()) return;
  closing_ = true;
  mark_ended();
  if (handshake_done_ && !error_) {
    flush();
    SSL_shutdown(ssl_);  // queues close_notify
    send_ciphertext();
  }
  inner_->close();
}

void TlsStream::abort() {
  mark_ended();
  inner_->abort();
}

void TlsStream::fail(NetError error) {
  if (error_) return;
  error_ = std::move(error);
  mark_ended();
  auto ready = std::move(ready_);
  ready_ = nullptr;
  // Send any alert OpenSSL queued, then close below us; on_close follows
  // from the inner stream's close callback.
  send_ciphertext();
  inner_->close();
  if (ready) ready(error_);
}

void TlsStream::on_inner_close(const NetError& why) {
  auto keep = shared_from_this();
  NetError reason = error_ ? error_ : why;
  if (!handshake_done_ && !error_) {
    if (why.code == NetErrc::PeerClosed)
      reason = NetError{NetErrc::Tls, "TLS handshake with " + inner_->peer_address() +
                                          " failed: the connection was closed by the peer"};
    else if (!why)
      reason = NetError{NetErrc::Cancelled, "closed before the TLS handshake finished"};
  }
  auto ready = std::move(ready_);
  ready_ = nullptr;
  if (ready) ready(reason);
  if (closing_ && reason.code == NetErrc::PeerClosed) reason = NetError{};
  emit_close(reason);
}

std::string TlsStream::peer_cert_cn() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (!cert) return {};
  std::string cn;
  X509_NAME* subject = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0) {
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
    if (len > 0) cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  X509_free(cert);
  return cn;
}

std::string TlsStream::peer_cert_subject() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (!cert) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  std::string subject;
  // RFC 2253 order and escaping, but UTF-8 kept as it is (not \XX-escaped).
  if (bio && X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    if (len > 0) subject.assign(data, static_cast<std::size_t>(len));
  }
  BIO_free(bio);
  X509_free(cert);
  return subject;
}

std::string TlsStream::alpn() const {
  const unsigned char* data = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_, &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace mq::net
