#include "proxy/proxy.hpp"

#include <fmt/format.h>

#include <deque>
#include <vector>

#include "proxy/tap.hpp"

namespace mq::proxy {

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

/// One client and its connection to the broker.
struct Proxy::Pair {
  std::uint64_t id = 0;
  std::shared_ptr<net::Stream> client;
  std::shared_ptr<net::Stream> server;
  std::unique_ptr<net::PendingConnect> connecting;
  std::unique_ptr<ConnectionTap> tap;
  bool client_closed = false;
  bool server_closed = false;
  bool client_paused = false;  // not read because the broker side is backed up
  bool server_paused = false;  // not read because the client side is backed up
  bool reaping = false;
  bool cut = false;  // --cut-after fired: nothing more is forwarded
  std::unique_ptr<FaultPlan> faults;
  /// Packets waiting out --delay, in order, with when they are due.
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    dump::Direction direction;
    std::vector<std::uint8_t> bytes;
  };
  std::deque<Delayed> delayed;
  std::size_t delayed_bytes[2] = {0, 0};
  std::unique_ptr<net::Timer> delay_timer;
  std::string last_fault;  // the last reason noted, so that a run of drops is noted once
  /// Client bytes that came before the broker connection was ready. Pausing
  /// stops reads from the socket, but TLS and WebSocket streams may still
  /// hand out what they had already decoded (a TLS 1.3 client's first
  /// packet often travels with its Finished message).
  std::vector<std::uint8_t> early;

  /// The stream bytes travelling in `d` come from.
  net::Stream* source(dump::Direction d) const { return d == dump::Direction::ToServer ? client.get() : server.get(); }
  /// The stream bytes travelling in `d` go to.
  net::Stream* target(dump::Direction d) const { return d == dump::Direction::ToServer ? server.get() : client.get(); }
  bool& paused(dump::Direction d) { return d == dump::Direction::ToServer ? client_paused : server_paused; }
  /// Bytes waiting for the side packets in `d` go to.
  std::size_t backlog(dump::Direction d) const {
    const net::Stream* to = target(d);
    return (to ? to->queued_bytes() : 0) + delayed_bytes[d == dump::Direction::ToServer ? 0 : 1];
  }
};

namespace {

/// The broker end as the tap shows it.
dump::Endpoint upstream_endpoint(const net::Url& url) {
  if (url.scheme == net::Scheme::Unix) return {url.path, 0};
  return {url.host, url.port};
}

}  // namespace

net::NetResult<std::unique_ptr<Proxy>> Proxy::start(net::Loop& loop, ProxyOptions options,
                                                     dump::PacketObserver& observer, NoteHandler notes) {
  auto proxy = std::make_unique<Proxy>(loop, std::move(options), observer, std::move(notes));
  Proxy* self = proxy.get();
  auto listener = net::Listener::listen(
      loop, self->options_.listen, self->options_.listen_options,
      [self](std::shared_ptr<net::Stream> s) { self->accept(std::move(s)); },
      [self](const std::string& peer, const net::NetError& e) {
        // Numbered like the connections that get through: a device refused at
        // the TLS handshake (no or an untrusted certificate) is one of them.
        self->note(++self->next_id_, fmt::format("connection from {} refused before MQTT: {}", peer, e.message));
      });
  if (!listener) return listener.error();
  proxy->listener_ = std::move(listener.value());
  return proxy;
}

Proxy::Proxy(net::Loop& loop, ProxyOptions options, dump::PacketObserver& observer, NoteHandler notes)
    : loop_(loop),
      options_(std::move(options)),
      observer_(observer),
      notes_(std::move(notes)),
      pressure_timer_(loop),
      reap_timer_(loop) {}

Proxy::~Proxy() {
  for (auto& [id, pair] : pairs_) {
    pair->connecting.reset();
    for (auto* s : {pair->client.get(), pair->server.get()})
      if (s) {
        s->set_handler(nullptr);
        s->abort();
      }
  }
}

void Proxy::stop() {
  if (listener_) listener_->close();
  for (auto& [id, pair] : pairs_) {
    pair->connecting.reset();
    if (pair->client && pair->client->is_open()) pair->client->close();
    if (pair->server && pair->server->is_open()) pair->server->close();
    if (!pair->server && !pair->server_closed) side_closed(id, dump::Direction::ToClient, {});
  }
}

std::size_t Proxy::queued_bytes() const {
  std::size_t total = 0;
  for (const auto& [id, pair] : pairs_)
    for (const auto* s : {pair->client.get(), pair->server.get()})
      if (s) total += s->queued_bytes();
  return total;
}

