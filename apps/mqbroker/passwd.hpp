#pragma once
/// `mqbroker passwd FILE add|remove USER [PASSWORD]`.

#include "cli.hpp"

namespace mq::mqbroker {

/// Edits the password file; returns the exit status.
int run_passwd(const PasswdOptions& o);

}  // namespace mq::mqbroker
