#pragma once
/// Reads a file descriptor (stdin) on the loop without ever blocking it, so
/// a slow producer on a pipe or a terminal does not stop keepalive pings or
/// acknowledgements. Pipes, terminals and sockets are read when data is
/// ready; anything else (regular files, /dev/null, /dev/zero), which epoll
/// cannot watch, is read in chunks, one chunk per loop iteration (at most
/// one per millisecond).
/// Pausing gives back-pressure: nothing more is read until resume().

#include <functional>
#include <memory>
#include <vector>

#include "codec/types.hpp"
#include "net/error.hpp"
#include "net/loop.hpp"
#include "net/stream.hpp"

namespace mq::net {

class InputStream {
 public:
  /// Receives the next bytes; the view is valid only during the call.
  using DataHandler = std::function<void(ByteView)>;
  /// Called once at the end of the input (code None) or on a read error.
  using EndHandler = std::function<void(const NetError&)>;

  /// Does nothing until start(). `fd` stays open (it is not ours).
  InputStream(Loop& loop, int fd, DataHandler on_data, EndHandler on_end);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  /// Begins reading.
  void start();
  /// Stops delivering data until resume().
  void pause();
  /// Delivers data again.
  void resume();
  /// Stops for good (no end handler call).
  void stop();

 private:
  void read_file_chunk();
  void schedule_file_read();
  void finish(const NetError& error);

  Loop& loop_;
  int fd_;
  DataHandler on_data_;
  EndHandler on_end_;
  bool regular_file_ = false;  ///< not pollable: read in chunks on a zero timer
  bool paused_ = false;
  bool done_ = false;
  int own_fd_ = -1;  ///< a separate open of the pipe or terminal, so O_NONBLOCK does not leak to the shell
  std::shared_ptr<Stream> stream_;
  Timer timer_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace mq::net
