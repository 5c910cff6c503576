// broker_load: a single-process MQTT 3.1.1 load generator for comparing
// brokers (benchmark, not a test). One epoll loop drives every connection;
// packets are encoded once with the codec and only their sequence number,
// timestamp and packet identifier are patched before sending.
//
//   broker_load throughput --port P --pid BROKER_PID [--qos 0|1] [--fanout N]
//   broker_load latency    --port P [--versus-port Q] [--rate 1000] [--fanout N]
//   broker_load idle       --port P --pid BROKER_PID [--count 10000]
//   broker_load connect    --port P [--count 200] [--rounds 5]
//
// Throughput is closed loop: each publisher keeps at most --window messages
// outstanding (not yet received by all its subscribers, and for QoS 1 not
// yet acknowledged), so a broker that keeps up never has to drop anything.
// Every subscriber checks that it sees its publisher's sequence numbers
// without a gap; a gap, a missing message at the end, or a refused
// connection ends the run with exit status 1 and a message saying what.
// Results are one line of key=value pairs on stdout.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/histogram.hpp"
#include "codec/encode.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

/// Any failure: the run stops and says why.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// CPU time of this process (user + system), microseconds.
std::int64_t own_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1'000'000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/// CPU time of another process from /proc/PID/stat (utime + stime), microseconds.
std::int64_t process_cpu_us(int pid) {
  std::ifstream f(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close_paren = stat.rfind(')');
  if (stat.empty() || close_paren == std::string::npos) throw Failure(fmt::format("cannot read /proc/{}/stat", pid));
  std::istringstream in(stat.substr(close_paren + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15, counting from 1
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return (utime + stime) * 1'000'000LL / sysconf(_SC_CLK_TCK);
}

/// Resident set size of a process from /proc/PID/status, bytes.
std::int64_t process_rss_bytes(int pid) {
  std::ifstream f(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  throw Failure(fmt::format("cannot read VmRSS of process {}", pid));
}

void raise_fd_limit(std::size_t wanted) {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  if (r.rlim_cur < wanted)
    throw Failure(fmt::format("need {} file descriptors, the hard limit is {}", wanted, r.rlim_max));
}

/// What a connection is for.
enum class Role : std::uint8_t { Publisher, Subscriber, Plain };

struct Conn {
  int fd = -1;
  Role role = Role::Plain;
  std::size_t group = 0;  // the publisher (and topic) it belongs to
  bool connecting = true;
  bool connacked = false;
  bool subacked = false;
  bool want_out = false;
  bool dirty = false;  // in Load::dirty_
  Bytes rx;
  std::size_t rx_len = 0;
  Bytes tx;
  std::size_t tx_off = 0;
  std::int64_t started_ns = 0;
  std::int64_t connack_ns = 0;
  std::uint64_t expected_seq = 0;  // subscriber: next sequence number
  std::uint64_t received = 0;
};

/// One publisher's topic, its pre-encoded PUBLISH and its flow counters.
struct Group {
  std::size_t publisher = 0;  // index into conns
  Bytes packet;               // one PUBLISH; payload = seq, timestamp, filler
  std::size_t payload_at = 0;
  std::size_t subscribers = 0;
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;  // summed over its subscribers
  std::uint64_t acked = 0;      // QoS 1 PUBACKs
  Bytes batch;                  // scratch: copies of packet being patched
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int pid = 0;
  int qos = 0;
  std::size_t fanout = 1;
  std::size_t publishers = 4;
  std::size_t window = 500;
  double seconds = 3;
  std::size_t payload = 64;
  double rate = 1000;
  std::size_t count = 0;
  std::size_t rounds = 5;
  std::size_t sources = 0;
  int versus_port = 0;  // latency: a second broker measured in the same run
};

/// First receive buffer of a connection; it doubles while a read fills it,
/// up to kReadChunk, so idle connections stay small.
constexpr std::size_t kFirstRead = 4096;
constexpr std::size_t kReadChunk = 256 * 1024;

class Load {
 public:
  explicit Load(Options o) : o_(std::move(o)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw Failure("epoll_create1 failed");
  }
  ~Load() {
    for (auto& c : conns_)
      if (c->fd >= 0) ::close(c->fd);
    ::close(epoll_);
  }

  void throughput();
  void latency();
  void idle();
  void connect_times();

 private:
  // --- connections -------------------------------------------------------
  /// The broker port of group `g`: the second broker serves odd groups in a
  /// side-by-side latency run.
  int port_of(std::size_t g) const { return o_.versus_port && g % 2 == 1 ? o_.versus_port : o_.port; }

  Conn& open(Role role, std::size_t group, std::size_t source_index) {
    const int port = port_of(group);
    auto c = std::make_unique<Conn>();
    c->role = role;
    c->group = group;
    c->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) throw Failure(fmt::format("socket: {}", std::strerror(errno)));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (o_.sources > 1) {
      // Spread over 127.0.0.1..N so that many connections do not run out
      // of source ports; the port is picked at connect().
      setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sockaddr_in src{};
      src.sin_family = AF_INET;
      src.sin_addr.s_addr = htonl(0x7F000001u + static_cast<std::uint32_t>(source_index % o_.sources));
      if (::bind(c->fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
        throw Failure(fmt::format("bind: {}", std::strerror(errno)));
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, o_.host.c_str(), &to.sin_addr) != 1) throw Failure("--host must be an IPv4 address");
    c->started_ns = now_ns();
    if (::connect(c->fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
      throw Failure(fmt::format("connect to {}:{}: {}", o_.host, port, std::strerror(errno)));
    c->rx.resize(kFirstRead);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    c->want_out = true;
    ev.data.u64 = conns_.size();
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &ev) != 0) throw Failure("epoll_ctl ADD failed");
    conns_.push_back(std::move(c));
    return *conns_.back();
  }

  void set_want_out(std::size_t index, bool want) {
    Conn& c = *conns_[index];
    if (c.want_out == want) return;
    c.want_out = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u64 = index;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  /// Sends queued bytes of connection `index`; the rest waits for EPOLLOUT.
  void flush(std::size_t index) {
    Conn& c = *conns_[index];
    if (c.connecting) return;
    while (c.tx_off < c.tx.size()) {
      ssize_t n = ::write(c.fd, c.tx.data() + c.tx_off, c.tx.size() - c.tx_off);
      if (n < 0) {
        if (errno == EAGAIN) break;
        throw Failure(fmt::format("write: {}", std::strerror(errno)));
      }
      c.tx_off += static_cast<std::size_t>(n);
    }
    if (c.tx_off == c.tx.size()) {
      c.tx.clear();
      c.tx_off = 0;
    }
    set_want_out(index, c.tx_off < c.tx.size());
  }

  /// Flushes connection `index` once at the end of this loop turn.
  void mark_dirty(std::size_t index) {
    Conn& c = *conns_[index];
    if (c.dirty) return;
    c.dirty = true;
    dirty_.push_back(index);
  }

  void queue(std::size_t index, const std::uint8_t* p, std::size_t n) {
    Conn& c = *conns_[index];
    c.tx.insert(c.tx.end(), p, p + n);
    mark_dirty(index);
  }

  void on_writable(std::size_t index) {
    Conn& c = *conns_[index];
    if (c.connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0)
        throw Failure(fmt::format("connect to {}:{}: {}", o_.host, port_of(c.group), std::strerror(err)));
      c.connecting = false;
    }
    flush(index);
  }

  void on_readable(std::size_t index) {
    Conn& c = *conns_[index];
    while (true) {
      if (c.rx_len == c.rx.size()) c.rx.resize(c.rx.size() * 2);  // a packet bigger than the buffer
      ssize_t n = ::read(c.fd, c.rx.data() + c.rx_len, c.rx.size() - c.rx_len);
      if (n == 0) throw Failure(fmt::format("the broker closed connection {} ({})", index, role_name(c.role)));
      if (n < 0) {
        if (errno == EAGAIN) break;
        throw Failure(fmt::format("read: {}", std::strerror(errno)));
      }
      const std::size_t space = c.rx.size() - c.rx_len;
      c.rx_len += static_cast<std::size_t>(n);
      parse(index);
      if (static_cast<std::size_t>(n) < space) break;  // drained; epoll says when there is more
      if (c.rx.size() < kReadChunk) c.rx.resize(c.rx.size() * 2);
    }
  }

  /// Handles every complete packet in the receive buffer.
  void parse(std::size_t index) {
    Conn& c = *conns_[index];
    std::size_t at = 0;
    const std::int64_t now = latency_mode_ ? now_ns() : 0;
    while (c.rx_len - at >= 2) {
      const std::uint8_t* p = c.rx.data() + at;
      std::size_t remaining = 0, shift = 0, i = 1;
      for (;; ++i) {
        if (i > 4) throw Failure("malformed remaining length from the broker");
        if (at + i >= c.rx_len) goto partial;
        remaining |= static_cast<std::size_t>(p[i] & 0x7F) << shift;
        shift += 7;
        if (!(p[i] & 0x80)) break;
      }
      {
        const std::size_t header = i + 1;
        if (c.rx_len - at < header + remaining) break;
        on_packet(index, p[0], p + header, remaining, now);
        at += header + remaining;
      }
    }
  partial:
    if (at > 0) {
      std::memmove(c.rx.data(), c.rx.data() + at, c.rx_len - at);
      c.rx_len -= at;
    }
  }

  static std::uint64_t load_u64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }

  void on_packet(std::size_t index, std::uint8_t first, const std::uint8_t* body, std::size_t size, std::int64_t now) {
    Conn& c = *conns_[index];
    switch (first >> 4) {
      case 2:  // CONNACK
        if (size < 2 || body[1] != 0) throw Failure(fmt::format("CONNACK refused (code {})", size < 2 ? -1 : body[1]));
        c.connacked = true;
        c.connack_ns = now_ns();
        ++connacked_;
        return;
      case 9:  // SUBACK
        if (size < 3 || body[2] == 0x80) throw Failure("SUBSCRIBE refused");
        c.subacked = true;
        ++subacked_;
        return;
      case 4:  // PUBACK
        ++groups_[c.group].acked;
        return;
      case 3: {  // PUBLISH
        if (c.role != Role::Subscriber) throw Failure("a PUBLISH reached a connection that did not subscribe");
        const int qos = (first >> 1) & 3;
        if (size < 2) throw Failure("short PUBLISH");
        const std::size_t topic_len = static_cast<std::size_t>(body[0]) << 8 | body[1];
        const std::size_t payload_at = 2 + topic_len + (qos ? 2 : 0);
        if (size < payload_at + 16) throw Failure("PUBLISH payload shorter than 16 bytes");
        const std::uint64_t seq = load_u64(body + payload_at);
        if (seq != c.expected_seq)
          throw Failure(fmt::format("subscriber {} of publisher {}: expected message {} but got {} (lost or reordered)",
                                    index, c.group, c.expected_seq, seq));
        ++c.expected_seq;
        ++c.received;
        ++groups_[c.group].delivered;
        ++deliveries_;
        if (latency_mode_ && seq >= warmup_) {
          const auto sent = static_cast<std::int64_t>(load_u64(body + payload_at + 8));
          hists_[c.group].record(static_cast<std::uint64_t>(now - sent));
        }
        if (qos == 1) {
          const std::uint8_t ack[4] = {0x40, 0x02, body[2 + topic_len], body[3 + topic_len]};
          queue(index, ack, sizeof ack);
        }
        return;
      }
      default:
        throw Failure(fmt::format("unexpected packet type {} from the broker", first >> 4));
    }
  }

  static const char* role_name(Role r) {
    return r == Role::Publisher ? "publisher" : r == Role::Subscriber ? "subscriber" : "client";
  }

  /// Runs the loop until `done()` or `timeout_s`; `turn()` runs after each
  /// batch of events. Returns false on timeout.
  bool run(const std::function<bool()>& done, double timeout_s, const std::function<void()>& turn = {},
           int extra_fd = -1, const std::function<void()>& on_extra = {}) {
    const std::int64_t end = now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
    std::vector<epoll_event> events(1024);
    while (!done()) {
      const std::int64_t left = end - now_ns();
      if (left <= 0) return false;
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                         static_cast<int>(std::min<std::int64_t>(left / 1'000'000 + 1, 100)));
      if (n < 0 && errno != EINTR) throw Failure("epoll_wait failed");
      for (int i = 0; i < n; ++i) {
        const std::uint64_t id = events[i].data.u64;
        if (extra_fd >= 0 && id == kExtraId) {
          on_extra();
          continue;
        }
        if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_writable(id);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(id);
      }
      if (turn) turn();
      for (std::size_t id : dirty_) {
        conns_[id]->dirty = false;
        flush(id);
      }
      dirty_.clear();
    }
    return true;
  }

  // --- packets -------------------------------------------------------------
  static std::string topic_of(std::size_t group) { return fmt::format("bench/{}/data", group); }

  void send_connect(std::size_t index, const std::string& client_id) {
    mq::Connect k;
    k.keep_alive = 0;
    k.client_id = client_id;
    Bytes b = mq::encode(mq::Packet{k}, mq::ProtocolVersion::v311);
    queue(index, b.data(), b.size());
  }

  void send_subscribe(std::size_t index, std::size_t group) {
    const std::string topic = topic_of(group);
    mq::Subscribe s;
    s.packet_id = 1;
    s.subscriptions.push_back(mq::Subscription{topic, static_cast<mq::QoS>(o_.qos)});
    Bytes b = mq::encode(mq::Packet{s}, mq::ProtocolVersion::v311);
    queue(index, b.data(), b.size());
  }

  /// Opens the publishers and subscribers and waits until all are ready.
  void setup(std::size_t groups, std::size_t fanout) {
    const std::string run_id = fmt::format("{}", now_ns() % 1000000);
    std::size_t subs = 0;
    for (std::size_t g = 0; g < groups; ++g) {
      for (std::size_t k = 0; k < fanout; ++k) {
        Conn& c = open(Role::Subscriber, g, 0);
        (void)c;
        send_connect(conns_.size() - 1, fmt::format("bl-{}-s{}-{}", run_id, g, k));
        send_subscribe(conns_.size() - 1, g);
        ++subs;
      }
    }
    groups_.resize(groups);
    for (std::size_t g = 0; g < groups; ++g) {
      open(Role::Publisher, g, 0);
      groups_[g].publisher = conns_.size() - 1;
      groups_[g].subscribers = fanout;
      send_connect(conns_.size() - 1, fmt::format("bl-{}-p{}", run_id, g));
      mq::Publish p;
      p.qos = static_cast<mq::QoS>(o_.qos);
      p.packet_id = 1;
      const std::string topic = topic_of(g);
      p.topic = topic;
      Bytes payload(std::max<std::size_t>(o_.payload, 16), 'x');
      p.payload = mq::ByteView(payload);
      groups_[g].packet = mq::encode(mq::Packet{p}, mq::ProtocolVersion::v311);
      groups_[g].payload_at = groups_[g].packet.size() - payload.size();
    }
    const std::size_t want = conns_.size();
    if (!run([&] { return connacked_ == want && subacked_ == subs; }, 10))
      throw Failure(fmt::format("setup: {} of {} CONNACKs and {} of {} SUBACKs within 10 s", connacked_, want, subacked_,
                                subs));
  }

  /// Appends `n` copies of group g's PUBLISH with the next sequence numbers.
  void publish(std::size_t g, std::uint64_t n, std::int64_t stamp) {
    Group& gr = groups_[g];
    const std::size_t size = gr.packet.size();
    Conn& c = *conns_[gr.publisher];
    const std::size_t start = c.tx.size();
    c.tx.resize(start + size * n);
    for (std::uint64_t k = 0; k < n; ++k) {
      std::uint8_t* p = c.tx.data() + start + k * size;
      std::memcpy(p, gr.packet.data(), size);
      const std::uint64_t seq = gr.sent++;
      std::memcpy(p + gr.payload_at, &seq, 8);
      std::memcpy(p + gr.payload_at + 8, &stamp, 8);
      if (o_.qos > 0) {
        const auto id = static_cast<std::uint16_t>(seq % 65535 + 1);
        p[gr.payload_at - 2] = static_cast<std::uint8_t>(id >> 8);
        p[gr.payload_at - 1] = static_cast<std::uint8_t>(id);
      }
    }
    mark_dirty(gr.publisher);
  }

  std::uint64_t outstanding(const Group& g) const {
    std::uint64_t unseen = g.sent - g.delivered / g.subscribers;
    if (o_.qos > 0) unseen = std::max<std::uint64_t>(unseen, g.sent - g.acked);
    return unseen;
  }

  bool all_in() const {
    for (const Group& g : groups_)
      if (g.delivered != g.sent * g.subscribers || (o_.qos > 0 && g.acked != g.sent)) return false;
    return true;
  }

  void check_all_in(const char* what) {
    if (!run([&] { return all_in(); }, 10)) {
      std::uint64_t sent = 0, delivered = 0, expected = 0;
      for (const Group& g : groups_) {
        sent += g.sent;
        delivered += g.delivered;
        expected += g.sent * g.subscribers;
      }
      throw Failure(fmt::format("{}: {} messages sent, {} of {} deliveries arrived within 10 s: messages were lost",
                                what, sent, delivered, expected));
    }
  }

  static constexpr std::uint64_t kExtraId = ~0ULL;

  Options o_;
  int epoll_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::size_t> dirty_;
  std::vector<Group> groups_;
  std::size_t connacked_ = 0;
  std::size_t subacked_ = 0;
  std::uint64_t deliveries_ = 0;
  bool latency_mode_ = false;
  std::uint64_t warmup_ = 0;
  std::vector<mq::bench::LatencyHistogram> hists_;  // latency, per group
};

void Load::throughput() {
  raise_fd_limit(o_.publishers * (o_.fanout + 1) + 64);
  setup(o_.publishers, o_.fanout);
  // A short warm-up lets the broker's buffers reach their working size.
  auto top_up = [&] {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const std::uint64_t out = outstanding(groups_[g]);
      if (out <= o_.window / 2) publish(g, o_.window - out, 0);
    }
  };
  const std::int64_t warm_end = now_ns() + 300'000'000;
  run([&] { return now_ns() >= warm_end; }, 1, top_up);
  check_all_in("warm-up");

  const std::uint64_t deliveries0 = deliveries_;
  std::uint64_t sent0 = 0;
  for (const Group& g : groups_) sent0 += g.sent;
  const std::int64_t broker0 = o_.pid ? process_cpu_us(o_.pid) : 0;
  const std::int64_t self0 = own_cpu_us();
  const std::int64_t t0 = now_ns();
  const std::int64_t end = t0 + static_cast<std::int64_t>(o_.seconds * 1e9);
  run([&] { return now_ns() >= end; }, o_.seconds + 1, top_up);
  check_all_in("measurement");
  const double elapsed = static_cast<double>(now_ns() - t0) / 1e9;
  const std::int64_t broker_us = o_.pid ? process_cpu_us(o_.pid) - broker0 : 0;
  const std::int64_t self_us = own_cpu_us() - self0;
  std::uint64_t sent = 0;
  for (const Group& g : groups_) sent += g.sent;
  sent -= sent0;
  const std::uint64_t deliveries = deliveries_ - deliveries0;
  const auto d = static_cast<double>(deliveries);
  fmt::print(
      "mode=throughput qos={} fanout={} publishers={} window={} messages={} deliveries={} seconds={:.3f} "
      "messages_per_s={:.0f} deliveries_per_s={:.0f} broker_cpu_us_per_delivery={:.3f} "
      "load_cpu_us_per_delivery={:.3f} broker_cpu_pct={:.0f} load_cpu_pct={:.0f}\n",
      o_.qos, o_.fanout, o_.publishers, o_.window, sent, deliveries, elapsed, static_cast<double>(sent) / elapsed,
      d / elapsed, o_.pid ? static_cast<double>(broker_us) / d : 0.0, static_cast<double>(self_us) / d,
      o_.pid ? static_cast<double>(broker_us) / 1e4 / elapsed : 0.0, static_cast<double>(self_us) / 1e4 / elapsed);
}

void Load::latency() {
  // With --versus-port the two brokers are measured at the same time, one
  // publisher each, sent to alternately first, so that a noisy machine
  // disturbs both alike.
  const std::size_t brokers = o_.versus_port ? 2 : 1;
  raise_fd_limit(brokers * (o_.fanout + 1) + 64);
  setup(brokers, o_.fanout);
  hists_.resize(brokers);
  latency_mode_ = true;
  const auto total = static_cast<std::uint64_t>(o_.rate * o_.seconds);
  warmup_ = std::min<std::uint64_t>(total / 10, 200);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer < 0) throw Failure("timerfd_create failed");
  const auto period_ns = static_cast<std::int64_t>(1e9 / o_.rate);
  itimerspec spec{};
  spec.it_interval.tv_sec = period_ns / 1'000'000'000;
  spec.it_interval.tv_nsec = period_ns % 1'000'000'000;
  spec.it_value = spec.it_interval;
  timerfd_settime(timer, 0, &spec, nullptr);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kExtraId;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, timer, &ev);
  // One message per timer expiry and broker, stamped when it is written.
  std::uint64_t ticks = 0;
  auto tick = [&] {
    std::uint64_t expirations = 0;
    if (::read(timer, &expirations, sizeof expirations) != sizeof expirations) return;
    const std::uint64_t n = std::min(expirations, total - groups_[0].sent);
    if (n == 0) return;
    for (std::size_t k = 0; k < brokers; ++k) {
      const std::size_t g = (k + ticks) % brokers;
      publish(g, n, now_ns());
      flush(groups_[g].publisher);
    }
    ++ticks;
  };
  const bool finished = run([&] { return groups_[0].sent == total; }, o_.seconds * 2 + 5, {}, timer, tick);
  ::close(timer);
  if (!finished) throw Failure("latency: the sender fell behind its schedule");
  check_all_in("latency");
  const double us = 1e-3;
  for (std::size_t g = 0; g < brokers; ++g) {
    const auto& h = hists_[g];
    fmt::print("mode=latency port={} fanout={} rate={:.0f} samples={} p50_us={:.1f} p99_us={:.1f} max_us={:.1f}\n",
               port_of(g), o_.fanout, o_.rate, h.count(), static_cast<double>(h.percentile(0.50)) * us,
               static_cast<double>(h.percentile(0.99)) * us, static_cast<double>(h.max()) * us);
  }
}

