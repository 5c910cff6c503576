#include "net/ws_stream.hpp"

#include <openssl/rand.h>

#include "net/url.hpp"
#include "net/ws_handshake.hpp"

namespace mq::net {

namespace {
/// Output waiting on the transport above which pings are not answered.
constexpr std::size_t kPongBacklog = 256 * 1024;
}  // namespace

WsStream::WsStream(Loop& loop, std::shared_ptr<Stream> inner, bool is_client, std::uint64_t max_frame)
    : loop_(&loop),
      inner_(std::move(inner)),
      is_client_(is_client),
      decoder_(WsDecoderOptions{!is_client, max_frame, false}) {}

std::shared_ptr<WsStream> WsStream::client(Loop& loop, std::shared_ptr<Stream> inner, WsClientOptions options) {
  auto s = std::make_shared<WsStream>(loop, std::move(inner), true, options.max_frame);
  s->client_options_ = std::move(options);
  return s;
}

std::shared_ptr<WsStream> WsStream::server(Loop& loop, std::shared_ptr<Stream> inner, WsServerOptions options) {
  auto s = std::make_shared<WsStream>(loop, std::move(inner), false, options.max_frame);
  s->server_options_ = std::move(options);
  return s;
}

WsStream::~WsStream() {
  loop_->cancel_flush(this);
  if (inner_) {
    inner_->on_data(nullptr);
    inner_->on_close(nullptr);
  }
}

void WsStream::start(ReadyHandler ready) {
  ready_ = std::move(ready);
  std::weak_ptr<WsStream> weak = std::static_pointer_cast<WsStream>(shared_from_this());
  inner_->on_data([weak](ByteView b) {
    if (auto self = weak.lock()) self->on_inner_data(b);
  });
  inner_->on_close([weak](const NetError& why) {
    if (auto self = weak.lock()) self->on_inner_close(why);
  });
  if (is_client_) {
    const auto& o = client_options_;
    WsRequestParams req;
    std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    req.host_header = o.port == o.default_port ? host : host + ":" + std::to_string(o.port);
    req.path = o.path;
    req.key = ws_new_key();
    req.headers = o.headers;
    expected_accept_ = ws_accept_key(req.key);
    inner_->write(as_bytes(build_ws_request(req)));
  }
}

void WsStream::on_inner_data(ByteView bytes) {
  if (open_) frames(bytes);
  else handshake_data(bytes);
}

void WsStream::handshake_data(ByteView bytes) {
  if (error_) return;
  head_.append(as_chars(bytes));
  std::size_t len = http_head_length(head_);
  if (len == 0) {
    if (head_.size() > kMaxHttpHead)
      fail(NetError{NetErrc::WebSocket, "WebSocket handshake larger than " + std::to_string(kMaxHttpHead) + " bytes"}, 0);
    return;
  }
  std::string_view head(head_.data(), len);
  if (is_client_) {
    if (auto err = check_ws_response(head, expected_accept_, &protocol_)) {
      fail(NetError{NetErrc::WebSocket, "WebSocket handshake with " + peer_address() + " failed: " + err->message +
                                            (err->rule.empty() ? "" : " [" + err->rule + "]")},
           0);
      return;
    }
  } else {
    auto req = parse_ws_request(head);
    std::string problem;
    int status = 400;
    if (!req) {
      problem = req.error().message + (req.error().rule.empty() ? "" : " [" + req.error().rule + "]");
    } else if (!server_options_.path.empty() && req->path != server_options_.path) {
      problem = "no WebSocket endpoint at '" + req->path + "'";
      status = 404;
    }
    if (!problem.empty()) {
      inner_->write(as_bytes(build_http_error(status, status == 404 ? "Not Found" : "Bad Request", problem)));
      fail(NetError{NetErrc::WebSocket, "WebSocket handshake from " + peer_address() + " failed: " + problem}, 0);
      return;
    }
    path_ = req->path;
    inner_->write(as_bytes(build_ws_response(ws_accept_key(req->key), req->protocol)));
  }
  open_ = true;
  // Frames may have come in the same read as the end of the head.
  std::string leftover = head_.substr(len);
  head_.clear();
  head_.shrink_to_fit();
  auto keep = shared_from_this();
  handshake_done(NetError{});
  if (!leftover.empty() && !error_) frames(as_bytes(leftover));
}

void WsStream::handshake_done(const NetError& error) {
  if (!error && !out_.empty()) loop_->schedule_flush(this);
  auto ready = std::move(ready_);
  ready_ = nullptr;
  if (ready) ready(error);
}

void WsStream::frames(ByteView bytes) {
  if (error_) return;
  auto keep = shared_from_this();  // a data handler may drop the last reference
  auto err = decoder_.feed(bytes, [this](const WsEvent& ev) {
    if (error_) return;
    switch (ev.kind) {
      case WsEventKind::Data:
        if (!ev.payload.empty()) emit_data(ev.payload);
        break;
      case WsEventKind::Ping:
        // RFC 6455 5.5.3 lets an endpoint skip Pongs while earlier ones are
        // unsent: with output backed up the ping goes unanswered, so a peer
        // that floods pings and never reads costs no memory.
        if (inner_->queued_bytes() <= kPongBacklog) send_frame(WsOpcode::Pong, ev.payload);
        break;
      case WsEventKind::Pong:
        break;
      case WsEventKind::Close: {
        std::string msg = "WebSocket closed by " + peer_address() + " (code " + std::to_string(ev.close_code);
        if (!ev.close_reason.empty()) msg += ": " + std::string(ev.close_reason);
        msg += ")";
        error_ = NetError{NetErrc::PeerClosed, msg};
        flush();
        send_close(ev.close_code == 1005 ? 1000 : ev.close_code, "");
        inner_->close();
        break;
      }
    }
  });
  if (err) {
    std::string msg = "WebSocket protocol error from " + peer_address() + ": " + err->message;
    if (!err->rule.empty()) msg += " [" + err->rule + "]";
    fail(NetError{NetErrc::WebSocket, msg}, decoder_.error_close_code());
  }
}

void WsStream::send_frame(WsOpcode op, ByteView payload) {
  std::vector<std::uint8_t> frame;
  frame.reserve(payload.size() + 14);
  std::optional<WsMask> mask;
  if (is_client_) {
    // RFC 6455 5.3: an unpredictable key per frame.
    WsMask key;
    RAND_bytes(key.data(), static_cast<int>(key.size()));
    mask = key;
  }
  encode_ws_frame(frame, op, payload, true, mask);
  inner_->write(std::move(frame));
}

void WsStream::send_close(std::uint16_t code, std::string_view reason) {
  if (close_sent_) return;
  close_sent_ = true;
  std::vector<std::uint8_t> payload{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
  payload.insert(payload.end(), reason.begin(), reason.end());
  send_frame(WsOpcode::Close, payload);
}

void WsStream::write(ByteView bytes) {
  if (!is_open() || error_ || close_sent_) return;
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  if (open_) loop_->schedule_flush(this);
}

void WsStream::flush() {
  if (out_.empty() || !open_ || close_sent_) return;
  send_frame(WsOpcode::Binary, out_);
  out_.clear();
}

void WsStream::close() {
  if (!is_open()) return;
  mark_ended();
  if (open_ && !error_) {
    flush();
    send_close(1000, "");
  }
  inner_->close();
}

void WsStream::abort() {
  mark_ended();
  inner_->abort();
}

void WsStream::fail(NetError error, std::uint16_t close_code) {
  if (error_) return;
  error_ = std::move(error);
  mark_ended();
  if (open_ && close_code != 0) send_close(close_code, "");
  inner_->close();
  handshake_done(error_);
}

void WsStream::on_inner_close(const NetError& why) {
  auto keep = shared_from_this();
  NetError reason = error_ ? error_ : why;
  if (!open_ && !error_) {
    reason = why ? NetError{why.code == NetErrc::PeerClosed ? NetErrc::WebSocket : why.code,
                            "WebSocket handshake with " + peer_address() + " failed: " + why.message}
                 : NetError{NetErrc::Cancelled, "closed before the WebSocket handshake finished"};
  }
  handshake_done(reason);
  emit_close(reason);
}

}  // namespace mq::net
