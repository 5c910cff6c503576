#pragma once
/// The conformance suite's raw client: one network connection to the broker
/// under test over any transport a URL names, driven one step at a time. It
/// sends exact bytes (encoded packets or hand-made malformed ones) and waits,
/// bounded in time, for the next packet or for the broker to close. Every
/// packet both ways is recorded in the check's transcript.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/framer.hpp"
#include "codec/packets.hpp"
#include "net/connect.hpp"
#include "net/loop.hpp"
#include "net/url.hpp"

namespace mq::conform {

/// One entry of a transcript: a packet sent or received, or a remark such as
/// "connection 2 closed by the broker".
struct Exchange {
  int connection = 0;       ///< 1-based connection number within the check
  bool sent = false;        ///< sent by the suite (else received from the broker)
  std::vector<std::uint8_t> bytes;  ///< the packet (empty for a remark)
  std::string remark;       ///< set for remarks
  ProtocolVersion version = ProtocolVersion::v311;
};

/// What happened during a check, in order.
struct Transcript {
  std::vector<Exchange> entries;
  /// The exchanges as text: each packet decoded by mqdump's formatter.
  std::string render() const;
};

/// Where and how to reach the broker, shared by every connection of a run.
struct Target {
  net::Url url;
  net::ConnectOptions connect;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::chrono::milliseconds wait{2000};  ///< longest wait for one expected packet or close
  std::string id_prefix = "mqconf";       ///< client identifiers start with this
};

/// What the next step brought.
struct Received {
  enum class Kind { Packet, Closed, Timeout, Garbage } kind = Kind::Timeout;
  std::shared_ptr<std::vector<std::uint8_t>> raw;  ///< owns the bytes `packet` points into
  std::optional<Packet> packet;                    ///< set for Kind::Packet
  std::string error;                               ///< why Garbage did not decode
  /// True for a packet of type T.
  template <typename T>
  const T* as() const {
    return packet ? std::get_if<T>(&*packet) : nullptr;
  }
  /// "PUBACK", "close", "nothing within 2000 ms", ...
  std::string describe() const;
};

/// One connection to the broker; created by the check context.
class Conn {
 public:
  Conn(net::Loop& loop, const Target& target, Transcript& transcript, int number, ProtocolVersion version);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  /// Opens the transport (TCP, TLS, WebSocket, Unix); false with `error` set when it fails.
  bool open(std::string& error);
  /// Encodes and sends `p` at this connection's protocol level.
  void send(const Packet& p);
  /// Sends bytes exactly as given (malformed packets); recorded as one entry.
  void send_raw(std::vector<std::uint8_t> bytes);
  /// The next packet, the close of the connection, or Timeout after `wait`.
  Received next(std::optional<std::chrono::milliseconds> wait = std::nullopt);
  /// Closes the network connection without a DISCONNECT (as if the client died).
  void drop();
  /// Sends what is queued, then closes the network connection.
  void close();
  /// True until either side closed the connection.
  bool is_open() const { return stream_ && !closed_; }
  ProtocolVersion version() const { return version_; }
  int number() const { return number_; }

  /// What this connection's CONNECT told the broker (5.0), for the
  /// invariants every later packet from the broker is checked against.
  std::uint16_t topic_alias_max = 0;
  std::uint32_t max_packet = 0;  ///< 0: no limit given
  bool problem_info = true;
  bool auth_method = false;
  int connacks = 0;

 private:
  void remark(std::string text);
  net::Loop& loop_;
  const Target& target_;
  Transcript& transcript_;
  int number_;
  ProtocolVersion version_;
  std::shared_ptr<net::Stream> stream_;
  std::unique_ptr<net::PendingConnect> pending_;
  Framer framer_;
  std::vector<std::vector<std::uint8_t>> inbox_;  ///< whole packets not yet taken by next()
  std::string framing_error_;
  bool closed_ = false;
};

}  // namespace mq::conform
