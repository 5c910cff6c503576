#pragma once
/// The error a decoder reports: what failed, where, and which rule.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mq {

/// Broad class of a decode failure, so callers can pick a reason code.
enum class ErrorKind : unsigned char {
  Truncated,         ///< the input ends before the packet does
  Malformed,         ///< the bytes break the packet format
  ProtocolError,     ///< well formed, but a rule of the protocol is broken
  TooLarge,          ///< the declared size exceeds a configured maximum
  UnknownVersion,    ///< the protocol level is needed but not known
};

/// A precise decode error. `offset` counts from the first byte of the packet
/// (or of the stream, for the framer); `field` names the field being read,
/// e.g. "remaining length" or "property 0x26 (User Property)"; `rule` is the
/// specification's normative statement identifier such as "MQTT-2.2.2-1", or
/// empty when none applies.
struct DecodeError {
  ErrorKind kind = ErrorKind::Malformed;
  std::size_t offset = 0;
  std::string field;
  std::string message;
  std::string rule;
};

/// "offset 12, topic name: wildcard characters are not allowed [MQTT-3.3.2-2]"
std::string to_string(const DecodeError& e);

/// The name of an ErrorKind ("malformed", "protocol error", ...).
std::string_view kind_name(ErrorKind k);

/// A value or a DecodeError. A small stand-in for std::expected, which clang
/// 14 cannot compile with this standard library.
template <typename T>
class Result {
 public:
  Result(T value) : ok_(true), value_(std::move(value)) {}
  Result(DecodeError error) : ok_(false), error_(std::move(error)) {}
  /// A successful result whose value is constructed in place from `args`,
  /// to be filled in afterwards (saves moving a large value on hot paths).
  template <typename... A>
  explicit Result(std::in_place_t, A&&... args) : ok_(true), value_(std::forward<A>(args)...) {}

  /// Turns this result into a failure.
  void set_error(DecodeError error) {
    ok_ = false;
    error_.emplace(std::move(error));
  }

  explicit operator bool() const { return ok_; }
  bool ok() const { return ok_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  /// The error (a default DecodeError for a successful result).
  const DecodeError& error() const {
    static const DecodeError kNone;
    return error_ ? *error_ : kNone;
  }

 private:
  bool ok_;
  T value_{};
  // Empty on success: a decoder returns one Result per packet, so the
  // success path should not build (and destroy) three strings.
  std::optional<DecodeError> error_;
};

}  // namespace mq
