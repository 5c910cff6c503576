#pragma once
/// Templates for topics and client ids, with emqtt-bench's letters where it
/// has them:
///
///   %i   the client's global index (0-based, the same whichever worker runs it)
///   %c   the client's id (in topic templates)
///   %w   the worker index (I of --worker I/N; 0 without --worker)
///   %s   the message's sequence number (per publisher, 0-based)
///   %%   a literal %
///
/// e.g. `-t 'bench/%i'` gives each publisher its own topic, and the client
/// id template `mqbench-%i` gives every client of every worker a distinct id.
/// A template is parsed once; expanding it appends to a caller's buffer and
/// allocates only when that buffer must grow.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::bench {

/// The values a template can refer to.
struct TemplateVars {
  std::uint64_t client = 0;
  std::string_view client_id;
  unsigned worker = 0;
  std::uint64_t sequence = 0;
};

class NameTemplate {
 public:
  /// Parses `text`; an unknown %x or a trailing % is an error that names it.
  static std::optional<std::string> parse(std::string_view text, NameTemplate& out);

  /// Appends the expansion to `out`.
  void expand_to(const TemplateVars& vars, std::string& out) const;
  /// The expansion as a new string.
  std::string expand(const TemplateVars& vars) const;
  /// True when %s is used: the name changes with every message, so a
  /// pre-encoded PUBLISH cannot be reused as it is.
  bool uses_sequence() const { return uses_sequence_; }
  /// True when the template has no % field at all.
  bool is_literal() const { return parts_.size() <= 1 && (parts_.empty() || parts_[0].field == Field::none); }

 private:
  enum class Field : std::uint8_t { none, client, client_id, worker, sequence };
  struct Part {
    std::string literal;  ///< text before the field
    Field field = Field::none;
  };
  std::vector<Part> parts_;
  bool uses_sequence_ = false;
};

}  // namespace mq::bench
