#pragma once
/// mqdump's exit statuses: the one list used by the code and by the man page.

namespace mq::mqdump {

enum class Exit : int {
  Ok = 0,            ///< every packet decoded (or encoded)
  DecodeFailed = 1,  ///< at least one packet failed to decode
  Usage = 2,         ///< bad command line
  BadInput = 3,      ///< unreadable file, bad hex/base64, bad JSON for --encode, or no bytes at all
  WriteFailed = 4,   ///< the output could not be written (a closed pipe is not an error)
  LintFindings = 5,  ///< --lint found something (and nothing worse happened)
};

inline int code(Exit e) { return static_cast<int>(e); }

}  // namespace mq::mqdump
