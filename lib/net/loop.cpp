#include "net/loop.hpp"

#include <algorithm>
#include <cstdlib>

#include "net/uv_stream.hpp"
#include "net/uv_util.hpp"

namespace mq::net {

namespace detail {

LoopResource::LoopResource(Loop& loop) : loop_(&loop) {
  next_ = loop.resources_;
  if (next_) next_->prev_ = this;
  loop.resources_ = this;
}

LoopResource::~LoopResource() { unregister(); }

void LoopResource::unregister() {
  if (!loop_) return;
  if (prev_) prev_->next_ = next_;
  else loop_->resources_ = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  loop_ = nullptr;
}

}  // namespace detail

Loop::Loop()
    : loop_(new uv_loop_t),
      prepare_(new uv_prepare_t),
      check_(new uv_check_t),
      read_buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(kReadBufferSize)) {
  if (uv_loop_init(loop_) != 0) std::abort();  // only fails when out of file descriptors
  loop_->data = this;  // streams find their Loop through their handle
  // Writes queued during an iteration are flushed before the loop blocks
  // (prepare) and after I/O callbacks ran (check); neither keeps it alive.
  uv_prepare_init(loop_, prepare_);
  uv_check_init(loop_, check_);
  prepare_->data = check_->data = this;
  uv_prepare_start(prepare_, [](uv_prepare_t* h) { static_cast<Loop*>(h->data)->after_phase(); });
  uv_check_start(check_, [](uv_check_t* h) { static_cast<Loop*>(h->data)->after_phase(); });
  uv_unref(reinterpret_cast<uv_handle_t*>(prepare_));
  uv_unref(reinterpret_cast<uv_handle_t*>(check_));
}

Loop::~Loop() { close(); }

void Loop::run() {
  if (!closed_) uv_run(loop_, UV_RUN_DEFAULT);
}

bool Loop::run_until(const std::function<bool()>& done) {
  if (closed_) return done();
  if (done()) return true;
  const auto* outer = until_;
  until_ = &done;
  uv_run(loop_, UV_RUN_DEFAULT);
  until_ = outer;
  return done();
}

void Loop::after_phase() {
  flush_all();
  // Stopping here, before the poll, makes libuv poll without blocking.
  if (until_ && (*until_)()) uv_stop(loop_);
}

bool Loop::run_once() { return !closed_ && uv_run(loop_, UV_RUN_ONCE) != 0; }

void Loop::stop() {
  if (!closed_) uv_stop(loop_);
}

std::uint64_t Loop::now_ms() const { return uv_now(loop_); }

void Loop::schedule_flush(detail::FlushTarget* f) {
  if (f->flush_scheduled()) return;
  f->flush_scheduled() = true;
  flush_queue_.push_back(f);
}

void Loop::cancel_flush(detail::FlushTarget* f) {
  if (!f->flush_scheduled()) return;
  f->flush_scheduled() = false;
  std::replace(flush_queue_.begin(), flush_queue_.end(), f, static_cast<detail::FlushTarget*>(nullptr));
}

void Loop::flush_all() {
  // A flush may schedule another (TLS output goes to the TCP stream below),
  // so walk by index while the queue grows.
  for (std::size_t i = 0; i < flush_queue_.size(); ++i) {
    detail::FlushTarget* f = flush_queue_[i];
    if (!f) continue;
    f->flush_scheduled() = false;
    flush_queue_[i] = nullptr;
    f->flush();
  }
  flush_queue_.clear();
}

