#pragma once
/// Work off the event loop: a function runs on libuv's thread pool and its
/// completion comes back on the loop's thread, so slow CPU work (password
/// hashing) does not stall every other connection.

#include <functional>

#include "net/loop.hpp"

namespace mq::net {

/// Runs `work` on a thread of libuv's pool, then `done` on the loop's thread
/// (not at all if the loop is closed first). `work` must touch nothing the
/// loop's thread uses; both are destroyed on the loop's thread.
void run_in_pool(Loop& loop, std::function<void()> work, std::function<void()> done);

}  // namespace mq::net
