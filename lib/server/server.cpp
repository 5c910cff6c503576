#include "server/server.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "net/pool_work.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"
#include "server/config/profiles.hpp"

namespace mq::server {
namespace {

broker::TimePoint now() { return broker::Clock::now(); }

net::Url listener_url(const ListenerSettings& l) {
  net::Url url;
  if (!l.unix_path.empty()) {
    url.scheme = net::Scheme::Unix;
    url.path = l.unix_path;
    return url;
  }
  bool ws = l.protocol == ListenerProtocol::WebSockets;
  url.scheme = l.tls() ? (ws ? net::Scheme::Wss : net::Scheme::Mqtts) : (ws ? net::Scheme::Ws : net::Scheme::Mqtt);
  url.host = !l.address.empty() ? l.address : l.socket_domain == SocketDomain::IPv6 ? "::" : "0.0.0.0";
  url.port = l.port;
  url.path = "/";  // WebSocket clients may ask for any path, as with mosquitto
  return url;
}

std::string describe(const ListenerSettings& l) {
  std::string what = l.unix_path.empty() ? fmt::format("listener {}{}{}", l.port, l.address.empty() ? "" : " ", l.address)
                                         : fmt::format("listener unix {}", l.unix_path);
  return l.where.empty() ? what : fmt::format("{} ({})", what, l.where);
}

}  // namespace

std::string listening_line(const BoundListener& l) { return fmt::format("listening {} {}", l.kind, l.address); }

std::optional<std::string> to_broker_config(const Settings& s, broker::Config& c) {
  if (s.max_packet_size != 0) c.max_packet_size = s.max_packet_size;
  c.max_payload_size = s.message_size_limit;
  c.max_inflight = static_cast<std::uint16_t>(
      s.max_inflight_messages == 0 ? 65535 : std::min<std::uint32_t>(s.max_inflight_messages, 65535));
  c.max_queued_messages = s.max_queued_messages;
  c.max_queued_bytes = s.max_queued_bytes;
  c.queue_qos0_offline = s.queue_qos0_messages;
  c.max_topic_length = s.max_topic_length;
  c.max_topic_levels = s.max_topic_levels;
  c.max_keepalive = s.max_keepalive == 65535 ? 0 : s.max_keepalive;
  c.min_keepalive = s.min_keepalive;
  if (c.max_keepalive && c.min_keepalive > c.max_keepalive)
    return fmt::format("min_keepalive {} is above max_keepalive {}", s.min_keepalive, s.max_keepalive);
  c.receive_maximum = s.receive_maximum;
  c.wildcard_subscriptions = s.wildcard_subscription_available;
  c.shared_subscriptions = s.shared_subscription_available;
  c.subscription_identifiers = s.subscription_identifier_available;
  c.max_client_id_length = s.max_client_id_length;
  c.allow_zero_length_clientid = s.allow_zero_length_clientid;
  c.assigned_id_prefix = s.auto_id_prefix;
  c.persistent_client_expiration = s.persistent_client_expiration;
  c.max_session_expiry = s.max_session_expiry;
  c.server_reference = s.server_reference;
  c.server_reference_reason = s.server_moved ? 0x9D : 0x9C;
  if (const Profile* p = find_profile(s.profile)) c.behaviour = p->behaviour;
  c.connect_timeout = s.connect_timeout;
  c.maximum_qos = s.maximum_qos;
  c.retain_available = s.retain_available;
  c.topic_alias_maximum = s.max_topic_alias;
  c.max_alias_bytes_out = s.max_alias_bytes_out;
  c.sys_interval = s.sys_interval;
  c.response_information = s.response_information;
  return std::nullopt;
}

Server::Server(net::Loop& loop, Settings settings, Logger& log)
    : loop_(loop),
      settings_(std::move(settings)),
      listener_settings_(settings_.effective_listeners()),
      log_(log),
      events_(log,
              [this](broker::ConnectionId id) {
                Conn* c = conns_.find(id);
                return c ? ConnName{c->number, c->stream->peer_address()} : ConnName{0, "?"};
              }),
      deadline_timer_(loop),
      pressure_timer_(loop),
      drain_timer_(loop),
      autosave_timer_(loop) {}

std::optional<std::string> Server::create(net::Loop& loop, Settings settings, Logger& log,
                                          std::unique_ptr<Server>& out, bool check_only) {
  broker::Config config;
  if (auto e = to_broker_config(settings, config)) return e;
  std::unique_ptr<Server> s(new Server(loop, std::move(settings), log));
  if (auto e = s->auth_.load(s->settings_, s->listener_settings_)) return e;
  s->auth_.defer_hashing(true);  // password hashes are computed off the loop (start_hash_jobs)
  s->tls_.resize(s->listener_settings_.size());
  for (std::size_t i = 0; i < s->listener_settings_.size(); ++i)
    if (auto e = s->make_tls(i, s->tls_[i])) return e;
  broker::Output& output = *s;  // a private base: only the Server hands itself out
  s->broker_ = std::make_unique<broker::Broker>(config, output, &s->auth_, now());
  s->broker_->set_wall_clock(now(), std::chrono::system_clock::now());
  s->broker_->set_events(&s->events_);
  if (s->settings_.lint) {
    const std::uint32_t max = s->settings_.max_packet_size ? s->settings_.max_packet_size : kVarIntMax + 5;
    s->lint_ = std::make_unique<LintLog>(loop, log, s->settings_.lint_settings, max);
  }
  if (s->settings_.persistence) {
    Store::Options o{s->settings_.persistence_location, s->settings_.persistence_file, s->settings_.persistence_mode,
                     check_only, s->settings_.persistence_salvage};
    if (auto e = Store::open(o, *s->broker_, log, s->store_)) return e;
    log.log(LogLevel::Notice, "persistence loaded",
            {{"directory", o.dir.empty() ? "." : o.dir},
             {"mode", o.mode == PersistenceMode::Durable ? "durable" : "snapshot"},
             {"records", std::to_string(s->store_->restored())},
             {"sessions", std::to_string(s->broker_->counters().sessions)},
             {"retained", std::to_string(s->broker_->counters().retained)}});
    if (check_only) s->store_.reset();
    if (s->store_ && s->settings_.autosave_interval)
      s->autosave_timer_.start_repeating(std::chrono::seconds(s->settings_.autosave_interval), [p = s.get()] {
        if (p->store_->changed()) p->save_snapshot();
      });
  }
  s->per_listener_open_.assign(s->listener_settings_.size(), 0);
  out = std::move(s);
  return std::nullopt;
}

Server::~Server() {
  loop_.cancel_flush(this);
  for (auto& s : conns_.streams()) {
    s->set_handler(nullptr);
    s->abort();
  }
}

std::optional<std::string> Server::make_tls(std::size_t index, std::shared_ptr<net::TlsServerContext>& out) const {
  const ListenerSettings& l = listener_settings_[index];
  if (!l.tls()) return std::nullopt;
  if (!l.capath.empty() && l.cafile.empty())
    return fmt::format("{}: capath is not supported for client certificates; use cafile", describe(l));
  net::TlsServerOptions o;
  o.cert_file = l.certfile;
  o.key_file = l.keyfile;
  o.ca_file = l.cafile;
  o.require_client_cert = l.require_certificate;
  o.min_version = l.tls_version == "tlsv1.3" ? net::TlsVersion::Tls13 : net::TlsVersion::Tls12;
  auto ctx = net::TlsServerContext::create(o);
  if (!ctx) return fmt::format("{}: {}", describe(l), ctx.error().message);
  out = ctx.value();
  return std::nullopt;
}

std::optional<std::string> Server::start() {
  for (std::size_t i = 0; i < listener_settings_.size(); ++i) {
    const ListenerSettings& l = listener_settings_[i];
    net::ListenOptions opts;
    opts.tls = tls_[i];
    opts.tcp_nodelay = settings_.set_tcp_nodelay;
    auto r = net::Listener::listen(
        loop_, listener_url(l), opts, [this, i](std::shared_ptr<net::Stream> s) { on_accept(i, std::move(s)); },
        [this](const std::string& peer, const net::NetError& e) {
          log_.log(LogLevel::Notice, "connection failed before MQTT", {{"peer", peer}, {"reason", e.message}});
        });
    if (!r) {
      for (auto& nl : net_listeners_) nl->close();
      net_listeners_.clear();
      bound_.clear();
      return fmt::format("{}: {}", describe(l), r.error().message);
    }
    auto& nl = r.value();
    bound_.push_back({std::string(net::scheme_name(nl->url().scheme)), nl->address(), nl->port()});
    net_listeners_.push_back(std::move(nl));
  }
  schedule();
  return std::nullopt;
}

std::optional<std::string> Server::reload() {
  // Everything is read first; only a complete set replaces what is in force.
  std::vector<std::shared_ptr<net::TlsServerContext>> tls(listener_settings_.size());
  for (std::size_t i = 0; i < listener_settings_.size(); ++i)
    if (auto e = make_tls(i, tls[i])) return e;
  if (auto e = auth_.load(settings_, listener_settings_)) return e;
  tls_ = std::move(tls);
  for (std::size_t i = 0; i < net_listeners_.size(); ++i)
    if (tls_[i]) net_listeners_[i]->set_tls(tls_[i]);
  return std::nullopt;
}

void Server::on_accept(std::size_t listener, std::shared_ptr<net::Stream> stream) {
  const ListenerSettings& l = listener_settings_[listener];
  const bool full =
      l.max_connections >= 0 && per_listener_open_[listener] >= static_cast<std::size_t>(l.max_connections);
  // Numbered on arrival, before any line about it, so that the numbers
  // count every socket the listeners accepted.
  const std::uint64_t number = ++arrivals_;
  if (shutting_down_ || (full && refusing_.size() >= kMaxRefusing)) {
    log_.log(LogLevel::Notice, "connection refused: listener at max_connections",
             {{"connection", number}, {"peer", stream->peer_address()}, {"listener", bound_[listener].address}});
    stream->abort();
    return;
  }
  // Over the limit, the socket is still read up to its CONNECT so that the
  // client learns why (CONNACK 0x97 / return code 3), then closed.
  broker::PeerInfo peer{stream->peer_address(), std::to_string(listener), stream->peer_cert_cn(), full};
  if (full) {
    log_.log(LogLevel::Notice, "connection refused: listener at max_connections",
             {{"connection", number}, {"peer", peer.address}, {"listener", bound_[listener].address}});
  } else if (settings_.connection_messages) {
    log_.log(LogLevel::Info, "new connection",
             {{"connection", number}, {"peer", peer.address}, {"listener", bound_[listener].address}});
  }
  std::string lint_peer = lint_ ? peer.address : std::string();
  broker::ConnectionId id = broker_->open(std::move(peer), now());
  if (lint_) lint_->opened(id, number, lint_peer);
  if (full) refusing_.insert(id);
  else ++per_listener_open_[listener];
  stream->set_handler(this, id);
  conns_.add(id, std::move(stream), static_cast<std::uint32_t>(listener), number);
  schedule();
}

void Server::on_stream_data(std::uint64_t id, ByteView bytes) {
  if (lint_) lint_->received(id, bytes);  // first: the core may answer at once
  broker_->receive(id, bytes, now());
  check_input_budget(id);
  start_hash_jobs();
  // The transport may have answered by itself (WebSocket pongs): its output
  // counts toward the backlog like anything the core sends.
  if (Conn* c = conns_.find(id); c && c->stream->queued_bytes() > kHighWater && !backlogged_.contains(id))
    newly_backlogged_.push_back(id);
  note_client(id);
  schedule();
}

void Server::check_input_budget(broker::ConnectionId id) {
  const std::size_t now_held = broker_->buffered_input(id);
  auto it = input_held_.find(id);
  const std::size_t was = it == input_held_.end() ? 0 : it->second;
  input_total_ = input_total_ - was + now_held;
  if (now_held == 0) {
    if (it != input_held_.end()) input_held_.erase(it);
    return;
  }
  input_held_[id] = now_held;
  const std::size_t budget = settings_.input_buffer_budget;
  if (input_total_ <= budget) return;
  // Over budget: the share is an equal part among the connections holding
  // input, at least 1 MiB; one that grew past it is the one to go.
  const std::size_t share = std::max<std::size_t>(budget / input_held_.size(), 1024 * 1024);
  if (now_held <= share) return;
  Conn* c = conns_.find(id);
  if (!c) return;
  log_.log(LogLevel::Warning, "disconnecting a client whose partial packets exceed its share of input_buffer_budget",
           {{"connection", c->number},
            {"peer", c->stream->peer_address()},
            {"held", std::to_string(now_held)},
            {"share", std::to_string(share)},
            {"total", std::to_string(input_total_)}});
  c->stream->abort();  // on_close tells the core and forget() drops the count
}

void Server::start_hash_jobs() {
  for (auto& j : auth_.take_jobs()) {
    auto job = std::make_shared<const FileAuthorizer::HashJob>(std::move(j));
    auto ok = std::make_shared<bool>(false);
    net::run_in_pool(
        loop_, [job, ok] { *ok = job->file->check_evenly(job->user, job->password); },
        [this, job, ok, alive = std::weak_ptr<char>(alive_)] {
          if (alive.expired()) return;  // the server is gone
          broker_->authenticated(job->connection, auth_.finish(*job, *ok), now());
          note_client(job->connection);
          schedule();
        });
  }
}

void Server::on_stream_close(std::uint64_t id, const net::NetError& e) {
  const std::optional<std::string> why = events_.close_reason(id);  // always asked: it forgets the id
  if (settings_.connection_messages && log_.enabled(LogLevel::Info)) {
    log_.log(LogLevel::Info, "connection closed",
             {{"connection", number_of(id)},
              {"client_id", std::string(conns_.name(id))},
              {"reason", why ? *why : e ? e.message : "closed"}});
  }
  broker_->closed(id, now());
  if (lint_) lint_->closed(id);
  forget(id);
  schedule();
}

void Server::note_client(broker::ConnectionId id) {
  // Client identifiers are never empty once CONNECT succeeded (one is assigned).
  if (!settings_.connection_messages || !conns_.name(id).empty()) return;
  Conn* c = conns_.find(id);
  auto client = broker_->client_id(id);
  if (!c || !client) return;
  conns_.set_name(id, std::string(*client));
  log_.log(LogLevel::Info, "client connected",
           {{"connection", c->number}, {"client_id", std::string(*client)}, {"peer", c->stream->peer_address()}});
}

std::uint64_t Server::number_of(broker::ConnectionId id) {
  Conn* c = conns_.find(id);
  return c ? c->number : 0;
}

void Server::forget(broker::ConnectionId id) {
  const auto listener = conns_.remove(id);
  if (!listener) return;
  if (!refusing_.erase(id)) --per_listener_open_[*listener];
  if (auto held = input_held_.find(id); held != input_held_.end()) {
    input_total_ -= held->second;
    input_held_.erase(held);
  }
  backlogged_.erase(id);
}

void Server::send(broker::ConnectionId id, ByteView bytes) {
  Conn* c = conns_.find(id);
  if (!c) return;
  if (lint_) lint_->sent(id, bytes);
  c->stream->write(bytes);
  if (c->stream->queued_bytes() > kHighWater && !backlogged_.contains(id)) newly_backlogged_.push_back(id);
}

void Server::close(broker::ConnectionId id) {
  Conn* c = conns_.find(id);
  if (!c) return;
  c->stream->close();  // on_close follows once the output is written
  conns_.closing(id);  // the core may give the slot to the next connection now
}

void Server::schedule() { loop_.schedule_flush(this); }

void Server::flush() {
  // Group commit: what this loop turn changed reaches the disk before any
  // acknowledgement or forwarded message of the turn leaves.
  if (store_ && !failed_) {
    if (auto e = store_->commit()) return persistence_failed(*e);
    if (store_->wants_compaction()) save_snapshot();
  }
  if (failed_) return;
  broker_->flush();
  note_backlogs();
  arm_timer();
  if (shutting_down_ && conns_.size() == 0 && on_drained_) {
    drain_timer_.stop();
    autosave_timer_.stop();
    if (store_) save_snapshot();
    if (lint_) lint_->finish();  // rules over the whole run: retained clutter
    auto done = std::move(on_drained_);
    on_drained_ = nullptr;
    done();
  }
}

void Server::arm_timer() {
  auto next = broker_->next_deadline();
  if (!next) {
    deadline_timer_.stop();
    armed_for_.reset();
    return;
  }
  if (armed_for_ == next && deadline_timer_.active()) return;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now());
  if (wait.count() < 0) wait = std::chrono::milliseconds(0);
  armed_for_ = next;
  deadline_timer_.start(wait, [this] {
    armed_for_.reset();
    broker_->set_wall_clock(now(), std::chrono::system_clock::now());  // follows clock adjustments
    broker_->tick(now());
    schedule();
  });
}

