#include "capture/conversations.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "dump/level_tracker.hpp"

namespace mq::capture {

using dump::Direction;

/// One TCP connection on an MQTT port: both directions and the level.
class Connection {
 public:
  Connection(std::uint64_t id, dump::Endpoint client, dump::Endpoint server, const CaptureOptions& options,
             dump::PacketObserver& observer, CaptureStats& stats)
      : id_(id),
        client_(std::move(client)),
        server_(std::move(server)),
        options_(options),
        observer_(observer),
        stats_(stats),
        levels_(options.version),
        sides_{Side(*this, Direction::ToServer), Side(*this, Direction::ToClient)} {}

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void segment(std::int64_t time_us, Direction d, const TcpSegment& seg) {
    time_us_ = time_us;
    Side& side = sides_[static_cast<std::size_t>(d)];
    side.tcp.segment(seg.seq, seg.flags, seg.payload, side.mqtt);
    if (!seg.payload.empty()) has_data_ = true;
  }

  /// Hands on what waits behind holes and reports unfinished packets.
  void flush(std::int64_t time_us) {
    time_us_ = time_us;
    for (Side& side : sides_) {
      side.tcp.flush(side.mqtt);
      side.mqtt.end();
    }
  }

  std::uint64_t id() const { return id_; }
  bool has_data() const { return has_data_; }
  /// Records a FIN; returns true when both ends have sent one.
  bool fin(Direction d) {
    if (!fin_[0] && !fin_[1]) first_fin_ = d;
    fin_[static_cast<std::size_t>(d)] = true;
    return fin_[0] && fin_[1];
  }
  bool any_fin() const { return fin_[0] || fin_[1]; }
  Direction first_fin() const { return first_fin_; }

 private:
  /// One direction: reassembly, then packet extraction, then back here.
  struct Side : PacketSink {
    Side(Connection& c, Direction d)
        : connection(c), direction(d), mqtt(d == Direction::ToServer ? Sender::Client : Sender::Server, *this,
                                            c.options_.extract),
          tcp(c.options_.reassembly) {}
    // The extractor keeps a reference to this Side: it must never be copied
    // (the array below is built in place).
    Side(const Side&) = delete;
    Side& operator=(const Side&) = delete;
    void packet(ByteView bytes) override { connection.packet(direction, bytes); }
    void note(std::string text) override {
      if (connection.options_.note)
        connection.options_.note(
            fmt::format("connection {} {}: {}", connection.id_, dump::direction_arrow(direction), text));
    }
    Connection& connection;
    Direction direction;
    MqttExtractor mqtt;
    TcpReassembler tcp;
  };

  void packet(Direction d, ByteView bytes) {
    dump::LevelDecode decoded = levels_.decode(bytes);
    dump::ObservedPacket p;
    p.time_us = time_us_;
    p.connection = id_;
    p.direction = d;
    p.client = &client_;
    p.server = &server_;
    p.bytes = bytes;
    p.version = decoded.version;
    p.decoded = &decoded.result;
    ++stats_.packets;
    observer_.packet(p);
  }

