#include "net/listener.hpp"

#include <cstdio>

#include "net/socket_connect.hpp"
#include "net/tls_stream.hpp"
#include "net/ws_stream.hpp"
#include "net/uv_stream.hpp"
#include "net/uv_util.hpp"

namespace mq::net {

/// A connection still in its handshake, with the timer that bounds it.
struct Listener::Pending {
  std::shared_ptr<Stream> stream;
  std::unique_ptr<Timer> timer;
};

Listener::Listener(Loop& loop, Url url, ListenOptions options, AcceptHandler on_accept, AcceptErrorHandler on_error)
    : LoopResource(loop),
      url_(std::move(url)),
      options_(std::move(options)),
      on_accept_(std::move(on_accept)),
      on_error_(std::move(on_error)) {}

Listener::~Listener() { detach(); }

void Listener::detach() {
  close();
  unregister();
}

void Listener::close() {
  pending_.clear();
  if (!handle_) return;
  if (handle_->type == UV_TCP) {
    detail::close_and_delete(reinterpret_cast<uv_tcp_t*>(handle_));
  } else {
    detail::close_and_delete(reinterpret_cast<uv_pipe_t*>(handle_));
    std::remove(url_.path.c_str());
  }
  handle_ = nullptr;
}

std::string Listener::address() const {
  return url_.scheme == Scheme::Unix ? url_.path : host_port(url_.host, url_.port);
}

NetResult<std::unique_ptr<Listener>> Listener::listen(Loop& loop, const Url& url, ListenOptions options,
                                                      AcceptHandler on_accept, AcceptErrorHandler on_error) {
  if (uses_tls(url.scheme) && !options.tls)
    return NetError{NetErrc::Config, std::string(scheme_name(url.scheme)) + ":// listener needs a certificate and key"};
  auto l = std::make_unique<Listener>(loop, url, std::move(options), std::move(on_accept), std::move(on_error));
  std::string where = url.scheme == Scheme::Unix ? url.path : host_port(url.host, url.port);

  if (url.scheme == Scheme::Unix) {
    auto* pipe = new uv_pipe_t;
    uv_pipe_init(loop.raw(), pipe, 0);
    l->handle_ = reinterpret_cast<uv_stream_t*>(pipe);
    int r = uv_pipe_bind(pipe, url.path.c_str());
    if (r != 0) {
      detail::close_and_delete(pipe);
      l->handle_ = nullptr;
      return from_uv(r, NetErrc::Config, "cannot listen on " + where);
    }
  } else {
    // Resolve synchronously (start-up only) and bind the first address:
    // exactly the one asked for, never every interface.
    uv_getaddrinfo_t req;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    std::string service = std::to_string(url.port);
    int r = uv_getaddrinfo(loop.raw(), &req, nullptr, url.host.c_str(), service.c_str(), &hints);
    if (r != 0) return from_uv(r, NetErrc::Config, "cannot resolve listen address '" + url.host + "'");
    auto* tcp = new uv_tcp_t;
    uv_tcp_init(loop.raw(), tcp);
    l->handle_ = reinterpret_cast<uv_stream_t*>(tcp);
    r = uv_tcp_bind(tcp, req.addrinfo->ai_addr, req.addrinfo->ai_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
    uv_freeaddrinfo(req.addrinfo);
    sockaddr_storage bound{};
    int len = sizeof bound;
    if (r == 0) r = uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&bound), &len);
    if (r != 0) {
      l->close();
      return from_uv(r, NetErrc::Config, "cannot listen on " + where);
    }
    char ip[INET6_ADDRSTRLEN] = {};
    uv_ip_name(reinterpret_cast<sockaddr*>(&bound), ip, sizeof ip);
    l->url_.host = ip;
    l->url_.port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                     : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  l->handle_->data = l.get();
  int r = uv_listen(l->handle_, l->options_.backlog, [](uv_stream_t* server, int status) {
    auto* self = static_cast<Listener*>(server->data);
    if (self) self->on_connection(status);
  });
  if (r != 0) {
    // bind() errors such as EADDRINUSE surface here for TCP.
    l->close();
    return from_uv(r, NetErrc::Config, "cannot listen on " + where);
  }
  return l;
}

void Listener::on_connection(int status) {
  if (status < 0) {
    if (on_error_) on_error_(address(), from_uv(status, NetErrc::Io, "accepting on " + address()));
    return;
  }
  // A TCP stream reads its peer's address from the socket when asked; a
  // Unix socket's peer is named by the listener's path.
  int r = 0;
  auto stream =
      UvStream::accept(handle_, url_.scheme == Scheme::Unix ? url_.path : std::string(), r, options_.tcp_nodelay);
  if (!stream) {
    if (on_error_) on_error_(address(), from_uv(r, NetErrc::Io, "accepting on " + address()));
    return;
  }
  start_handshake(std::move(stream));
}

void Listener::handshake_done(std::uint64_t id, std::shared_ptr<Stream> stream, const NetError& error) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto pending = std::move(it->second);
  pending_.erase(it);
  if (error || !stream) {
    std::string peer = pending->stream ? pending->stream->peer_address() : std::string();
    if (pending->stream) pending->stream->abort();
    if (on_error_) on_error_(peer, error ? error : NetError{NetErrc::Cancelled, "cancelled"});
    return;
  }
  if (on_accept_) on_accept_(std::move(stream));
}

}  // namespace mq::net

namespace mq::net {

void Listener::start_handshake(std::shared_ptr<Stream> stream) {
  bool tls = uses_tls(url_.scheme), ws = uses_websocket(url_.scheme);
  if (!tls && !ws) {  // plain TCP and Unix sockets are ready at once
    if (on_accept_) on_accept_(std::move(stream));
    return;
  }
  std::uint64_t id = next_id_++;
  auto pending = std::make_unique<Pending>();
  pending->timer = std::make_unique<Timer>(*loop());
  std::string peer = stream->peer_address();
  pending->timer->start(options_.handshake_timeout, [this, id, peer] {
    handshake_done(id, nullptr, NetError{NetErrc::Timeout, "handshake with " + peer + " timed out"});
  });
  Pending* p = pending.get();
  pending_[id] = std::move(pending);

  // Each step replaces p->stream with the layer above; callbacks capture
  // weak references so that dropping the entry cancels everything.
  auto start_ws = [this, id, p](std::shared_ptr<Stream> below) {
    WsServerOptions o;
    o.path = url_.path == "/" ? std::string() : url_.path;
    o.max_frame = options_.ws_max_frame;
    auto w = WsStream::server(*loop(), std::move(below), std::move(o));
    p->stream = w;
    std::weak_ptr<WsStream> weak = w;
    w->start([this, id, weak](const NetError& e) { handshake_done(id, e ? nullptr : weak.lock(), e); });
  };
  if (tls) {
    auto t = TlsStream::server(*loop(), std::move(stream), options_.tls);
    p->stream = t;
    std::weak_ptr<TlsStream> weak = t;
    t->start([this, id, ws, weak, start_ws](const NetError& e) {
      auto self = weak.lock();
      if (e || !self || !ws) handshake_done(id, e ? nullptr : self, e);
      else start_ws(self);
    });
  } else {
    start_ws(std::move(stream));
  }
}

}  // namespace mq::net
