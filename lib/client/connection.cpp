#include "client/connection.hpp"

#include <algorithm>
#include <random>

namespace mq::client {

namespace {

TimePoint now() { return std::chrono::steady_clock::now(); }

/// How long close() waits for the broker to close the connection after DISCONNECT.
constexpr std::chrono::milliseconds kDisconnectLinger{500};

/// Uniform [0, 1) from a generator seeded once per process, for jitter.
double jitter_random() {
  static std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

}  // namespace

Connection::Connection(net::Loop& loop, ClientSession& session, net::Url url, net::ConnectOptions options,
                       ReconnectPolicy reconnect, ConnectionHandlers handlers)
    : loop_(loop),
      session_(session),
      url_(std::move(url)),
      options_(std::move(options)),
      reconnect_(reconnect),
      handlers_(std::move(handlers)),
      backoff_(reconnect.initial, reconnect.maximum, 2.0, 0.5, jitter_random),
      session_timer_(loop),
      reconnect_timer_(loop),
      linger_timer_(loop) {}

Connection::~Connection() {
  pending_.reset();
  if (stream_) {
    auto s = std::move(stream_);
    s->on_data(nullptr);
    s->on_close(nullptr);
    s->abort();
  }
}

void Connection::open() {
  closing_ = false;
  ended_ = false;
  connect_transport();
}

void Connection::connect_transport() {
  pending_ = net::connect(loop_, url_, options_,
                          [this](std::shared_ptr<net::Stream> s, const net::NetError& e) { on_connected(std::move(s), e); });
}

void Connection::on_connected(std::shared_ptr<net::Stream> stream, const net::NetError& error) {
  // Keep the PendingConnect alive until this callback returns (it is the caller).
  auto done = std::move(pending_);
  if (error || !stream) {
    transport_ended(error ? error : net::NetError{net::NetErrc::Connect, "connection failed"});
    return;
  }
  stream_ = std::move(stream);
  trace_out_ = Framer();
  trace_in_ = Framer();
  stream_->on_data([this](ByteView bytes) { on_data(bytes); });
  stream_->on_close([this](const net::NetError& e) { on_stream_closed(e); });
  if (handlers_.on_transport_up) handlers_.on_transport_up();
  if (auto bad = session_.start(now())) {
    closing_ = true;
    stream_->abort();
    transport_ended(net::NetError{net::NetErrc::Config, bad->message});
    return;
  }
  service();
}

void Connection::on_data(ByteView bytes) {
  if (handlers_.on_packet) trace(false, bytes);
  session_.receive(bytes, now());
  service();
}

void Connection::on_stream_closed(const net::NetError& error) {
  linger_timer_.stop();
  lingering_ = false;
  stream_.reset();
  armed_for_.reset();
  session_timer_.stop();
  session_.connection_lost(now());
  service();
  // After our DISCONNECT the broker's close is the expected end, not an error.
  transport_ended(closing_ ? net::NetError{} : error);
}

void Connection::transport_ended(const net::NetError& error) {
  // The delays start again from the first only after a connection that
  // stayed up: one ended right after CONNACK (another client taking the
  // same client id over, a broker that drops us at once) keeps backing off
  // instead of reconnecting in a tight loop.
  const auto stable = std::min<std::chrono::milliseconds>(reconnect_.maximum, std::chrono::seconds(10));
  if (up_since_ && now() - *up_since_ >= stable) backoff_.reset();
  up_since_.reset();
  if (reconnect_.enabled && !closing_) {
    const auto delay = backoff_.next();
    if (handlers_.on_reconnecting) handlers_.on_reconnecting(error, delay);
    reconnect_timer_.start(delay, [this] { connect_transport(); });
    return;
  }
  if (ended_) return;
  ended_ = true;
  if (handlers_.on_ended) handlers_.on_ended(error);
}

void Connection::trace(bool sent, ByteView bytes) {
  Framer& framer = sent ? trace_out_ : trace_in_;
  framer.feed(bytes);
  for (;;) {
    auto frame = framer.next();
    if (frame.status != Framer::Status::Packet) break;
    handlers_.on_packet(sent, frame.packet);
  }
}

void Connection::write_output() {
  if (session_.output_size() == 0) return;
  auto out = session_.take_output();
  if (!stream_) return;  // nothing to carry it; the session starts afresh on the next connection
  if (handlers_.on_packet) trace(true, out);
  stream_->write(std::move(out));
}

void Connection::service() {
  if (in_service_) {
    service_again_ = true;
    return;
  }
  in_service_ = true;
  do {
    service_again_ = false;
    write_output();
    while (auto event = session_.next_event()) {
      if (std::holds_alternative<Connected>(*event)) up_since_ = now();
      if (handlers_.on_event) handlers_.on_event(*event);
      write_output();
    }
  } while (service_again_);
  in_service_ = false;
  if (stream_ && session_.state() == ClientSession::State::Closed) {
    session_timer_.stop();
    armed_for_.reset();
    if (!lingering_) stream_->close();  // on_stream_closed follows
    return;
  }
  arm_timer();
}

void Connection::arm_timer() {
  auto deadline = session_.next_deadline();
  if (!stream_ || !deadline) {
    if (armed_for_) session_timer_.stop();
    armed_for_.reset();
    return;
  }
  if (armed_for_ == deadline) return;
  armed_for_ = deadline;
  auto delay = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now());
  if (delay.count() < 0) delay = std::chrono::milliseconds(0);
  session_timer_.start(delay, [this] {
    armed_for_.reset();
    session_.tick(now());
    service();
  });
}

void Connection::close(std::uint8_t reason_code, OwnedProperties properties) {
  closing_ = true;
  reconnect_timer_.stop();
  pending_.reset();
  if (stream_) {
    bool disconnect_sent = false;
    if (session_.state() == ClientSession::State::Connected ||
        session_.state() == ClientSession::State::Connecting)
      disconnect_sent = !session_.disconnect(reason_code, std::move(properties), now());
    // Inside an event handler service() only marks itself to run again, and
    // the stream takes no bytes once it is closing: hand the DISCONNECT over
    // first, or it is dropped and the broker publishes the will.
    write_output();
    if (disconnect_sent) {
      // Wait (briefly) for the broker to close after reading DISCONNECT: a
      // process that exits at once races its own next run, and a broker that
      // handles the new connection's takeover first drops the acknowledgements
      // still unread on the old one (seen with mosquitto and mqsub -C).
      lingering_ = true;
      linger_timer_.start(kDisconnectLinger, [this] {
        lingering_ = false;
        if (stream_) stream_->close();
      });
    }
    service();
    if (stream_ && !lingering_) stream_->close();
    return;
  }
  transport_ended(net::NetError{});
}

}  // namespace mq::client
