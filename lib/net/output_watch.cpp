#include "net/output_watch.hpp"

#include <sys/stat.h>

#include "net/uv_util.hpp"

namespace mq::net {

OutputWatch::OutputWatch(Loop& loop, int fd, std::function<void()> on_gone)
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
    detail::close_and_delete(handle_);
    handle_ = nullptr;
  }
  unregister();
}

}  // namespace mq::net
