#include "server/lint_log.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace mq::server {

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

lint::LintMemory broker_memory() {
  lint::LintMemory m;
  m.keep_findings = false;
  m.max_clients = LintBounds::kClients;
  m.max_tracked = LintBounds::kTracked;
  m.max_key_bytes = LintBounds::kKeyBytes;
  m.max_filters = LintBounds::kFilters;
  return m;
}

}  // namespace

LintLog::LintLog(net::Loop& loop, Logger& log, const lint::LintSettings& settings, std::uint32_t max_packet)
    : log_(log),
      max_packet_(max_packet),
      lint_(settings, [this](const lint::LintFinding& f) { log_finding(f); }, broker_memory()),
      review_timer_(loop) {
  review_timer_.start_repeating(LintBounds::kReview, [this] { lint_.review(now_us()); });
}

void LintLog::opened(std::uint64_t id, std::uint64_t number, std::string_view peer) {
  auto tap = std::make_unique<proxy::ConnectionTap>(number, proxy::parse_endpoint(peer), observe::Endpoint{}, lint_,
                                                   max_packet_);
  // Of what the broker sends, the lint reads CONNACK (assigned client id,
  // Receive Maximum) and the acknowledgements of the client's messages;
  // the rest (deliveries above all) is framed only.
  auto bit = [](PacketType t) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(t)); };
  tap->skip_types(lint::Direction::ToClient, bit(PacketType::Publish) | bit(PacketType::Pubrel) |
                                                 bit(PacketType::Suback) | bit(PacketType::Unsuback) |
                                                 bit(PacketType::Pingresp));
  tap->skip_types(lint::Direction::ToServer, bit(PacketType::Pingreq));
  taps_[id] = std::move(tap);
}

void LintLog::feed(std::uint64_t id, lint::Direction d, ByteView bytes) {
  auto it = taps_.find(id);
  if (it != taps_.end()) it->second->feed(d, bytes, now_us());
}

void LintLog::closed(std::uint64_t id) {
  auto it = taps_.find(id);
  if (it == taps_.end()) return;
  it->second->end(now_us(), "closed");
  taps_.erase(it);
}

void LintLog::finish() {
  review_timer_.stop();
  for (auto& [id, tap] : taps_) tap->end(now_us(), "broker stopped");
  taps_.clear();
  lint_.finish();
}

void LintLog::log_finding(const lint::LintFinding& f) {
  if (!log_.enabled(LogLevel::Warning)) return;
  // Text: mqdump's two lines joined into one log line; JSON:
  // mqdump's object under the log's own time, level and msg.
  const std::string text = lint::format_lint_text(f);
  const std::string first = text.substr(0, text.find('\n'));
  nlohmann::ordered_json j = lint::lint_json(f);
  j.erase("time");
  log_.log_object(LogLevel::Warning, "lint " + first + " advice: " + std::string(lint::lint_rule(f.rule).advice),
                  "lint", j);
}

}  // namespace mq::server