void Server::note_backlogs() {
  if (newly_backlogged_.empty()) return;
  const broker::TimePoint t = now();
  for (broker::ConnectionId id : newly_backlogged_) {
    if (!conns_.find(id) || !backlogged_.emplace(id, t).second) continue;
    broker_->set_backlogged(id, true, t);
    log_.log(LogLevel::Debug, "output backlog: dropping QoS 0, queueing QoS 1/2", {{"connection", number_of(id)}});
  }
  newly_backlogged_.clear();
  if (!backlogged_.empty() && !pressure_timer_.active())
    pressure_timer_.start_repeating(std::chrono::milliseconds(5), [this] { check_pressure(); });
}

void Server::check_pressure() {
  const broker::TimePoint t = now();
  struct Stuck {
    std::shared_ptr<net::Stream> stream;
    std::uint64_t number;
    std::string client;
  };
  std::vector<Stuck> stuck;
  bool drained = false;
  for (auto it = backlogged_.begin(); it != backlogged_.end();) {
    Conn* c = conns_.find(it->first);
    const std::size_t queued = c ? c->stream->queued_bytes() : 0;
    if (queued >= kLowWater && t - it->second <= kStallLimit && queued <= kMaxQueuedOutput) {
      ++it;
      continue;
    }
    if (queued >= kLowWater) {  // not reading for too long, or too much waiting
      stuck.push_back({c->stream, c->number, std::string(broker_->client_id(it->first).value_or(""))});
    } else if (c) {
      broker_->set_backlogged(it->first, false, t);
      drained = true;
      log_.log(LogLevel::Debug, "output drained", {{"connection", c->number}});
    }
    it = backlogged_.erase(it);
  }
  for (auto& [s, number, client] : stuck) {
    log_.log(LogLevel::Warning, "disconnecting a client that does not read its messages",
             {{"connection", number}, {"peer", s->peer_address()}, {"client_id", client}});
    broker_->count_slow_disconnect();
    s->abort();  // on_close tells the core, which publishes its will
  }
  if (backlogged_.empty()) pressure_timer_.stop();
  if (drained) schedule();  // what the core queued meanwhile goes out now
}

void Server::save_snapshot() {
  if (failed_) return;
  if (auto e = store_->save(*broker_)) persistence_failed(*e);
}

void Server::persistence_failed(const std::string& error) {
  failed_ = true;
  log_.log(LogLevel::Error, "persistence write failed; stopping without acknowledging unsaved messages",
           {{"error", error}});
  autosave_timer_.stop();
  for (auto& s : conns_.streams()) s->abort();
  if (!shutting_down_) {
    shutting_down_ = true;
    for (auto& l : net_listeners_) l->close();
  }
  if (on_drained_) {
    auto done = std::move(on_drained_);
    on_drained_ = nullptr;
    done();
  } else if (on_failed_) {
    on_failed_();
  }
}

void Server::shutdown(std::function<void()> done) {
  if (shutting_down_) return;
  shutting_down_ = true;
  on_drained_ = std::move(done);
  for (auto& l : net_listeners_) l->close();
  broker_->shutdown(now());
  schedule();
  // Clients that do not take their last bytes are cut off after a while.
  drain_timer_.start(std::chrono::seconds(5), [this] {
    for (auto& s : conns_.streams()) s->abort();
  });
}

}  // namespace mq::server
