#pragma once
/// Stream over a connected libuv stream handle (TCP socket or Unix pipe),
/// with writes coalesced per loop iteration.

#include <memory>
#include <string>
#include <vector>

#include "net/loop.hpp"
#include "net/stream.hpp"

struct uv_stream_s;

namespace mq::net {

/// A Stream on a connected uv_tcp_t or uv_pipe_t. Writes queued during a
/// loop iteration go out in one uv_try_write/uv_write of several buffers.
class UvStream final : public Stream, public detail::Flushable, public detail::LoopResource {
 public:
  /// Takes ownership of a connected, heap-allocated handle (uv_tcp_t or
  /// uv_pipe_t created with new); use make() rather than this directly.
  /// An empty `peer` on a TCP handle means: ask the socket when needed.
  UvStream(Loop& loop, uv_stream_s* handle, std::string peer);
  /// Closes the handle without calling on_close.
  ~UvStream() override;

  /// Wraps `handle` and starts reading.
  static std::shared_ptr<UvStream> make(Loop& loop, uv_stream_s* handle, std::string peer);

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
  std::size_t queued_bytes() const override { return pending_bytes_ + inflight_bytes_; }
  /// The address of the peer below.
  std::string peer_address() const override;
  /// Sends the queued buffers (called by the loop at the end of an iteration).
  void flush() override;
  /// Closes the handle and forgets the loop (loop shutdown).
  void detach() override;

 private:
  struct WriteReq;
  void start_reading();
  void fail(const NetError& error);
  void close_handle();
  void maybe_finish_close();
  void on_read(long nread);
  void on_write_done(std::size_t bytes, int status);

  uv_stream_s* handle_;
  /// The peer as given; empty for an accepted TCP socket, whose address
  /// is read from the socket when asked (saves 32 bytes per server connection).
  std::unique_ptr<const std::string> peer_;
  std::vector<std::vector<std::uint8_t>> chunks_;
  std::size_t pending_bytes_ = 0;
  std::size_t inflight_bytes_ = 0;
  std::uint32_t inflight_writes_ = 0;
  bool reading_ = false;
  bool paused_ = false;
  bool closing_ = false;   // graceful close requested
  bool shutting_ = false;  // uv_shutdown issued
  /// Why the stream failed (nullptr: closed by this side). A pointer so that
  /// a stream that never fails, a server's idle connection, stays small.
  std::unique_ptr<NetError> close_error_;
};

}  // namespace mq::net