std::size_t Loop::close() {
  if (closed_) return 0;
  struct Walk {
    Loop* self;
    std::size_t open = 0;
  } walk{this};
  uv_walk(loop_, [](uv_handle_t* h, void* arg) {
    auto* w = static_cast<Walk*>(arg);
    if (h == reinterpret_cast<uv_handle_t*>(w->self->prepare_) || h == reinterpret_cast<uv_handle_t*>(w->self->check_))
      return;
    if (!uv_is_closing(h)) ++w->open;
  }, &walk);

  // Owners close their own handles (so their memory is freed correctly) ...
  while (resources_) resources_->detach();
  // ... streams too (the other TCP and pipe handles are closing by now,
  // and no longer point at an owner); one already closing stays quiet ...
  uv_walk(loop_, [](uv_handle_t* h, void*) {
    if (h->type == UV_TCP || h->type == UV_NAMED_PIPE) UvStream::detach_handle(h);
  }, nullptr);
  // ... and anything else still open is closed without a callback.
  uv_walk(loop_, [](uv_handle_t* h, void*) {
    if (!uv_is_closing(h)) uv_close(h, nullptr);
  }, nullptr);
  // prepare_/check_ were closed by the walk; free them after the run.
  while (uv_run(loop_, UV_RUN_DEFAULT) != 0) {
  }
  delete prepare_;
  delete check_;
  prepare_ = nullptr;
  check_ = nullptr;
  uv_loop_close(loop_);
  delete loop_;
  loop_ = nullptr;
  flush_queue_.clear();
  closed_ = true;
  return walk.open;
}

// ---- Timer ----

Timer::Timer(Loop& loop) : LoopResource(loop) {}

Timer::~Timer() { detach(); }

void Timer::detach() {
  if (handle_) detail::close_and_delete(handle_);
  handle_ = nullptr;
  cb_ = nullptr;
  unregister();
}

void Timer::arm(std::uint64_t delay, std::uint64_t repeat, std::function<void()> cb) {
  if (!loop()) return;
  if (!handle_) {
    handle_ = new uv_timer_t;
    uv_timer_init(loop()->raw(), handle_);
  }
  handle_->data = this;
  cb_ = std::move(cb);
  uv_timer_start(handle_, [](uv_timer_t* h) {
    auto* self = static_cast<Timer*>(h->data);
    if (!self) return;
    // The callback may destroy this Timer: call a copy (repeating) or the
    // moved-out function (one-shot), never the member itself.
    if (uv_timer_get_repeat(h) == 0) {
      auto cb = std::move(self->cb_);
      self->cb_ = nullptr;
      if (cb) cb();
    } else {
      auto cb = self->cb_;
      if (cb) cb();
    }
  }, delay, repeat);
}

void Timer::start(std::chrono::milliseconds delay, std::function<void()> cb) {
  arm(static_cast<std::uint64_t>(std::max<std::int64_t>(0, delay.count())), 0, std::move(cb));
}

void Timer::start_repeating(std::chrono::milliseconds interval, std::function<void()> cb) {
  auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(1, interval.count()));
  arm(ms, ms, std::move(cb));
}

void Timer::stop() {
  if (handle_) uv_timer_stop(handle_);
  cb_ = nullptr;
}

bool Timer::active() const { return handle_ && uv_is_active(reinterpret_cast<const uv_handle_t*>(handle_)); }

// ---- SignalWatcher ----

SignalWatcher::SignalWatcher(Loop& loop, int signum, std::function<void(int)> cb)
    : LoopResource(loop), handle_(new uv_signal_t), cb_(std::move(cb)) {
  uv_signal_init(loop.raw(), handle_);
  handle_->data = this;
  uv_signal_start(handle_, [](uv_signal_t* h, int sig) {
    auto* self = static_cast<SignalWatcher*>(h->data);
    if (!self) return;
    auto cb = self->cb_;  // the callback may destroy the watcher
    if (cb) cb(sig);
  }, signum);
  uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
}

SignalWatcher::~SignalWatcher() { detach(); }

void SignalWatcher::detach() {
  if (handle_) detail::close_and_delete(handle_);
  handle_ = nullptr;
  cb_ = nullptr;
  unregister();
}

// ---- Wakeup ----

Wakeup::Wakeup(Loop& loop, std::function<void()> cb) : LoopResource(loop), handle_(new uv_async_t), cb_(std::move(cb)) {
  handle_->data = this;
  uv_async_init(loop.raw(), handle_, [](uv_async_t* h) {
    auto* self = static_cast<Wakeup*>(h->data);
    if (!self) return;
    auto cb = self->cb_;  // the callback may destroy the wake-up
    if (cb) cb();
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
}

Wakeup::~Wakeup() { detach(); }

void Wakeup::notify() {
  if (handle_) uv_async_send(handle_);
}

void Wakeup::detach() {
  if (handle_) detail::close_and_delete(handle_);
  handle_ = nullptr;
  cb_ = nullptr;
  unregister();
}

}  // namespace mq::net
