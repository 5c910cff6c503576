#pragma once
/// Notices when the reader of an output pipe goes away (`mqsub | head -n1`)
/// even while nothing is being written, so a subscriber can end at once
/// instead of waiting for the next message to hit EPIPE.

#include <functional>

#include "net/loop.hpp"

struct uv_poll_s;

namespace mq::net {

class OutputWatch : public detail::LoopResource {
 public:
  /// Watches `fd` when it is a pipe or socket (otherwise does nothing);
  /// `on_gone` is called once when its reader has closed it.
  OutputWatch(Loop& loop, int fd, std::function<void()> on_gone);
  /// Stops watching.
  ~OutputWatch() override;
  /// Closes the handle and forgets the loop.
  void detach() override;

 private:
  uv_poll_s* handle_ = nullptr;
  std::function<void()> on_gone_;
};

}  // namespace mq::net
