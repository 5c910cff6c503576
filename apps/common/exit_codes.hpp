#pragma once
/// The exit statuses of the MQTT clients (mqpub, mqsub): one enum, one
/// sentence per code, documented in each man page from the same table.

#include <string_view>
#include <vector>

#include "docs.hpp"

namespace mq::apps {

/// What a client's exit status tells the calling script.
enum class ClientExit : int {
  Ok = 0,              ///< everything asked for was done
  Failure = 1,         ///< input could not be read or parsed (message file, stdin, replay file)
  Usage = 2,           ///< bad command line
  Connect = 3,         ///< the broker address could not be resolved or connected to, or the connection broke
  Tls = 4,             ///< TLS handshake or certificate verification failed
  Refused = 5,         ///< the broker refused the connection in CONNACK
  Rejected = 6,        ///< a publish or subscription was rejected (reason code 0x80 or more, or refused locally)
  Timeout = 7,         ///< a time limit ran out (connect, acknowledgements, -W)
  ConnectionLost = 8,  ///< the broker ended the connection (DISCONNECT, protocol error, keepalive timeout)
  IdleTimeout = 9,     ///< mqsub: no message arrived within --idle-timeout
  Interrupted = 10,    ///< mqpub: SIGINT or SIGTERM before every message was acknowledged
  Output = 11,         ///< mqsub: standard output could not be written (disk full, I/O error)
};

/// The exit status as an int for main().
inline int code(ClientExit e) { return static_cast<int>(e); }

/// The documented meaning of every code, for the man pages.
std::vector<ExitCodeDoc> client_exit_docs();

}  // namespace mq::apps
