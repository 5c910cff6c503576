#include "dump/observed_print.hpp"

#include <fmt/format.h>

#include "codec/decode.hpp"

namespace mq::dump {

std::string format_endpoint(const Endpoint& e) {
  if (e.port == 0) return e.address;  // a unix socket path
  if (e.address.find(':') != std::string::npos) return fmt::format("[{}]:{}", e.address, e.port);
  return fmt::format("{}:{}", e.address, e.port);
}

namespace {

std::string hex(ByteView bytes) {
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) s += fmt::format("{:02x}", b);
  return s;
}

std::string endpoint_or_unknown(const Endpoint* e) { return e ? format_endpoint(*e) : std::string("?"); }

}  // namespace

ObservedPrinter::ObservedPrinter(std::function<void(std::string_view)> write, ObservedPrintOptions options)
    : write_(std::move(write)), options_(options) {}

PacketContext ObservedPrinter::context_for(const ObservedPacket& p) {
  Position& pos = positions_[p.connection];
  auto dir = static_cast<std::size_t>(p.direction);
  PacketContext ctx;
  ctx.number = ++pos.packets;
  ctx.offset = pos.sent[dir];
  ctx.length = p.bytes.size();
  ctx.version = p.version;
  pos.sent[dir] += p.bytes.size();
  return ctx;
}

void ObservedPrinter::packet(const ObservedPacket& p) {
  PacketContext ctx = context_for(p);
  const Endpoint* from = p.direction == Direction::ToServer ? p.client : p.server;
  const Endpoint* to = p.direction == Direction::ToServer ? p.server : p.client;
  // The tree needs the field trace, which the source's decode did not keep;
  // decoding is pure and cheap, so decode again with a trace when needed.
  FieldTrace trace;
  FieldTrace* want_trace = options_.json ? nullptr : &trace;
  std::vector<DecodeError> violations;
  std::optional<Result<Packet>> local;
  const Result<Packet>* decoded = p.decoded;
  if (options_.lenient) {
    local.emplace(decode_packet_lenient(p.bytes, p.version, want_trace, violations));
    decoded = &*local;
  } else if (!options_.json || decoded == nullptr) {
    local.emplace(decode_packet(p.bytes, p.version, want_trace));
    if (decoded == nullptr) decoded = &*local;
  }
  if (!*decoded || !violations.empty()) ++failures_;

  if (!options_.json) {
    std::string out = fmt::format("{} connection {} {} {} -> {}\n", format_time_utc(p.time_us), p.connection,
                                  direction_arrow(p.direction), endpoint_or_unknown(from), endpoint_or_unknown(to));
    out += format_packet_text(p.bytes, trace, ctx, options_.text);
    out += format_violations_text(violations, ctx, options_.text);
    if (!*decoded) out += format_error_text(decoded->error(), ctx, options_.text);
    write_(out);
    return;
  }

  nlohmann::ordered_json j;
  j["time"] = format_time_utc(p.time_us);
  j["connection"] = p.connection;
  j["direction"] = direction_arrow(p.direction);
  j["client"] = endpoint_or_unknown(p.client);
  j["server"] = endpoint_or_unknown(p.server);
  if (*decoded) {
    nlohmann::ordered_json fields = packet_to_json(**decoded, ctx, options_.json_options);
    for (auto& [key, value] : fields.items()) j[key] = std::move(value);
  } else {
    j["packet"] = ctx.number;
    j["offset"] = ctx.offset;
    j["length"] = ctx.length;
    if (!p.bytes.empty() && (p.bytes[0] >> 4) != 0) j["type"] = packet_type_name(static_cast<PacketType>(p.bytes[0] >> 4));
    if (p.version) j["version"] = version_name(*p.version);
    j["error"] = error_to_json(decoded->error());
    j["hex"] = hex(p.bytes);
  }
  if (!violations.empty()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const DecodeError& v : violations) list.push_back(error_to_json(v));
    j["violations"] = std::move(list);
    if (*decoded) j["hex"] = hex(p.bytes);  // the fields may not say everything a broken packet held
  }
  write_(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void ObservedPrinter::connection_start(const ConnectionStart& start) {
  const std::string client = endpoint_or_unknown(start.client);
  const std::string server = endpoint_or_unknown(start.server);
  if (!options_.json) {
    std::string line = fmt::format("{} connection {} opened: {} -> {}", format_time_utc(start.time_us),
                                   start.connection, client, server);
    if (!start.certificate.empty()) line += fmt::format(", client certificate {}", start.certificate);
    write_(line + "\n");
    return;
  }
  nlohmann::ordered_json j;
  j["time"] = format_time_utc(start.time_us);
  j["connection"] = start.connection;
  j["event"] = "start";
  j["client"] = client;
  j["server"] = server;
  if (!start.certificate.empty()) j["certificate_subject"] = start.certificate;
  write_(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void ObservedPrinter::connection_end(const ConnectionEnd& end) {
  positions_.erase(end.connection);
  if (!options_.json) {
    write_(fmt::format("{} connection {} ended: {}\n", format_time_utc(end.time_us), end.connection, end.how));
    return;
  }
  nlohmann::ordered_json j;
  j["time"] = format_time_utc(end.time_us);
  j["connection"] = end.connection;
  j["event"] = "end";
  j["how"] = end.how;
  write_(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace mq::dump
