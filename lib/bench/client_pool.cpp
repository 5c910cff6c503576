#include "bench/client_pool.hpp"

#include <time.h>

#include "codec/encode.hpp"
#include "codec/packets.hpp"
#include "net/tls_context.hpp"

namespace mq::bench {

std::int64_t clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

ClientPool::ClientPool(net::Loop& loop, const RunConfig& config, PoolEvents& events)
    : loop_(loop), config_(config), events_(events), options_(config.connect) {
  if (net::uses_tls(config.url.scheme) && !options_.tls_context) {
    // One context for every connection: loading the CA file per connection
    // would dominate a churn run.
    auto ctx = net::TlsClientContext::create(options_.tls);
    if (!ctx) error_ = ctx.error().message;
    else options_.tls_context = ctx.value();
  }
  disconnect_ = encode(Packet{Disconnect{}}, config.version);
}

ClientPool::~ClientPool() {
  for (auto& c : conns_) {
    c.pending.reset();
    if (c.stream) {
      c.stream->set_handler(nullptr);
      c.stream->abort();
    }
  }
}

std::uint32_t ClientPool::add() {
  conns_.emplace_back();
  return static_cast<std::uint32_t>(conns_.size() - 1);
}

void ClientPool::open(std::uint32_t i, const std::string& client_id) {
  Conn& c = conns_[i];
  Connect k;
  k.version = config_.version;
  k.protocol_name = config_.version == ProtocolVersion::v31 ? "MQIsdp" : "MQTT";
  k.keep_alive = config_.keep_alive;
  k.client_id = client_id;
  if (config_.username) k.username = *config_.username;
  if (config_.password) k.password = ByteView(reinterpret_cast<const std::uint8_t*>(config_.password->data()),
                                              config_.password->size());
  // Let the broker send as many QoS 1/2 messages at once as it likes: the
  // subscribers are never the limit.
  if (config_.version == ProtocolVersion::v5) k.properties.push_back(Property{PropertyId::ReceiveMaximum, 65535, {}, {}});
  std::vector<std::uint8_t> packet = encode(Packet{k}, config_.version);
  net::ConnectOptions options = options_;
  if (!config_.sources.empty() && config_.url.scheme != net::Scheme::Unix)
    options.source_address = config_.sources[next_source_++ % config_.sources.size()];
  c.framer = Framer();
  c.started_ns = clock_ns();
  c.pending = net::connect(loop_, config_.url, std::move(options),
                           [this, i, packet = std::move(packet)](std::shared_ptr<net::Stream> s, const net::NetError& e) mutable {
                             connected(i, std::move(s), e, std::move(packet));
                           });
}

void ClientPool::connected(std::uint32_t i, std::shared_ptr<net::Stream> stream, const net::NetError& error,
                           std::vector<std::uint8_t> connect_packet) {
  Conn& c = conns_[i];
  // The PendingConnect is running this callback: free it afterwards.
  auto pending = std::move(c.pending);
  if (!stream) {
    events_.on_down(i, error, false);
    return;
  }
  c.stream = std::move(stream);
  c.stream->set_handler(this, i);
  c.stream->write(ByteView(connect_packet));
  events_.on_up(i);
  (void)pending;
}

void ClientPool::write(std::uint32_t i, ByteView bytes) {
  if (auto& s = conns_[i].stream) s->write(bytes);
}

std::size_t ClientPool::queued(std::uint32_t i) const {
  const auto& s = conns_[i].stream;
  return s ? s->queued_bytes() : 0;
}

void ClientPool::drop(std::uint32_t i) {
  Conn& c = conns_[i];
  if (c.stream) c.stream->set_handler(nullptr);
  c.stream.reset();
}

void ClientPool::disconnect(std::uint32_t i) {
  Conn& c = conns_[i];
  c.pending.reset();
  if (!c.stream) return;
  c.stream->write(ByteView(disconnect_));
  c.stream->set_handler(nullptr);
  c.stream->close();
  c.stream.reset();
}

void ClientPool::disconnect_all() {
  for (std::uint32_t i = 0; i < conns_.size(); ++i) disconnect(i);
}

void ClientPool::on_stream_data(std::uint64_t tag, ByteView bytes) {
  const auto i = static_cast<std::uint32_t>(tag);
  Conn& c = conns_[i];
  c.framer.feed(bytes);
  const std::int64_t now = clock_ns();
  while (true) {
    Framer::Frame f = c.framer.next();
    if (f.status == Framer::Status::NeedMore) return;
    if (f.status == Framer::Status::Error) {
      auto s = c.stream;
      drop(i);
      if (s) s->abort();
      events_.on_down(i, net::NetError{net::NetErrc::Io, "malformed packet from the broker"}, true);
      return;
    }
    events_.on_packet(i, f.header.first_byte, f.body, now);
    if (!c.stream) return;  // the runner closed it
  }
}

void ClientPool::on_stream_close(std::uint64_t tag, const net::NetError& why) {
  const auto i = static_cast<std::uint32_t>(tag);
  drop(i);
  events_.on_down(i, why, true);
}

}  // namespace mq::bench
