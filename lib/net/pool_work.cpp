#include "net/pool_work.hpp"

#include <memory>

#include <uv.h>

namespace mq::net {

namespace {

/// One request: owned by libuv from uv_queue_work to its after-work callback.
struct PoolRequest {
  uv_work_t req{};
  std::function<void()> work;
  std::function<void()> done;
};

}  // namespace

void run_in_pool(Loop& loop, std::function<void()> work, std::function<void()> done) {
  auto r = std::make_unique<PoolRequest>();
  r->req.data = r.get();
  r->work = std::move(work);
  r->done = std::move(done);
  const int rc = uv_queue_work(
      loop.raw(), &r->req, [](uv_work_t* w) { static_cast<PoolRequest*>(w->data)->work(); },
      [](uv_work_t* w, int status) {
        std::unique_ptr<PoolRequest> own(static_cast<PoolRequest*>(w->data));
        if (status == 0) own->done();
      });
  if (rc != 0) {
    // Cannot happen on a live loop; run it here rather than lose the answer.
    r->work();
    r->done();
    return;
  }
  r.release();  // the after-work callback owns it now
}

}  // namespace mq::net
