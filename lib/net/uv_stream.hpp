#pragma once
/// Stream over a connected libuv stream handle (TCP socket or Unix pipe),
/// with writes coalesced per loop iteration.

#include <cstdint>
#include <memory>
#include <string>

#include "net/loop.hpp"
#include "net/stream.hpp"

struct uv_stream_s;
struct uv_handle_s;

namespace mq::net {

/// A Stream on a connected uv_tcp_t or uv_pipe_t. Writes queued during a
/// loop iteration go out in one uv_try_write/uv_write of several buffers.
///
/// An accepted connection's handle lives in the same heap block as the
/// stream and its shared_ptr control block; the block is freed when both
/// the last reference is gone and libuv has closed the handle, whichever
/// comes last. An idle stream holds nothing else: output, a peer name given
/// by the caller and the failure reason live in a side block that exists
/// only while needed.
class UvStream final : public Stream {
 public:
  /// Which of the two ways the handle is owned.
  enum class Owned : std::uint8_t {
    Heap,   ///< created with new; the close callback deletes it
    Block,  ///< inside this stream's block (accept())
  };
  /// Use make() or accept().
  UvStream(uv_stream_s* handle, std::string peer, Owned owned);
  /// Closes the handle without calling on_close.
  ~UvStream() override;

  /// Takes ownership of a connected, heap-allocated handle (uv_tcp_t or
  /// uv_pipe_t created with new), wraps it and starts reading. An empty
  /// `peer` on a TCP handle means: ask the socket when needed.
  static std::shared_ptr<UvStream> make(Loop& loop, uv_stream_s* handle, std::string peer);
  /// Accepts a connection waiting on the listening `server` into a handle
  /// of the stream's own block and starts reading. A Unix socket stream is
  /// named `peer`. On failure returns nullptr and sets `error` (a libuv code).
  static std::shared_ptr<UvStream> accept(uv_stream_s* server, const std::string& peer, int& error,
                                           bool tcp_nodelay = true);
  /// For Loop::close(): closes the handle of the stream `handle` belongs
  /// to, if a stream still owns it, without calling on_close. `handle` must
  /// be a TCP or pipe handle.
  static void detach_handle(uv_handle_s* handle);

  /// Queues a copy of `bytes` (see Stream::write).
  void write(ByteView bytes) override;
  /// Queues `bytes`, taking the buffer when it is large.
  void write(std::vector<std::uint8_t>&& bytes) override;
  /// Sends what is queued, then closes (see Stream::close).
  void close() override;
  /// Closes at once (see Stream::abort).
  void abort() override;
  /// Stops reading from the socket below.
  void pause_reading() override;
  /// Reads from the socket below again.
  void resume_reading() override;
  /// Bytes written but not yet taken by the kernel.
  std::size_t queued_bytes() const override;
  /// The address of the peer below.
  std::string peer_address() const override;
  /// Sends the queued buffers (called by the loop at the end of an iteration).
  void flush() override;

 private:
  struct Side;
  struct WriteReq;
  friend struct UvStreamCallbacks;
  /// The loop of the open handle, nullptr once closed or detached.
  Loop* loop() const;
  /// The side block, created when first needed.
  Side& side();
  /// Frees the side block when it holds nothing worth keeping.
  void trim_side();
  void start_reading();
  void fail(const NetError& error);
  void close_handle();
  void detach();
  void handle_closed();
  void maybe_finish_close();
  void on_read(long nread);
  void on_write_done(std::size_t bytes, int status);

  // The flags first: they fill the spare bytes at the end of Stream.
  bool reading_ : 1 = false;
  bool paused_ : 1 = false;
  bool closing_ : 1 = false;   // graceful close requested
  bool shutting_ : 1 = false;  // uv_shutdown issued
  bool in_block_ : 1 = false;  // Owned::Block
  uv_stream_s* handle_;
  /// Output queue, counters, the given peer name and the failure reason.
  std::unique_ptr<Side> side_;
};

}  // namespace mq::net
