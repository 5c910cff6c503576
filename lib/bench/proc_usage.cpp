#include "bench/proc_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>

namespace mq::bench {

namespace {

double tv_seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// utime and stime (fields 14 and 15) of a /proc .../stat file.
std::optional<CpuSample> read_stat(const std::string& path) {
  std::ifstream f(path);
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: skip to the last ')'.
  const auto close = stat.rfind(')');
  if (stat.empty() || close == std::string::npos || close + 2 > stat.size()) return std::nullopt;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long long utime = -1, stime = -1;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::atoll(field.c_str());
    if (i == 15) stime = std::atoll(field.c_str());
  }
  if (utime < 0 || stime < 0) return std::nullopt;
  const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return CpuSample{static_cast<double>(utime) / tick, static_cast<double>(stime) / tick, 0};
}

/// VmRSS of a /proc .../status file, bytes (0 when absent).
std::uint64_t read_rss(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

}  // namespace

CpuSample sample_this_thread() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return CpuSample{tv_seconds(ru.ru_utime), tv_seconds(ru.ru_stime), read_rss("/proc/self/status")};
}

std::optional<CpuSample> sample_process(int pid) {
  auto s = read_stat("/proc/" + std::to_string(pid) + "/stat");
  if (s) s->rss_bytes = read_rss("/proc/" + std::to_string(pid) + "/status");
  return s;
}

std::optional<CpuSample> sample_thread(int tid) { return read_stat("/proc/self/task/" + std::to_string(tid) + "/stat"); }

std::optional<CpuSample> UsageTracker::read() const {
  switch (target_) {
    case Target::Self: return sample_this_thread();
    case Target::Process: return sample_process(id_);
    case Target::Thread: return sample_thread(id_);
    case Target::None: break;
  }
  return std::nullopt;
}

void UsageTracker::start() {
  auto s = read();
  ok_ = s.has_value();
  if (!ok_) return;
  start_ = last_ = *s;
  peak_rss_ = s->rss_bytes;
  last_time_s_ = now_s();
}

void UsageTracker::sample() {
  if (!ok_) return;
  auto s = read();
  if (!s) return;  // the process went away: keep what was measured
  const double t = now_s();
  const double dt = t - last_time_s_;
  if (dt > 0) last_cores_ = (s->user_s + s->sys_s - last_.user_s - last_.sys_s) / dt;
  last_ = *s;
  last_time_s_ = t;
  if (s->rss_bytes > peak_rss_) peak_rss_ = s->rss_bytes;
}

ProcessUsage UsageTracker::usage() const {
  ProcessUsage u;
  if (!ok_) return u;
  u.known = true;
  u.cpu_user_s = last_.user_s - start_.user_s;
  u.cpu_sys_s = last_.sys_s - start_.sys_s;
  u.peak_rss_bytes = peak_rss_;
  u.rss_shared = target_ == Target::Thread;  // a thread's memory is its process's
  if (u.rss_shared) u.peak_rss_bytes = 0;
  return u;
}

}  // namespace mq::bench
