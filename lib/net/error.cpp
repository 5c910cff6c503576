#include "net/error.hpp"

#include <uv.h>

#include <cctype>

namespace mq::net {

std::string_view errc_name(NetErrc c) {
  switch (c) {
    case NetErrc::None: return "none";
    case NetErrc::PeerClosed: return "peer closed";
    case NetErrc::Resolve: return "resolve";
    case NetErrc::Connect: return "connect";
    case NetErrc::Timeout: return "timeout";
    case NetErrc::Io: return "i/o";
    case NetErrc::Tls: return "tls";
    case NetErrc::TlsVerify: return "tls verify";
    case NetErrc::WebSocket: return "websocket";
    case NetErrc::Config: return "config";
    case NetErrc::Cancelled: return "cancelled";
  }
  return "unknown";
}

NetError from_uv(int status, NetErrc code, std::string_view what) {
  // libuv's messages start with a lower-case letter already ("connection
  // refused"); keep them as they are.
  std::string msg(what);
  msg += ": ";
  msg += uv_strerror(status);
  return NetError{code, std::move(msg)};
}

}  // namespace mq::net
