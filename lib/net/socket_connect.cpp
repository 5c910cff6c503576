#include "net/socket_connect.hpp"

#include <strings.h>

#include <cstring>

#include "net/url.hpp"
#include "net/uv_stream.hpp"
#include "net/uv_util.hpp"

namespace mq::net {

std::string sockaddr_text(const void* sa) {
  const auto* addr = static_cast<const sockaddr*>(sa);
  char ip[INET6_ADDRSTRLEN] = {};
  std::uint16_t port = 0;
  if (addr->sa_family == AF_INET) {
    const auto* in = static_cast<const sockaddr_in*>(sa);
    uv_ip4_name(in, ip, sizeof ip);
    port = ntohs(in->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    const auto* in6 = static_cast<const sockaddr_in6*>(sa);
    uv_ip6_name(in6, ip, sizeof ip);
    port = ntohs(in6->sin6_port);
  } else {
    return "unknown address";
  }
  return host_port(ip, port);
}

SocketConnect::SocketConnect(Loop& loop, ConnectCallback cb) : LoopResource(loop), cb_(std::move(cb)) {}

SocketConnect::~SocketConnect() { detach(); }

void SocketConnect::detach() {
  cancel();
  fail_timer_.reset();
  cb_ = nullptr;
  unregister();
}

void SocketConnect::cancel() {
  if (resolve_req_) {
    // The request completes later (with UV_EAI_CANCELED or a result); its
    // callback frees it once it sees that nobody waits for it.
    resolve_req_->data = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(resolve_req_));
    resolve_req_ = nullptr;
  }
  if (connect_req_) {
    connect_req_->data = nullptr;  // freed by its callback (UV_ECANCELED)
    connect_req_ = nullptr;
  }
  if (handle_) {
    if (handle_->type == UV_TCP) detail::close_and_delete(reinterpret_cast<uv_tcp_t*>(handle_));
    else detail::close_and_delete(reinterpret_cast<uv_pipe_t*>(handle_));
    handle_ = nullptr;
  }
}

namespace {

/// The addresses of `host` when they are known without a resolver: an IPv4
/// or IPv6 literal, or "localhost", which names the loopback addresses
/// (RFC 6761 6.3). Empty otherwise.
std::vector<std::vector<unsigned char>> known_addresses(const std::string& host, std::uint16_t port) {
  std::vector<std::vector<unsigned char>> out;
  auto add4 = [&](const char* ip) {
    sockaddr_in a{};
    if (uv_ip4_addr(ip, port, &a) != 0) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(&a);
    out.emplace_back(p, p + sizeof a);
    return true;
  };
  auto add6 = [&](const char* ip) {
    sockaddr_in6 a{};
    if (uv_ip6_addr(ip, port, &a) != 0) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(&a);
    out.emplace_back(p, p + sizeof a);
    return true;
  };
  if (host.size() == 9 && ::strncasecmp(host.c_str(), "localhost", 9) == 0) {
    add4("127.0.0.1");
    add6("::1");
  } else if (host.find(':') != std::string::npos) {
    add6(host.c_str());
  } else if (host.find_first_not_of("0123456789.") == std::string::npos) {
    add4(host.c_str());
  }
  return out;
}

}  // namespace

std::unique_ptr<SocketConnect> SocketConnect::tcp(Loop& loop, std::string host, std::uint16_t port, ConnectCallback cb,
                                                  std::string source) {
  auto job = std::make_unique<SocketConnect>(loop, std::move(cb));
  job->source_ = std::move(source);
  job->host_ = std::move(host);
  job->port_ = port;
  job->addresses_ = known_addresses(job->host_, port);
  if (!job->addresses_.empty()) {
    // No resolver (and so no libuv thread pool) for a literal or localhost.
    // Connecting starts from a loop callback, as failures must be reported.
    job->fail_timer_ = std::make_unique<Timer>(loop);
    SocketConnect* self = job.get();
    job->fail_timer_->start(std::chrono::milliseconds(0), [self] { self->try_next(); });
    return job;
  }
  auto* req = new uv_getaddrinfo_t;
  req->data = job.get();
  job->resolve_req_ = req;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  std::string service = std::to_string(port);
  int r = uv_getaddrinfo(loop.raw(), req, [](uv_getaddrinfo_t* q, int status, addrinfo* res) {
    auto* self = static_cast<SocketConnect*>(q->data);
    delete q;
    if (!self) {
      uv_freeaddrinfo(res);
      return;
    }
    self->resolve_req_ = nullptr;
    self->on_resolved(status, res);
  }, job->host_.c_str(), service.c_str(), &hints);
  if (r != 0) {
    delete req;
    job->resolve_req_ = nullptr;
    // Report from a loop callback, as promised, never from inside tcp().
    job->fail_timer_ = std::make_unique<Timer>(loop);
    SocketConnect* self = job.get();
    NetError err = from_uv(r, NetErrc::Resolve, "cannot resolve host name '" + job->host_ + "'");
    job->fail_timer_->start(std::chrono::milliseconds(0), [self, err] { self->finish(nullptr, err); });
  }
  return job;
}

void SocketConnect::on_resolved(int status, addrinfo* res) {
  if (status < 0) {
    uv_freeaddrinfo(res);
    finish(nullptr, from_uv(status, NetErrc::Resolve, "cannot resolve host name '" + host_ + "'"));
    return;
  }
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    const auto* p = reinterpret_cast<const unsigned char*>(ai->ai_addr);
    addresses_.emplace_back(p, p + ai->ai_addrlen);
  }
  uv_freeaddrinfo(res);
  try_next();
}

