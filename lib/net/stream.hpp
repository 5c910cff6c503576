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
#include "net/loop.hpp"

namespace mq::net {

/// Receives the events of streams. One object can serve many streams (a
/// server serves all its connections with one): each stream passes back the
/// tag it was given, and stores just two words for its handler.
class StreamHandler {
 public:
  /// Receives bytes from the stream tagged `tag`; valid only during the call.
  virtual void on_stream_data(std::uint64_t tag, ByteView bytes) = 0;
  /// Learns why the stream tagged `tag` ended (code None: this side closed it).
  virtual void on_stream_close(std::uint64_t tag, const NetError& why) = 0;

 protected:
  ~StreamHandler() = default;
};

/// A connected, ordered, reliable byte stream.
///
/// Callbacks run on the loop thread. The close event comes exactly once,
/// always from a later loop callback (never from inside write(), close() or
/// abort()), and then the handlers are dropped, which breaks reference
/// cycles through captured shared_ptrs. Destroying the last reference closes
/// the stream without a close event.
///
/// Events go either to a StreamHandler (set_handler) or to two functions
/// (on_data/on_close); the functions live in a small block allocated only
/// when they are used, so that a stream served by a handler stays small.
class Stream : public std::enable_shared_from_this<Stream>, public detail::FlushTarget {
 public:
  /// Receives bytes; the view is valid only during the call.
  using DataHandler = std::function<void(ByteView)>;
  /// Receives why the stream ended (code None when this side closed it).
  using CloseHandler = std::function<void(const NetError&)>;

  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  /// Frees the function handlers, if any.
  ~Stream() override;

  /// Sends events to `handler` with `tag` (nullptr: to nobody), replacing
  /// any handler or functions set before.
  void set_handler(StreamHandler* handler, std::uint64_t tag = 0);
  /// Sets the function that receives incoming bytes (replaces a handler set
  /// with set_handler; nullptr then just drops that handler).
  void on_data(DataHandler h);
  /// Sets the function called once when the stream has ended (replaces a
  /// handler set with set_handler; nullptr then just drops that handler).
  void on_close(CloseHandler h);

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
  /// The whole subject of the peer certificate, RFC 2253 ("CN=dev-1,O=Acme"),
  /// empty without one.
  virtual std::string peer_cert_subject() const { return {}; }
  /// True until close(), abort() or the end of the stream.
  bool is_open() const { return !ended_; }

 protected:
  /// Passes bytes to the handler.
  void emit_data(ByteView bytes) {
    if (handler_) handler_->on_stream_data(tag_, bytes);
  }
  /// Passes the end of the stream to the handler once and drops it.
  void emit_close(const NetError& why);
  /// Marks the stream as ending (no more writes accepted).
  void mark_ended() { ended_ = true; }

 private:
  struct Functions;
  class FunctionAdapter;
  bool& flush_scheduled() final { return flush_scheduled_; }
  /// The handler that passes events on to a Functions block.
  static StreamHandler* function_adapter();
  /// The function block, creating it (and dropping a StreamHandler) if needed.
  Functions& functions();
  /// Frees the function block if there is one and clears the handler.
  void drop_handler();

  /// Where events go: a StreamHandler, or the one FunctionAdapter, whose
  /// tag is then the address of this stream's Functions block.
  StreamHandler* handler_ = nullptr;
  std::uint64_t tag_ = 0;
  bool ended_ = false;
  bool flush_scheduled_ = false;
};

}  // namespace mq::net
