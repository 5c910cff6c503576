#include "net/ws_frame.hpp"

#include <algorithm>

#include "codec/rules.hpp"

namespace mq::net {

void apply_ws_mask(std::uint8_t* bytes, std::size_t n, const WsMask& mask, std::uint64_t offset) {
  for (std::size_t i = 0; i < n; ++i) bytes[i] ^= mask[(offset + i) & 3];
}

void encode_ws_frame(std::vector<std::uint8_t>& out, WsOpcode opcode, ByteView payload, bool fin,
                     std::optional<WsMask> mask) {
  out.push_back(static_cast<std::uint8_t>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(opcode)));
  std::uint8_t mask_bit = mask ? 0x80 : 0x00;
  std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  }
  if (mask) out.insert(out.end(), mask->begin(), mask->end());
  std::size_t start = out.size();
  out.insert(out.end(), payload.begin(), payload.end());
  if (mask) apply_ws_mask(out.data() + start, payload.size(), *mask, 0);
}

std::optional<DecodeError> WsDecoder::fail(std::uint16_t code, std::string message, std::string rule) {
  failed_ = true;
  error_code_ = code;
  return DecodeError{ErrorKind::ProtocolError, stream_offset_, "websocket frame", std::move(message), std::move(rule)};
}

std::optional<DecodeError> WsDecoder::feed(ByteView bytes, const std::function<void(const WsEvent&)>& on_event) {
  if (failed_) return DecodeError{ErrorKind::ProtocolError, stream_offset_, "websocket frame",
                                  "the stream already failed", {}};
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (!in_payload_) {
      // Collect the header: 2 bytes, then the extended length and mask.
      header_[header_len_++] = bytes[i++];
      ++stream_offset_;
      if (header_len_ < 2) continue;
      std::size_t need = 2;
      std::uint8_t len7 = header_[1] & 0x7F;
      if (len7 == 126) need += 2;
      if (len7 == 127) need += 8;
      if (header_[1] & 0x80) need += 4;
      if (header_len_ < need) continue;
      if (auto err = header_complete(on_event)) return err;
      continue;
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - i));
    ByteView part = bytes.subspan(i, take);
    i += take;
    remaining_ -= take;
    stream_offset_ += take;
    if (opcode_ == WsOpcode::Close || opcode_ == WsOpcode::Ping || opcode_ == WsOpcode::Pong) {
      std::size_t at = control_.size();
      control_.insert(control_.end(), part.begin(), part.end());
      if (masked_) apply_ws_mask(control_.data() + at, take, mask_, payload_pos_);
      payload_pos_ += take;
      if (remaining_ == 0)
        if (auto err = control_complete(on_event)) return err;
      continue;
    }
    WsEvent ev;
    ev.kind = WsEventKind::Data;
    ev.message_end = fin_ && remaining_ == 0;
    if (masked_) {
      scratch_.assign(part.begin(), part.end());
      apply_ws_mask(scratch_.data(), take, mask_, payload_pos_);
      ev.payload = ByteView(scratch_);
    } else {
      ev.payload = part;
    }
    payload_pos_ += take;
    if (remaining_ == 0) in_payload_ = false;
    on_event(ev);
  }
  return std::nullopt;
}

std::optional<DecodeError> WsDecoder::header_complete(const std::function<void(const WsEvent&)>& on_event) {
  std::uint8_t b0 = header_[0], b1 = header_[1];
  std::size_t pos = 2;
  header_len_ = 0;
  if (b0 & 0x70) return fail(1002, "reserved bits RSV1-3 are set but no extension was negotiated");
  fin_ = (b0 & 0x80) != 0;
  std::uint8_t op = b0 & 0x0F;
  masked_ = (b1 & 0x80) != 0;
  std::uint64_t len = b1 & 0x7F;
  if (len == 126) {
    len = (std::uint64_t{header_[2]} << 8) | header_[3];
    pos = 4;
    if (len < 126) return fail(1002, "payload length " + std::to_string(len) + " is not in its shortest form");
  } else if (len == 127) {
    len = 0;
    for (int k = 0; k < 8; ++k) len = (len << 8) | header_[2 + k];
    pos = 10;
    if (len >> 63) return fail(1002, "payload length has its most significant bit set");
    if (len <= 0xFFFF) return fail(1002, "payload length " + std::to_string(len) + " is not in its shortest form");
  }
  if (masked_) std::copy_n(header_.begin() + static_cast<long>(pos), 4, mask_.begin());

  bool control = op >= 0x8;
  switch (op) {
    case 0x0:
      if (!in_message_) return fail(1002, "continuation frame without a message to continue");
      break;
    case 0x1:
      if (!options_.allow_text)
        return fail(1003, "text frame received; MQTT needs binary frames", "MQTT-6.0.0-1");
      [[fallthrough]];
    case 0x2:
      if (in_message_) return fail(1002, "new data frame while a fragmented message is still open");
      break;
    case 0x8:
    case 0x9:
    case 0xA:
      break;
    default:
      return fail(1002, "unknown opcode 0x" + std::string(1, "0123456789abcdef"[op]));
  }
  if (control && !fin_) return fail(1002, "control frames must not be fragmented");
  if (control && len > 125) return fail(1002, "control frame payload of " + std::to_string(len) + " bytes (limit 125)");
  if (masked_ != options_.expect_masked)
    return fail(1002, options_.expect_masked ? "client frames must be masked" : "server frames must not be masked");
  if (len > options_.max_frame)
    return fail(1009, "frame of " + std::to_string(len) + " bytes exceeds the limit of " +
                          std::to_string(options_.max_frame));

  opcode_ = op == 0x0 ? WsOpcode::Continuation : static_cast<WsOpcode>(op);
  if (!control) in_message_ = !fin_;
  remaining_ = len;
  payload_pos_ = 0;
  control_.clear();
  in_payload_ = len > 0;
  if (len == 0) {
    if (control) return control_complete(on_event);
    WsEvent ev;
    ev.kind = WsEventKind::Data;
    ev.message_end = fin_;
    on_event(ev);
  }
  return std::nullopt;
}

std::optional<DecodeError> WsDecoder::control_complete(const std::function<void(const WsEvent&)>& on_event) {
  in_payload_ = false;
  WsEvent ev;
  ev.payload = ByteView(control_);
  if (opcode_ == WsOpcode::Ping) {
    ev.kind = WsEventKind::Ping;
  } else if (opcode_ == WsOpcode::Pong) {
    ev.kind = WsEventKind::Pong;
  } else {
    ev.kind = WsEventKind::Close;
    ev.close_code = 1005;  // "no status received"
    if (control_.size() == 1) return fail(1002, "close frame with a 1-byte payload");
    if (control_.size() >= 2) {
      ev.close_code = static_cast<std::uint16_t>((control_[0] << 8) | control_[1]);
      std::uint16_t c = ev.close_code;
      bool valid = (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011) || (c >= 3000 && c <= 4999);
      if (!valid) return fail(1002, "invalid close status code " + std::to_string(c));
      ev.close_reason = std::string_view(reinterpret_cast<const char*>(control_.data()) + 2, control_.size() - 2);
      if (!is_valid_utf8(ev.close_reason))
        return fail(1007, "close reason is not valid UTF-8");
    }
  }
  on_event(ev);
  return std::nullopt;
}

}  // namespace mq::net
