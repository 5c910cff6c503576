#include "net/uv_stream.hpp"

#include <cstring>
#include <new>
#include <optional>
#include <utility>
#include <vector>

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

/// Marks in the `data` of a handle inside a stream's block, besides the
/// stream itself: the handle is closing and its stream is gone or no longer
/// wants to hear about it ...
char detached_mark;
/// ... the close callback has run, so the block may be freed ...
char closed_mark;
/// ... and nullptr: the stream's storage was released while the handle was
/// still closing, so the close callback frees the block.
void* const kDetached = &detached_mark;
void* const kClosed = &closed_mark;

/// The handle of the block allocate() made last on this thread, taken by
/// the stream constructed in it.
thread_local uv_stream_t* t_block_handle = nullptr;

/// Allocates a stream's block (shared_ptr control block and stream) behind
/// room for its libuv handle H, and frees it only when both the stream's
/// storage is released and the handle is closed.
template <typename T, typename H>
struct HandleBlockAllocator {
  using value_type = T;
  HandleBlockAllocator() = default;
  template <typename U>
  HandleBlockAllocator(const HandleBlockAllocator<U, H>&) {}  // NOLINT: rebinding

  /// Bytes before the T: the handle, padded to T's alignment.
  static constexpr std::size_t kOffset = (sizeof(H) + alignof(T) - 1) / alignof(T) * alignof(T);

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    auto* block = static_cast<char*>(::operator new(kOffset + n * sizeof(T)));
    auto* handle = reinterpret_cast<H*>(block);
    handle->data = kClosed;  // not initialised yet: nothing to wait for
    t_block_handle = reinterpret_cast<uv_stream_t*>(handle);
    return reinterpret_cast<T*>(block + kOffset);
  }
  void deallocate(T* p, std::size_t) {
    char* block = reinterpret_cast<char*>(p) - kOffset;
    auto* handle = reinterpret_cast<uv_handle_t*>(block);
    if (handle->data == kClosed) ::operator delete(block);
    else handle->data = nullptr;  // still closing: the close callback frees it
  }
  template <typename U>
  bool operator==(const HandleBlockAllocator<U, H>&) const {
    return true;
  }
};
}  // namespace

/// What an idle stream does not need: queued output, a peer name given by
/// the caller and why the stream failed.
struct UvStream::Side {
  std::vector<std::vector<std::uint8_t>> chunks;
  std::size_t pending_bytes = 0;
  std::size_t inflight_bytes = 0;
  std::uint32_t inflight_writes = 0;
  std::string peer;
  std::optional<NetError> error;
};

/// A uv_write request that owns its buffers until the write callback.
struct UvStream::WriteReq {
  uv_write_t req;
  std::vector<std::vector<std::uint8_t>> chunks;
  std::size_t bytes = 0;
};

/// libuv callbacks, which reach the stream through the handle's data.
struct UvStreamCallbacks {
  /// The stream that owns `h`, or nullptr when none is listening.
  static UvStream* owner(const uv_handle_t* h) {
    void* d = h->data;
    return d == kDetached || d == kClosed ? nullptr : static_cast<UvStream*>(d);
  }
  static UvStream* owner(const uv_stream_t* h) { return owner(reinterpret_cast<const uv_handle_t*>(h)); }

  /// Close callback of a handle created with new.
  static void heap_closed(uv_handle_t* h) {
    UvStream* self = owner(h);
    if (h->type == UV_TCP) delete reinterpret_cast<uv_tcp_t*>(h);
    else delete reinterpret_cast<uv_pipe_t*>(h);
    if (self) self->handle_closed();
  }
  /// Close callback of a handle inside a stream's block.
  static void block_closed(uv_handle_t* h) {
    void* data = h->data;
    h->data = kClosed;  // first: the stream may release the block below
    if (!data) ::operator delete(h);  // the block starts with the handle
    else if (data != kDetached) static_cast<UvStream*>(data)->handle_closed();
  }
};

UvStream::UvStream(uv_stream_s* handle, std::string peer, Owned owned)
    : in_block_(owned == Owned::Block), handle_(in_block_ ? std::exchange(t_block_handle, nullptr) : handle) {
  if (!peer.empty()) side().peer = std::move(peer);
  if (!in_block_) handle_->data = this;  // a block's handle is set up by accept()
}

