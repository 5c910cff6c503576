#include "capture/mqtt_extractor.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "codec/decode.hpp"

namespace mq::capture {

namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";

/// True when `text` starts like `prefix`, as far as `text` goes.
bool could_start_with(std::string_view text, std::string_view prefix) {
  std::size_t n = std::min(text.size(), prefix.size());
  return text.substr(0, n) == prefix.substr(0, n);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The fixed-header flags every level requires: PUBLISH has its own
/// (QoS 3 never), PUBREL, SUBSCRIBE and UNSUBSCRIBE 0010, the rest 0000.
bool plausible_flags(std::uint8_t first_byte) {
  const auto type = static_cast<PacketType>(first_byte >> 4);
  const unsigned flags = first_byte & 0x0F;
  if (type == PacketType::Publish) return (flags & 0x06) != 0x06;
  if (type == PacketType::Pubrel || type == PacketType::Subscribe || type == PacketType::Unsubscribe) return flags == 2;
  return flags == 0;
}

/// A whole packet that decodes strictly at some level.
bool decodes(ByteView packet) {
  if (packet.empty()) return false;
  if (static_cast<PacketType>(packet[0] >> 4) == PacketType::Connect) return decode_packet(packet, std::nullopt).ok();
  return decode_packet(packet, ProtocolVersion::v311).ok() || decode_packet(packet, ProtocolVersion::v5).ok();
}

}  // namespace

MqttExtractor::MqttExtractor(Sender sender, PacketSink& sink, ExtractLimits limits)
    : sender_(sender), sink_(sink), limits_(limits) {}

void MqttExtractor::begin(bool mid_stream) {
  if (!mid_stream) return;
  // Too late to see an upgrade: read it as plain MQTT.
  mode_ = Mode::Mqtt;
  resync_ = true;
  resync_reason_ = "the capture starts mid-stream";
}

void MqttExtractor::consume(std::size_t n) {
  head_ += n;
  offset_ += n;
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = 0;
  } else if (head_ > 65536 && head_ > buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void MqttExtractor::lose(std::string why) {
  sink_.note(fmt::format("{}; the rest of this direction is not decoded", why));
  mode_ = Mode::Lost;
  buffer_.clear();
  head_ = 0;
}

void MqttExtractor::data(ByteView bytes) {
  switch (mode_) {
    case Mode::Lost: return;
    case Mode::WebSocket: unwrap(bytes); return;
    case Mode::Mqtt:
      if (skip_ > 0) {
        // The rest of an oversized packet: counted, never buffered.
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, bytes.size()));
        skip_ -= n;
        offset_ += n;
        bytes = bytes.subspan(n);
      }
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
      extract();
      return;
    case Mode::Detect:
    case Mode::Http:
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
      if (mode_ == Mode::Detect) detect();
      if (mode_ == Mode::Http) http_header();
      return;
  }
}

void MqttExtractor::detect() {
  std::string_view text = as_chars(pending());
  std::string_view http = sender_ == Sender::Client ? "GET " : "HTTP/";
  if (!could_start_with(text, http)) {
    mode_ = Mode::Mqtt;
    extract();
    return;
  }
  if (text.size() >= http.size()) mode_ = Mode::Http;
}

void MqttExtractor::http_header() {
  std::string_view text = as_chars(pending());
  std::size_t end = text.find(kHeaderEnd);
  if (end == std::string_view::npos) {
    if (text.size() > limits_.max_http_header)
      lose(fmt::format("an HTTP header longer than {} bytes", limits_.max_http_header));
    return;
  }
  std::string header = lower(text.substr(0, end));
  std::string first_line(text.substr(0, text.find("\r\n")));
  bool upgrade = sender_ == Sender::Client ? header.find("\r\nupgrade: websocket") != std::string::npos
                                           : first_line.find(" 101") != std::string::npos;
  if (!upgrade) {
    lose(fmt::format("HTTP without a WebSocket upgrade (\"{}\")", first_line));
    return;
  }
  consume(end + kHeaderEnd.size());
  // Offsets from here on count MQTT bytes, as a broker's framer sees them.
  offset_ = 0;
  mode_ = Mode::WebSocket;
  net::WsDecoderOptions options;
  options.expect_masked = sender_ == Sender::Client;
  options.max_frame = limits_.max_packet;
  ws_.emplace(options);
  std::vector<std::uint8_t> rest(pending().begin(), pending().end());
  buffer_.clear();
  head_ = 0;
  unwrap(rest);
}

