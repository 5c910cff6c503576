#pragma once
/// Helpers for loopback tests: a loop with a deadline that fails the test,
/// and an echo exchange between a Listener and a client.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/listener.hpp"
#include "net/loop.hpp"
#include "net/stream.hpp"

namespace mq::net::test {

/// A loop whose runs fail the test (instead of hanging) after `limit`.
class TestLoop {
 public:
  /// A loop with a deadline for run_until().
  explicit TestLoop(std::chrono::milliseconds limit = std::chrono::seconds(20)) : limit_(limit) {}

  /// Runs until `done()` is true; fails the test when the deadline passes.
  void run_until(const std::function<bool()>& done) {
    bool timed_out = false;
    Timer guard(loop);
    guard.start(limit_, [&] {
      timed_out = true;
      loop.stop();
    });
    bool finished = loop.run_until([&] { return timed_out || done(); });
    CHECK_MESSAGE(!timed_out, "test deadline passed");
    CHECK_MESSAGE(finished, "the loop ran out of work before the test finished");
  }

  /// Runs the loop for `d`, to show that nothing happens meanwhile.
  void run_for(std::chrono::milliseconds d) {
    Timer settle(loop);
    bool settled = false;
    settle.start(d, [&] { settled = true; });
    run_until([&] { return settled; });
  }

  /// Checks that every handle was closed by its owner, then closes the loop.
  void check_clean() { CHECK(loop.close() == 0); }

  /// The loop under test.
  Loop loop;

 private:
  std::chrono::milliseconds limit_;
};

/// Bytes 0..250 repeated: easy to check, not all the same.
inline std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i % 251);
  return v;
}

/// Makes each accepted stream echo what it receives.
struct EchoServer {
  std::vector<std::shared_ptr<Stream>> streams;  ///< accepted so far
  std::size_t closed = 0;                        ///< how many ended
  std::vector<NetError> errors;                  ///< handshake failures
  std::string last_cn;                           ///< peer_cert_cn() of the last stream

  /// The accept handler to give Listener::listen.
  AcceptHandler handler() {
    return [this](std::shared_ptr<Stream> s) {
      last_cn = s->peer_cert_cn();
      Stream* raw = s.get();
      s->on_data([raw](ByteView b) { raw->write(b); });
      s->on_close([this](const NetError&) { ++closed; });
      streams.push_back(std::move(s));
    };
  }
  /// The error handler to give Listener::listen.
  AcceptErrorHandler error_handler() {
    return [this](const std::string&, const NetError& e) { errors.push_back(e); };
  }
};

/// Client half of an echo exchange: sends `payload` in pieces, collects the
/// echo, closes when everything came back.
struct EchoClient {
  std::shared_ptr<Stream> stream;
  std::vector<std::uint8_t> payload;
  std::vector<std::uint8_t> received;
  NetError connect_error;
  bool connect_done = false;
  bool closed = false;
  NetError close_error;

  /// The connect callback.
  std::function<void(std::shared_ptr<Stream>, const NetError&)> callback() {
    return [this](std::shared_ptr<Stream> s, const NetError& e) {
      connect_done = true;
      connect_error = e;
      if (!s) return;
      stream = s;
      s->on_data([this](ByteView b) {
        received.insert(received.end(), b.begin(), b.end());
        if (received.size() >= payload.size()) stream->close();
      });
      s->on_close([this](const NetError& why) {
        closed = true;
        close_error = why;
      });
      // Many writes of odd sizes, issued in one go: they are coalesced.
      std::size_t off = 0, piece = 1;
      while (off < payload.size()) {
        std::size_t n = std::min(piece, payload.size() - off);
        s->write(ByteView(payload.data() + off, n));
        off += n;
        piece = piece * 3 + 7;
        if (piece > 300000) piece = 1;
      }
    };
  }
  /// True once the exchange is over (or failed to start).
  bool done() const { return closed || (connect_done && connect_error); }
};

}  // namespace mq::net::test
