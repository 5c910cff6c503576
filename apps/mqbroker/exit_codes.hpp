#pragma once
/// mqbroker's exit statuses: the one list used by the code and by the man page.

namespace mq::mqbroker {

enum class Exit : int {
  Ok = 0,           ///< clean shutdown (SIGTERM, SIGINT), or --check-config found no problem
  StartFailed = 1,  ///< a listener could not be bound, a file (TLS, password, ACL, persistence) could not be used, or a persistence write failed
  Usage = 2,        ///< bad command line or configuration
};

inline int code(Exit e) { return static_cast<int>(e); }

}  // namespace mq::mqbroker