void Proxy::note(std::uint64_t id, const std::string& text) {
  if (notes_) notes_(id, text);
}

void Proxy::accept(std::shared_ptr<net::Stream> client) {
  const std::uint64_t id = ++next_id_;
  auto pair = std::make_unique<Pair>();
  pair->id = id;
  pair->client = std::move(client);
  pair->tap = std::make_unique<ConnectionTap>(id, parse_endpoint(pair->client->peer_address()),
                                              upstream_endpoint(options_.upstream), observer_, options_.max_packet,
                                              [this](std::uint64_t c, const std::string& n) { note(c, n); });
  if (options_.faults.any()) {
    // Packet by packet: the tap frames, the plan decides, then forward_packet writes.
    pair->faults = std::make_unique<FaultPlan>(options_.faults);
    pair->tap->set_sink([this, id](dump::Direction d, ByteView b, std::optional<PacketType> t) {
      if (auto it = pairs_.find(id); it != pairs_.end()) forward_packet(*it->second, d, b, t);
    });
  }
  // Nothing is read from the client until the broker is there to take it.
  pair->client->pause_reading();
  pair->client->on_data([this, id](ByteView b) {
    if (auto it = pairs_.find(id); it != pairs_.end()) forward(*it->second, dump::Direction::ToServer, b);
  });
  pair->client->on_close([this, id](const net::NetError& e) { side_closed(id, dump::Direction::ToServer, e); });
  const std::string certificate = pair->client->peer_cert_subject();
  note(id, certificate.empty() ? fmt::format("connection from {}", pair->client->peer_address())
                               : fmt::format("connection from {}, client certificate {}",
                                             pair->client->peer_address(), certificate));
  pair->tap->start(now_us(), certificate);
  pair->connecting = net::connect(loop_, options_.upstream, options_.connect_options,
                                  [this, id](std::shared_ptr<net::Stream> s, const net::NetError& e) {
                                    upstream_ready(id, std::move(s), e);
                                  });
  pairs_.emplace(id, std::move(pair));
}

void Proxy::upstream_ready(std::uint64_t id, std::shared_ptr<net::Stream> stream, const net::NetError& error) {
  auto it = pairs_.find(id);
  if (it == pairs_.end()) return;
  Pair& pair = *it->second;
  if (error) {
    note(id, fmt::format("broker {} unreachable: {}", net::to_string(options_.upstream), error.message));
    pair.server_closed = true;
    pair.tap->end(now_us(), "broker unreachable");
    if (pair.client->is_open()) pair.client->abort();
    maybe_reap(pair);
    return;
  }
  pair.server = std::move(stream);
  pair.server->on_data([this, id](ByteView b) {
    if (auto i = pairs_.find(id); i != pairs_.end()) forward(*i->second, dump::Direction::ToClient, b);
  });
  pair.server->on_close([this, id](const net::NetError& e) { side_closed(id, dump::Direction::ToClient, e); });
  if (!pair.early.empty()) {
    pair.server->write(std::move(pair.early));
    pair.early.clear();
  }
  if (pair.client_closed) {
    pair.server->close();
    return;
  }
  pair.client->resume_reading();
}

void Proxy::send(Pair& pair, dump::Direction d, ByteView bytes) {
  if (net::Stream* to = pair.target(d)) {
    if (to->is_open()) to->write(bytes);
  } else if (d == dump::Direction::ToServer && !pair.server_closed) {
    pair.early.insert(pair.early.end(), bytes.begin(), bytes.end());
  }
}

void Proxy::forward(Pair& pair, dump::Direction d, ByteView bytes) {
  if (pair.faults) {
    pair.tap->feed(d, bytes, now_us());  // forward_packet gets each packet
    check_backlog(pair, d);
    return;
  }
  // Forward first: what the tap makes of the bytes never changes them.
  send(pair, d, bytes);
  pair.tap->feed(d, bytes, now_us());
  check_backlog(pair, d);
}

void Proxy::forward_packet(Pair& pair, dump::Direction d, ByteView bytes, std::optional<PacketType> type) {
  if (pair.cut) return;
  std::string why;
  const FaultAction action = pair.faults->decide(type, why);
  if (action != FaultAction::Forward && why != pair.last_fault) {
    note(pair.id, fmt::format("{}: {}", dump::direction_arrow(d), why));
    pair.last_fault = why;
  }
  if (action == FaultAction::Cut) {
    // What was forwarded before still arrives; then both sides are closed.
    pair.cut = true;
    for (auto* s : {pair.client.get(), pair.server.get()})
      if (s && s->is_open()) s->close();
    return;
  }
  if (action == FaultAction::Drop) return;
  if (options_.faults.delay.count() == 0) {
    send(pair, d, bytes);
    return;
  }
  const bool idle = pair.delayed.empty();
  pair.delayed.push_back({std::chrono::steady_clock::now() + options_.faults.delay, d, {bytes.begin(), bytes.end()}});
  pair.delayed_bytes[d == dump::Direction::ToServer ? 0 : 1] += bytes.size();
  if (idle) {
    if (!pair.delay_timer) pair.delay_timer = std::make_unique<net::Timer>(loop_);
    const std::uint64_t id = pair.id;
    pair.delay_timer->start(options_.faults.delay, [this, id] { release_delayed(id); });
  }
}

