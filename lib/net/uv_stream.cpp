#include "net/uv_stream.hpp"

#include <cstring>

#include "net/socket_connect.hpp"
#include "net/uv_util.hpp"

namespace mq::net {
namespace {
/// Small writes are appended to the last queued buffer up to this size;
/// bigger ones get a buffer of their own.
constexpr std::size_t kCoalesceLimit = 64 * 1024;
/// At most this many buffers go to one write call (below IOV_MAX).
constexpr std::size_t kMaxBufs = 512;
/// After a round of at most this many bytes the write buffer is freed.
constexpr std::size_t kKeepBufferAbove = 256;
}  // namespace

/// A uv_write request that owns its buffers until the write callback.
struct UvStream::WriteReq {
  uv_write_t req;
  std::vector<std::vector<std::uint8_t>> chunks;
  std::size_t bytes = 0;
};

UvStream::UvStream(Loop& loop, uv_stream_s* handle, std::string peer)
    : LoopResource(loop),
      handle_(handle),
      peer_(peer.empty() && handle->type == UV_TCP ? nullptr : std::make_unique<const std::string>(std::move(peer))) {
  handle_->data = this;
}

std::shared_ptr<UvStream> UvStream::make(Loop& loop, uv_stream_s* handle, std::string peer) {
  auto s = std::make_shared<UvStream>(loop, handle, std::move(peer));
  s->start_reading();
  return s;
}

UvStream::~UvStream() { detach(); }

std::string UvStream::peer_address() const {
  if (peer_) return *peer_;
  if (!handle_) return {};
  sockaddr_storage addr{};
  int len = sizeof addr;
  // Fails once the peer reset the connection: error messages then say so.
  if (uv_tcp_getpeername(reinterpret_cast<const uv_tcp_t*>(handle_), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return "unknown peer";
  return sockaddr_text(&addr);
}

void UvStream::detach() {
  if (Loop* l = loop()) l->cancel_flush(this);
  if (handle_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(handle_))) {
    auto* h = handle_;
    h->data = nullptr;
    if (h->type == UV_TCP) detail::close_and_delete(reinterpret_cast<uv_tcp_t*>(h));
    else detail::close_and_delete(reinterpret_cast<uv_pipe_t*>(h));
  } else if (handle_) {
    handle_->data = nullptr;  // close already under way; its callback frees it
  }
  handle_ = nullptr;
  mark_ended();
  unregister();
}

void UvStream::start_reading() {
  if (!handle_ || reading_ || paused_ || closing_) return;
  reading_ = true;
  uv_read_start(
      handle_,
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        auto* self = static_cast<UvStream*>(h->data);
        auto rb = self->loop()->read_buffer();
        *buf = uv_buf_init(reinterpret_cast<char*>(rb.data()), static_cast<unsigned>(rb.size()));
      },
      [](uv_stream_t* h, ssize_t nread, const uv_buf_t*) {
        auto* self = static_cast<UvStream*>(h->data);
        if (self) self->on_read(nread);
      });
}

void UvStream::on_read(long nread) {
  if (nread == 0) return;  // EAGAIN; nothing to do
  auto keep = shared_from_this();
  if (nread > 0) {
    emit_data(ByteView(loop()->read_buffer().data(), static_cast<std::size_t>(nread)));
    return;
  }
  if (nread == UV_EOF) {
    fail(NetError{NetErrc::PeerClosed, "connection closed by " + peer_address()});
  } else {
    fail(from_uv(static_cast<int>(nread), NetErrc::Io, "reading from " + peer_address()));
  }
}

void UvStream::write(ByteView bytes) {
  if (!handle_ || closing_ || bytes.empty()) return;
  if (chunks_.empty() || chunks_.back().size() + bytes.size() > kCoalesceLimit) {
    if (!chunks_.empty() && chunks_.back().empty()) {
      // reuse the kept buffer
    } else {
      chunks_.emplace_back();
    }
  }
  auto& last = chunks_.back();
  last.insert(last.end(), bytes.begin(), bytes.end());
  pending_bytes_ += bytes.size();
  loop()->schedule_flush(this);
}

void UvStream::write(std::vector<std::uint8_t>&& bytes) {
  if (bytes.size() < 4096) {
    write(ByteView(bytes));
    return;
  }
  if (!handle_ || closing_) return;
  pending_bytes_ += bytes.size();
  if (!chunks_.empty() && chunks_.back().empty()) chunks_.back() = std::move(bytes);
  else chunks_.push_back(std::move(bytes));
  loop()->schedule_flush(this);
}

void UvStream::flush() {
  if (!handle_ || pending_bytes_ == 0) return;
  std::size_t skip = 0;
  if (inflight_writes_ == 0) {
    // Nothing queued in libuv: try to hand everything to the kernel now,
    // which avoids allocating a write request in the common case.
    uv_buf_t bufs[kMaxBufs];
    unsigned n = 0;
    for (auto& c : chunks_) {
      if (n == kMaxBufs) break;
      if (!c.empty()) bufs[n++] = uv_buf_init(reinterpret_cast<char*>(c.data()), static_cast<unsigned>(c.size()));
    }
    int r = uv_try_write(handle_, bufs, n);
    if (r < 0 && r != UV_EAGAIN) {
      fail(from_uv(r, NetErrc::Io, "writing to " + peer_address()));
      return;
    }
    skip = r > 0 ? static_cast<std::size_t>(r) : 0;
    if (skip == pending_bytes_) {
      // A busy stream keeps one buffer's capacity for the next round; one
      // that wrote a few bytes (an acknowledgement) frees it, so that idle
      // connections hold no buffers.
      if (pending_bytes_ > kKeepBufferAbove) {
        chunks_.resize(1);
        chunks_[0].clear();
      } else {
        std::vector<std::vector<std::uint8_t>>().swap(chunks_);
      }
      pending_bytes_ = 0;
      maybe_finish_close();
      return;
    }
  }
  auto* req = new WriteReq;
  req->chunks = std::move(chunks_);
  chunks_.clear();
  req->bytes = pending_bytes_ - skip;
  std::vector<uv_buf_t> bufs;
  bufs.reserve(req->chunks.size());
  for (auto& c : req->chunks) {
    if (skip >= c.size()) {
      skip -= c.size();
      continue;
    }
    bufs.push_back(uv_buf_init(reinterpret_cast<char*>(c.data() + skip), static_cast<unsigned>(c.size() - skip)));
    skip = 0;
  }
  inflight_bytes_ += req->bytes;
  pending_bytes_ = 0;
  ++inflight_writes_;
  req->req.data = req;
  int r = uv_write(&req->req, handle_, bufs.data(), static_cast<unsigned>(bufs.size()), [](uv_write_t* w, int status) {
    auto* wr = static_cast<WriteReq*>(w->data);
    // The handle outlives its write callbacks; its data is cleared when the
    // stream object goes away first.
    auto* self = static_cast<UvStream*>(w->handle->data);
    std::size_t bytes = wr->bytes;
    delete wr;  // the buffers live until here
    if (self) self->on_write_done(bytes, status);
  });
  if (r != 0) {
    --inflight_writes_;
    inflight_bytes_ -= req->bytes;
    delete req;
    fail(from_uv(r, NetErrc::Io, "writing to " + peer_address()));
  }
}

void UvStream::on_write_done(std::size_t bytes, int status) {
  --inflight_writes_;
  inflight_bytes_ -= bytes;
  if (!handle_) return;
  auto keep = shared_from_this();
  if (status < 0) {
    if (status != UV_ECANCELED) fail(from_uv(status, NetErrc::Io, "writing to " + peer_address()));
    return;
  }
  maybe_finish_close();
}

void UvStream::close() {
  if (!handle_ || closing_) return;
  closing_ = true;
  mark_ended();
  if (reading_) uv_read_stop(handle_);
  reading_ = false;
  flush();
  maybe_finish_close();
}

void UvStream::maybe_finish_close() {
  if (!closing_ || shutting_ || !handle_ || pending_bytes_ > 0 || inflight_writes_ > 0) return;
  shutting_ = true;
  auto* req = new uv_shutdown_t;
  int r = uv_shutdown(req, handle_, [](uv_shutdown_t* q, int) {
    auto* self = static_cast<UvStream*>(q->handle->data);
    delete q;
    if (self && self->handle_) self->close_handle();
  });
  if (r != 0) {
    delete req;
    close_handle();
  }
}

void UvStream::abort() {
  if (!handle_) return;
  close_handle();
}

void UvStream::fail(const NetError& error) {
  if (!handle_) return;
  if (!close_error_) close_error_ = std::make_unique<NetError>(error);
  close_handle();
}

void UvStream::close_handle() {
  auto* h = reinterpret_cast<uv_handle_t*>(handle_);
  if (uv_is_closing(h)) return;
  mark_ended();
  if (Loop* l = loop()) l->cancel_flush(this);
  chunks_.clear();
  pending_bytes_ = 0;
  // The handle is freed in the close callback; the stream learns about it
  // through h->data, which detach() clears if the stream goes away first.
  uv_close(h, [](uv_handle_t* closed) {
    auto* self = static_cast<UvStream*>(closed->data);
    if (closed->type == UV_TCP) delete reinterpret_cast<uv_tcp_t*>(closed);
    else delete reinterpret_cast<uv_pipe_t*>(closed);
    if (!self) return;
    self->handle_ = nullptr;
    auto keep = self->shared_from_this();
    self->unregister();
    self->emit_close(self->close_error_ ? *self->close_error_ : NetError{});
  });
}

void UvStream::pause_reading() {
  paused_ = true;
  if (handle_ && reading_) uv_read_stop(handle_);
  reading_ = false;
}

void UvStream::resume_reading() {
  paused_ = false;
  start_reading();
}

}  // namespace mq::net
