#include "capture.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "capture/pcap_source.hpp"
#include "dump/observed_print.hpp"
#include "exit_codes.hpp"
#include "readers.hpp"

namespace mq::mqdump {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop = true; }

/// Ctrl-C and SIGTERM end a live capture cleanly (open connections are
/// reported as ended); no SA_RESTART, so the wait wakes up at once.
void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

capture::CaptureOptions capture_options(const Config& config) {
  capture::CaptureOptions options;
  if (!config.ports.empty()) options.ports = config.ports;
  options.version = config.version;
  options.note = [](std::string_view text) { report(fmt::format("note: {}", text)); };
  return options;
}

/// "TCP port 1884" or "TCP ports 1883, 8883".
std::string port_list(const std::vector<std::uint16_t>& ports) {
  std::string s = ports.size() == 1 ? "TCP port " : "TCP ports ";
  for (std::size_t i = 0; i < ports.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", ports[i]);
  return s;
}

/// The printer and the output it writes to, with the exit status rules
/// shared by files and live captures.
struct Printing {
  Output out;
  bool flush_each = false;
  dump::ObservedPrinter printer;

  explicit Printing(const Config& config, bool live)
      : flush_each(live),
        printer(
            [this](std::string_view s) {
              out.write(s);
              if (flush_each) out.flush();
              if (out.closed() || out.failed()) g_stop = true;
            },
            dump::ObservedPrintOptions{config.mode == Mode::Json,
                                       {dump::use_colour(stdout), config.show_secrets},
                                       {config.show_secrets},
                                       config.lenient}) {}

  /// Exit status after the run: write failures first, then decode failures.
  int status(Exit otherwise) {
    out.flush();
    if (out.failed()) {
      report("cannot write the output");
      return code(Exit::WriteFailed);
    }
    if (printer.decode_failures() > 0 && otherwise == Exit::Ok) return code(Exit::DecodeFailed);
    return code(otherwise);
  }
};

}  // namespace

std::vector<std::string> take_capture_arguments(Config& config) {
  std::vector<std::string> files;
  std::vector<std::string> texts;
  for (auto& t : config.texts) {
    std::uint8_t magic[4] = {};
    std::FILE* f = t.empty() ? nullptr : std::fopen(t.c_str(), "rb");
    bool capture = f && std::fread(magic, 1, 4, f) == 4 && capture::looks_like_capture(ByteView(magic, 4));
    if (f) std::fclose(f);
    (capture ? files : texts).push_back(std::move(t));
  }
  config.texts = std::move(texts);
  return files;
}

bool is_capture(const Source& source) { return !source.arguments && capture::looks_like_capture(as_bytes(source.data)); }

int decode_captures(const Config& config, const std::vector<std::string>& files, const std::vector<Source>& sources) {
  if (config.mode == Mode::Encode) {
    report("--encode reads JSON, not captures");
    return code(Exit::Usage);
  }
  for (const Source& s : sources)
    if (!is_capture(s)) {
      report(fmt::format("{}: not a capture; captures cannot be mixed with hex, base64 or raw input",
                         s.arguments ? "the arguments" : s.name));
      return code(Exit::Usage);
    }
  capture::CaptureOptions options = capture_options(config);
  Printing printing(config, false);
  ConversationReaders readers(config, printing.printer, [&](std::string_view s) { printing.out.write(s); });
  Exit status = Exit::Ok;
  auto one = [&](const capture::CaptureResult& r, const std::string& name) {
    if (r.error) {
      report(*r.error);
      status = Exit::BadInput;
    } else if (r.stats.packets == 0) {
      report(fmt::format("{}: no MQTT traffic on {} in {} frame{} (--port sets the ports)", name,
                         port_list(options.ports), r.stats.frames, r.stats.frames == 1 ? "" : "s"));
      status = Exit::BadInput;
    }
    if (r.stats.fragments > 0)
      report(fmt::format("note: {}: {} IP fragment{} skipped (not reassembled)", name, r.stats.fragments,
                         r.stats.fragments == 1 ? "" : "s"));
  };
  for (const std::string& f : files) {
    if (g_stop) break;
    one(capture::read_file(f, options, readers.observer()), f);
  }
  for (const Source& s : sources) {
    if (g_stop) break;
    one(capture::read_bytes(as_bytes(s.data), s.name, options, readers.observer()), s.name);
  }
  return printing.status(readers.finish(status));
}

int capture_interface(const Config& config) {
  if (config.mode == Mode::Encode) {
    report("--encode reads JSON, not captures");
    return code(Exit::Usage);
  }
  catch_stop_signals();
  capture::CaptureOptions options = capture_options(config);
  Printing printing(config, true);
  ConversationReaders readers(config, printing.printer, [&](std::string_view s) {
    printing.out.write(s);
    printing.out.flush();
  });
  capture::LiveOptions live;
  live.max_packets = config.count;
  live.timeout_seconds = config.timeout;
  live.stop = &g_stop;
  live.listening = [&](std::string_view name) {
    report(fmt::format("listening on {} ({})", name, port_list(options.ports)));
  };
  capture::CaptureResult r = capture::capture_live(config.interface, options, live, readers.observer());
  if (r.error) {
    report(*r.error);
    return printing.status(readers.finish(Exit::BadInput));
  }
  return printing.status(readers.finish(Exit::Ok));
}

}  // namespace mq::mqdump
