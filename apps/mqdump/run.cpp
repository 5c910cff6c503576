#include "run.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <unistd.h>

#include "codec/encode.hpp"
#include "codec/validate.hpp"
#include "dump/format_json.hpp"
#include "dump/format_text.hpp"
#include "dump/from_json.hpp"
#include "dump/packet_stream.hpp"
#include "capture.hpp"
#include "exit_codes.hpp"
#include "io.hpp"
#include "lint_input.hpp"
#include "proxy.hpp"

namespace mq::mqdump {

namespace {

/// Where an input error is: arguments are numbered, file lines are lines.
std::string input_error(const Source& s, const dump::InputError& e) {
  if (s.arguments) return fmt::format("argument {}, column {}: {}", e.line, e.column, e.message);
  return fmt::format("{}: {}", s.name, dump::to_string(e));
}

/// All sources as one byte stream; nullopt after reporting a bad input.
std::optional<std::vector<std::uint8_t>> read_bytes(const Config& config, const std::vector<Source>& sources) {
  std::vector<std::uint8_t> bytes;
  for (const Source& s : sources) {
    auto r = dump::parse_input(s.data, config.input);
    if (!r.ok) {
      report(input_error(s, r.error));
      return std::nullopt;
    }
    bytes.insert(bytes.end(), r.bytes.begin(), r.bytes.end());
  }
  return bytes;
}

/// The packet's JSON line; with --lenient, its broken rules as "violations".
std::string json_with_violations(const dump::StreamPacket& p, const dump::JsonOptions& options) {
  if (p.violations.empty()) return dump::packet_to_json_line(*p.result, p.ctx, options);
  nlohmann::ordered_json j = dump::packet_to_json(*p.result, p.ctx, options);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const DecodeError& v : p.violations) list.push_back(dump::error_to_json(v));
  j["violations"] = std::move(list);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

int decode_all(const Config& config, const std::vector<Source>& sources) {
  auto bytes = read_bytes(config, sources);
  if (!bytes) return code(Exit::BadInput);
  if (bytes->empty()) {
    report("no bytes in the input");
    return code(Exit::BadInput);
  }
  Output out;
  dump::TextOptions text{dump::use_colour(stdout), config.show_secrets};
  dump::TextOptions errors{dump::use_colour(stderr), config.show_secrets};
  dump::JsonOptions json{config.show_secrets};
  dump::PacketStream stream(*bytes, config.version, config.lenient);
  Exit status = Exit::Ok;
  while (auto p = stream.next()) {
    if (p->result) {
      if (config.mode == Mode::Json)
        out.write(json_with_violations(*p, json) + "\n");
      else
        out.write(dump::format_packet_text(p->bytes, p->trace, p->ctx, text) +
                  dump::format_violations_text(p->violations, p->ctx, text));
      if (!p->violations.empty()) status = Exit::DecodeFailed;
    } else {
      if (config.mode == Mode::Text) out.write(dump::format_violations_text(p->violations, p->ctx, text));
      status = Exit::DecodeFailed;
      if (config.mode == Mode::Text && !p->trace.empty())
        out.write(dump::format_packet_text(p->bytes, p->trace, p->ctx, text));
      out.flush();
      std::string message = dump::format_error_text(p->result.error(), p->ctx, errors);
      message.pop_back();  // report() adds the newline
      report(message);
      if (!config.keep_going) break;
      if (p->framing_lost) {
        report("the packet's length cannot be trusted, so the rest of the input cannot be split into packets");
        break;
      }
    }
    if (out.closed() || out.failed()) break;
  }
  out.flush();
  if (out.closed()) return code(status);
  if (out.failed()) {
    report("cannot write the output");
    return code(Exit::WriteFailed);
  }
  return code(status);
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  std::string s;
  for (auto b : bytes) s += fmt::format("{:02x}", b);
  return s;
}

int encode_all(const Config& config, const std::vector<Source>& sources) {
  if (!config.hex_output && ::isatty(STDOUT_FILENO)) {
    report("refusing to write binary packets to a terminal: add --hex, or redirect the output");
    return code(Exit::Usage);
  }
  Output out;
  Exit status = Exit::Ok;
  std::optional<ProtocolVersion> connect_version;
  for (const Source& s : sources) {
    std::size_t line_no = 0;
    std::size_t begin = 0;
    while (begin < s.data.size()) {
      std::size_t nl = s.data.find('\n', begin);
      std::size_t end = nl == std::string::npos ? s.data.size() : nl;
      std::string_view line(s.data.data() + begin, end - begin);
      begin = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      std::string where = s.arguments ? fmt::format("argument {}", line_no) : fmt::format("{}: line {}", s.name, line_no);
      dump::OwnedPacket packet;
      std::optional<std::string> error = dump::packet_from_json_line(line, packet);
      std::optional<ProtocolVersion> version = packet.version ? packet.version : connect_version ? connect_version : config.version;
      if (!error) {
        if (const auto* c = std::get_if<Connect>(&packet.packet)) {
          version = c->version;
          connect_version = c->version;
        }
        PacketType t = type_of(packet.packet);
        if (!version && t != PacketType::Pingreq && t != PacketType::Pingresp)
          error = fmt::format("{} needs a protocol level: add \"version\" to the object or give -V",
                              packet_type_name(t));
        else if (!config.allow_invalid)
          if (auto broken = validate(packet.packet, version.value_or(ProtocolVersion::v311)))
            error = fmt::format("{} breaks a rule: {} (--allow-invalid writes it anyway)", packet_type_name(t),
                                to_string(*broken));
      }
      if (error) {
        report(fmt::format("{}: {}", where, *error));
        status = Exit::BadInput;
        if (!config.keep_going) return code(status);
        continue;
      }
      auto bytes = encode(packet.packet, version.value_or(ProtocolVersion::v311));
      if (config.hex_output)
        out.write(to_hex(bytes) + "\n");
      else
        out.write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      if (out.closed()) return code(status);
      if (out.failed()) break;
    }
  }
  out.flush();
  if (out.failed()) {
    report("cannot write the output");
    return code(Exit::WriteFailed);
  }
  return code(status);
}

}  // namespace

int run(const Config& config) {
  if (!config.proxy.listen.empty()) {
    if (config.mode == Mode::Encode || !config.texts.empty() || !config.files.empty() || !config.interface.empty()) {
      report("--proxy shows live traffic: it takes no input and cannot be used with --encode or --interface");
      return code(Exit::Usage);
    }
    return run_proxy(config);
  }
  if (config.timeout > 0 && config.interface.empty()) {
    report("-W needs --interface or --proxy");
    return code(Exit::Usage);
  }
  if (!config.interface.empty()) return capture_interface(config);
  Config rest = config;
  std::vector<std::string> capture_files = take_capture_arguments(rest);
  std::vector<Source> sources;
  if (capture_files.empty() || !rest.texts.empty() || !rest.files.empty()) {
    auto read = read_sources(rest);
    if (!read) return code(Exit::BadInput);
    sources = std::move(*read);
  }
  if (!capture_files.empty() || std::any_of(sources.begin(), sources.end(), is_capture))
    return decode_captures(config, capture_files, sources);
  if (config.summary) {
    report("--summary reads a conversation: give --proxy, --interface or a capture file");
    return code(Exit::Usage);
  }
  if (config.lint) return lint_messages(config, sources);
  return config.mode == Mode::Encode ? encode_all(config, sources) : decode_all(config, sources);
}

}  // namespace mq::mqdump