void SocketConnect::try_next() {
  if (next_ >= addresses_.size()) {
    std::string msg = addresses_.size() == 1 ? "cannot connect to " + failures_
                                             : "cannot connect to " + host_port(host_, port_) + " (" + failures_ + ")";
    finish(nullptr, NetError{NetErrc::Connect, msg});
    return;
  }
  const auto& addr = addresses_[next_++];
  current_peer_ = sockaddr_text(addr.data());
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(loop()->raw(), tcp);
  tcp->data = nullptr;
  handle_ = reinterpret_cast<uv_stream_t*>(tcp);
  if (!source_.empty()) {
    // Port 0: the kernel picks a free port of this source address.
    sockaddr_storage local{};
    int r = reinterpret_cast<const sockaddr*>(addr.data())->sa_family == AF_INET6
                ? uv_ip6_addr(source_.c_str(), 0, reinterpret_cast<sockaddr_in6*>(&local))
                : uv_ip4_addr(source_.c_str(), 0, reinterpret_cast<sockaddr_in*>(&local));
    if (r == 0) r = uv_tcp_bind(tcp, reinterpret_cast<const sockaddr*>(&local), 0);
    if (r != 0) {
      current_peer_ += " from " + source_;
      on_connected(r);
      return;
    }
  }
  connect_req_ = new uv_connect_t;
  connect_req_->data = this;
  int r = uv_tcp_connect(connect_req_, tcp, reinterpret_cast<const sockaddr*>(addr.data()), [](uv_connect_t* q, int status) {
    auto* self = static_cast<SocketConnect*>(q->data);
    delete q;
    if (!self) return;
    self->connect_req_ = nullptr;
    self->on_connected(status);
  });
  if (r != 0) {
    delete connect_req_;
    connect_req_ = nullptr;
    on_connected(r);
  }
}

void SocketConnect::on_connected(int status) {
  if (status < 0) {
    if (!failures_.empty()) failures_ += "; ";
    failures_ += current_peer_ + ": " + uv_strerror(status);
    detail::close_and_delete(reinterpret_cast<uv_tcp_t*>(handle_));
    handle_ = nullptr;
    try_next();
    return;
  }
  uv_stream_t* h = handle_;
  handle_ = nullptr;
  if (h->type == UV_TCP) uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(h), 1);
  finish(UvStream::make(*loop(), h, current_peer_), NetError{});
}

void SocketConnect::finish(std::shared_ptr<Stream> stream, const NetError& error) {
  auto cb = std::move(cb_);
  cb_ = nullptr;
  if (cb) cb(std::move(stream), error);  // may destroy this object
}

std::unique_ptr<SocketConnect> SocketConnect::unix_socket(Loop& loop, std::string path, ConnectCallback cb) {
  auto job = std::make_unique<SocketConnect>(loop, std::move(cb));
  job->current_peer_ = path;
  auto* pipe = new uv_pipe_t;
  uv_pipe_init(loop.raw(), pipe, 0);
  pipe->data = nullptr;
  job->handle_ = reinterpret_cast<uv_stream_t*>(pipe);
  job->connect_req_ = new uv_connect_t;
  job->connect_req_->data = job.get();
  // uv_pipe_connect reports every failure through the callback.
  uv_pipe_connect(job->connect_req_, pipe, path.c_str(), [](uv_connect_t* q, int status) {
    auto* self = static_cast<SocketConnect*>(q->data);
    delete q;
    if (!self) return;
    self->connect_req_ = nullptr;
    if (status < 0) {
      auto* h = self->handle_;
      self->handle_ = nullptr;
      detail::close_and_delete(reinterpret_cast<uv_pipe_t*>(h));
      self->finish(nullptr, from_uv(status, NetErrc::Connect, "cannot connect to " + self->current_peer_));
      return;
    }
    uv_stream_t* h = self->handle_;
    self->handle_ = nullptr;
    self->finish(UvStream::make(*self->loop(), h, self->current_peer_), NetError{});
  });
  return job;
}

}  // namespace mq::net
