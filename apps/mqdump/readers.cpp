#include "readers.hpp"

namespace mq::mqdump {

ConversationReaders::ConversationReaders(const Config& config, dump::PacketObserver& printer,
                                         std::function<void(std::string_view)> write)
    : config_(config),
      write_(std::move(write)),
      // Findings are written as they are made: a live proxy shows them at once.
      lint_(config.lint_settings, [this](const lint::LintFinding& f) {
        write_(config_.mode == Mode::Json ? lint::format_lint_json(f) + "\n" : lint::format_lint_text(f));
      }) {
  if (config.summary) fanout_.add(summary_);
  if (config.lint) fanout_.add(lint_);
  if (!config.summary && !config.lint) fanout_.add(printer);
  fanout_.add(tally_);
}

Exit ConversationReaders::finish(Exit status, std::int64_t time_us) {
  if (config_.lint) lint_.finish();
  if (config_.summary) {
    summary_.finish(time_us);
    write_(config_.mode == Mode::Json ? dump::format_summary_json(summary_) : dump::format_summary_text(summary_));
  }
  if (status != Exit::Ok) return status;
  if (tally_.failures > 0) return Exit::DecodeFailed;
  if (config_.lint && !lint_.findings().empty()) return Exit::LintFindings;
  return status;
}

}  // namespace mq::mqdump
