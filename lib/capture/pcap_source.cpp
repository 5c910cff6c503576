#include "capture/pcap_source.hpp"

#include <poll.h>
#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "capture/conversations.hpp"

namespace mq::capture {

namespace {

std::int64_t micros(const struct timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1000000 + static_cast<std::int64_t>(tv.tv_usec);
}

/// Closes a pcap handle on every path.
struct Handle {
  pcap_t* p = nullptr;
  ~Handle() {
    if (p) pcap_close(p);
  }
};

std::optional<LinkType> link_of(pcap_t* p, const std::string& name, CaptureResult& result) {
  const int dlt = pcap_datalink(p);
  auto link = netframe::link_type_from_pcap(dlt);
  if (!link) {
    const char* known = pcap_datalink_val_to_name(dlt);
    result.error = fmt::format("{}: link type {} ({}) is not one mqdump reads (Ethernet, Linux cooked, loopback, raw IP)",
                               name, dlt, known ? known : "unknown");
  }
  return link;
}

/// Reads every frame of an opened offline capture.
CaptureResult read_all(pcap_t* p, const std::string& name, const CaptureOptions& options,
                       dump::PacketObserver& observer) {
  CaptureResult result;
  auto link = link_of(p, name, result);
  if (!link) return result;
  ConversationTracker tracker(options, observer);
  for (;;) {
    struct pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(p, &header, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // end of the file
    if (rc < 0) {
      // A file cut short (a capture still being written): what was read counts.
      result.error = fmt::format("{}: {}", name, pcap_geterr(p));
      break;
    }
    tracker.frame(micros(header->ts), *link, ByteView(data, header->caplen));
  }
  tracker.finish();
  result.stats = tracker.stats();
  return result;
}

/// Forwards packets and connection ends until a count of packets is reached.
class Limited : public dump::PacketObserver {
 public:
  Limited(dump::PacketObserver& inner, std::uint64_t max) : inner_(inner), max_(max) {}
  void packet(const dump::ObservedPacket& p) override {
    if (max_ != 0 && seen_ >= max_) return;
    ++seen_;
    inner_.packet(p);
  }
  /// Past the count nothing more is shown, so -C N prints exactly N packets.
  void connection_end(const dump::ConnectionEnd& end) override {
    if (!done()) inner_.connection_end(end);
  }
  bool done() const { return max_ != 0 && seen_ >= max_; }

 private:
  dump::PacketObserver& inner_;
  std::uint64_t max_;
  std::uint64_t seen_ = 0;
};

struct LiveState {
  ConversationTracker* tracker;
  LinkType link;
};

void on_frame(u_char* user, const struct pcap_pkthdr* header, const u_char* data) {
  auto* state = reinterpret_cast<LiveState*>(user);
  state->tracker->frame(micros(header->ts), state->link, ByteView(data, header->caplen));
}

std::string bpf_filter(const std::vector<std::uint16_t>& ports) {
  std::string f = "tcp and (";
  for (std::size_t i = 0; i < ports.size(); ++i) f += fmt::format("{}port {}", i ? " or " : "", ports[i]);
  return f + ")";
}

std::string activation_error(pcap_t* p, int rc, const std::string& name) {
  switch (rc) {
    case PCAP_ERROR_PERM_DENIED:
      return fmt::format("{}: no permission to capture (run as root, or give mqdump the CAP_NET_RAW capability)", name);
    case PCAP_ERROR_NO_SUCH_DEVICE: return fmt::format("{}: no such interface", name);
    case PCAP_ERROR_IFACE_NOT_UP: return fmt::format("{}: the interface is not up", name);
    default: {
      const char* detail = pcap_geterr(p);
      return fmt::format("{}: {}", name, detail && *detail ? detail : pcap_statustostr(rc));
    }
  }
}

}  // namespace

bool looks_like_capture(ByteView b) {
  if (b.size() < 4) return false;
  const std::uint32_t be = static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
                           static_cast<std::uint32_t>(b[2]) << 8 | b[3];
  return be == 0xa1b2c3d4 || be == 0xd4c3b2a1 || be == 0xa1b23c4d || be == 0x4d3cb2a1 || be == 0x0a0d0d0a;
}

CaptureResult read_file(const std::string& path, const CaptureOptions& options, dump::PacketObserver& observer) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  Handle h{pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf)};
  if (!h.p) return CaptureResult{fmt::format("{}: {}", path, errbuf), {}};
  return read_all(h.p, path, options, observer);
}

