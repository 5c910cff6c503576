#include "net/precise_timer.hpp"

#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "net/uv_util.hpp"

namespace mq::net {

PreciseTimer::PreciseTimer(Loop& loop, std::function<void()> cb) : LoopResource(loop), cb_(std::move(cb)) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) return;
  poll_ = new uv_poll_t;
  uv_poll_init(loop.raw(), poll_, fd_);
  poll_->data = this;
}

PreciseTimer::~PreciseTimer() { detach(); }

void PreciseTimer::detach() {
  if (poll_) detail::close_and_delete(poll_);
  poll_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  cb_ = nullptr;
  unregister();
}

void PreciseTimer::start_at(std::int64_t monotonic_ns) {
  if (!poll_) return;
  itimerspec spec{};
  // 0 would disarm: a time already passed is made the smallest one.
  if (monotonic_ns <= 0) monotonic_ns = 1;
  spec.it_value.tv_sec = monotonic_ns / 1'000'000'000;
  spec.it_value.tv_nsec = monotonic_ns % 1'000'000'000;
  timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  // The poll stays started between firings (the fd is only readable when
  // it expired): no epoll_ctl per firing.
  if (armed_) return;
  armed_ = true;
  uv_poll_start(poll_, UV_READABLE, [](uv_poll_t* h, int, int) {
    auto* self = static_cast<PreciseTimer*>(h->data);
    if (!self) return;
    std::uint64_t expirations = 0;
    if (::read(self->fd_, &expirations, sizeof expirations) != sizeof expirations) return;  // re-armed meanwhile
    auto cb = self->cb_;  // the callback may destroy the timer or re-arm it
    if (cb) cb();
  });
}

void PreciseTimer::stop() {
  if (!poll_ || !armed_) return;
  itimerspec spec{};
  timerfd_settime(fd_, 0, &spec, nullptr);
  uv_poll_stop(poll_);  // also lets the loop end
  armed_ = false;
}

}  // namespace mq::net
