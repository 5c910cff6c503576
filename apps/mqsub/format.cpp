#include "format.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codec/properties.hpp"
#include "codec/rules.hpp"
#include "util/base64.hpp"

namespace mq::mqsub {

namespace {

/// Parameters that take a width, and those that take a maximum width or zero padding.
constexpr std::string_view kWidthParams = "ACEFIlmpRStxX";
constexpr std::string_view kMaxWidthParams = "CIRt";
constexpr std::string_view kZeroParams = "AEFlmSXx";
constexpr std::string_view kAllParams = "%ACDEFIjJlmPpqRrStUxX";

bool in(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }

std::string hex(std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::tm local_tm(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

long nanos_of(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() % 1'000'000'000;
  return static_cast<long>(ns < 0 ? ns + 1'000'000'000 : ns);
}

std::string strftime_of(const char* spec, std::chrono::system_clock::time_point t) {
  std::tm tm = local_tm(t);
  char buf[256];
  std::size_t n = std::strftime(buf, sizeof buf, spec, &tm);
  return std::string(buf, n);
}

/// The first property `id` of the message as text, or empty.
std::string property_text(const client::Message& m, PropertyId id) {
  const auto* p = m.properties.find(id);
  if (!p) return {};
  const PropertyInfo* info = property_info(static_cast<std::uint8_t>(id));
  if (info && (info->type == WireType::Utf8String || info->type == WireType::BinaryData)) return p->value;
  return std::to_string(p->number);
}

std::string param_value(char c, const MessageView& v, std::string* warning) {
  const client::Message& m = *v.message;
  switch (c) {
    case '%': return "%";
    case 'A': return property_text(m, PropertyId::TopicAlias);
    case 'C': return property_text(m, PropertyId::ContentType);
    case 'D': return property_text(m, PropertyId::CorrelationData);
    case 'E': return property_text(m, PropertyId::MessageExpiryInterval);
    case 'F': return property_text(m, PropertyId::PayloadFormatIndicator);
    case 'R': return property_text(m, PropertyId::ResponseTopic);
    case 'S': {
      std::string out;
      for (const auto& p : m.properties.items())
        if (p.id == PropertyId::SubscriptionIdentifier) out += (out.empty() ? "" : " ") + std::to_string(p.number);
      return out;
    }
    case 'P': {
      std::string out;
      for (const auto& p : m.properties.items())
        if (p.id == PropertyId::UserProperty) out += (out.empty() ? "" : " ") + p.name + ":" + p.value;
      return out;
    }
    case 'I': return strftime_of("%Y-%m-%dT%H:%M:%S%z", v.received);
    case 'U': {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(v.received.time_since_epoch()).count();
      return fmt::format("{}.{:09}", secs, nanos_of(v.received));
    }
    case 'j': return *mosquitto_json(v, false);
    case 'J': {
      auto j = mosquitto_json(v, true);
      if (!j) {
        if (warning) *warning = "message payload is not valid JSON on topic " + m.topic;
        return {};
      }
      return *j;
    }
    case 'l': return std::to_string(m.payload.size());
    case 'm': return std::to_string(v.packet_id);
    case 'p': return m.payload;
    case 'q': return std::to_string(m.qos);
    case 'r': return m.retain ? "1" : "0";
    case 't': return m.topic;
    case 'x': return hex(m.payload, false);
    case 'X': return hex(m.payload, true);
  }
  return {};
}

}  // namespace

std::optional<std::string> mosquitto_json(const MessageView& v, bool raw_payload) {
  const client::Message& m = *v.message;
  nlohmann::ordered_json j;
  std::tm tm = local_tm(v.received);
  char zone[16];
  std::strftime(zone, sizeof zone, "%z", &tm);
  j["tst"] = fmt::format("{}.{:06}{}", strftime_of("%Y-%m-%dT%H:%M:%S", v.received), nanos_of(v.received) / 1000, zone);
  j["topic"] = m.topic;
  j["qos"] = m.qos;
  j["retain"] = m.retain ? 1 : 0;
  j["payloadlen"] = m.payload.size();
  if (!m.properties.empty()) {
    nlohmann::ordered_json props = nlohmann::ordered_json::object();
    for (const auto& p : m.properties.items()) {
      const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
      if (!info) continue;
      if (p.id == PropertyId::UserProperty) {
        // Ordered [name, value] pairs: duplicate names stay distinct.
        auto& list = props["user-properties"];
        if (list.is_null()) list = nlohmann::ordered_json::array();
        list.push_back({p.name, p.value});
      } else if (info->type == WireType::BinaryData) {
        if (is_valid_utf8(p.value)) props[std::string(info->key)] = p.value;
        else props[std::string(info->key)] = base64_encode(as_bytes(p.value));
      } else if (info->type == WireType::Utf8String) {
        props[std::string(info->key)] = p.value;
      } else {
        props[std::string(info->key)] = p.number;
      }
    }
    j["properties"] = std::move(props);
  }
  if (raw_payload) {
    auto parsed = nlohmann::ordered_json::parse(m.payload, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    j["payload"] = std::move(parsed);
  } else if (is_valid_utf8(m.payload)) {
    j["payload"] = m.payload;
  } else {
    j["payload"] = base64_encode(as_bytes(m.payload));
    j["payload_encoding"] = "base64";
  }
  return j.dump();
}

std::optional<OutputFormat> OutputFormat::compile(std::string_view spec, std::string* error) {
  OutputFormat f;
  auto literal = [&](std::string_view s) {
    if (f.pieces_.empty() || f.pieces_.back().kind != Piece::Kind::Literal) f.pieces_.push_back({});
    f.pieces_.back().text.append(s);
  };
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '\\') {
      if (++i >= spec.size()) {
        *error = fmt::format("-F: a lone backslash at the end (position {})", i);
        return std::nullopt;
      }
      switch (spec[i]) {
        case '\\': literal("\\"); break;
        case '0': literal(std::string_view("\0", 1)); break;
        case 'a': literal("\a"); break;
        case 'e': literal("\x1b"); break;
        case 'n': literal("\n"); break;
        case 'r': literal("\r"); break;
        case 't': literal("\t"); break;
        case 'v': literal("\v"); break;
        default:
          *error = fmt::format("-F: unknown escape '\\{}' at position {}", spec[i], i);
          return std::nullopt;
      }
    } else if (c == '@') {
      if (++i >= spec.size()) {
        *error = fmt::format("-F: a lone @ at the end (position {})", i);
        return std::nullopt;
      }
      if (spec[i] == '@') literal("@");
      else {
        Piece p;
        p.kind = Piece::Kind::Time;
        p.text = std::string("%") + spec[i];
        f.pieces_.push_back(std::move(p));
      }
    } else if (c == '%') {
      const std::size_t start = i;
      Piece p;
      p.kind = Piece::Kind::Param;
      ++i;
      for (; i < spec.size() && (spec[i] == '-' || spec[i] == '0'); ++i) {
        if (spec[i] == '-') p.left = true;
        else p.zero = true;
      }
      for (; i < spec.size() && spec[i] >= '0' && spec[i] <= '9'; ++i) p.width = p.width * 10 + (spec[i] - '0');
      if (i < spec.size() && spec[i] == '.') {
        p.max_width = 0;
        for (++i; i < spec.size() && spec[i] >= '0' && spec[i] <= '9'; ++i)
          p.max_width = p.max_width * 10 + (spec[i] - '0');
      }
      if (i >= spec.size()) {
        *error = fmt::format("-F: unfinished % sequence at position {}", start);
        return std::nullopt;
      }
      p.param = spec[i];
      if (!in(kAllParams, p.param)) {
        *error = fmt::format("-F: unknown parameter '%{}' at position {}", p.param, start);
        return std::nullopt;
      }
      if (p.param == '%') {
        literal("%");
        continue;
      }
      if (!in(kWidthParams, p.param)) p.width = 0;
      if (!in(kMaxWidthParams, p.param)) p.max_width = -1;
      if (!in(kZeroParams, p.param) || p.left) p.zero = false;
      f.pieces_.push_back(std::move(p));
    } else {
      literal(std::string_view(&spec[i], 1));
    }
  }
  return f;
}

void OutputFormat::render(const MessageView& m, std::string& out, std::string* warning) const {
  for (const auto& p : pieces_) {
    switch (p.kind) {
      case Piece::Kind::Literal: out += p.text; break;
      case Piece::Kind::Time:
        if (p.text == "%N") out += fmt::format("{:09}", nanos_of(m.received));
        else out += strftime_of(p.text.c_str(), m.received);
        break;
      case Piece::Kind::Param: {
        std::string value = param_value(p.param, m, warning);
        if (p.max_width >= 0 && value.size() > static_cast<std::size_t>(p.max_width)) value.resize(p.max_width);
        const std::size_t width = static_cast<std::size_t>(p.width);
        if (value.size() >= width) out += value;
        else if (p.left) out += value + std::string(width - value.size(), ' ');
        else out += std::string(width - value.size(), p.zero ? '0' : ' ') + value;
        break;
      }
    }
  }
}

}  // namespace mq::mqsub
