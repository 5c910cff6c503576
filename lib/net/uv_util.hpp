#pragma once
/// Small helpers for lib/net internals that own libuv handles. Only lib/net
/// includes this header.

#include <uv.h>

namespace mq::net::detail {

/// Closes a heap-allocated handle and deletes it in its close callback, the
/// only place libuv allows the memory to be freed.
template <typename H>
void close_and_delete(H* handle) {
  auto* h = reinterpret_cast<uv_handle_t*>(handle);
  h->data = nullptr;
  uv_close(h, [](uv_handle_t* closed) { delete reinterpret_cast<H*>(closed); });
}

}  // namespace mq::net::detail
