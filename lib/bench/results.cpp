#include "bench/results.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string_view>

namespace mq::bench {

const std::array<CounterField, 14> kCounterFields = {{
    {"published", &Counters::published},
    {"acked", &Counters::acked},
    {"received", &Counters::received},
    {"bytes_published", &Counters::bytes_published},
    {"bytes_received", &Counters::bytes_received},
    {"lost", &Counters::lost},
    {"duplicates", &Counters::duplicates},
    {"reordered", &Counters::reordered},
    {"connects_ok", &Counters::connects_ok},
    {"connects_failed", &Counters::connects_failed},
    {"subscribes_ok", &Counters::subscribes_ok},
    {"subscribes_failed", &Counters::subscribes_failed},
    {"publish_failed", &Counters::publish_failed},
    {"disconnects", &Counters::disconnects},
}};

const std::array<LatencyField, 4> kLatencyFields = {{
    {"e2e", &RunResult::e2e},
    {"ack", &RunResult::ack},
    {"connect", &RunResult::connect},
    {"subscribe", &RunResult::subscribe},
}};

Counters& Counters::operator+=(const Counters& o) {
  for (const auto& f : kCounterFields) this->*f.member += o.*f.member;
  return *this;
}

Counters Counters::operator-(const Counters& o) const {
  Counters d;
  for (const auto& f : kCounterFields) d.*f.member = this->*f.member - o.*f.member;
  return d;
}

namespace {

// The value after "key<spaces>:" on the first line of `path` that starts
// with `key`; empty when the file or the line is missing.
std::string proc_field(const char* path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    return begin == std::string::npos ? std::string() : line.substr(begin);
  }
  return {};
}

}  // namespace

MachineInfo describe_machine() {
  MachineInfo m;
  utsname u{};
  if (uname(&u) == 0) {
    m.hostname = u.nodename;
    m.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  }
  m.cpu_model = proc_field("/proc/cpuinfo", "model name");
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  m.cpus = cpus > 0 ? static_cast<unsigned>(cpus) : 0;
  const std::string mem = proc_field("/proc/meminfo", "MemTotal");  // "16318524 kB"
  if (!mem.empty()) {
    std::uint64_t kib = 0;
    for (char c : mem) {
      if (c < '0' || c > '9') break;
      kib = kib * 10 + static_cast<std::uint64_t>(c - '0');
    }
    m.memory_bytes = kib * 1024;
  }
  return m;
}

}  // namespace mq::bench