void Load::idle() {
  const std::size_t n = o_.count ? o_.count : 10000;
  raise_fd_limit(n + 64);
  if (o_.sources == 0) o_.sources = n / 20000 + 1;
  if (!o_.pid) throw Failure("idle needs --pid of the broker");
  const std::int64_t rss0 = process_rss_bytes(o_.pid);
  const std::string run_id = fmt::format("{}", now_ns() % 1000000);
  // At most 200 handshakes at a time, so that the listen backlog is not the test.
  std::size_t opened = 0;
  auto more = [&] {
    while (opened < n && opened - connacked_ < 200) {
      open(Role::Plain, 0, opened);
      send_connect(conns_.size() - 1, fmt::format("idle-{}-{}", run_id, opened));
      ++opened;
    }
  };
  more();
  if (!run([&] { return connacked_ == n; }, 60, more))
    throw Failure(fmt::format("idle: only {} of {} connections were accepted within 60 s", connacked_, n));
  // Anything the broker does right after accepting has settled after a moment.
  const std::int64_t settle = now_ns() + 500'000'000;
  run([&] { return now_ns() >= settle; }, 1);
  const std::int64_t rss1 = process_rss_bytes(o_.pid);
  fmt::print("mode=idle connections={} rss_before_kb={} rss_after_kb={} bytes_per_connection={:.0f}\n", n, rss0 / 1024,
             rss1 / 1024, static_cast<double>(rss1 - rss0) / static_cast<double>(n));
}