void Proxy::release_delayed(std::uint64_t id) {
  auto it = pairs_.find(id);
  if (it == pairs_.end()) return;
  Pair& pair = *it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!pair.delayed.empty() && pair.delayed.front().due <= now) {
    auto& item = pair.delayed.front();
    pair.delayed_bytes[item.direction == dump::Direction::ToServer ? 0 : 1] -= item.bytes.size();
    send(pair, item.direction, item.bytes);
    pair.delayed.pop_front();
  }
  if (!pair.delayed.empty())
    pair.delay_timer->start(std::chrono::duration_cast<std::chrono::milliseconds>(pair.delayed.front().due - now) +
                                std::chrono::milliseconds(1),
                            [this, id] { release_delayed(id); });
}

void Proxy::check_backlog(Pair& pair, dump::Direction d) {
  net::Stream* from = pair.source(d);
  if (from && pair.backlog(d) > options_.high_water && !pair.paused(d)) {
    from->pause_reading();
    pair.paused(d) = true;
    ++pauses_;
    if (!pressure_timer_.active())
      pressure_timer_.start_repeating(std::chrono::milliseconds(5), [this] { check_pressure(); });
  }
}

void Proxy::check_pressure() {
  bool any = false;
  for (auto& [id, pair] : pairs_) {
    for (dump::Direction d : {dump::Direction::ToServer, dump::Direction::ToClient}) {
      if (!pair->paused(d)) continue;
      net::Stream* to = pair->target(d);
      // Read again once half the backlog is gone (or the target is gone:
      // then the source is being closed anyway).
      if (!to || !to->is_open() || pair->backlog(d) <= options_.high_water / 2) {
        pair->paused(d) = false;
        if (net::Stream* from = pair->source(d); from && from->is_open()) from->resume_reading();
      } else {
        any = true;
      }
    }
  }
  if (!any) pressure_timer_.stop();
}

void Proxy::side_closed(std::uint64_t id, dump::Direction from, const net::NetError& why) {
  auto it = pairs_.find(id);
  if (it == pairs_.end()) return;
  Pair& pair = *it->second;
  const bool client = from == dump::Direction::ToServer;
  bool& closed = client ? pair.client_closed : pair.server_closed;
  if (closed) return;
  closed = true;
  const bool first = !(client ? pair.server_closed : pair.client_closed);
  if (first) {
    std::string how;
    if (why.code == net::NetErrc::None) how = "closed by the proxy";
    else if (why.code == net::NetErrc::PeerClosed) how = client ? "closed by client" : "closed by broker";
    else how = fmt::format("{} failed: {}", client ? "client" : "broker", why.message);
    pair.tap->end(now_us(), how);
    note(id, how);
    // The other side gets what is already queued (or delayed) for it, then the close.
    for (auto& item : pair.delayed) send(pair, item.direction, item.bytes);
    pair.delayed.clear();
    pair.delayed_bytes[0] = pair.delayed_bytes[1] = 0;
    if (pair.delay_timer) pair.delay_timer->stop();
    net::Stream* other = client ? pair.server.get() : pair.client.get();
    if (other && other->is_open()) other->close();
    // A client gone before the broker connection was ready: its early
    // bytes still go to the broker; without any, there is nothing to do.
    if (client && !pair.server && pair.early.empty()) {
      pair.connecting.reset();
      pair.server_closed = true;
    }
  }
  maybe_reap(pair);
}

void Proxy::maybe_reap(Pair& pair) {
  if (pair.client_closed && pair.server_closed && !pair.reaping) {
    // Streams are not destroyed inside their own callbacks.
    pair.reaping = true;
    reap_timer_.start(std::chrono::milliseconds(0), [this] { reap(); });
  }
}

void Proxy::reap() {
  for (auto it = pairs_.begin(); it != pairs_.end();) {
    if (it->second->reaping) it = pairs_.erase(it);
    else ++it;
  }
}

}  // namespace mq::proxy
