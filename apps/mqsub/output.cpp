#include "output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace mq::mqsub {

std::vector<CLI::Option*> add_print_options(CLI::App& app, PrintOptions& o, const char* group, const char* what,
                                            const char* manual) {
  auto* v = app.add_flag("-v,--verbose", o.verbose, fmt::format("Print the topic, a space, then the payload of {}", what))
                ->group(group);
  auto* f = app.add_option("-F,--format", o.format,
                           fmt::format("Print {} in mosquitto_sub's -F format (see OUTPUT FORMAT{})", what, manual))
                ->group(group);
  auto* n = app.add_flag("-N,--no-eol",
                         o.no_eol, "Do not print a newline after the payload (ignored with --json, whose records are lines)")
                ->group(group);
  auto* j = app.add_flag("--json", o.json, fmt::format("Print {} as one JSON object and line (see JSON OUTPUT{})", what, manual))
                ->group(group);
  auto* e = app.add_option("--payload-encoding", o.payload_encoding,
                           "With --json: auto (text when valid UTF-8, else base64), base64 or hex")
                ->check(CLI::IsMember({"auto", "base64", "hex"}))
                ->capture_default_str()
                ->needs(j)
                ->group(group);
  auto* p = app.add_flag("--pretty", o.pretty,
                         "Indent JSON (--json, -F %j and %J) over several lines, for people (as mosquitto_sub's "
                         "--pretty)")
                ->group(group);
  v->excludes(f)->excludes(j);
  f->excludes(j);
  return {v, f, n, j, e, p};
}

std::optional<MessagePrinter> make_printer(const PrintOptions& o, std::string* error) {
  MessagePrinter::Mode mode = MessagePrinter::Mode::Payload;
  std::optional<OutputFormat> format;
  if (o.verbose) mode = MessagePrinter::Mode::Verbose;
  if (o.json) mode = MessagePrinter::Mode::Json;
  if (!o.format.empty()) {
    format = OutputFormat::compile(o.format, error);
    if (!format) return std::nullopt;
    format->set_pretty(o.pretty);
    mode = MessagePrinter::Mode::Format;
  }
  auto encoding = o.payload_encoding == "base64" ? apps::PayloadEncoding::Base64
                  : o.payload_encoding == "hex"  ? apps::PayloadEncoding::Hex
                                                 : apps::PayloadEncoding::Auto;
  // NDJSON needs its newlines: -N applies to the other output modes only.
  return MessagePrinter(mode, !o.no_eol || o.json, std::move(format), encoding, o.pretty);
}

std::string MessagePrinter::render(const MessageView& m, std::string* warning) const {
  std::string out;
  switch (mode_) {
    case Mode::Payload: out = m.message->payload; break;
    case Mode::Verbose:
      out.reserve(m.message->topic.size() + 1 + m.message->payload.size() + 1);
      out += m.message->topic;
      out += ' ';
      out += m.message->payload;
      break;
    case Mode::Format: format_->render(m, out, warning); break;
    case Mode::Json: {
      apps::ReceivedRecord r{m.message, m.packet_id, m.dup, m.received};
      out = apps::message_to_json_line(r, encoding_);
      if (pretty_) out = pretty_json(out);
      break;
    }
  }
  if (eol_) out += '\n';
  return out;
}

bool FdWriter::write(const std::string& bytes, std::string* error) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (errno != EPIPE && error) *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace mq::mqsub
