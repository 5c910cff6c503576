// ConnTable (server/conn_table.hpp): streams by connection slot; a stream
// the core closed moves aside so the next connection can take its slot,
// and each id finds its own stream (and client identifier) until removed.

#include <doctest/doctest.h>

#include "server/conn_table.hpp"

using namespace mq;
using namespace mq::server;

namespace {

/// A stream that does nothing: the table only holds it.
struct IdleStream final : net::Stream {
  void write(ByteView) override {}
  void close() override {}
  void abort() override {}
  void pause_reading() override {}
  void resume_reading() override {}
  std::size_t queued_bytes() const override { return 0; }
  std::string peer_address() const override { return "test"; }
  void flush() override {}
};

/// The id the broker gives the `use`-th connection (from 0) in `slot`.
broker::ConnectionId id_of(std::uint32_t slot, std::uint32_t use) {
  return broker::ConnectionId{use} << 32 | (slot + 1);
}

}  // namespace

TEST_CASE("conn table: a closing stream keeps its id while the next connection takes its slot") {
  ConnTable t;
  auto a = std::make_shared<IdleStream>();
  auto b = std::make_shared<IdleStream>();
  const broker::ConnectionId old = id_of(0, 0), next = id_of(0, 1);
  t.add(old, a, 2, 1);
  t.set_name(old, "client-a");
  CHECK(t.find(old)->stream == a);
  t.closing(old);  // the core closed it: slot 0 is free
  t.add(next, b, 3, 2);
  t.set_name(next, "client-b");
  CHECK(t.size() == 2);
  CHECK(t.find(old)->stream == a);
  CHECK(t.find(next)->stream == b);
  CHECK(t.name(old) == "client-a");
  CHECK(t.name(next) == "client-b");
  CHECK(t.find(old)->number == 1);  // the log's number stays with the stream, not the slot
  CHECK(t.find(next)->number == 2);
  CHECK(t.streams().size() == 2);
  CHECK(t.remove(old) == 2u);  // its socket finished closing
  CHECK(t.find(old) == nullptr);
  CHECK(t.remove(old) == std::nullopt);
  CHECK(t.find(next)->stream == b);
  CHECK(t.remove(next) == 3u);
  CHECK(t.size() == 0);
  CHECK(t.name(next).empty());
}

TEST_CASE("conn table: an id of an earlier use of a slot finds nothing") {
  ConnTable t;
  t.add(id_of(4, 7), std::make_shared<IdleStream>(), 0, 1);
  CHECK(t.find(id_of(4, 6)) == nullptr);
  CHECK(t.find(id_of(3, 7)) == nullptr);
  CHECK(t.find(0) == nullptr);
  CHECK(t.remove(id_of(4, 6)) == std::nullopt);
  t.closing(id_of(4, 6));  // ignored: not this stream
  CHECK(t.find(id_of(4, 7)) != nullptr);
  CHECK(t.name(id_of(4, 7)).empty());
}
