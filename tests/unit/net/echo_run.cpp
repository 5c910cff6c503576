#include "echo_run.hpp"

#include "net/tls_stream.hpp"

namespace mq::net::test {

EchoOutcome run_echo(const std::string& listen_url, ListenOptions lo,
                     const std::function<std::string(const Url&)>& client_url, ConnectOptions co, std::size_t size,
                     const std::function<void(Listener&)>& between) {
  EchoOutcome out;
  TestLoop t;
  {
    EchoServer server;
    auto lurl = parse_url(listen_url);
    REQUIRE(lurl.ok());
    auto listener = Listener::listen(t.loop, lurl.value(), std::move(lo), server.handler(), server.error_handler());
    REQUIRE_MESSAGE(listener, listener.error().message);
    out.listening = true;
    if (between) between(*listener.value());
    auto curl = parse_url(client_url(listener.value()->url()));
    REQUIRE(curl.ok());
    EchoClient client;
    client.payload = pattern(size);
    auto pending = connect(t.loop, curl.value(), std::move(co), client.callback());
    // Done when the client finished and the server saw the connection end
    // (or fail its handshake).
    t.run_until([&] {
      return client.done() && (server.closed == server.streams.size()) &&
             (server.streams.size() + server.errors.size() >= 1);
    });
    out.connect_error = client.connect_error;
    out.client_close = client.close_error;
    out.data_ok = client.received == client.payload;
    out.server_errors = server.errors;
    out.server_saw_cn = server.last_cn;
    if (client.stream) {
      out.client_saw_cn = client.stream->peer_cert_cn();
      if (auto tls = std::dynamic_pointer_cast<TlsStream>(client.stream)) out.client_alpn = tls->alpn();
    }
    pending.reset();
    client.stream.reset();
    server.streams.clear();
    listener.value().reset();
  }
  t.check_clean();
  return out;
}

}  // namespace mq::net::test
