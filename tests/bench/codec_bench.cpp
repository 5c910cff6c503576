/// Codec throughput benchmark: decodes a stream of QoS 1 PUBLISH packets at
/// levels 4 and 5 with our framer and decoder, walks the same stream's fixed
/// headers only (the floor any decoder must pay), and runs mqtt-packet's
/// parser on the very same file through Node. Prints packets/s, MB/s and the
/// ratios. A program that reports figures, not a test.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "codec/decode.hpp"
#include "codec/framer.hpp"
#include "codec/writer.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

/// Bytes handed to the framer (and to mqtt-packet) per feed, as a socket read would.
constexpr std::size_t kChunk = 64 * 1024;

/// A stream of `count` QoS 1 PUBLISH packets: 20-byte topic, 64-byte payload,
/// packet ids cycling through 1..65535; level 5 adds an empty property list.
/// Written with the wire primitives, not the encoder, so the stream does not
/// depend on the code under test.
Bytes make_stream(std::size_t count, int level) {
  Bytes out;
  out.reserve(count * 92);
  mq::Writer w(out);
  char topic[21];
  std::uint8_t payload[64];
  for (std::size_t i = 0; i < count; ++i) {
    std::snprintf(topic, sizeof topic, "bench/sensor/%07zu", i % 10'000'000);
    for (std::size_t k = 0; k < sizeof payload; ++k) payload[k] = static_cast<std::uint8_t>('a' + (i + k) % 26);
    const std::uint32_t remaining = 2 + 20 + 2 + (level == 5 ? 1 : 0) + sizeof payload;
    w.u8(0x32);  // PUBLISH, QoS 1
    w.varint(remaining);
    w.string(std::string_view(topic, 20));
    w.u16(static_cast<std::uint16_t>(i % 65535 + 1));
    if (level == 5) w.varint(0);  // property length
    w.bytes(payload);
  }
  return out;
}

/// Outcome of one pass over a stream.
struct Pass {
  std::uint64_t packets = 0;
  std::uint64_t checksum = 0;  ///< folds fields in so the work cannot be optimised away
  bool failed = false;
  std::string error;
};

/// Full decode: the stream goes through the Framer in kChunk pieces and every
/// frame is decoded and validated by decode_body.
Pass framer_decode(const Bytes& stream, mq::ProtocolVersion level) {
  Pass p;
  mq::Framer framer;
  for (std::size_t at = 0; at < stream.size() && !p.failed; at += kChunk) {
    framer.feed(mq::ByteView(stream).subspan(at, std::min(kChunk, stream.size() - at)));
    for (;;) {
      mq::Framer::Frame f = framer.next();
      if (f.status == mq::Framer::Status::NeedMore) break;
      if (f.status == mq::Framer::Status::Error) {
        p.failed = true;
        p.error = mq::to_string(f.error);
        break;
      }
      mq::Result<mq::Packet> r = mq::decode_body(f.header, f.body, level);
      if (!r) {
        p.failed = true;
        p.error = mq::to_string(r.error());
        break;
      }
      const auto* pub = std::get_if<mq::Publish>(&*r);
      if (!pub) {
        p.failed = true;
        p.error = "decoded something other than PUBLISH";
        break;
      }
      p.checksum += pub->packet_id + pub->topic.size() + pub->payload.size() + pub->payload[0] +
                    static_cast<unsigned char>(pub->topic.back()) + pub->qos + pub->properties.size();
      ++p.packets;
    }
  }
  return p;
}

/// Full decode without the framer: split the in-memory stream with
/// decode_fixed_header and decode each packet with decode_packet.
Pass direct_decode(const Bytes& stream, mq::ProtocolVersion level) {
  Pass p;
  mq::ByteView rest(stream);
  while (!rest.empty()) {
    mq::Result<mq::FixedHeader> h = mq::decode_fixed_header(rest);
    if (!h || h->packet_size() > rest.size()) {
      p.failed = true;
      p.error = h ? "truncated packet" : mq::to_string(h.error());
      break;
    }
    mq::Result<mq::Packet> r = mq::decode_packet(rest.first(h->packet_size()), level);
    const auto* pub = r ? std::get_if<mq::Publish>(&*r) : nullptr;
    if (!pub) {
      p.failed = true;
      p.error = r ? "decoded something other than PUBLISH" : mq::to_string(r.error());
      break;
    }
    p.checksum += pub->packet_id + pub->topic.size() + pub->payload.size() + pub->payload[0] +
                  static_cast<unsigned char>(pub->topic.back()) + pub->qos + pub->properties.size();
    ++p.packets;
    rest = rest.subspan(h->packet_size());
  }
  return p;
}

/// The floor: read each type byte and remaining length, skip the body.
Pass header_walk(const Bytes& stream, mq::ProtocolVersion) {
  Pass p;
  const std::uint8_t* at = stream.data();
  const std::uint8_t* end = at + stream.size();
  while (at < end) {
    const std::uint8_t type = *at++;
    mq::VarIntRead len = mq::read_varint(at, static_cast<std::size_t>(end - at));
    if (len.status != mq::VarIntStatus::Ok || len.value > static_cast<std::size_t>(end - at) - len.length) {
      p.failed = true;
      p.error = "bad fixed header";
      break;
    }
    at += len.length + len.value;
    p.checksum += type + len.value;
    ++p.packets;
  }
  return p;
}

