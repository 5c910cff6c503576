#pragma once
/// The few POSIX file operations the store needs, with errors as messages
/// that name the file.

#include <optional>
#include <string>
#include <vector>

#include "codec/types.hpp"

namespace mq::server {

/// Reads all of `path` into `out`; false (and `out` empty) when it does not
/// exist; an error message when it exists and cannot be read.
std::optional<std::string> read_file(const std::string& path, std::vector<std::uint8_t>& out, bool& exists);
/// Replaces `path` with `bytes` atomically: a temporary file of a fresh
/// name created exclusively in the same directory (mode 0600), fsync,
/// rename, fsync of the directory. Symlinks are never followed.
std::optional<std::string> replace_file(const std::string& dir, const std::string& path, ByteView bytes);
/// Writes all of `bytes` to `fd` (retrying short writes), then fdatasync
/// when `sync`.
std::optional<std::string> append_fd(int fd, const std::string& path, ByteView bytes, bool sync);
/// Keeps a copy of `path` (whose contents are `bytes`) as
/// `path`.damaged-YYYYMMDDTHHMMSSZ[-N], never replacing an existing file: a
/// hard link when the file system allows, else a synced copy. Sets `kept`
/// to the name used.
std::optional<std::string> keep_aside(const std::string& dir, const std::string& path, ByteView bytes,
                                      std::string& kept);
/// Creates `dir` (one level) when it is missing.
std::optional<std::string> ensure_dir(const std::string& dir);

}  // namespace mq::server
