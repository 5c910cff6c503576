#include "lint_input.hpp"

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "message_json.hpp"
#include "readers.hpp"

namespace mq::mqdump {

namespace {

/// Nobody prints packets here: the readers need a printer all the same.
struct NoPrinter : dump::PacketObserver {
  void packet(const dump::ObservedPacket&) override {}
  void connection_end(const dump::ConnectionEnd&) override {}
};

}  // namespace

int lint_messages(const Config& config, const std::vector<Source>& sources) {
  Output out;
  NoPrinter none;
  ConversationReaders readers(config, none, [&out](std::string_view s) { out.write(s); });
  Exit status = Exit::Ok;
  std::uint64_t messages = 0;
  for (const Source& s : sources) {
    std::size_t line_no = 0, begin = 0;
    while (begin < s.data.size() && !out.closed()) {
      const std::size_t nl = s.data.find('\n', begin);
      const std::size_t end = nl == std::string::npos ? s.data.size() : nl;
      const std::string_view line(s.data.data() + begin, end - begin);
      begin = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto parsed = apps::message_from_json_line(line);
      if (auto* error = std::get_if<std::string>(&parsed)) {
        report(fmt::format("{}: line {}: not a message record as mqsub --json writes it: {}",
                           s.arguments ? "arguments" : s.name, line_no, *error));
        status = Exit::BadInput;
        if (!config.keep_going) return code(readers.finish(status));
        continue;
      }
      const auto& record = std::get<apps::ReplayRecord>(parsed);
      const client::Message& m = record.message;
      Publish p;
      p.topic = m.topic;
      p.payload = as_bytes(m.payload);
      p.qos = m.qos;
      p.retain = m.retain;
      p.properties = m.properties.view();
      std::int64_t time_us = 0;
      if (record.received)
        time_us = std::chrono::duration_cast<std::chrono::microseconds>(record.received->time_since_epoch()).count();
      readers.lint().message(p, time_us);
      ++messages;
    }
  }
  if (messages == 0 && status == Exit::Ok) {
    report("no messages in the input");
    status = Exit::BadInput;
  }
  const Exit result = readers.finish(status);
  out.flush();
  if (out.failed()) {
    report("cannot write the output");
    return code(Exit::WriteFailed);
  }
  return code(result);
}

}  // namespace mq::mqdump
