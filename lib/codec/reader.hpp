#pragma once
/// The one bounds-checked reader every decoder goes through. Reads never go
/// past the end of the view; the first failure is kept (a sticky error) with
/// the offset and field where it happened, and later reads return zeroes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/error.hpp"
#include "codec/types.hpp"
#include "codec/varint.hpp"

namespace mq {

/// One field the decoder read: where it is and what it is called. mqdump
/// prints its tree from these, so byte offsets come from the decoder itself.
struct TracedField {
  std::size_t offset = 0;  ///< within the packet
  std::size_t length = 0;
  std::string field;       ///< e.g. "packet identifier", "properties/User Property/key"
  int depth = 0;           ///< nesting level for display (0 = top)
};
using FieldTrace = std::vector<TracedField>;

class Reader {
 public:
  /// `base` is the offset of data[0] within the packet, used in errors.
  explicit Reader(ByteView data, std::size_t base = 0) : data_(data), base_(base) {}

  /// Records every successful read into `trace` (may be null).
  void set_trace(FieldTrace* trace, int depth = 0) {
    trace_ = trace;
    depth_ = depth;
  }
  FieldTrace* trace() const { return trace_; }
  /// Lenient decoding: rule violations that leave the packet readable go to
  /// `violations` and reading goes on (see violate()); null is strict.
  void set_lenient(std::vector<DecodeError>* violations) { violations_ = violations; }
  void set_depth(int depth) { depth_ = depth; }
  int depth() const { return depth_; }
  /// Adds an entry to the trace by hand (for a value decoded in pieces).
  void note(std::size_t at, std::size_t length, std::string_view field, int depth_delta = 0) {
    if (trace_) [[unlikely]]
      record(at, length, field, depth_delta);
  }

  /// True while no read has failed.
  explicit operator bool() const { return !failed_; }
  bool failed() const { return failed_; }
  /// The first failure (a default DecodeError while none happened).
  const DecodeError& error() const {
    static const DecodeError kNone;
    return error_ ? *error_ : kNone;
  }

