#include "net/input_stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "net/uv_stream.hpp"
#include "net/uv_util.hpp"

namespace mq::net {

namespace {
/// Bytes read from a regular file per loop iteration.
constexpr std::size_t kFileChunk = 256 * 1024;
}  // namespace

InputStream::InputStream(Loop& loop, int fd, DataHandler on_data, EndHandler on_end)
    : loop_(loop), fd_(fd), on_data_(std::move(on_data)), on_end_(std::move(on_end)), timer_(loop) {}

InputStream::~InputStream() { stop(); }

void InputStream::stop() {
  done_ = true;
  timer_.stop();
  if (stream_) {
    auto s = std::move(stream_);
    s->on_data(nullptr);
    s->on_close(nullptr);
    s->abort();
  }
}

void InputStream::start() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    finish(NetError{NetErrc::Io, std::string("cannot read the input: ") + std::strerror(errno)});
    return;
  }
  // Only pipes, sockets and terminals can be polled. Everything else
  // (regular files, /dev/null, /dev/zero, block devices) is always ready and
  // epoll refuses it, so it is read in chunks like a file: cron and systemd
  // give jobs /dev/null as stdin.
  const bool pollable = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || ::isatty(fd_) == 1;
  if (!pollable) {
    regular_file_ = true;
    schedule_file_read();
    return;
  }
  // A pipe or terminal: open it again to get a file description of our own
  // (libuv makes it non-blocking), else fall back to a duplicate.
  std::string path = "/proc/self/fd/" + std::to_string(fd_);
  own_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (own_fd_ < 0) own_fd_ = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (own_fd_ < 0) {
    finish(NetError{NetErrc::Io, std::string("cannot read the input: ") + std::strerror(errno)});
    return;
  }
  auto* pipe = new uv_pipe_t;
  int rc = uv_pipe_init(loop_.raw(), pipe, 0);
  if (rc == 0) rc = uv_pipe_open(pipe, own_fd_);
  if (rc != 0) {
    detail::close_and_delete(pipe);
    ::close(own_fd_);
    finish(from_uv(rc, NetErrc::Io, "reading the input"));
    return;
  }
  stream_ = UvStream::make(loop_, reinterpret_cast<uv_stream_t*>(pipe), "stdin");
  stream_->on_data([this](ByteView bytes) { on_data_(bytes); });
  stream_->on_close([this](const NetError& e) {
    stream_.reset();
    finish(e.code == NetErrc::PeerClosed ? NetError{} : e);
  });
  if (paused_) stream_->pause_reading();
}

void InputStream::schedule_file_read() {
  if (done_ || paused_ || timer_.active()) return;
  // 1 ms, not 0: libuv 1.44 runs a zero timer started from a timer callback
  // in the same pass, so a file that never ends (/dev/zero) or never pauses
  // the reader would keep the loop from signals and the network for ever.
  timer_.start(std::chrono::milliseconds(1), [this] { read_file_chunk(); });
}

void InputStream::read_file_chunk() {
  if (done_ || paused_) return;
  buffer_.resize(kFileChunk);
  ssize_t n;
  do {
    n = ::read(fd_, buffer_.data(), buffer_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    finish(NetError{NetErrc::Io, std::string("reading the input: ") + std::strerror(errno)});
    return;
  }
  if (n == 0) {
    finish(NetError{});
    return;
  }
  on_data_(ByteView(buffer_.data(), static_cast<std::size_t>(n)));
  schedule_file_read();
}

void InputStream::pause() {
  paused_ = true;
  if (stream_) stream_->pause_reading();
}

void InputStream::resume() {
  if (!paused_) return;
  paused_ = false;
  if (stream_) stream_->resume_reading();
  else if (regular_file_) schedule_file_read();
}

void InputStream::finish(const NetError& error) {
  if (done_) return;
  done_ = true;
  timer_.stop();
  if (on_end_) on_end_(error);
}

}  // namespace mq::net
