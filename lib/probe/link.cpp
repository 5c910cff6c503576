#include "probe/link.hpp"

#include "codec/decode.hpp"
#include "codec/encode.hpp"

namespace mq::probe {

namespace {
/// The largest packet a probe accepts from the broker: far above anything a
/// probe provokes, and a bound on what a broken broker can make us buffer.
constexpr std::uint32_t kMaxIncoming = 16u * 1024 * 1024;
}  // namespace

std::string outcome_text(Outcome o) {
  switch (o) {
    case Outcome::Packet: return "answered";
    case Outcome::Closed: return "closed the connection";
    case Outcome::Timeout: return "no answer";
    case Outcome::Malformed: return "sent a malformed packet";
  }
  return "?";
}

Link::Link(net::Loop& loop, ProtocolVersion version)
    : loop_(loop), version_(version), framer_(kMaxIncoming), timer_(loop) {}

Link::~Link() { abort(); }

bool Link::wait(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
  if (done()) return true;
  bool expired = false;
  timer_.start(timeout, [&expired] { expired = true; });
  loop_.run_until([&] { return expired || done(); });
  timer_.stop();
  return done();
}

std::optional<net::NetError> Link::connect(const net::Url& url, const net::ConnectOptions& options) {
  std::optional<net::NetError> error;
  bool finished = false;
  auto pending = net::connect(loop_, url, options, [&](std::shared_ptr<net::Stream> s, const net::NetError& e) {
    finished = true;
    if (e || !s) {
      error = e ? e : net::NetError{net::NetErrc::Connect, "connection failed"};
      return;
    }
    stream_ = std::move(s);
  });
  // connect() has its own timeout; this bound only guards against a loop
  // with nothing left to run.
  loop_.run_until([&] { return finished; });
  pending.reset();
  if (!finished) return net::NetError{net::NetErrc::Timeout, "connection did not finish"};
  if (error) return error;
  stream_->on_data([this](ByteView bytes) { on_data(bytes); });
  stream_->on_close([this](const net::NetError& e) {
    closed_ = true;
    close_reason_ = e.code == net::NetErrc::None ? net::NetError{net::NetErrc::PeerClosed, "closed"} : e;
  });
  return std::nullopt;
}

void Link::on_data(ByteView bytes) {
  if (malformed_) return;
  framer_.feed(bytes);
  for (;;) {
    auto f = framer_.next();
    if (f.status == Framer::Status::NeedMore) return;
    if (f.status == Framer::Status::Error) {
      malformed_ = true;
      return;
    }
    inbox_.emplace_back(f.packet.begin(), f.packet.end());
  }
}

void Link::send(const Packet& p) {
  if (!open()) return;
  stream_->write(encode(p, version_));
}

void Link::answer(const Packet& p) {
  if (const auto* pub = std::get_if<Publish>(&p)) {
    if (pub->qos == 1) send(Puback{pub->packet_id, 0, {}, TailForm::Shortest});
    if (pub->qos == 2) send(Pubrec{pub->packet_id, 0, {}, TailForm::Shortest});
  } else if (const auto* rel = std::get_if<Pubrel>(&p)) {
    send(Pubcomp{rel->packet_id, 0, {}, TailForm::Shortest});
  }
}

Outcome Link::next(std::chrono::milliseconds timeout, Received& out) {
  if (!stream_) return Outcome::Closed;
  wait(timeout, [this] { return !inbox_.empty() || malformed_ || closed_; });
  if (!inbox_.empty()) {
    out.bytes = std::make_unique<std::vector<std::uint8_t>>(std::move(inbox_.front()));
    inbox_.pop_front();
    auto decoded = decode_packet(ByteView(*out.bytes), version_);
    if (!decoded) {
      malformed_ = true;
      abort();
      return Outcome::Malformed;
    }
    out.packet = std::move(decoded.value());
    answer(out.packet);
    return Outcome::Packet;
  }
  if (malformed_) {
    abort();
    return Outcome::Malformed;
  }
  return closed_ ? Outcome::Closed : Outcome::Timeout;
}

void Link::idle(std::chrono::milliseconds timeout) {
  if (!stream_) return;
  wait(timeout, [this] { return closed_; });
}

void Link::disconnect(std::chrono::milliseconds timeout, std::uint8_t reason) {
  if (!open()) return;
  send(Disconnect{reason, {}, TailForm::Shortest});
  stream_->close();
  wait(timeout, [this] { return closed_; });
  abort();
}

void Link::abort() {
  if (!stream_) return;
  auto s = std::move(stream_);
  s->on_data(nullptr);
  s->on_close(nullptr);
  s->abort();
  closed_ = true;
}

}  // namespace mq::probe