std::shared_ptr<UvStream> UvStream::make(Loop&, uv_stream_s* handle, std::string peer) {
  auto s = std::make_shared<UvStream>(handle, std::move(peer), Owned::Heap);
  s->start_reading();
  return s;
}

std::shared_ptr<UvStream> UvStream::accept(uv_stream_s* server, const std::string& peer, int& error,
                                           bool tcp_nodelay) {
  std::shared_ptr<UvStream> s;
  if (server->type == UV_TCP) {
    s = std::allocate_shared<UvStream>(HandleBlockAllocator<UvStream, uv_tcp_t>{}, nullptr, std::string(), Owned::Block);
    uv_tcp_init(server->loop, reinterpret_cast<uv_tcp_t*>(s->handle_));
  } else {
    s = std::allocate_shared<UvStream>(HandleBlockAllocator<UvStream, uv_pipe_t>{}, nullptr, peer, Owned::Block);
    uv_pipe_init(server->loop, reinterpret_cast<uv_pipe_t*>(s->handle_), 0);
  }
  // From here on the destructor has an initialised handle to close.
  s->handle_->data = s.get();
  error = uv_accept(server, s->handle_);
  if (error != 0) return nullptr;
  if (s->handle_->type == UV_TCP) uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(s->handle_), tcp_nodelay ? 1 : 0);
  s->start_reading();
  return s;
}

UvStream::~UvStream() { detach(); }

void UvStream::detach_handle(uv_handle_s* handle) {
  if (UvStream* self = UvStreamCallbacks::owner(handle)) self->detach();
}

Loop* UvStream::loop() const { return handle_ ? static_cast<Loop*>(handle_->loop->data) : nullptr; }

UvStream::Side& UvStream::side() {
  if (!side_) side_ = std::make_unique<Side>();
  return *side_;
}

void UvStream::trim_side() {
  if (side_ && side_->chunks.capacity() == 0 && side_->pending_bytes == 0 && side_->inflight_writes == 0 &&
      side_->peer.empty() && !side_->error)
    side_.reset();
}

std::size_t UvStream::queued_bytes() const { return side_ ? side_->pending_bytes + side_->inflight_bytes : 0; }