void Load::connect_times() {
  const std::size_t per_round = o_.count ? o_.count : 200;
  raise_fd_limit(per_round + 64);
  mq::bench::LatencyHistogram hist;
  const std::string run_id = fmt::format("{}", now_ns() % 1000000);
  for (std::size_t r = 0; r < o_.rounds; ++r) {
    connacked_ = 0;
    for (std::size_t i = 0; i < per_round; ++i) {
      open(Role::Plain, 0, i);
      send_connect(conns_.size() - 1, fmt::format("conn-{}-{}-{}", run_id, r, i));
    }
    if (!run([&] { return connacked_ == per_round; }, 30))
      throw Failure(fmt::format("connect: only {} of {} CONNACKs within 30 s", connacked_, per_round));
    for (auto& c : conns_) {
      hist.record(static_cast<std::uint64_t>(c->connack_ns - c->started_ns));
      ::close(c->fd);
    }
    conns_.clear();
  }
  const double ms = 1e-6;
  fmt::print("mode=connect concurrent={} samples={} p50_ms={:.2f} p99_ms={:.2f} max_ms={:.2f}\n", per_round,
             hist.count(), static_cast<double>(hist.percentile(0.5)) * ms,
             static_cast<double>(hist.percentile(0.99)) * ms, static_cast<double>(hist.max()) * ms);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MQTT broker load generator (3.1.1, loopback benchmark)"};
  app.require_subcommand(1);
  Options o;
  auto common = [&](CLI::App* s) {
    s->add_option("--host", o.host, "broker IPv4 address");
    s->add_option("--port", o.port, "broker port")->required();
    s->add_option("--pid", o.pid, "broker process id, for its CPU time and memory");
    s->add_option("--payload", o.payload, "payload bytes (at least 16)");
    s->add_option("--seconds", o.seconds, "measurement time");
  };
  auto* tp = app.add_subcommand("throughput", "closed-loop saturation");
  common(tp);
  tp->add_option("--qos", o.qos, "0 or 1")->check(CLI::Range(0, 1));
  tp->add_option("--fanout", o.fanout, "subscribers per publisher")->check(CLI::Range(1, 1000));
  tp->add_option("--publishers", o.publishers, "publishers (one topic each)")->check(CLI::Range(1, 1000));
  tp->add_option("--window", o.window, "messages outstanding per publisher")->check(CLI::Range(2, 60000));
  auto* lat = app.add_subcommand("latency", "fixed-rate latency");
  common(lat);
  lat->add_option("--rate", o.rate, "messages per second")->check(CLI::Range(1.0, 1e6));
  lat->add_option("--fanout", o.fanout, "subscribers")->check(CLI::Range(1, 1000));
  lat->add_option("--versus-port", o.versus_port, "a second broker, measured side by side (one line each)");
  auto* idle = app.add_subcommand("idle", "hold many idle connections, report broker memory");
  common(idle);
  idle->add_option("--count", o.count, "connections (default 10000)");
  idle->add_option("--sources", o.sources, "source addresses 127.0.0.1..N (default: enough)");
  auto* con = app.add_subcommand("connect", "CONNECT to CONNACK times with concurrent connectors");
  common(con);
  con->add_option("--count", o.count, "concurrent connectors (default 200)");
  con->add_option("--rounds", o.rounds, "rounds")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);
  try {
    Load load(o);
    if (tp->parsed()) load.throughput();
    else if (lat->parsed()) load.latency();
    else if (idle->parsed()) load.idle();
    else load.connect_times();
  } catch (const Failure& e) {
    fmt::print(stderr, "broker_load: {}\n", e.what());
    return 1;
  }
  return 0;
}
