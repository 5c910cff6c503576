// The broker's events in the log: subscriptions, takeovers with both peers,
// and one warning per takeover loop (two clients sharing one client id).

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "server/event_log.hpp"

namespace mq::server {

namespace {

using std::chrono::seconds;

/// Counts the occurrences of `needle` in `hay`.
std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

/// Everything written to the log (JSON lines at `level`) while `run` used an
/// EventLog on it; connection `id` is number 100 + id from 127.0.0.1:40000 + id.
template <typename F>
std::string logged(LogLevel level, F run) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  Logger logger(level, true, f);
  EventLog events(logger,
                  [](broker::ConnectionId id) { return ConnName{100 + id, "127.0.0.1:" + std::to_string(40000 + id)}; });
  run(events);
  std::rewind(f);
  std::string out;
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace

TEST_CASE("takeover watch: a run of takeovers of one id is reported once, when it becomes a loop") {
  TakeoverWatch w;
  const broker::TimePoint t0{seconds(1000)};
  for (std::uint32_t i = 1; i < TakeoverWatch::kFlapTakeovers; ++i) CHECK(w.note("dev", t0 + seconds(i)) == 0);
  CHECK(w.note("other", t0) == 0);  // ids are counted apart
  CHECK(w.note("dev", t0 + seconds(5)) == TakeoverWatch::kFlapTakeovers);
  for (int i = 6; i < 50; ++i) CHECK(w.note("dev", t0 + seconds(i)) == 0);  // once per run

  // Quiet for longer than the window: the run is over, and a new one is reported again.
  const auto later = t0 + seconds(49) + TakeoverWatch::kFlapWindow + seconds(1);
  for (std::uint32_t i = 0; i + 1 < TakeoverWatch::kFlapTakeovers; ++i) CHECK(w.note("dev", later) == 0);
  CHECK(w.note("dev", later) == TakeoverWatch::kFlapTakeovers);

  // A takeover now and then, each more than the window apart, is never a loop.
  TakeoverWatch slow;
  for (int i = 0; i < 20; ++i) CHECK(slow.note("dev", t0 + i * (TakeoverWatch::kFlapWindow + seconds(1))) == 0);
}

TEST_CASE("takeover watch: ids that went quiet are forgotten, so memory stays bounded") {
  TakeoverWatch w;
  const broker::TimePoint t0{seconds(1000)};
  for (int i = 0; i < 3000; ++i) w.note("burst" + std::to_string(i), t0);
  CHECK(w.tracked() == 3000);  // all within the window: all kept
  // A new id every second for a day: at most a window's worth is live at once.
  std::size_t most = 0;
  for (int i = 1; i <= 86'400; ++i) {
    w.note("id" + std::to_string(i), t0 + seconds(i));
    most = std::max(most, w.tracked());
  }
  CHECK(most <= 6000);   // the burst, until the first prune after it went quiet
  CHECK(w.tracked() <= 256);
}

TEST_CASE("event log: subscriptions and takeovers at info level, with both peers and connection numbers") {
  const std::string out = logged(LogLevel::Info, [](EventLog& e) {
    e.subscribed(3, "dev", "a/#", 1);
    e.subscribed(3, "dev", "b/+", 0x87);
    e.unsubscribed(3, "dev", "a/#", true);
    e.taken_over("dev", 3, 4);
  });
  CHECK(out.find(R"("msg":"subscribed","connection":103,"client_id":"dev","filter":"a/#","qos":"1")") !=
        std::string::npos);
  CHECK(out.find(R"("msg":"subscription refused","connection":103,"client_id":"dev","filter":"b/+","reason":"0x87")") !=
        std::string::npos);
  CHECK(out.find(R"("msg":"unsubscribed","connection":103,"client_id":"dev","filter":"a/#")") != std::string::npos);
  CHECK(out.find(R"("client_id":"dev","old_connection":103,"old_peer":"127.0.0.1:40003","new_connection":104,"new_peer":"127.0.0.1:40004")") !=
        std::string::npos);
  CHECK(count(out, "\n") == 4);
}

TEST_CASE("event log: a takeover loop is warned about once, at the default level too") {
  std::optional<std::string> reason;
  const std::string out = logged(LogLevel::Notice, [&](EventLog& e) {
    for (broker::ConnectionId id = 1; id <= 44; ++id) e.taken_over("dev", id, id + 1);  // 44 takeovers in a row
    reason = e.close_reason(7);
  });
  CHECK(count(out, "\n") == 1);  // nothing at info level, one warning
  CHECK(out.find(R"("level":"warning")") != std::string::npos);
  CHECK(out.find("client id taken over 5 times in a row") != std::string::npos);
  CHECK(out.find(R"("client_id":"dev","old_connection":105,"old_peer":"127.0.0.1:40005","new_connection":106,)"
                 R"("new_peer":"127.0.0.1:40006")") != std::string::npos);
  REQUIRE(reason);
  CHECK(*reason == "taken over by a new connection with the same client id");
}

TEST_CASE("event log: the close reason of a taken-over connection is given once") {
  logged(LogLevel::Error, [](EventLog& e) {
    CHECK_FALSE(e.close_reason(1));
    e.taken_over("x", 1, 2);
    CHECK(e.close_reason(1));
    CHECK_FALSE(e.close_reason(1));
    CHECK_FALSE(e.close_reason(2));
  });
}

}  // namespace mq::server