CaptureResult read_bytes(ByteView bytes, const std::string& name, const CaptureOptions& options,
                         dump::PacketObserver& observer) {
  if (bytes.empty()) return CaptureResult{fmt::format("{}: empty capture", name), {}};
  // libpcap reads from a FILE*; fmemopen gives one over the bytes (read only).
  std::FILE* f = ::fmemopen(const_cast<std::uint8_t*>(bytes.data()), bytes.size(), "rb");
  if (!f) return CaptureResult{fmt::format("{}: {}", name, std::strerror(errno)), {}};
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  Handle h{pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf)};
  if (!h.p) {
    std::fclose(f);
    return CaptureResult{fmt::format("{}: {}", name, errbuf), {}};
  }
  return read_all(h.p, name, options, observer);  // pcap_close closes f
}

CaptureResult capture_live(const std::string& name, const CaptureOptions& options, const LiveOptions& live,
                           dump::PacketObserver& observer) {
  CaptureResult result;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  Handle h{pcap_create(name.c_str(), errbuf)};
  if (!h.p) return CaptureResult{fmt::format("{}: {}", name, errbuf), {}};
  pcap_set_snaplen(h.p, 262144);
  pcap_set_immediate_mode(h.p, 1);  // every frame as it arrives, not in batches
  pcap_set_timeout(h.p, 100);
  if (int rc = pcap_activate(h.p); rc < 0) return CaptureResult{activation_error(h.p, rc, name), {}};
  auto link = link_of(h.p, name, result);
  if (!link) return result;
  struct bpf_program program {};
  std::string filter = bpf_filter(options.ports);
  if (pcap_compile(h.p, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return CaptureResult{fmt::format("{}: filter \"{}\": {}", name, filter, pcap_geterr(h.p)), {}};
  int set = pcap_setfilter(h.p, &program);
  pcap_freecode(&program);
  if (set != 0) return CaptureResult{fmt::format("{}: {}", name, pcap_geterr(h.p)), {}};
  if (pcap_setnonblock(h.p, 1, errbuf) != 0) return CaptureResult{fmt::format("{}: {}", name, errbuf), {}};
  const int fd = pcap_get_selectable_fd(h.p);
  if (fd < 0) return CaptureResult{fmt::format("{}: the interface cannot be waited on", name), {}};

  Limited limited(observer, live.max_packets);
  ConversationTracker tracker(options, limited);
  LiveState state{&tracker, *link};
  if (live.listening) live.listening(name);
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(live.timeout_seconds));
  while (!limited.done() && !(live.stop && live.stop->load())) {
    int wait_ms = 100;  // wakes up to look at the stop flag even when nothing arrives
    if (live.timeout_seconds > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      if (left < wait_ms) wait_ms = static_cast<int>(left);
    }
    struct pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, wait_ms);
    if (ready < 0 && errno != EINTR) {
      result.error = fmt::format("{}: {}", name, std::strerror(errno));
      break;
    }
    if (ready <= 0) continue;
    if (pcap_dispatch(h.p, -1, on_frame, reinterpret_cast<u_char*>(&state)) < 0) {
      result.error = fmt::format("{}: {}", name, pcap_geterr(h.p));
      break;
    }
  }
  tracker.finish();
  result.stats = tracker.stats();
  return result;
}

}  // namespace mq::capture
