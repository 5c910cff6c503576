#pragma once
/// TLS over any Stream, driven through OpenSSL memory BIOs (OpenSSL never
/// touches a socket).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/loop.hpp"
#include "net/stream.hpp"
#include "net/tls_context.hpp"

struct ssl_st;
struct bio_st;

namespace mq::net {

/// A Stream that encrypts into and decrypts from an inner Stream. Plaintext
/// written during one loop iteration goes out as one SSL_write.
class TlsStream final : public Stream {
 public:
  /// Called once when the handshake has finished or failed.
  using ReadyHandler = std::function<void(const NetError&)>;

  /// Client side: verifies the server against `host` (name or IP address)
  /// unless the context is insecure, and sends SNI for names.
  static std::shared_ptr<TlsStream> client(Loop& loop, std::shared_ptr<Stream> inner,
                                           std::shared_ptr<TlsClientContext> ctx, const std::string& host);
  /// Server side.
  static std::shared_ptr<TlsStream> server(Loop& loop, std::shared_ptr<Stream> inner,
                                           std::shared_ptr<TlsServerContext> ctx);

  /// Starts the handshake; `ready` is called when it finishes or fails.
  void start(ReadyHandler ready);

  /// Frees the SSL object and closes the inner stream.
  ~TlsStream() override;

  /// Queues a copy of `bytes` (see Stream::write).
  void write(ByteView bytes) override;
  /// Sends what is queued, then closes (see Stream::close).
  void close() override;
  /// Closes at once (see Stream::abort).
  void abort() override;
  /// Stops reading from the socket below.
  void pause_reading() override { inner_->pause_reading(); }
  /// Reads from the socket below again.
  void resume_reading() override { inner_->resume_reading(); }
  /// Bytes written but not yet taken by the kernel.
  std::size_t queued_bytes() const override { return plain_out_.size() + inner_->queued_bytes(); }
  /// The address of the peer below.
  std::string peer_address() const override { return inner_->peer_address(); }
  /// The peer certificate subject CN, if TLS is below.
  std::string peer_cert_cn() const override;
  /// The peer certificate's whole subject, if TLS is below.
  std::string peer_cert_subject() const override;
  /// The protocol chosen by ALPN, empty when none.
  std::string alpn() const;
  /// Encrypts the queued plaintext (called by the loop).
  void flush() override;

  /// Use client() or server().
  TlsStream(Loop& loop, std::shared_ptr<Stream> inner, ssl_st* ssl, bool is_client, std::string host);

 private:
  void on_inner_data(ByteView bytes);
  void on_inner_close(const NetError& why);
  void advance_handshake();
  void read_plaintext();
  void send_ciphertext();
  void fail(NetError error);
  NetError ssl_failure(int ret, std::string_view during);

  Loop* loop_;
  std::shared_ptr<Stream> inner_;
  ssl_st* ssl_;
  bool is_client_;
  std::string host_;
  bool handshake_done_ = false;
  bool closing_ = false;
  ReadyHandler ready_;
  std::vector<std::uint8_t> plain_out_;
  NetError error_;
};

}  // namespace mq::net