/// Best (shortest) time of `reps` passes after one warm-up pass.
struct Measured {
  double seconds = 0;
  Pass pass;
};

template <typename Fn>
Measured best_of(int reps, Fn&& fn) {
  Measured m;
  m.pass = fn();  // warm-up, not timed
  m.seconds = 1e300;
  for (int i = 0; i < reps && !m.pass.failed; ++i) {
    const auto t0 = Clock::now();
    Pass p = fn();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (p.failed || p.checksum != m.pass.checksum) {
      m.pass = p;
      m.pass.failed = true;
      if (m.pass.error.empty()) m.pass.error = "checksum differs between repetitions";
    }
    m.seconds = std::min(m.seconds, s);
  }
  return m;
}

/// One row of the report: packets/s or why there is no figure.
struct Row {
  std::string name;
  std::optional<double> seconds;
  std::uint64_t packets = 0;
  std::string note;
};

void print_row(const Row& r, std::size_t bytes) {
  if (!r.seconds) {
    fmt::print("  {:<26} {:>14} {:>10}   {}\n", r.name, "-", "-", r.note);
    return;
  }
  fmt::print("  {:<26} {:>14.0f} {:>10.1f}   {}\n", r.name, r.packets / *r.seconds, bytes / *r.seconds / 1e6, r.note);
}

/// Runs mqtt-packet's parser on `file` through Node; nullopt with `note` set
/// when Node or the package is not available or the run failed.
std::optional<Row> run_mqtt_packet(const std::string& script, const std::string& file, int level, int reps,
                                   std::string& note) {
  const std::string cmd = fmt::format("node '{}' '{}' {} {} 2>&1", script, file, level, reps);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    note = "could not start node";
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  const auto line_start = out.rfind('{');
  if (status != 0 || line_start == std::string::npos) {
    note = "mqtt-packet run failed: " + out.substr(0, out.find('\n'));
    return std::nullopt;
  }
  const nlohmann::json j = nlohmann::json::parse(out.substr(line_start), nullptr, false);
  if (j.is_discarded()) {
    note = "unreadable output from " + script;
    return std::nullopt;
  }
  Row r{"mqtt-packet " + j.value("version", std::string()), j.at("seconds").get<double>(),
        j.at("packets").get<std::uint64_t>(), ""};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measures the codec's decoding throughput against a bare header walk and mqtt-packet"};
  std::size_t count = 1'000'000;
  int reps = 5;
  std::string dir = ".";
  std::string script;
  int only_level = 0;
  app.add_option("-n,--count", count, "PUBLISH packets per stream")->capture_default_str();
  app.add_option("-r,--reps", reps, "timed repetitions per measurement (best kept; one warm-up before)")
      ->capture_default_str();
  app.add_option("-d,--dir", dir, "folder where the stream files are written")->capture_default_str();
  app.add_option("--mqtt-packet", script, "path of mqtt_packet_bench.js; omitted: no mqtt-packet column");
  app.add_option("-l,--level", only_level, "run only this protocol level (4 or 5); omitted: both")
      ->check(CLI::IsMember({4, 5}));
  CLI11_PARSE(app, argc, argv);

  int status = 0;
  for (int level : {4, 5}) {
    if (only_level != 0 && level != only_level) continue;
    const auto version = static_cast<mq::ProtocolVersion>(level);
    const Bytes stream = make_stream(count, level);
    const std::string file = fmt::format("{}/publish-qos1-v{}.bin", dir, level);
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(stream.data()),
                                                static_cast<std::streamsize>(stream.size()));

    fmt::print("level {}: {} QoS 1 PUBLISH packets, {} bytes ({:.1f} bytes/packet), {}\n", level, count,
               stream.size(), double(stream.size()) / count, file);
    fmt::print("  {:<26} {:>14} {:>10}\n", "", "packets/s", "MB/s");

    auto measure = [&](const char* name, Pass (*fn)(const Bytes&, mq::ProtocolVersion)) {
      Measured m = best_of(reps, [&] { return fn(stream, version); });
      if (m.pass.failed || m.pass.packets != count) {
        status = 1;
        return Row{name, std::nullopt, 0, "FAILED: " + (m.pass.error.empty() ? "packet count differs" : m.pass.error)};
      }
      return Row{name, m.seconds, m.pass.packets, fmt::format("checksum {}", m.pass.checksum)};
    };
    const Row ours = measure("framer + decode_body", framer_decode);
    const Row direct = measure("decode_packet", direct_decode);
    const Row walk = measure("fixed-header walk", header_walk);
    std::string note = "not run (no --mqtt-packet)";
    std::optional<Row> node;
    if (!script.empty()) node = run_mqtt_packet(script, file, level, reps, note);
    if (node && node->packets != count) {
      note = fmt::format("mqtt-packet emitted {} packets, expected {}", node->packets, count);
      node.reset();
      status = 1;
    }

    for (const Row& r : {ours, direct, walk}) print_row(r, stream.size());
    print_row(node ? *node : Row{"mqtt-packet", std::nullopt, 0, note}, stream.size());
    if (ours.seconds && node)
      fmt::print("  ours / mqtt-packet:      {:6.1f}x  (target >= 50x)\n", *node->seconds / *ours.seconds);
    if (ours.seconds && walk.seconds)
      fmt::print("  ours / header walk:      {:6.2f}x  (target >= 0.33x: within 3x of the walk)\n",
                 *walk.seconds / *ours.seconds);
    fmt::print("\n");
  }
  return status;
}
