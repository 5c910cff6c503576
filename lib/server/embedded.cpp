#include "server/embedded.hpp"

#include <unistd.h>

#include <future>
#include <mutex>

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
    self->tid_ = static_cast<int>(::gettid());
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
    // stop() wakes the loop from its own thread. The wake-up is published
    // under the mutex before start() returns, so stop() always finds it
    // and never notifies one being destroyed.
    bool shutting = false;
    net::Wakeup wake(loop, [&] {
      if (shutting || !self->stop_requested_.load()) return;
      shutting = true;
      srv->shutdown([&] { loop.stop(); });
    });
    {
      std::lock_guard lock(self->wake_mutex_);
      self->wake_ = &wake;
    }
    ready.set_value();
    loop.run();
    {
      std::lock_guard lock(self->wake_mutex_);
      self->wake_ = nullptr;
    }
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
  {
    std::lock_guard lock(wake_mutex_);
    if (wake_) wake_->notify();
  }
  if (thread_.joinable()) thread_.join();
}

std::uint16_t EmbeddedBroker::port(std::string_view kind) const {
  for (const auto& l : listeners_)
    if (l.kind == kind) return l.port;
  return 0;
}

}  // namespace mq::server
