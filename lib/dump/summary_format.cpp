// The summary as text and as NDJSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dump/observed_print.hpp"
#include "dump/summary.hpp"

namespace mq::dump {

namespace {

/// "CONNECT 1, PUBLISH 3".
std::string type_counts(const std::map<PacketType, std::uint64_t>& types) {
  std::string s;
  for (const auto& [t, n] : types) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", packet_type_name(t), n);
  return s;
}

nlohmann::ordered_json type_counts_json(const std::map<PacketType, std::uint64_t>& types) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [t, n] : types) j[std::string(packet_type_name(t))] = n;
  return j;
}

std::string seconds(std::int64_t us) { return fmt::format("{:.3f}", static_cast<double>(us) / 1e6); }

std::string dump_line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string format_summary_text(const ConversationSummary& s) {
  std::uint64_t packets = 0, bytes = 0;
  for (const auto& [id, c] : s.clients()) {
    packets += c.packets[0] + c.packets[1];
    bytes += c.bytes[0] + c.bytes[1];
  }
  std::string out = fmt::format("summary: {} connections, {} clients, {} packets, {} bytes\n", s.connections(),
                                s.clients().size(), packets, bytes);
  for (const auto& [id, c] : s.clients()) {
    out += fmt::format("client \"{}\": {} connection{}\n", id, c.connections, c.connections == 1 ? "" : "s");
    out += fmt::format("  sent {} packets ({} bytes): {}\n", c.packets[0], c.bytes[0], type_counts(c.types[0]));
    out += fmt::format("  received {} packets ({} bytes): {}\n", c.packets[1], c.bytes[1], type_counts(c.types[1]));
  }
  for (const auto& e : s.open_exchanges()) {
    out += fmt::format("never completed: connection {} (\"{}\") {} {}", e.connection, e.client_id,
                       direction_arrow(e.direction), packet_type_name(e.sent));
    if (e.packet_id) out += fmt::format(" id {}", e.packet_id);
    if (!e.topic.empty()) out += fmt::format(" topic \"{}\"", e.topic);
    out += fmt::format(" at {}: no {}\n", format_time_utc(e.time_us), packet_type_name(e.waiting_for));
  }
  for (const auto& g : s.keep_alive_gaps())
    out += fmt::format("keep-alive gap: connection {} (\"{}\"): {} s without a packet from the client{} (keep alive "
                       "{} s: a broker closes the connection after {} s)\n",
                       g.connection, g.client_id, seconds(g.gap_us), g.ended_connection ? " until it ended" : "",
                       g.keep_alive, g.keep_alive * 1.5);
  for (const auto& t : s.takeovers())
    out += fmt::format("takeover: client \"{}\": connection {} took over connection {} at {}\n", t.client_id,
                       t.new_connection, t.old_connection, format_time_utc(t.time_us));
  for (const auto& v : s.violations()) {
    out += fmt::format("violation: connection {} (\"{}\") packet {} {} {}: {}", v.connection, v.client_id, v.packet,
                       direction_arrow(v.direction), v.type, v.message);
    out += v.rule.empty() ? "\n" : fmt::format(" [{}]\n", v.rule);
  }
  return out;
}

std::string format_summary_json(const ConversationSummary& s) {
  std::string out;
  for (const auto& [id, c] : s.clients()) {
    nlohmann::ordered_json j;
    j["kind"] = "client";
    j["client_id"] = id;
    j["connections"] = c.connections;
    j["sent"] = {{"packets", c.packets[0]}, {"bytes", c.bytes[0]}, {"types", type_counts_json(c.types[0])}};
    j["received"] = {{"packets", c.packets[1]}, {"bytes", c.bytes[1]}, {"types", type_counts_json(c.types[1])}};
    out += dump_line(j);
  }
  for (const auto& e : s.open_exchanges()) {
    nlohmann::ordered_json j;
    j["kind"] = "never_completed";
    j["connection"] = e.connection;
    j["client_id"] = e.client_id;
    j["direction"] = direction_arrow(e.direction);
    j["sent"] = packet_type_name(e.sent);
    if (e.packet_id) j["packet_id"] = e.packet_id;
    if (!e.topic.empty()) j["topic"] = e.topic;
    j["time"] = format_time_utc(e.time_us);
    j["waiting_for"] = packet_type_name(e.waiting_for);
    out += dump_line(j);
  }
  for (const auto& g : s.keep_alive_gaps()) {
    nlohmann::ordered_json j;
    j["kind"] = "keep_alive_gap";
    j["connection"] = g.connection;
    j["client_id"] = g.client_id;
    j["keep_alive"] = g.keep_alive;
    j["gap_seconds"] = static_cast<double>(g.gap_us) / 1e6;
    j["until_end"] = g.ended_connection;
    j["time"] = format_time_utc(g.time_us);
    out += dump_line(j);
  }
  for (const auto& t : s.takeovers()) {
    nlohmann::ordered_json j;
    j["kind"] = "takeover";
    j["client_id"] = t.client_id;
    j["old_connection"] = t.old_connection;
    j["new_connection"] = t.new_connection;
    j["time"] = format_time_utc(t.time_us);
    out += dump_line(j);
  }
  for (const auto& v : s.violations()) {
    nlohmann::ordered_json j;
    j["kind"] = "violation";
    j["connection"] = v.connection;
    j["client_id"] = v.client_id;
    j["direction"] = direction_arrow(v.direction);
    j["packet"] = v.packet;
    j["type"] = v.type;
    j["message"] = v.message;
    if (!v.rule.empty()) j["rule"] = v.rule;
    j["time"] = format_time_utc(v.time_us);
    out += dump_line(j);
  }
  return out;
}

}  // namespace mq::dump