void MqttExtractor::unwrap(ByteView bytes) {
  auto error = ws_->feed(bytes, [this](const net::WsEvent& e) {
    if (e.kind == net::WsEventKind::Data) buffer_.insert(buffer_.end(), e.payload.begin(), e.payload.end());
  });
  extract();
  if (error && mode_ != Mode::Lost) lose(fmt::format("WebSocket framing broken: {}", to_string(*error)));
}

void MqttExtractor::gap(std::uint64_t missing) {
  if (mode_ == Mode::Lost) return;
  if (mode_ == Mode::WebSocket || mode_ == Mode::Detect || mode_ == Mode::Http) {
    lose(fmt::format("{} bytes were not captured{}", missing,
                     mode_ == Mode::WebSocket ? " inside WebSocket frames" : " at the start of the stream"));
    return;
  }
  sink_.note(fmt::format("{} bytes were not captured at stream offset {}", missing, offset_ + (buffer_.size() - head_)));
  offset_ += (buffer_.size() - head_) + missing;
  buffer_.clear();
  head_ = 0;
  skip_ = 0;
  resync_ = true;
  resync_reason_ = "after the missing bytes";
}

bool MqttExtractor::plausible_at(std::size_t at, bool& need_more) const {
  need_more = false;
  ByteView rest = pending().subspan(at);
  auto header = decode_fixed_header(rest);
  if (!header) {
    need_more = header.error().kind == ErrorKind::Truncated;
    return false;
  }
  if (!plausible_flags(rest[0]) || header->packet_size() > limits_.max_resync_packet) return false;
  if (header->packet_size() > rest.size()) {
    need_more = true;
    return false;
  }
  if (!decodes(rest.first(header->packet_size()))) return false;
  ByteView after = rest.subspan(header->packet_size());
  if (after.empty()) return true;
  auto next = decode_fixed_header(after);
  return next.ok() || next.error().kind == ErrorKind::Truncated;
}

bool MqttExtractor::resync() {
  ByteView rest = pending();
  for (std::size_t at = 0; at < rest.size(); ++at) {
    bool need_more = false;
    if (plausible_at(at, need_more)) {
      sink_.note(fmt::format("{}: skipped {} byte{} to a plausible {} at stream offset {}", resync_reason_, at,
                             at == 1 ? "" : "s", packet_type_name(static_cast<PacketType>(rest[at] >> 4)),
                             offset_ + at));
      consume(at);
      resync_ = false;
      return true;
    }
    if (need_more) {
      consume(at);
      return false;
    }
  }
  consume(rest.size());
  return false;
}

void MqttExtractor::extract() {
  while (mode_ == Mode::Mqtt || mode_ == Mode::WebSocket) {
    if (resync_ && !resync()) return;
    ByteView rest = pending();
    if (rest.empty()) return;
    auto header = decode_fixed_header(rest);
    if (!header) {
      if (header.error().kind == ErrorKind::Truncated) return;
      sink_.note(fmt::format("framing lost at stream offset {}: {}", offset_, to_string(header.error())));
      consume(1);
      resync_ = true;
      resync_reason_ = "after the lost framing";
      continue;
    }
    const std::size_t size = header->packet_size();
    if (size > limits_.max_packet) {
      sink_.note(fmt::format("a {} of {} bytes at stream offset {} is larger than the limit of {} bytes; skipped",
                             packet_type_name(header->type()), size, offset_, limits_.max_packet));
      std::size_t here = std::min(size, rest.size());
      skip_ = size - here;
      consume(here);
      if (mode_ == Mode::WebSocket && skip_ > 0) {
        // Inside frames the skip cannot be counted on the TCP bytes.
        lose("an oversized packet inside WebSocket frames");
        return;
      }
      continue;
    }
    if (size > rest.size()) return;
    sink_.packet(rest.first(size));
    consume(size);
  }
}

void MqttExtractor::end() {
  if (mode_ == Mode::Lost) return;
  std::size_t left = buffer_.size() - head_;
  if (left > 0 && mode_ != Mode::Http)
    sink_.note(fmt::format("the stream ends {} byte{} into a packet that was not completed", left, left == 1 ? "" : "s"));
  else if (skip_ > 0)
    sink_.note(fmt::format("the stream ends {} bytes before the end of a skipped packet", skip_));
}

}  // namespace mq::capture
