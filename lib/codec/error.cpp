#include "codec/error.hpp"

#include <fmt/format.h>

namespace mq {

std::string_view kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::Truncated: return "truncated";
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::ProtocolError: return "protocol error";
    case ErrorKind::TooLarge: return "too large";
    case ErrorKind::UnknownVersion: return "unknown protocol version";
  }
  return "error";
}

std::string to_string(const DecodeError& e) {
  std::string s = fmt::format("offset {}, {}: {}", e.offset, e.field, e.message);
  if (!e.rule.empty()) s += fmt::format(" [{}]", e.rule);
  return s;
}

}  // namespace mq
