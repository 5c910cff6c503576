#include "bench/name_template.hpp"

#include <charconv>

#include <fmt/format.h>

namespace mq::bench {

std::optional<std::string> NameTemplate::parse(std::string_view text, NameTemplate& out) {
  NameTemplate t;
  Part part;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      part.literal += text[i];
      continue;
    }
    if (i + 1 == text.size())
      return fmt::format("template '{}': ends with a lone %; write %% for a literal %", text);
    const char c = text[++i];
    switch (c) {
      case '%': part.literal += '%'; continue;
      case 'i': part.field = Field::client; break;
      case 'c': part.field = Field::client_id; break;
      case 'w': part.field = Field::worker; break;
      case 's': part.field = Field::sequence; t.uses_sequence_ = true; break;
      default:
        return fmt::format("template '{}': unknown field %{}; use %i (client index), %c (client id), "
                           "%w (worker), %s (sequence) or %%",
                           text, c);
    }
    t.parts_.push_back(std::move(part));
    part = Part{};
  }
  if (!part.literal.empty() || t.parts_.empty()) t.parts_.push_back(std::move(part));
  out = std::move(t);
  return std::nullopt;
}

namespace {

void append_number(std::string& out, std::uint64_t v) {
  char buf[20];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

void NameTemplate::expand_to(const TemplateVars& vars, std::string& out) const {
  for (const auto& p : parts_) {
    out += p.literal;
    switch (p.field) {
      case Field::none: break;
      case Field::client: append_number(out, vars.client); break;
      case Field::client_id: out += vars.client_id; break;
      case Field::worker: append_number(out, vars.worker); break;
      case Field::sequence: append_number(out, vars.sequence); break;
    }
  }
}

std::string NameTemplate::expand(const TemplateVars& vars) const {
  std::string out;
  expand_to(vars, out);
  return out;
}

}  // namespace mq::bench
