// Size limits found by bisection of what the broker accepts: the largest
// PUBLISH, the longest topic and the deepest topic. Each step is one QoS 1
// PUBLISH answered by PUBACK (accepted) or by a refusal (an error PUBACK,
// DISCONNECT, or a closed connection, after which the next step reconnects).
// The number of steps is bounded by log2 of the cap, and no step sends more
// than ProbeConfig::max_size bytes.

#include <algorithm>

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "probe/prober.hpp"

namespace mq::probe {

namespace {

/// The deepest topic the levels bisection tries: far past any broker's
/// limit seen (mosquitto 200, mqbroker 1024 by default, 4096 at most).
constexpr std::uint32_t kMaxLevels = 8192;

/// What a bisection found.
struct Bisection {
  std::optional<std::uint32_t> largest_ok;  ///< unset: not even the smallest was accepted
  bool limit_found = false;                 ///< a refusal was seen (else everything up to the cap passed)
  bool unknown = false;                     ///< a step went unanswered
  std::string detail;
};

using Attempt = std::function<Answer(std::uint32_t)>;

/// Bisects [lo, cap] for the largest accepted value, trying `hint` (an
/// advertised limit) and hint + 1 first.
Bisection bisect(std::uint32_t lo, std::uint32_t cap, std::optional<std::uint32_t> hint, const Attempt& attempt) {
  Bisection b;
  std::string refused;
  auto step = [&](std::uint32_t v) -> int {  // 1 accepted, 0 refused, -1 unanswered
    const Answer a = attempt(v);
    if (a.kind == Answer::Ok) return 1;
    if (!a.answered()) {
      b.unknown = true;
      b.detail += fmt::format("{}{}: {}", b.detail.empty() ? "" : "; ", v, a.text());
      return -1;
    }
    refused = a.text();
    return 0;
  };
  const int top = step(cap);
  if (top < 0) return b;
  if (top == 1) {
    b.largest_ok = cap;
    b.detail = fmt::format("{} accepted (the probe's cap)", cap);
    return b;
  }
  std::string refusal_at_cap = refused;
  const int bottom = step(lo);
  if (bottom < 0) return b;
  if (bottom == 0) {
    b.limit_found = true;
    b.detail = fmt::format("even {} refused: {}", lo, refused);
    return b;
  }
  std::uint32_t ok = lo, bad = cap;
  std::string bad_answer = refusal_at_cap;
  auto probe_at = [&](std::uint32_t v) {
    if (v <= ok || v >= bad) return true;
    const int r = step(v);
    if (r < 0) return false;
    if (r == 1) ok = v;
    else {
      bad = v;
      bad_answer = refused;
    }
    return true;
  };
  if (hint && (!probe_at(*hint) || !probe_at(*hint + 1))) return b;
  for (int steps = 0; bad - ok > 1 && steps < 40; ++steps)
    if (!probe_at(ok + (bad - ok) / 2)) return b;
  b.largest_ok = ok;
  b.limit_found = true;
  b.detail = fmt::format("{} accepted, {}: {}", ok, bad, bad_answer);
  return b;
}

/// One QoS 1 PUBLISH per attempt on a connection kept across accepted steps.
class Publisher {
 public:
  explicit Publisher(Prober& p) : p_(p) {}
  Answer send(std::string_view topic, ByteView body) {
    if (!link_ || !link_->open()) link_ = p_.client("limits");
    if (!link_) return Answer{Answer::Closed, 0, "CONNACK"};
    Publish m;
    m.topic = topic;
    m.qos = 1;
    m.packet_id = p_.packet_id();
    m.payload = body;
    const Answer a = p_.publish(*link_, m);
    if (a.kind != Answer::Ok && a.kind != Answer::Refused) link_.reset();
    return a;
  }
  ~Publisher() { p_.close(link_); }