  /// Offset of the next byte within the packet.
  std::size_t offset() const { return base_ + pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  std::uint8_t u8(std::string_view field) {
    if (!need(1, field)) return 0;
    note(offset(), 1, field);
    return data_[pos_++];
  }
  std::uint16_t u16(std::string_view field) {
    if (!need(2, field)) return 0;
    note(offset(), 2, field);
    std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32(std::string_view field) {
    if (!need(4, field)) return 0;
    note(offset(), 4, field);
    std::uint32_t v = static_cast<std::uint32_t>(data_[pos_]) << 24 | static_cast<std::uint32_t>(data_[pos_ + 1]) << 16 |
                      static_cast<std::uint32_t>(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return v;
  }
  /// A variable byte integer; fails on more than 4 bytes or a non-minimal form.
  std::uint32_t varint(std::string_view field) {
    if (failed_) return 0;
    VarIntRead r = read_varint(data_.data() + pos_, data_.size() - pos_);
    switch (r.status) {
      case VarIntStatus::Ok:
        note(offset(), r.length, field);
        pos_ += r.length;
        return r.value;
      case VarIntStatus::NeedMore: fail(ErrorKind::Truncated, field, "ends inside a variable byte integer"); return 0;
      case VarIntStatus::TooLong:
        fail(ErrorKind::Malformed, field, "variable byte integer longer than 4 bytes", "MQTT-1.5.5-1");
        return 0;
      case VarIntStatus::NotMinimal:
        fail(ErrorKind::Malformed, field, "variable byte integer not in its shortest form", "MQTT-1.5.5-1");
        return 0;
    }
    return 0;
  }
  /// `n` raw bytes.
  ByteView bytes(std::size_t n, std::string_view field) {
    if (!need(n, field)) return {};
    note(offset(), n, field);
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  /// The rest of the view.
  ByteView rest(std::string_view field = "payload") {
    if (failed_) return {};
    note(offset(), data_.size() - pos_, field);
    ByteView v = data_.subspan(pos_);
    pos_ = data_.size();
    return v;
  }
  /// Two-byte length then that many bytes (Binary Data). Traced as one field.
  ByteView binary(std::string_view field) {
    if (!need(2, field)) return {};
    std::size_t n = static_cast<std::size_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    if (data_.size() - pos_ - 2 < n) [[unlikely]] {
      fail_declared(n, field);
      return {};
    }
    note(offset(), 2 + n, field);
    ByteView v = data_.subspan(pos_ + 2, n);
    pos_ += 2 + n;
    return v;
  }
  /// Two-byte length then that many bytes as text; UTF-8 is not checked here.
  std::string_view string(std::string_view field) { return as_chars(binary(field)); }

  /// A reader over the next `n` bytes (a length-prefixed region such as a
  /// property list), sharing this reader's trace and depth; this reader moves
  /// past the region. When fewer than `n` bytes are left this reader fails
  /// (Truncated, naming `field`) and the returned reader is already failed.
  Reader sub(std::size_t n, std::string_view field) {
    Reader s(ByteView{}, offset());
    s.trace_ = trace_;
    s.violations_ = violations_;
    s.depth_ = depth_;
    if (!need(n, field)) {
      s.failed_ = true;
      return s;
    }
    s.data_ = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  /// Takes over the failure of a reader made by sub(), if any. The region was
  /// complete, so running out of bytes inside it means a field overran the
  /// region's declared length: a malformed packet, not a truncated input.
  void absorb(const Reader& s) {
    if (failed_ || !s.error_) return;
    failed_ = true;
    error_ = s.error_;
    if (error_->kind == ErrorKind::Truncated) {
      error_->kind = ErrorKind::Malformed;
      error_->message += " (past the end of its length-prefixed region)";
    }
  }
  /// Takes over a complete error (for rule checks shared with the validator);
  /// `at` is the absolute offset to report.
  void fail(const DecodeError& e, std::size_t at) { fail(e.kind, e.field, e.message, e.rule, at); }

  /// A broken rule after which the fields can still be read: a failure when
  /// strict, a recorded violation when lenient. `at` is the absolute offset.
  void violate(const DecodeError& e, std::size_t at) {
    if (violations_ == nullptr || failed_) {
      fail(e, at);
      return;
    }
    violations_->push_back(e);
    violations_->back().offset = at;
  }

  /// Records a failure at the current offset (or at `at`, an absolute offset).
  [[gnu::noinline, gnu::cold]] void fail(ErrorKind kind, std::string_view field, std::string_view message,
                                         std::string_view rule = {}, std::size_t at = SIZE_MAX) {
    if (failed_) return;
    failed_ = true;
    error_.emplace();
    error_->kind = kind;
    error_->offset = at == SIZE_MAX ? offset() : at;
    error_->field = std::string(field);
    error_->message = std::string(message);
    error_->rule = std::string(rule);
  }

 private:
  // The checks below stay inline and small; building messages and trace
  // entries happens out of line, off the decoding hot path.
  bool need(std::size_t n, std::string_view field) {
    if (failed_) [[unlikely]]
      return false;
    if (data_.size() - pos_ < n) [[unlikely]] {
      fail_short(n, field);
      return false;
    }
    return true;
  }
  [[gnu::noinline, gnu::cold]] void fail_short(std::size_t n, std::string_view field) {
    fail(ErrorKind::Truncated, field,
         "needs " + std::to_string(n) + " byte" + (n == 1 ? "" : "s") + ", " + std::to_string(data_.size() - pos_) +
             " left");
  }
  [[gnu::noinline, gnu::cold]] void fail_declared(std::size_t n, std::string_view field) {
    pos_ += 2;
    fail(ErrorKind::Truncated, field,
         "declares " + std::to_string(n) + " bytes, " + std::to_string(data_.size() - pos_) + " left");
  }
  [[gnu::noinline]] void record(std::size_t at, std::size_t length, std::string_view field, int depth_delta) {
    trace_->push_back({at, length, std::string(field), depth_ + depth_delta});
  }

  ByteView data_;
  std::size_t base_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  FieldTrace* trace_ = nullptr;
  std::vector<DecodeError>* violations_ = nullptr;
  int depth_ = 0;
  std::optional<DecodeError> error_;  // built only on failure: cheap to construct per packet
};

}  // namespace mq
