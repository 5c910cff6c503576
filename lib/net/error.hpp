#pragma once
/// Why a network operation failed or a connection ended, in plain words.

#include <string>
#include <string_view>
#include <utility>

namespace mq::net {

/// Broad class of a network failure, so callers can pick an exit code.
enum class NetErrc : unsigned char {
  None,        ///< no error: the connection was closed by this side
  PeerClosed,  ///< the peer closed the connection
  Resolve,     ///< the host name could not be resolved
  Connect,     ///< no address accepted the connection
  Timeout,     ///< an operation did not finish in time
  Io,          ///< a read, write or socket call failed
  Tls,         ///< TLS handshake or record failure
  TlsVerify,   ///< the peer's certificate was rejected
  WebSocket,   ///< the WebSocket handshake or framing was invalid
  Config,      ///< bad options (unreadable certificate, bad address, ...)
  Cancelled,   ///< the operation was cancelled before it finished
};

/// A network error: its class and a message for people.
struct NetError {
  NetErrc code = NetErrc::None;  ///< class of the failure
  std::string message;           ///< e.g. "connection refused by 127.0.0.1:1883"

  /// True when this is an error (code is not None).
  explicit operator bool() const { return code != NetErrc::None; }
};

/// The name of a NetErrc ("timeout", "tls verify", ...).
std::string_view errc_name(NetErrc c);

/// Builds a NetError from a libuv status code and a description of the step,
/// e.g. from_uv(UV_ECONNREFUSED, NetErrc::Connect, "connecting to x") gives
/// "connecting to x: connection refused".
NetError from_uv(int status, NetErrc code, std::string_view what);

/// A value or a NetError (std::expected is not available with clang 14).
template <typename T>
class NetResult {
 public:
  /// A successful result.
  NetResult(T value) : ok_(true), value_(std::move(value)) {}
  /// A failed result.
  NetResult(NetError error) : ok_(false), error_(std::move(error)) {}

  /// True on success.
  explicit operator bool() const { return ok_; }
  /// The value; only meaningful on success.
  T& value() { return value_; }
  /// The value; only meaningful on success.
  const T& value() const { return value_; }
  /// Member access to the value.
  T* operator->() { return &value_; }
  /// Member access to the value.
  const T* operator->() const { return &value_; }
  /// The error; only meaningful on failure.
  const NetError& error() const { return error_; }

 private:
  bool ok_;
  T value_{};
  NetError error_{};
};

}  // namespace mq::net
