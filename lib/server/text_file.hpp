#pragma once
/// Reading the broker's own text files (configuration, password and ACL
/// files) whole, with a reason for every way that can fail.

#include <optional>
#include <string>

namespace mq::server {

/// The bytes of the file at `path`. On failure returns nullopt and sets
/// `*why` to the reason alone (strerror text, or "is a directory"), for the
/// caller to put after its own "path: cannot read the ... file: ". Pipes and
/// character devices are read to their end, so `-c <(...)` works.
std::optional<std::string> read_text_file(const std::string& path, std::string* why);

}  // namespace mq::server