  std::uint64_t id_;
  dump::Endpoint client_;
  dump::Endpoint server_;
  const CaptureOptions& options_;
  dump::PacketObserver& observer_;
  CaptureStats& stats_;
  dump::LevelTracker levels_;
  Side sides_[2];
  std::int64_t time_us_ = 0;
  bool has_data_ = false;
  bool fin_[2] = {false, false};
  Direction first_fin_ = Direction::ToServer;
};

ConversationTracker::ConversationTracker(const CaptureOptions& options, dump::PacketObserver& observer)
    : options_(options), observer_(observer) {}

ConversationTracker::~ConversationTracker() = default;

bool ConversationTracker::is_broker_port(std::uint16_t port) const {
  return std::find(options_.ports.begin(), options_.ports.end(), port) != options_.ports.end();
}

void ConversationTracker::frame(std::int64_t time_us, LinkType link, ByteView bytes) {
  ++stats_.frames;
  last_time_us_ = time_us;
  netframe::FrameResult r = netframe::decode_frame(link, bytes);
  if (r.segment) return segment(time_us, *r.segment);
  switch (r.error.kind) {
    case netframe::FrameErrorKind::NotIp:
    case netframe::FrameErrorKind::NotTcp:
    case netframe::FrameErrorKind::TooManyHeaders: return;  // other traffic: not counted
    case netframe::FrameErrorKind::Fragment: ++stats_.fragments; return;
    // Cut by the snap length, or headers that disagree: both leave the segment unreadable.
    case netframe::FrameErrorKind::Truncated:
    case netframe::FrameErrorKind::BadVersion:
    case netframe::FrameErrorKind::BadHeaderLength:
    case netframe::FrameErrorKind::BadTotalLength: ++stats_.truncated; return;
  }
}

void ConversationTracker::segment(std::int64_t time_us, const TcpSegment& seg) {
  last_time_us_ = std::max(last_time_us_, time_us);
  const bool dst_broker = is_broker_port(seg.dst_port);
  const bool src_broker = is_broker_port(seg.src_port);
  if (!dst_broker && !src_broker) return;
  ++stats_.segments;
  const bool opening = (seg.flags & TcpFlag::Syn) && !(seg.flags & TcpFlag::Ack);
  const Key forward{seg.src_address, seg.src_port, seg.dst_address, seg.dst_port};
  const Key backward{seg.dst_address, seg.dst_port, seg.src_address, seg.src_port};
  // A connection already seen keeps its orientation; a new one is oriented
  // by the broker port, and when both ends are on broker ports by its SYN,
  // else the lower port is the broker.
  bool to_server;
  if (dst_broker && src_broker && open_.count(forward))
    to_server = true;
  else if (dst_broker && src_broker && open_.count(backward))
    to_server = false;
  else if (dst_broker && src_broker)
    to_server = opening || (!(seg.flags & TcpFlag::Syn) && seg.dst_port <= seg.src_port);
  else
    to_server = dst_broker;
  const Key& key = to_server ? forward : backward;
  const Direction d = to_server ? Direction::ToServer : Direction::ToClient;

  auto it = open_.find(key);
  if (it != open_.end() && opening && (it->second->has_data() || it->second->any_fin())) {
    end(it, time_us, "its ports were reused by a new connection");
    it = open_.end();
  }
  if (it == open_.end()) {
    // A lone FIN, RST or ACK of a connection we never saw carries nothing.
    if (seg.payload.empty() && !(seg.flags & TcpFlag::Syn)) return;
    dump::Endpoint client{std::get<0>(key), std::get<1>(key)};
    dump::Endpoint server{std::get<2>(key), std::get<3>(key)};
    it = open_.emplace(key, std::make_unique<Connection>(++stats_.connections, std::move(client), std::move(server),
                                                         options_, observer_, stats_))
             .first;
  }
  it->second->segment(time_us, d, seg);
  if (seg.flags & TcpFlag::Rst) {
    end(it, time_us, to_server ? "reset by client" : "reset by broker");
  } else if ((seg.flags & TcpFlag::Fin) && it->second->fin(d)) {
    end(it, time_us, it->second->first_fin() == Direction::ToServer ? "closed by client" : "closed by broker");
  }
}

void ConversationTracker::end(std::map<Key, std::unique_ptr<Connection>>::iterator it, std::int64_t time_us,
                              std::string_view how) {
  std::unique_ptr<Connection> c = std::move(it->second);
  open_.erase(it);
  c->flush(time_us);
  observer_.connection_end({time_us, c->id(), how});
}

void ConversationTracker::finish() {
  // In the order the connections were first seen.
  std::vector<std::map<Key, std::unique_ptr<Connection>>::iterator> order;
  for (auto it = open_.begin(); it != open_.end(); ++it) order.push_back(it);
  std::sort(order.begin(), order.end(), [](auto a, auto b) { return a->second->id() < b->second->id(); });
  for (auto it : order) end(it, last_time_us_, "capture ended");
}

}  // namespace mq::capture
