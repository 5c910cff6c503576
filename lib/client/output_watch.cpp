#include "client/output_watch.hpp"

#include <sys/stat.h>
#include <uv.h>

namespace mq::client {

OutputWatch::OutputWatch(net::Loop& loop, int fd, std::function<void()> on_gone)
    : LoopResource(loop), on_gone_(std::move(on_gone)) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) return;
  handle_ = new uv_poll_t;
  if (uv_poll_init(loop.raw(), handle_, fd) != 0) {
    delete handle_;
    handle_ = nullptr;
    return;
  }
  handle_->data = this;
  // Asking for no readiness at all still reports the error and hang-up
  // conditions a pipe shows once its reader has closed it.
  uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
  uv_poll_start(handle_, UV_DISCONNECT, [](uv_poll_t* h, int, int) {
    auto* self = static_cast<OutputWatch*>(h->data);
    if (!self) return;
    uv_poll_stop(h);
    auto cb = std::move(self->on_gone_);
    if (cb) cb();
  });
}

OutputWatch::~OutputWatch() { detach(); }

void OutputWatch::detach() {
  if (handle_) {
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }
  unregister();
}

}  // namespace mq::client
