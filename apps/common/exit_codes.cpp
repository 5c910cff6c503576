#include "exit_codes.hpp"

namespace mq::apps {

std::vector<ExitCodeDoc> client_exit_docs() {
  return {
      {code(ClientExit::Ok), "success: every message was acknowledged at its QoS with a success reason code (mqpub; "
                             "with --wait-response, and the response was printed), "
                             "or the requested stop condition was reached (mqsub: -C count, -E, --retained-only, "
                             "SIGINT/SIGTERM, or stdout closed)"},
      {code(ClientExit::Failure), "input could not be read or parsed (message file, stdin, replay file)"},
      {code(ClientExit::Usage), "bad command line, or an option value the protocol does not allow"},
      {code(ClientExit::Connect), "the broker's address could not be resolved or connected to, or the connection "
                                  "broke (and --reconnect was not given)"},
      {code(ClientExit::Tls), "TLS failed: handshake error, or the broker's certificate was rejected (expired, "
                              "wrong host name, unknown CA)"},
      {code(ClientExit::Refused), "the broker refused the connection in CONNACK (bad user name or password, not "
                                  "authorized, unsupported protocol version, ...)"},
      {code(ClientExit::Rejected), "a publish was rejected with a reason code of 0x80 or more (for example 0x87 "
                                   "Not authorized), a subscription was refused in SUBACK, or the client refused a "
                                   "message locally because it breaks a server limit"},
      {code(ClientExit::Timeout), "a time limit ran out: connecting, waiting for acknowledgements or for the "
                                  "response of --wait-response (mqpub's -W, --timeout), or mqsub's -W"},
      {code(ClientExit::ConnectionLost), "the broker ended the connection: DISCONNECT, a protocol violation, or no "
                                         "answer to a keepalive ping"},
      {code(ClientExit::IdleTimeout), "mqsub: no message arrived within --idle-timeout"},
      {code(ClientExit::Interrupted), "mqpub: interrupted by SIGINT or SIGTERM before every message was "
                                      "acknowledged or the response came (with -l, only when a line read was not yet acknowledged)"},
      {code(ClientExit::Output), "mqsub, and mqpub --wait-response: standard output could not be written (disk "
                                 "full, I/O error); a reader that goes away is no error"},
  };
}

}  // namespace mq::apps
