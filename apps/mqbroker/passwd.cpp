#include "passwd.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "server/auth/password_file.hpp"

namespace mq::mqbroker {
namespace {

/// Reads one line from stdin; with `prompt` on a terminal, without echo.
bool read_secret(const char* prompt, std::string& out) {
  bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::fputs(prompt, stderr);
    std::fflush(stderr);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool ok = static_cast<bool>(std::getline(std::cin, out));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fputs("\n", stderr);
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return ok;
}

}  // namespace

int run_passwd(const PasswdOptions& o) {
  if (auto bad = server::check_user_name(o.user)) {
    fmt::print(stderr, "mqbroker passwd: {}\n", *bad);
    return code(Exit::Usage);
  }
  server::PasswordFile file;
  std::error_code ec;
  if (std::filesystem::exists(o.file, ec)) {
    std::string error;
    auto loaded = server::PasswordFile::load(o.file, &error);
    if (!loaded) {
      fmt::print(stderr, "mqbroker passwd: {}\n", error);
      return code(Exit::StartFailed);
    }
    file = std::move(*loaded);
  } else if (o.action == "remove") {
    fmt::print(stderr, "mqbroker passwd: {}: no such file\n", o.file);
    return code(Exit::StartFailed);
  }
  if (o.action == "remove") {
    if (!file.remove(o.user)) {
      fmt::print(stderr, "mqbroker passwd: {}: no user {}\n", o.file, o.user);
      return code(Exit::StartFailed);
    }
  } else {
    std::string password = o.password;
    if (!o.password_given) {
      bool tty = ::isatty(STDIN_FILENO);
      if (!read_secret("Password: ", password)) {
        fmt::print(stderr, "mqbroker passwd: no password on standard input\n");
        return code(Exit::Usage);
      }
      if (tty) {
        std::string again;
        if (!read_secret("Reenter password: ", again) || again != password) {
          fmt::print(stderr, "mqbroker passwd: the passwords do not match\n");
          return code(Exit::Usage);
        }
      }
    }
    if (password.empty()) {
      fmt::print(stderr, "mqbroker passwd: the password is empty\n");
      return code(Exit::Usage);
    }
    file.set(o.user, password, o.iterations ? o.iterations : server::kDefaultIterations);
  }
  if (auto e = file.save(o.file)) {
    fmt::print(stderr, "mqbroker passwd: {}\n", *e);
    return code(Exit::StartFailed);
  }
  return code(Exit::Ok);
}

}  // namespace mq::mqbroker
