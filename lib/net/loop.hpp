#pragma once
/// The event loop: RAII owner of a libuv loop, timers, signal watchers and
/// the end-of-iteration write flush. Nothing here exposes libuv types.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

struct uv_loop_s;
struct uv_timer_s;
struct uv_signal_s;
struct uv_prepare_s;
struct uv_check_s;
struct uv_async_s;

namespace mq::net {

class Loop;

namespace detail {

/// Something that owns libuv handles on a Loop. The loop keeps a list of
/// them so that closing the loop can close their handles even when the owner
/// outlives it; after `detach()` the owner must not touch libuv again.
class LoopResource {
 public:
  /// Registers with `loop`.
  explicit LoopResource(Loop& loop);
  /// Unregisters (if still attached).
  virtual ~LoopResource();
  LoopResource(const LoopResource&) = delete;
  LoopResource& operator=(const LoopResource&) = delete;
  /// Closes every handle this object owns and forgets the loop.
  virtual void detach() = 0;
  /// The loop, or nullptr once detached.
  Loop* loop() const { return loop_; }

 protected:
  /// Unregisters; called by detach() implementations.
  void unregister();

 private:
  friend class mq::net::Loop;
  Loop* loop_;
  LoopResource* prev_ = nullptr;
  LoopResource* next_ = nullptr;
};

/// Something with queued output to write once per loop iteration. It keeps
/// the loop's "already queued" mark itself, where it has a spare byte.
class FlushTarget {
 public:
  virtual ~FlushTarget() = default;
  /// Writes what was queued since the last flush.
  virtual void flush() = 0;

 private:
  friend class mq::net::Loop;
  /// True while queued for a flush; only the loop changes it.
  virtual bool& flush_scheduled() = 0;
};

/// A FlushTarget that keeps its mark in a member of its own.
class Flushable : public FlushTarget {
 private:
  bool& flush_scheduled() final { return flush_scheduled_; }
  bool flush_scheduled_ = false;
};

}  // namespace detail

/// Owns a libuv loop. Destroying it closes every handle still open.
class Loop {
 public:
  /// Creates and initialises a loop.
  Loop();
  /// Closes the loop (see close()).
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  /// Runs until no handle keeps the loop alive or stop() is called.
  void run();
  /// Runs one iteration, waiting for an event; false when nothing is left.
  /// (libuv runs due timers before it blocks, so prefer run_until.)
  bool run_once();
  /// Runs until `done()` is true, checking it after every loop phase that
  /// ran callbacks, or until nothing keeps the loop alive. Returns done().
  bool run_until(const std::function<bool()>& done);
  /// Makes run() return after the current iteration.
  void stop();
  /// The loop's cached time in milliseconds (monotonic).
  std::uint64_t now_ms() const;

  /// Closes every handle still open (timers, streams, listeners, signal
  /// watchers), runs their close callbacks and closes the loop. Returns how
  /// many handles were still open besides the loop's own, which is 0 when
  /// every owner closed its handles before; tests check that. Later calls
  /// return 0.
  std::size_t close();
  /// True once close() has run.
  bool closed() const { return closed_; }

  /// Queues `f` to write its output at the end of this iteration.
  void schedule_flush(detail::FlushTarget* f);
  /// Removes `f` from the flush queue (called when it is destroyed).
  void cancel_flush(detail::FlushTarget* f);

  /// A shared buffer for reads: libuv fills it and the data callback
  /// consumes it before the next read, so one per loop is enough. Left
  /// uninitialised: zeroing it costs start-up time for nothing.
  std::span<std::uint8_t> read_buffer() { return {read_buffer_.get(), kReadBufferSize}; }

  /// The libuv loop, for lib/net internals only.
  uv_loop_s* raw() const { return loop_; }

 private:
  friend class detail::LoopResource;
  void flush_all();
  void after_phase();

  uv_loop_s* loop_;
  uv_prepare_s* prepare_;
  uv_check_s* check_;
  bool closed_ = false;
  std::vector<detail::FlushTarget*> flush_queue_;
  const std::function<bool()>* until_ = nullptr;
  static constexpr std::size_t kReadBufferSize = 256 * 1024;
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  detail::LoopResource* resources_ = nullptr;
};

/// A one-shot or repeating timer. Destroying it stops it.
class Timer : public detail::LoopResource {
 public:
  /// A stopped timer on `loop`.
  explicit Timer(Loop& loop);
  /// Stops the timer and closes its handle.
  ~Timer() override;
  /// Calls `cb` once after `delay` (replacing any earlier start).
  void start(std::chrono::milliseconds delay, std::function<void()> cb);
  /// Calls `cb` every `interval`, first after one interval.
  void start_repeating(std::chrono::milliseconds interval, std::function<void()> cb);
  /// Stops the timer; its callback is not called again.
  void stop();
  /// True while the timer is started.
  bool active() const;
  /// Closes the handle and forgets the loop.
  void detach() override;

 private:
  void arm(std::uint64_t delay, std::uint64_t repeat, std::function<void()> cb);
  uv_timer_s* handle_ = nullptr;
  std::function<void()> cb_;
};

/// Calls a function on the loop thread when a signal (SIGINT, SIGTERM,
/// SIGHUP, ...) arrives. It does not keep the loop alive by itself.
class SignalWatcher : public detail::LoopResource {
 public:
  /// Starts watching `signum`; `cb` receives the signal number.
  SignalWatcher(Loop& loop, int signum, std::function<void(int)> cb);
  /// Stops watching and closes the handle.
  ~SignalWatcher() override;
  /// Closes the handle and forgets the loop.
  void detach() override;

 private:
  uv_signal_s* handle_ = nullptr;
  std::function<void(int)> cb_;
};

/// Calls a function on the loop thread when another thread asks for it
/// (uv_async): the way to stop or poke a loop from outside without polling.
/// Several notify() calls before the callback runs may be merged into one
/// call. It does not keep the loop alive by itself.
class Wakeup : public detail::LoopResource {
 public:
  /// Prepares the wake-up on `loop` (from the loop's thread).
  Wakeup(Loop& loop, std::function<void()> cb);
  /// Closes the handle (from the loop's thread).
  ~Wakeup() override;
  /// Wakes the loop and runs the callback there. Safe from any thread, but
  /// never concurrently with the destruction of this object: the caller
  /// keeps it alive (e.g. behind a mutex) while it may call notify().
  void notify();
  /// Closes the handle and forgets the loop.
  void detach() override;

 private:
  uv_async_s* handle_ = nullptr;
  std::function<void()> cb_;
};

}  // namespace mq::net