 private:
  Prober& p_;
  std::unique_ptr<Link> link_;
};

void add_bisection(Prober& p, const char* key, const char* label, const Bisection& b, const std::string& extra) {
  if (b.unknown || !b.largest_ok) {
    p.report.add(key, label, Status::Unknown, {}, b.detail + extra);
    return;
  }
  p.report.measured(key, label, std::int64_t{*b.largest_ok}, b.detail + extra);
  p.report.findings.back().at_least = !b.limit_found;
}

/// The PUBLISH overhead (everything but the payload) for `topic` at `v`.
std::size_t overhead(std::string_view topic, ProtocolVersion v) {
  Publish m;
  m.topic = topic;
  m.qos = 1;
  m.packet_id = 1;
  return encoded_size(m, v);
}

}  // namespace

void probe_limits(Prober& p) {
  const std::uint32_t cap = p.config().max_size;
  const std::string t = p.topic("size");
  const std::size_t base = overhead(t, p.version);
  std::vector<std::uint8_t> fill(cap, 'x');
  std::uint32_t packet_limit = cap;
  {
    Publisher pub(p);
    const auto advertised = p.advertised(PropertyId::MaximumPacketSize);
    // A packet of `size` bytes: the payload makes up the rest, allowing for
    // the remaining length field growing with it.
    auto attempt = [&](std::uint32_t size) {
      std::size_t n = size > base ? size - base : 0;
      Publish m;
      m.topic = t;
      m.qos = 1;
      m.packet_id = 1;
      m.payload = ByteView(fill.data(), std::min<std::size_t>(n, fill.size()));
      while (m.payload.size() > 0 && encoded_size(m, p.version) > size) m.payload = m.payload.first(m.payload.size() - 1);
      return pub.send(t, m.payload);
    };
    const Bisection b = bisect(static_cast<std::uint32_t>(base + 16), cap, advertised, attempt);
    const std::string extra =
        advertised ? fmt::format("; CONNACK Maximum Packet Size {}", *advertised) : std::string("; none in CONNACK");
    add_bisection(p, "maximum_packet_size", "Maximum Packet Size", b, extra);
    if (b.largest_ok) packet_limit = *b.largest_ok;
  }
  // Topic limits live within the packet limit: the longest topic that
  // still fits a PUBLISH the broker takes.
  const std::string prefix = p.topic("topic") + "/";
  const std::uint32_t topic_cap =
      static_cast<std::uint32_t>(std::min<std::size_t>(65535, packet_limit > base ? packet_limit - 16 : prefix.size() + 1));
  const bool capped_by_packet = topic_cap < 65535;
  {
    Publisher pub(p);
    std::string topic;
    auto attempt = [&](std::uint32_t length) {
      topic = prefix;
      topic.resize(std::max<std::size_t>(length, prefix.size() + 1), 'a');
      return pub.send(topic, ByteView());
    };
    const Bisection b = bisect(static_cast<std::uint32_t>(prefix.size() + 1), topic_cap, std::nullopt, attempt);
    add_bisection(p, "topic_length_max", "Topic length", b,
                  capped_by_packet && !b.limit_found ? ", the longest that fits the Maximum Packet Size" : "");
  }
  {
    Publisher pub(p);
    std::string topic;
    const auto prefix_levels = static_cast<std::uint32_t>(std::count(prefix.begin(), prefix.end(), '/'));
    auto attempt = [&](std::uint32_t levels) {
      topic = prefix;
      for (std::uint32_t k = prefix_levels + 1; k < levels; ++k) topic += "a/";
      topic += "a";
      return pub.send(topic, ByteView());
    };
    // Each level past the prefix costs two bytes ("a/").
    const std::uint32_t room = topic_cap > prefix.size() ? topic_cap - static_cast<std::uint32_t>(prefix.size()) : 0;
    const std::uint32_t level_cap = std::max(std::min<std::uint32_t>(kMaxLevels, prefix_levels + room / 2), prefix_levels + 1);
    const Bisection b = bisect(prefix_levels + 1, level_cap, std::nullopt, attempt);
    add_bisection(p, "topic_levels_max", "Topic levels", b,
                  level_cap < kMaxLevels && !b.limit_found ? ", as many as fit the Maximum Packet Size" : "");
  }
}

}  // namespace mq::probe
