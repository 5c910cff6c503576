#include "auth_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace mq::apps {

namespace {

using Clock = std::chrono::steady_clock;

/// Closes both ends of a pipe on scope exit unless released.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
};

}  // namespace

CommandResult run_command(const std::string& command, const std::string& input, const std::vector<std::string>& env,
                          std::chrono::milliseconds limit) {
  CommandResult result;
  Pipe in, out;
  if (!in.open() || !out.open()) {
    result.error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return result;
  }
  std::vector<std::string> entries;
  for (char** e = environ; *e; ++e) entries.emplace_back(*e);
  entries.insert(entries.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh", dash_c = "-c", text = command;
  char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  // The child starts with default signal handling (SIGPIPE is ignored here).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    result.error = std::string("cannot run /bin/sh: ") + std::strerror(spawned);
    return result;
  }
  ::close(in.fd[0]);
  in.fd[0] = -1;
  ::close(out.fd[1]);
  out.fd[1] = -1;
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);

  // Write the input and read the output together, so that a command that
  // writes before it has read everything cannot dead-lock with us.
  const auto deadline = Clock::now() + limit;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in.fd[1]);
    in.fd[1] = -1;
  }
  bool timed_out = false;
  while (out.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
    const int n = ::poll(fds, in.fd[1] >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (in.fd[1] >= 0 && fds[1].revents) {
      const ssize_t w = ::write(in.fd[1], input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      // A command that does not read all of its input (EPIPE) is its business.
      if (written == input.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) {
        ::close(in.fd[1]);
        in.fd[1] = -1;
      }
    }
    if (fds[0].revents) {
      char buf[4096];
      const ssize_t r = ::read(out.fd[0], buf, sizeof buf);
      if (r > 0) {
        result.output.append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(out.fd[0]);
        out.fd[0] = -1;
      }
    }
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) result.error = fmt::format("did not finish within {:.3g} s", static_cast<double>(limit.count()) / 1000);
  else if (WIFSIGNALED(wstatus)) result.error = fmt::format("was killed by signal {}", WTERMSIG(wstatus));
  else result.status = WEXITSTATUS(wstatus);
  return result;
}

std::variant<std::string, Outcome> AuthCommand::step(const char* packet, const std::string& input) {
  const unsigned number = step_++;
  auto r = run_command(command_, input,
                       {"MQ_AUTH_METHOD=" + method_, fmt::format("MQ_AUTH_STEP={}", number),
                        std::string("MQ_AUTH_PACKET=") + packet},
                       limit_);
  const std::string where = fmt::format("--auth-command, step {} ({})", number, packet);
  if (!r.error.empty()) return Outcome{ClientExit::Refused, fmt::format("{}: the command {}", where, r.error)};
  if (r.status != 0)
    return Outcome{ClientExit::Refused, fmt::format("{}: the command exited with status {}", where, r.status)};
  return std::move(r.output);
}

std::variant<std::optional<std::string>, Outcome> AuthCommand::initial() {
  auto r = step("CONNECT", {});
  if (auto* o = std::get_if<Outcome>(&r)) return std::move(*o);
  auto& data = std::get<std::string>(r);
  if (data.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{std::move(data)};
}

std::optional<Outcome> AuthCommand::answer(const client::AuthChallenge& challenge, client::ClientSession& session) {
  auto r = step("AUTH", challenge.data);
  if (auto* o = std::get_if<Outcome>(&r)) return std::move(*o);
  if (auto refused = session.auth(std::move(std::get<std::string>(r)), {}, Clock::now()))
    return Outcome{ClientExit::Refused, "--auth-command: cannot answer the broker: " + refused->message};
  return std::nullopt;
}

std::optional<Outcome> AuthCommand::verify(const client::Connected& connected) {
  const auto* data = connected.properties.find(PropertyId::AuthenticationData);
  if (!data) return std::nullopt;
  auto r = step("CONNACK", data->value);
  if (auto* o = std::get_if<Outcome>(&r)) {
    o->message += "; the broker's final authentication data was not accepted";
    return std::move(*o);
  }
  return std::nullopt;
}

}  // namespace mq::apps
