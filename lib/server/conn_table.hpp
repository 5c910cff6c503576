#pragma once
/// The server's sockets by broker connection: the stream of each connection
/// sits at the slot its ConnectionId names (broker/connection_table.hpp), so
/// a connection costs the server one 32-byte entry instead of a hash node.
/// When the core closes a connection it may give the slot to the next one
/// at once, while the old socket still writes its last bytes: such streams
/// move aside (few at a time) until their close completes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/output.hpp"
#include "net/stream.hpp"

namespace mq::server {

/// One client's socket as the server holds it.
struct Conn {
  std::shared_ptr<net::Stream> stream;  ///< null for a free slot
  std::uint32_t generation = 0;         ///< the high half of its ConnectionId
  std::uint32_t listener = 0;           ///< index of the listener that accepted it
  std::uint64_t number = 0;             ///< its number in log lines: 1, 2, 3... in order of arrival
};

/// Streams by connection id, open or closing, with an optional client
/// identifier each (noted for log lines).
class ConnTable {
 public:
  /// Holds the stream of the new connection `id`, numbered `number` in log lines.
  void add(broker::ConnectionId id, std::shared_ptr<net::Stream> stream, std::uint32_t listener,
           std::uint64_t number);
  /// The entry of `id`, open or closing; nullptr when unknown.
  Conn* find(broker::ConnectionId id);
  /// The core is done with `id`: its slot is free for the next connection,
  /// its stream kept apart until it has closed.
  void closing(broker::ConnectionId id);
  /// Forgets `id` (its stream closed); returns its listener, or nullopt
  /// when it was not here.
  std::optional<std::uint32_t> remove(broker::ConnectionId id);
  /// Notes the client identifier of `id`; ignored for an unknown id.
  void set_name(broker::ConnectionId id, std::string name);
  /// The client identifier noted for `id`; empty when none was. Valid
  /// until the table changes.
  std::string_view name(broker::ConnectionId id) const;
  /// Streams held, open or closing.
  std::size_t size() const { return size_; }
  /// Every stream held, open or closing.
  std::vector<std::shared_ptr<net::Stream>> streams() const;

 private:
  /// A closing stream and the client identifier noted for it.
  struct Closing {
    Conn conn;
    std::string name;
  };
  /// The slot of `id` when the open stream there is id's, else nullopt.
  std::optional<std::size_t> live_slot(broker::ConnectionId id) const;
  /// Moves the stream at `slot` to closing_, freeing the slot.
  void set_aside(std::size_t slot);

  /// Open streams by slot.
  std::vector<Conn> live_;
  /// Client identifiers by slot; grown only when one is noted.
  std::vector<std::string> names_;
  std::unordered_map<broker::ConnectionId, Closing> closing_;
  std::size_t size_ = 0;
};

}  // namespace mq::server
