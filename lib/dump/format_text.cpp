#include "dump/format_text.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <unistd.h>

#include "dump/field_value.hpp"

namespace mq::dump {

namespace {

/// The last component of a traced field's path ("properties/Content Type"
/// shows as "Content Type"): the indentation already says where it belongs.
std::string_view display_name(std::string_view field) {
  auto slash = field.rfind('/');
  return slash == std::string_view::npos ? field : field.substr(slash + 1);
}

constexpr std::size_t kBytesPerLine = 8;
constexpr std::size_t kMaxLinesPerField = 4;
constexpr int kHexWidth = static_cast<int>(kBytesPerLine * 3);

struct Style {
  bool on;
  std::string wrap(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
  std::string dim(std::string_view t) const { return wrap("2", t); }
  std::string bold(std::string_view t) const { return wrap("1", t); }
  std::string name(std::string_view t) const { return wrap("36", t); }
  std::string error(std::string_view t) const { return wrap("1;31", t); }
};

/// Hex of bytes [from, to) of a field; secret bytes after `shown` become "**".
std::string hex_bytes(ByteView b, std::size_t from, std::size_t to, std::size_t shown) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += ' ';
    out += i < shown ? fmt::format("{:02x}", b[i]) : "**";
  }
  return out;
}

/// A field whose bytes are covered by the fields after it (e.g. "will").
bool is_container(const FieldTrace& trace, std::size_t i) {
  if (i + 1 >= trace.size()) return false;
  const auto& f = trace[i];
  const auto& next = trace[i + 1];
  return next.depth > f.depth && next.offset >= f.offset && next.offset < f.offset + f.length;
}

/// How many leading bytes of a secret field may be shown: its length prefix
/// (and property identifier), never the secret itself.
std::size_t visible_prefix(std::string_view name, ByteView b) {
  bool property = name.find("properties/") != std::string_view::npos;
  std::size_t prefix = property ? 3 : 2;
  return prefix < b.size() ? prefix : b.size();
}

}  // namespace

bool use_colour(std::FILE* stream) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;  // no-color.org: set and not empty
  return ::isatty(::fileno(stream)) == 1;
}

std::string format_packet_text(ByteView packet, const FieldTrace& trace, const PacketContext& ctx,
                               const TextOptions& options) {
  Style s{options.colour};
  FieldContext fc;
  fc.type = packet.empty() ? PacketType::Connect : static_cast<PacketType>(packet[0] >> 4);
  fc.version = ctx.version;
  fc.show_secrets = options.show_secrets;
  if (fc.type == PacketType::Connect && packet.size() > 0) {
    // CONNECT carries its own level; the trace names it "protocol level".
    for (const auto& f : trace)
      if (f.field == "protocol level" && f.offset < packet.size()) fc.version = static_cast<ProtocolVersion>(packet[f.offset]);
  }
  std::string version = fc.version ? fmt::format("MQTT {}", version_name(*fc.version)) : "protocol level unknown";
  if (ctx.version_guessed) version += " (guessed: the only level that decodes it)";
  std::string out = s.bold(fmt::format("packet {}: {}, {}, {} byte{} at offset {}", ctx.number,
                                       packet.empty() ? "(empty)" : packet_type_name(fc.type), version, ctx.length,
                                       ctx.length == 1 ? "" : "s", ctx.offset)) +
                    "\n";
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const TracedField& f = trace[i];
    if (f.offset > packet.size() || f.length > packet.size() - f.offset) continue;  // never read past the packet
    ByteView b = packet.subspan(f.offset, f.length);
    std::string indent(static_cast<std::size_t>(2 * (f.depth < 0 ? 0 : f.depth)), ' ');
    if (is_container(trace, i)) {
      out += fmt::format("{}  {:<{}}  {}{} ({} bytes)\n", s.dim(fmt::format("{:>5}", f.offset)), "", kHexWidth, indent,
                         s.name(display_name(f.field)), f.length);
      continue;
    }
    bool masked = !options.show_secrets && is_secret_field(f.field);
    std::size_t shown = masked ? visible_prefix(f.field, b) : b.size();
    std::string value = field_value(f, b, fc);
    std::size_t first_end = b.size() < kBytesPerLine ? b.size() : kBytesPerLine;
    out += fmt::format("{}  {:<{}}  {}{}{}{}\n", s.dim(fmt::format("{:>5}", f.offset)), hex_bytes(b, 0, first_end, shown),
                       kHexWidth, indent, s.name(display_name(f.field)), value.empty() ? "" : ": ", value);
    std::size_t lines = 1;
    for (std::size_t at = kBytesPerLine; at < b.size(); at += kBytesPerLine, ++lines) {
      if (lines == kMaxLinesPerField) {
        out += fmt::format("{}  ... {} more byte{}\n", s.dim(fmt::format("{:>5}", "")), b.size() - at,
                           b.size() - at == 1 ? "" : "s");
        break;
      }
      std::size_t end = at + kBytesPerLine < b.size() ? at + kBytesPerLine : b.size();
      out += fmt::format("{}  {}\n", s.dim(fmt::format("{:>5}", f.offset + at)), hex_bytes(b, at, end, shown));
    }
  }
  return out;
}

namespace {

std::string located(const DecodeError& error, const PacketContext& ctx) {
  std::string text = fmt::format("packet {}, offset {} (input offset {}), {}: {}", ctx.number, error.offset,
                                 ctx.offset + error.offset, error.field, error.message);
  if (!error.rule.empty()) text += fmt::format(" [{}]", error.rule);
  return text;
}

}  // namespace

std::string format_error_text(const DecodeError& error, const PacketContext& ctx, const TextOptions& options) {
  Style s{options.colour};
  return s.error("error:") + " " + located(error, ctx) + "\n";
}

std::string format_violations_text(const std::vector<DecodeError>& violations, const PacketContext& ctx,
                                   const TextOptions& options) {
  Style s{options.colour};
  std::string out;
  for (const DecodeError& v : violations) out += s.error("violation:") + " " + located(v, ctx) + "\n";
  return out;
}

}  // namespace mq::dump