std::string UvStream::peer_address() const {
  if (side_ && !side_->peer.empty()) return side_->peer;
  if (!handle_ || handle_->type != UV_TCP) return {};
  sockaddr_storage addr{};
  int len = sizeof addr;
  // Fails once the peer reset the connection: error messages then say so.
  if (uv_tcp_getpeername(reinterpret_cast<const uv_tcp_t*>(handle_), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return "unknown peer";
  return sockaddr_text(&addr);
}

void UvStream::detach() {
  if (!handle_) return;
  if (Loop* l = loop()) l->cancel_flush(this);
  auto* h = reinterpret_cast<uv_handle_t*>(handle_);
  if (!uv_is_closing(h)) uv_close(h, in_block_ ? UvStreamCallbacks::block_closed : UvStreamCallbacks::heap_closed);
  // Whether just closed or already closing, its callback must not come here.
  h->data = in_block_ ? kDetached : nullptr;
  handle_ = nullptr;
  mark_ended();
}

void UvStream::start_reading() {
  if (!handle_ || reading_ || paused_ || closing_) return;
  reading_ = true;
  uv_read_start(
      handle_,
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        auto rb = static_cast<Loop*>(h->loop->data)->read_buffer();
        *buf = uv_buf_init(reinterpret_cast<char*>(rb.data()), static_cast<unsigned>(rb.size()));
      },
      [](uv_stream_t* h, ssize_t nread, const uv_buf_t*) {
        if (UvStream* self = UvStreamCallbacks::owner(h)) self->on_read(nread);
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
  Side& s = side();
  auto& chunks = s.chunks;
  if (chunks.empty() || chunks.back().size() + bytes.size() > kCoalesceLimit) {
    if (!chunks.empty() && chunks.back().empty()) {
      // reuse the kept buffer
    } else {
      chunks.emplace_back();
    }
  }
  auto& last = chunks.back();
  last.insert(last.end(), bytes.begin(), bytes.end());
  s.pending_bytes += bytes.size();
  loop()->schedule_flush(this);
}

void UvStream::write(std::vector<std::uint8_t>&& bytes) {
  if (bytes.size() < 4096) {
    write(ByteView(bytes));
    return;
  }
  if (!handle_ || closing_) return;
  Side& s = side();
  s.pending_bytes += bytes.size();
  if (!s.chunks.empty() && s.chunks.back().empty()) s.chunks.back() = std::move(bytes);
  else s.chunks.push_back(std::move(bytes));
  loop()->schedule_flush(this);
}

void UvStream::flush() {
  if (!handle_ || !side_ || side_->pending_bytes == 0) return;
  Side& s = *side_;
  std::size_t skip = 0;
  if (s.inflight_writes == 0) {
    // Nothing queued in libuv: try to hand everything to the kernel now,
    // which avoids allocating a write request in the common case.
    uv_buf_t bufs[kMaxBufs];
    unsigned n = 0;
    for (auto& c : s.chunks) {
      if (n == kMaxBufs) break;
      if (!c.empty()) bufs[n++] = uv_buf_init(reinterpret_cast<char*>(c.data()), static_cast<unsigned>(c.size()));
    }
    int r = uv_try_write(handle_, bufs, n);
    if (r < 0 && r != UV_EAGAIN) {
      fail(from_uv(r, NetErrc::Io, "writing to " + peer_address()));
      return;
    }
    skip = r > 0 ? static_cast<std::size_t>(r) : 0;
    if (skip == s.pending_bytes) {
      // A busy stream keeps one buffer's capacity for the next round; one
      // that wrote a few bytes (an acknowledgement) frees it, so that idle
      // connections hold no buffers.
      if (s.pending_bytes > kKeepBufferAbove) {
        s.chunks.resize(1);
        s.chunks[0].clear();
        s.pending_bytes = 0;
      } else {
        std::vector<std::vector<std::uint8_t>>().swap(s.chunks);
        s.pending_bytes = 0;
        trim_side();
      }
      maybe_finish_close();
      return;
    }
  }
  auto* req = new WriteReq;
  req->chunks = std::move(s.chunks);
  std::vector<std::vector<std::uint8_t>>().swap(s.chunks);
  req->bytes = s.pending_bytes - skip;
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
  s.inflight_bytes += req->bytes;
  s.pending_bytes = 0;
  ++s.inflight_writes;
  req->req.data = req;
  int r = uv_write(&req->req, handle_, bufs.data(), static_cast<unsigned>(bufs.size()), [](uv_write_t* w, int status) {
    auto* wr = static_cast<WriteReq*>(w->data);
    // The handle outlives its write callbacks; its data no longer names
    // the stream when the stream went away first.
    UvStream* self = UvStreamCallbacks::owner(w->handle);
    std::size_t bytes = wr->bytes;
    delete wr;  // the buffers live until here
    if (self) self->on_write_done(bytes, status);
  });
  if (r != 0) {
    --s.inflight_writes;
    s.inflight_bytes -= req->bytes;
    delete req;
    fail(from_uv(r, NetErrc::Io, "writing to " + peer_address()));
  }
}

void UvStream::on_write_done(std::size_t bytes, int status) {
  Side& s = side();
  --s.inflight_writes;
  s.inflight_bytes -= bytes;
  if (!handle_) return;
  auto keep = shared_from_this();
  if (status < 0) {
    if (status != UV_ECANCELED) fail(from_uv(status, NetErrc::Io, "writing to " + peer_address()));
    return;
  }
  trim_side();
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
  if (!closing_ || shutting_ || !handle_ || queued_bytes() > 0 || (side_ && side_->inflight_writes > 0)) return;
  shutting_ = true;
  auto* req = new uv_shutdown_t;
  int r = uv_shutdown(req, handle_, [](uv_shutdown_t* q, int) {
    UvStream* self = UvStreamCallbacks::owner(q->handle);
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
  Side& s = side();
  if (!s.error) s.error = error;
  close_handle();
}

void UvStream::close_handle() {
  auto* h = reinterpret_cast<uv_handle_t*>(handle_);
  if (uv_is_closing(h)) return;
  mark_ended();
  if (Loop* l = loop()) l->cancel_flush(this);
  if (side_) {
    side_->chunks.clear();
    side_->pending_bytes = 0;
  }
  // The stream hears of the end through h->data, which detach() changes if
  // the stream goes away first.
  uv_close(h, in_block_ ? UvStreamCallbacks::block_closed : UvStreamCallbacks::heap_closed);
}

void UvStream::handle_closed() {
  handle_ = nullptr;
  auto keep = shared_from_this();
  emit_close(side_ && side_->error ? *side_->error : NetError{});
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
