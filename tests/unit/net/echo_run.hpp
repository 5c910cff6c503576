#pragma once
/// One echo exchange through Listener::listen and connect(), on its own
/// loop, ending with the no-handle-left check.

#include <functional>
#include <string>

#include "net/connect.hpp"
#include "net_test_util.hpp"

namespace mq::net::test {

/// What happened during run_echo.
struct EchoOutcome {
  bool listening = false;       ///< the listener started
  NetError connect_error;       ///< client-side connect failure
  NetError client_close;        ///< how the client stream ended
  bool data_ok = false;         ///< the echo matched the payload
  std::vector<NetError> server_errors;  ///< handshake failures on the server
  std::string server_saw_cn;    ///< client certificate CN seen by the server
  std::string client_saw_cn;    ///< server certificate CN seen by the client
  std::string client_alpn;      ///< ALPN seen by the client (TLS only)
};

/// Listens on `listen_url`, connects to the URL `client_url(bound)` builds
/// from the bound listener URL, echoes `size` bytes. `between` runs after
/// the listener starts (e.g. to swap its TLS context).
EchoOutcome run_echo(const std::string& listen_url, ListenOptions lo,
                     const std::function<std::string(const Url&)>& client_url, ConnectOptions co, std::size_t size,
                     const std::function<void(Listener&)>& between = {});

}  // namespace mq::net::test
