#include "server/embedded.hpp"

#include <future>

#include "net/loop.hpp"

namespace mq::server {

Settings EmbeddedBroker::loopback_settings() {
  Settings s;
  ListenerSettings l;
  l.port = 0;
  l.address = "127.0.0.1";
  l.where = "embedded";
  s.listeners.push_back(l);
  s.security.allow_anonymous = true;
  return s;
}

std::optional<std::string> EmbeddedBroker::start(Settings settings, std::unique_ptr<EmbeddedBroker>& out,
                                                 LogLevel level) {
  std::unique_ptr<EmbeddedBroker> b(new EmbeddedBroker());
  std::promise<void> ready;
  auto started = ready.get_future();
  EmbeddedBroker* self = b.get();
  b->thread_ = std::thread([self, settings = std::move(settings), level, ready = std::move(ready)]() mutable {
    net::Loop loop;
    Logger log(level);
    std::unique_ptr<Server> srv;
    self->error_ = Server::create(loop, std::move(settings), log, srv);
    if (!self->error_) self->error_ = srv->start();
    if (self->error_) {
      srv.reset();
      loop.close();
      ready.set_value();
      return;
    }
    self->listeners_ = srv->listeners();
    ready.set_value();
    // net::Loop has no cross-thread wake-up, so the stop request is polled.
    net::Timer poll(loop);
    poll.start_repeating(std::chrono::milliseconds(10), [&] {
      if (!self->stop_requested_.load()) return;
      poll.stop();
      srv->shutdown([&] { loop.stop(); });
    });
    loop.run();
    poll.stop();
    srv.reset();
    loop.close();
  });
  started.wait();
  if (b->error_) {
    b->thread_.join();
    return b->error_;
  }
  out = std::move(b);
  return std::nullopt;
}

EmbeddedBroker::~EmbeddedBroker() { stop(); }

void EmbeddedBroker::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::uint16_t EmbeddedBroker::port(std::string_view kind) const {
  for (const auto& l : listeners_)
    if (l.kind == kind) return l.port;
  return 0;
}

}  // namespace mq::server
