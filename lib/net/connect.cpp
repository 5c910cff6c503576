#include "net/connect.hpp"

#include "net/tls_stream.hpp"
#include "net/ws_stream.hpp"

namespace mq::net {

PendingConnect::PendingConnect(Loop& loop, Url url, ConnectOptions options, ConnectCallback cb)
    : loop_(loop), url_(std::move(url)), options_(std::move(options)), cb_(std::move(cb)), timer_(loop), tunnel_(loop) {}

PendingConnect::~PendingConnect() {
  cb_ = nullptr;
  socket_.reset();
  if (handshaking_) handshaking_->abort();
}

std::unique_ptr<PendingConnect> connect(Loop& loop, const Url& url, ConnectOptions options, ConnectCallback cb) {
  auto p = std::make_unique<PendingConnect>(loop, url, std::move(options), std::move(cb));
  p->begin();
  return p;
}

void PendingConnect::begin() {
  std::string target = url_.scheme == Scheme::Unix ? url_.path : host_port(url_.host, url_.port);
  if (uses_tls(url_.scheme) && !options_.tls_context) {
    auto ctx = TlsClientContext::create(options_.tls);
    if (!ctx) {
      NetError err = ctx.error();
      timer_.start(std::chrono::milliseconds(0), [this, err] { finish(nullptr, err); });
      return;
    }
    options_.tls_context = ctx.value();
  }
  timer_.start(options_.timeout, [this, target] {
    auto ms = options_.timeout.count();
    std::string span = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    finish(nullptr, NetError{NetErrc::Timeout, "timed out after " + span + " connecting to " + target});
  });
  auto cb = [this](std::shared_ptr<Stream> s, const NetError& e) { on_socket(std::move(s), e); };
  if (url_.scheme == Scheme::Unix) {
    socket_ = SocketConnect::unix_socket(loop_, url_.path, cb);
  } else if (options_.proxy) {
    const auto& p = *options_.proxy;
    socket_ = SocketConnect::tcp(
        loop_, p.host, p.port,
        [this](std::shared_ptr<Stream> s, const NetError& e) {
          if (e) finish(nullptr, NetError{e.code, "the SOCKS5 proxy: " + e.message});
          else start_proxy(std::move(s));
        },
        options_.source_address);
  } else {
    socket_ = SocketConnect::tcp(loop_, url_.host, url_.port, cb, options_.source_address);
  }
}

void PendingConnect::start_proxy(std::shared_ptr<Stream> stream) {
  const auto& p = *options_.proxy;
  socks_.emplace(url_.host, url_.port, p.user, p.password);
  handshaking_ = stream;
  std::weak_ptr<Stream> weak = stream;
  stream->on_close([this](const NetError& e) {
    finish(nullptr, NetError{e ? e.code : NetErrc::PeerClosed,
                             "the SOCKS5 proxy closed the connection during its handshake" +
                                 (e ? ": " + e.message : std::string())});
  });
  stream->on_data([this, weak](ByteView bytes) {
    auto self = weak.lock();
    if (!self) return;
    auto step = socks_->feed(bytes);
    if (!step.send.empty()) self->write(ByteView(step.send));
    if (step.error) {
      finish(nullptr, *step.error);
    } else if (step.done) {
      // The tunnel reaches the broker: the stream continues as if connected
      // directly, from a later callback, because dropping this handler now
      // would destroy the function that is running.
      tunnel_.start(std::chrono::milliseconds(0), [this, self] {
        self->on_data(nullptr);
        self->on_close(nullptr);
        handshaking_ = nullptr;
        on_socket(self, NetError{});
      });
    }
  });
  auto greeting = socks_->start();
  stream->write(ByteView(greeting));
}

void PendingConnect::on_socket(std::shared_ptr<Stream> stream, const NetError& error) {
  if (error) {
    finish(nullptr, error);
    return;
  }
  if (uses_tls(url_.scheme)) start_tls(std::move(stream));
  else if (uses_websocket(url_.scheme)) start_websocket(std::move(stream));
  else finish(std::move(stream), NetError{});
}

void PendingConnect::start_tls(std::shared_ptr<Stream> stream) {
  auto tls = TlsStream::client(loop_, std::move(stream), options_.tls_context, url_.host);
  handshaking_ = tls;
  // The stream is owned by handshaking_; a weak capture avoids a cycle
  // through its own ready handler, which dies with it on cancel.
  std::weak_ptr<TlsStream> weak = tls;
  tls->start([this, weak](const NetError& e) {
    auto self = weak.lock();
    if (e || !self) {
      finish(nullptr, e ? e : NetError{NetErrc::Cancelled, "cancelled"});
    } else if (uses_websocket(url_.scheme)) {
      start_websocket(self);
    } else {
      finish(self, NetError{});
    }
  });
}

void PendingConnect::start_websocket(std::shared_ptr<Stream> stream) {
  WsClientOptions ws;
  ws.host = url_.host;
  ws.port = url_.port;
  ws.default_port = default_port(url_.scheme);
  ws.path = url_.path;
  ws.headers = options_.ws_headers;
  ws.max_frame = options_.ws_max_frame;
  auto w = WsStream::client(loop_, std::move(stream), std::move(ws));
  handshaking_ = w;
  std::weak_ptr<WsStream> weak = w;
  w->start([this, weak](const NetError& e) {
    auto self = weak.lock();
    if (e || !self) finish(nullptr, e ? e : NetError{NetErrc::Cancelled, "cancelled"});
    else finish(self, NetError{});
  });
}

void PendingConnect::finish(std::shared_ptr<Stream> stream, const NetError& error) {
  timer_.stop();
  auto cb = std::move(cb_);
  cb_ = nullptr;
  auto failed = std::move(handshaking_);
  handshaking_ = nullptr;
  if (error && failed) failed->abort();
  if (cb) cb(std::move(stream), error);  // may destroy this object
}

}  // namespace mq::net
