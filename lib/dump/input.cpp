#include "dump/input.hpp"

#include <fmt/format.h>

#include "codec/rules.hpp"
#include "codec/types.hpp"
#include "util/base64.hpp"
#include "dump/input_shapes.hpp"

namespace mq::dump {

namespace {

/// Line and column (1-based, columns in characters) of byte `pos` in `text`.
InputError locate(std::string_view text, std::size_t pos, std::string message) {
  InputError e;
  e.message = std::move(message);
  if (pos > text.size()) pos = text.size();
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++e.line;
      line_start = i + 1;
    }
  }
  for (std::size_t i = line_start; i < pos; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++e.column;
  return e;
}

InputResult from_shape(std::string_view text, detail::ShapeResult&& r, InputShape shape) {
  InputResult out;
  out.shape = shape;
  if (!r.ok) {
    out.error = locate(text, r.error_pos, std::move(r.message));
    return out;
  }
  out.ok = true;
  out.bytes = std::move(r.bytes);
  return out;
}

/// Base64 as auto-detection accepts it: only base64 characters, lines with
/// no blanks inside, a length that is a multiple of four, and at least one
/// character that hex would not accept (otherwise it is hex).
bool plausible_base64(std::string_view text) {
  std::size_t count = 0;
  bool non_hex = false;
  bool in_line = false;
  bool blank_inside = false;
  bool pending_blank = false;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      in_line = false;
      pending_blank = false;
      continue;
    }
    if (c == ' ' || c == '\t') {
      pending_blank = in_line;
      continue;
    }
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
              c == '=' || c == '-' || c == '_';
    if (!ok) return false;
    if (pending_blank) blank_inside = true;
    in_line = true;
    ++count;
    if (detail::hex_value(c) < 0) non_hex = true;
  }
  return non_hex && !blank_inside && count % 4 == 0 && count > 0;
}

InputResult read_base64(std::string_view text) {
  Base64Error err;
  auto bytes = base64_decode(text, &err);
  InputResult out;
  out.shape = InputShape::Base64;
  if (!bytes) {
    out.error = locate(text, err.position, err.message);
    return out;
  }
  out.ok = true;
  out.bytes = std::move(*bytes);
  return out;
}

/// tshark -x and tcpdump -xx dump whole frames, one block each: when every
/// block is a frame carrying TCP, only the TCP payloads are kept, in order.
void strip_frames(detail::ShapeResult& r) {
  std::vector<std::uint8_t> payloads;
  for (std::size_t i = 0; i < r.block_starts.size(); ++i) {
    const std::size_t begin = r.block_starts[i];
    const std::size_t end = i + 1 < r.block_starts.size() ? r.block_starts[i + 1] : r.bytes.size();
    std::vector<std::uint8_t> block(r.bytes.begin() + static_cast<std::ptrdiff_t>(begin),
                                    r.bytes.begin() + static_cast<std::ptrdiff_t>(end));
    auto payload = detail::tcp_payload_of_frame(block);
    if (!payload) return;
    payloads.insert(payloads.end(), payload->begin(), payload->end());
  }
  r.bytes = std::move(payloads);
}

InputResult read_raw(std::string_view data) {
  InputResult out;
  out.ok = true;
  out.shape = InputShape::Raw;
  ByteView b = as_bytes(data);
  out.bytes.assign(b.begin(), b.end());
  return out;
}

}  // namespace

std::optional<InputFormat> parse_input_format(std::string_view s) {
  if (s == "auto") return InputFormat::Auto;
  if (s == "raw") return InputFormat::Raw;
  if (s == "hex") return InputFormat::Hex;
  if (s == "base64") return InputFormat::Base64;
  return std::nullopt;
}

std::string_view shape_name(InputShape s) {
  switch (s) {
    case InputShape::Raw: return "raw";
    case InputShape::Hex: return "hex";
    case InputShape::CArray: return "C array";
    case InputShape::OffsetDump: return "offset dump";
    case InputShape::Base64: return "base64";
  }
  return "unknown";
}

std::string to_string(const InputError& e) { return fmt::format("line {}, column {}: {}", e.line, e.column, e.message); }

bool looks_binary(std::string_view data) {
  for (char ch : data) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F) return true;
  }
  return !is_valid_utf8(data);
}

InputResult parse_input(std::string_view data, InputFormat format) {
  if (format == InputFormat::Raw) return read_raw(data);
  if (format == InputFormat::Auto && looks_binary(data)) return read_raw(data);
  std::string_view text = data;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte order mark from some editors
  if (format == InputFormat::Base64) return read_base64(text);
  if (auto dump = detail::parse_offset_dump(text)) {
    if (dump->ok) strip_frames(*dump);
    auto out = from_shape(text, std::move(*dump), InputShape::OffsetDump);
    return out;
  }
  if (auto words = detail::parse_word_dump(text)) return from_shape(text, std::move(*words), InputShape::OffsetDump);
  if (format == InputFormat::Auto && detail::looks_like_words_without_offsets(text)) {
    InputResult out;
    out.shape = InputShape::Hex;
    out.error = locate(text, 0,
                       "this looks like 16-bit words (od -x, od -tx2) whose byte order is unknown: dump single bytes "
                       "(od -An -tx1, xxd, hexdump -C), or give --input hex to read the digits as written");
    return out;
  }
  auto hex = detail::parse_hex_text(text);
  if (!hex.ok && format == InputFormat::Auto && plausible_base64(text)) return read_base64(text);
  InputShape shape = hex.c_array ? InputShape::CArray : InputShape::Hex;
  InputResult out = from_shape(text, std::move(hex), shape);
  return out;
}

}  // namespace mq::dump
