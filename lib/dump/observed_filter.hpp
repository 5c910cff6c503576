#pragma once
/// Display filters for observed conversations (client id, packet type,
/// topic) and a fan-out that hands one conversation to several readers.
/// Filters only choose what is shown: the proxy forwards everything, and
/// the summary and the lint read everything.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dump/observed.hpp"

namespace mq::dump {

/// What a display filter lets through; an empty list lets everything through.
struct ObservedFilterOptions {
  std::vector<std::string> client_ids;  ///< exact client identifiers (from each connection's CONNECT)
  std::vector<PacketType> types;        ///< packet types
  std::vector<std::string> topics;      ///< topic filters (+ and # allowed), matched against topics and filters
};

/// Passes the packets that match every filter given to `next`. With topic
/// filters, a matching PUBLISH brings its acknowledgements along, and a
/// matching SUBSCRIBE or UNSUBSCRIBE its SUBACK or UNSUBACK. Connection ends
/// pass when the connection's client id matches; starts pass unless client
/// ids are asked for (a connection has none before its CONNECT).
class ObservedFilter : public PacketObserver {
 public:
  ObservedFilter(ObservedFilterOptions options, PacketObserver& next);
  void packet(const ObservedPacket& p) override;
  void connection_start(const ConnectionStart& start) override;
  void connection_end(const ConnectionEnd& end) override;

 private:
  struct Conn {
    std::string client_id;
    bool known = false;  ///< a CONNECT was seen
    /// Packet ids of shown topic packets still to be acknowledged, by the
    /// direction of their sender.
    std::set<std::uint16_t> shown_ids[2];
  };
  bool client_matches(const Conn& c) const;
  bool type_matches(const Packet* packet, const ObservedPacket& p) const;
  bool topic_matches(Conn& c, const Packet* packet, const ObservedPacket& p) const;

  ObservedFilterOptions options_;
  PacketObserver& next_;
  std::map<std::uint64_t, Conn> conns_;
};

/// Hands every event to each of several observers, in order.
class ObserverFanout : public PacketObserver {
 public:
  /// Adds a reader (not owned; must outlive the fanout's use).
  void add(PacketObserver& o) { observers_.push_back(&o); }
  void packet(const ObservedPacket& p) override {
    for (auto* o : observers_) o->packet(p);
  }
  void connection_start(const ConnectionStart& start) override {
    for (auto* o : observers_) o->connection_start(start);
  }
  void connection_end(const ConnectionEnd& end) override {
    for (auto* o : observers_) o->connection_end(end);
  }

 private:
  std::vector<PacketObserver*> observers_;
};

}  // namespace mq::dump
