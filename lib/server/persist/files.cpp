#include "server/persist/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace mq::server {

namespace {

std::string failure(std::string_view what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

/// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<std::string> read_file(const std::string& path, std::vector<std::uint8_t>& out, bool& exists) {
  out.clear();
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  exists = f.fd >= 0;
  if (!exists) return errno == ENOENT ? std::nullopt : std::optional<std::string>(failure("cannot open", path));
  std::uint8_t buf[65536];
  while (true) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure("cannot read", path);
    if (n == 0) return std::nullopt;
    out.insert(out.end(), buf, buf + n);
  }
}

std::optional<std::string> append_fd(int fd, const std::string& path, ByteView bytes, bool sync) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure("cannot write", path);
    done += static_cast<std::size_t>(n);
  }
  if (sync && ::fdatasync(fd) != 0) return failure("cannot sync", path);
  return std::nullopt;
}

std::optional<std::string> replace_file(const std::string& dir, const std::string& path, ByteView bytes) {
  // A fresh name created exclusively (mkostemp: O_CREAT|O_EXCL, mode 0600):
  // a symlink or file planted at a predictable NAME.tmp is neither followed
  // nor overwritten, and the rename then replaces `path` itself, never
  // what a symlink at `path` points to.
  std::string tmp = path + ".tmp.XXXXXX";
  Fd f{::mkostemp(tmp.data(), O_CLOEXEC)};
  if (f.fd < 0) return failure("cannot create a temporary file beside", path);
  auto discard = [&](std::string error) {
    ::unlink(tmp.c_str());
    return std::optional<std::string>(std::move(error));
  };
  if (auto e = append_fd(f.fd, tmp, bytes, true)) return discard(*e);
  if (::close(f.fd) != 0) {
    f.fd = -1;
    return discard(failure("cannot write", tmp));
  }
  f.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return discard(failure("cannot rename to", path));
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) return failure("cannot sync directory", dir);
  return std::nullopt;
}

std::optional<std::string> keep_aside(const std::string& dir, const std::string& path, ByteView bytes,
                                      std::string& kept) {
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  // link() and O_EXCL both fail on an existing name: an earlier copy stays.
  bool done = false;
  for (int n = 1; n <= 100 && !done; ++n) {
    kept = fmt::format("{}.damaged-{}", path, stamp) + (n > 1 ? fmt::format("-{}", n) : "");
    if (::link(path.c_str(), kept.c_str()) == 0) {
      done = true;
      break;
    }
    if (errno == EEXIST) continue;
    Fd f{::open(kept.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
    if (f.fd < 0 && errno == EEXIST) continue;
    if (f.fd < 0) return failure("cannot create", kept);
    if (auto e = append_fd(f.fd, kept, bytes, true)) return e;
    done = true;
  }
  if (!done) return fmt::format("cannot keep {} aside: 100 copies exist", path);
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) return failure("cannot sync directory", dir);
  return std::nullopt;
}

std::optional<std::string> ensure_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return std::nullopt;
    return fmt::format("persistence_location {}: not a directory", dir);
  }
  return failure("cannot create persistence_location", dir);
}

}  // namespace mq::server
