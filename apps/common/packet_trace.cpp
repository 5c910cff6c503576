#include "packet_trace.hpp"

#include <fmt/format.h>

#include "codec/decode.hpp"
#include "dump/format_json.hpp"
#include "dump/format_text.hpp"
#include "text.hpp"

namespace mq::apps {

PacketTrace::PacketTrace(TraceMode mode, bool debug, ProtocolVersion version, std::FILE* out)
    : mode_(mode), debug_(debug), version_(version), out_(out), colour_(dump::use_colour(out)) {}

void PacketTrace::packet(bool sent, ByteView bytes) {
  if (!enabled()) return;
  std::size_t& offset = sent ? offset_sent_ : offset_received_;
  dump::PacketContext ctx;
  ctx.number = ++number_;
  ctx.offset = offset;
  ctx.length = bytes.size();
  ctx.version = version_;
  offset += bytes.size();
  const char* direction = sent ? "sent" : "received";

  FieldTrace trace;
  auto result = decode_packet(bytes, version_, mode_ == TraceMode::Text ? &trace : nullptr);
  std::string text;
  if (debug_) {
    std::string name = bytes.empty() ? "?" : std::string(packet_type_name(static_cast<PacketType>(bytes[0] >> 4)));
    text += fmt::format("{} {} ({} bytes){}\n", direction, name, bytes.size(),
                        result ? "" : ": " + printable(to_string(result.error())));
  }
  if (mode_ == TraceMode::Text) {
    text += fmt::format("{}:\n", direction);
    if (result) {
      text += dump::format_packet_text(bytes, trace, ctx, {colour_, false});
    } else {
      text += dump::format_packet_text(bytes, trace, ctx, {colour_, false});
      text += dump::format_error_text(result.error(), ctx, {colour_, false});
    }
  } else if (mode_ == TraceMode::Json) {
    if (result) {
      nlohmann::ordered_json line;
      line["direction"] = direction;
      nlohmann::ordered_json fields = dump::packet_to_json(result.value(), ctx);
      for (auto& [k, v] : fields.items()) line[k] = v;
      text += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    } else {
      nlohmann::ordered_json line;
      line["direction"] = direction;
      line["packet"] = ctx.number;
      line["length"] = ctx.length;
      line["error"] = to_string(result.error());
      text += line.dump() + "\n";
    }
  }
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace mq::apps
