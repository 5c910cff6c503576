#pragma once
/// The byte stream the protocol code talks to, whatever carries it (TCP,
/// TLS, WebSocket, Unix socket). It never exposes libuv.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "codec/types.hpp"
#include "net/error.hpp"

namespace mq::net {

/// A connected, ordered, reliable byte stream.
///
/// Callbacks run on the loop thread. on_close is called exactly once, always
/// from a later loop callback (never from inside write(), close() or
/// abort()), and then both callbacks are dropped, which breaks reference
/// cycles through captured shared_ptrs. Destroying the last reference closes
/// the stream without calling on_close.
class Stream : public std::enable_shared_from_this<Stream> {
 public:
  /// Receives bytes; the view is valid only during the call.
  using DataHandler = std::function<void(ByteView)>;
  /// Receives why the stream ended (code None when this side closed it).
  using CloseHandler = std::function<void(const NetError&)>;

  virtual ~Stream() = default;

  /// Sets the function that receives incoming bytes.
  void on_data(DataHandler h) { data_handler_ = std::move(h); }
  /// Sets the function called once when the stream has ended.
  void on_close(CloseHandler h) { close_handler_ = std::move(h); }

  /// Queues a copy of `bytes`; queued writes are sent together at the end
  /// of the loop iteration.
  virtual void write(ByteView bytes) = 0;
  /// Queues `bytes` without copying them where possible.
  virtual void write(std::vector<std::uint8_t>&& bytes) { write(ByteView(bytes)); }
  /// Sends what is queued, then closes; on_close follows with code None.
  virtual void close() = 0;
  /// Closes at once, dropping queued output; on_close follows with code None.
  virtual void abort() = 0;
  /// Stops delivering data until resume_reading() (for back-pressure).
  virtual void pause_reading() = 0;
  /// Delivers data again after pause_reading().
  virtual void resume_reading() = 0;
  /// Bytes accepted by write() that the kernel has not taken yet.
  virtual std::size_t queued_bytes() const = 0;
  /// The peer's address, e.g. "127.0.0.1:50312", "[::1]:1883" or a socket path.
  virtual std::string peer_address() const = 0;
  /// The common name of the peer certificate's subject (TLS with a
  /// verified client or server certificate), empty otherwise.
  virtual std::string peer_cert_cn() const { return {}; }
  /// True until close(), abort() or the end of the stream.
  bool is_open() const { return !ended_; }

 protected:
  /// Passes bytes to the data handler.
  void emit_data(ByteView bytes) {
    if (data_handler_) data_handler_(bytes);
  }
  /// Calls the close handler once and drops both handlers.
  void emit_close(const NetError& why) {
    ended_ = true;
    auto handler = std::move(close_handler_);
    close_handler_ = nullptr;
    data_handler_ = nullptr;
    if (handler) handler(why);
  }
  /// Marks the stream as ending (no more writes accepted).
  void mark_ended() { ended_ = true; }

 private:
  DataHandler data_handler_;
  CloseHandler close_handler_;
  bool ended_ = false;
};

}  // namespace mq::net
