#include "conform/conn.hpp"

#include <map>

#include <fmt/format.h>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "dump/format_text.hpp"

namespace mq::conform {

std::string Transcript::render() const {
  std::string out;
  std::size_t number = 0;
  // Offsets count each connection's bytes in each direction, as a capture would.
  std::map<std::pair<int, bool>, std::size_t> offsets;
  for (const auto& e : entries) {
    if (!e.remark.empty()) {
      out += fmt::format("  [{}] {}\n", e.connection, e.remark);
      continue;
    }
    dump::PacketContext ctx;
    ctx.number = ++number;
    ctx.length = e.bytes.size();
    std::size_t& offset = offsets[{e.connection, e.sent}];
    ctx.offset = offset;
    offset += e.bytes.size();
    ctx.version = e.version;
    FieldTrace trace;
    auto result = decode_packet(e.bytes, e.version, &trace);
    out += fmt::format("  [{}] {}:\n", e.connection, e.sent ? "sent" : "received");
    std::string text = dump::format_packet_text(e.bytes, trace, ctx);
    if (!result) text += dump::format_error_text(result.error(), ctx);
    // Indent the formatter's lines under the direction line.
    std::size_t at = 0;
    while (at < text.size()) {
      const auto nl = text.find('\n', at);
      out += "    " + text.substr(at, nl == std::string::npos ? std::string::npos : nl - at + 1);
      if (nl == std::string::npos) break;
      at = nl + 1;
    }
  }
  return out;
}

std::string Received::describe() const {
  switch (kind) {
    case Kind::Packet: return std::string(packet_type_name(type_of(*packet)));
    case Kind::Closed: return "the connection closed";
    case Kind::Timeout: return "nothing (timed out)";
    case Kind::Garbage: return "an undecodable packet (" + error + ")";
  }
  return "?";
}

Conn::Conn(net::Loop& loop, const Target& target, Transcript& transcript, int number, ProtocolVersion version)
    : loop_(loop), target_(target), transcript_(transcript), number_(number), version_(version) {}

Conn::~Conn() {
  pending_.reset();
  if (stream_) {
    stream_->on_data(nullptr);
    stream_->on_close(nullptr);
    if (stream_->is_open()) stream_->abort();
  }
}

void Conn::remark(std::string text) {
  Exchange e;
  e.connection = number_;
  e.remark = std::move(text);
  e.version = version_;
  transcript_.entries.push_back(std::move(e));
}

bool Conn::open(std::string& error) {
  bool done = false;
  net::NetError failure;
  pending_ = net::connect(loop_, target_.url, target_.connect,
                          [&](std::shared_ptr<net::Stream> stream, const net::NetError& why) {
                            done = true;
                            if (stream) stream_ = std::move(stream);
                            else failure = why;
                          });
  loop_.run_until([&] { return done; });
  pending_.reset();
  if (!stream_) {
    error = done ? failure.message : "the connection attempt did not finish";
    remark("could not connect: " + error);
    return false;
  }
  stream_->on_data([this](ByteView bytes) {
    framer_.feed(bytes);
    for (;;) {
      auto f = framer_.next();
      if (f.status == Framer::Status::Packet) {
        inbox_.emplace_back(f.packet.begin(), f.packet.end());
        continue;
      }
      if (f.status == Framer::Status::Error && framing_error_.empty()) framing_error_ = to_string(f.error);
      break;
    }
  });
  stream_->on_close([this](const net::NetError&) { closed_ = true; });
  return true;
}

void Conn::send(const Packet& p) { send_raw(encode(p, version_)); }

void Conn::send_raw(std::vector<std::uint8_t> bytes) {
  Exchange e;
  e.connection = number_;
  e.sent = true;
  e.bytes = bytes;
  e.version = version_;
  transcript_.entries.push_back(std::move(e));
  if (stream_ && !closed_ && stream_->is_open()) stream_->write(std::move(bytes));
}

Received Conn::next(std::optional<std::chrono::milliseconds> wait) {
  Received r;
  if (inbox_.empty() && framing_error_.empty() && !closed_ && stream_) {
    bool timed_out = false;
    net::Timer timer(loop_);
    timer.start(wait.value_or(target_.wait), [&] { timed_out = true; });
    loop_.run_until([&] { return timed_out || closed_ || !inbox_.empty() || !framing_error_.empty(); });
    timer.stop();
  }
  if (!inbox_.empty()) {
    r.raw = std::make_shared<std::vector<std::uint8_t>>(std::move(inbox_.front()));
    inbox_.erase(inbox_.begin());
    Exchange e;
    e.connection = number_;
    e.bytes = *r.raw;
    e.version = version_;
    transcript_.entries.push_back(std::move(e));
    auto decoded = decode_packet(*r.raw, version_);
    if (decoded) {
      r.kind = Received::Kind::Packet;
      r.packet = std::move(decoded.value());
    } else {
      r.kind = Received::Kind::Garbage;
      r.error = to_string(decoded.error());
    }
    return r;
  }
  if (!framing_error_.empty()) {
    r.kind = Received::Kind::Garbage;
    r.error = framing_error_;
    remark("bytes that do not frame: " + framing_error_);
    framing_error_ = "(reported)";
    return r;
  }
  if (closed_ || !stream_) {
    r.kind = Received::Kind::Closed;
    remark("closed by the broker");
    return r;
  }
  r.kind = Received::Kind::Timeout;
  remark(fmt::format("nothing received within {} ms", wait.value_or(target_.wait).count()));
  return r;
}

void Conn::drop() {
  if (stream_ && !closed_) {
    remark("network connection dropped by the suite");
    stream_->abort();
    closed_ = true;
  }
}

void Conn::close() {
  if (stream_ && !closed_) {
    stream_->close();
    closed_ = true;
  }
}

}  // namespace mq::conform
