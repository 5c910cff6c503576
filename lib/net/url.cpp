#include "net/url.hpp"

#include <array>
#include <charconv>

#include <arpa/inet.h>
#include <sys/un.h>

namespace mq::net {
namespace {

/// One row per scheme: its name, default port and layers.
struct SchemeInfo {
  Scheme scheme;
  std::string_view name;
  std::uint16_t port;
  bool tls;
  bool websocket;
};

constexpr std::array<SchemeInfo, 5> kSchemes{{
    {Scheme::Mqtt, "mqtt", 1883, false, false},
    {Scheme::Mqtts, "mqtts", 8883, true, false},
    {Scheme::Ws, "ws", 80, false, true},
    {Scheme::Wss, "wss", 443, true, true},
    {Scheme::Unix, "unix", 0, false, false},
}};

const SchemeInfo& info(Scheme s) {
  for (const auto& row : kSchemes)
    if (row.scheme == s) return row;
  return kSchemes[0];
}

DecodeError url_error(std::size_t offset, std::string field, std::string message) {
  return DecodeError{ErrorKind::Malformed, offset, std::move(field), std::move(message), {}};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string_view scheme_name(Scheme s) { return info(s).name; }
std::uint16_t default_port(Scheme s) { return info(s).port; }
bool uses_tls(Scheme s) { return info(s).tls; }
bool uses_websocket(Scheme s) { return info(s).websocket; }

std::optional<std::string> percent_decode(std::string_view s, std::size_t* bad_offset) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      if (bad_offset) *bad_offset = i;
      return std::nullopt;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<Url> parse_url(std::string_view text) {
  Url url;
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return url_error(0, "scheme", "missing '://' after the scheme (expected e.g. mqtt://host:1883)");
  std::string scheme = lower(text.substr(0, sep));
  const SchemeInfo* found = nullptr;
  for (const auto& row : kSchemes)
    if (row.name == scheme) found = &row;
  if (!found)
    return url_error(0, "scheme", "unknown scheme '" + std::string(text.substr(0, sep)) +
                                      "' (expected mqtt, mqtts, ws, wss or unix)");
  url.scheme = found->scheme;
  std::size_t pos = sep + 3;

  if (url.scheme == Scheme::Unix) {
    url.path = std::string(text.substr(pos));
    if (url.path.empty()) return url_error(pos, "path", "missing socket path (expected e.g. unix:///run/mq.sock)");
    constexpr std::size_t max_path = sizeof(sockaddr_un::sun_path) - 1;
    if (url.path.size() > max_path)
      return url_error(pos, "path", "socket path is " + std::to_string(url.path.size()) +
                                        " bytes long; the limit is " + std::to_string(max_path));
    return url;
  }

  // Authority runs to the first '/', '?' or '#'.
  std::size_t auth_end = text.find_first_of("/?#", pos);
  if (auth_end == std::string_view::npos) auth_end = text.size();
  std::string_view authority = text.substr(pos, auth_end - pos);

  // User info: everything before the last '@' (a raw '@' in a password is tolerated).
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    auto colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    std::size_t bad = 0;
    auto decoded_user = percent_decode(user, &bad);
    if (!decoded_user)
      return url_error(pos + bad, "user", "invalid percent-escape in the user name (expected %XX with two hex digits)");
    url.user = std::move(*decoded_user);
    if (colon != std::string_view::npos) {
      std::string_view pass = userinfo.substr(colon + 1);
      auto decoded_pass = percent_decode(pass, &bad);
      if (!decoded_pass)
        return url_error(pos + colon + 1 + bad, "password",
                         "invalid percent-escape in the password (expected %XX with two hex digits)");
      url.password = std::move(*decoded_pass);
    }
    pos += at + 1;
    authority = authority.substr(at + 1);
  }

  // Host: [IPv6], IPv4 or a name.
  std::string_view port_text;
  bool has_port = false;
  std::size_t port_offset = 0;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return url_error(pos, "host", "missing ']' after the IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    in6_addr addr{};
    if (url.host.empty() || inet_pton(AF_INET6, url.host.c_str(), &addr) != 1)
      return url_error(pos + 1, "host", "'" + url.host + "' is not a valid IPv6 address");
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':')
        return url_error(pos + close + 1, "host", "unexpected text after the IPv6 address (expected ':port')");
      has_port = true;
      port_text = rest.substr(1);
      port_offset = pos + close + 2;
    }
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
      return url_error(pos, "host", "IPv6 addresses must be written in brackets, e.g. mqtt://[::1]:1883");
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
      port_offset = pos + colon + 1;
    }
    for (std::size_t i = 0; i < url.host.size(); ++i)
      if (!is_host_char(url.host[i]))
        return url_error(pos + i, "host", std::string("invalid character '") + url.host[i] + "' in the host name");
  }
  if (url.host.empty()) return url_error(pos, "host", "missing host name");

  // Port.
  url.port = found->port;
  if (has_port) {
    if (port_text.empty()) return url_error(port_offset, "port", "missing port number after ':'");
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec == std::errc() && end == port_text.data() + port_text.size() && value > 65535)
      return url_error(port_offset, "port", "port " + std::string(port_text) + " is out of range (0-65535)");
    if (ec != std::errc() || end != port_text.data() + port_text.size())
      return url_error(port_offset, "port", "port '" + std::string(port_text) + "' is not a number");
    url.port = static_cast<std::uint16_t>(value);
  }

  // Path: meaningful for WebSocket only.
  std::string_view path = text.substr(auth_end);
  if (found->websocket) {
    url.path = path.empty() ? "/mqtt" : std::string(path);
    if (url.path[0] != '/') url.path.insert(url.path.begin(), '/');
  } else if (!path.empty() && path != "/") {
    return url_error(auth_end, "path", std::string(found->name) + ":// URLs take no path (found '" +
                                           std::string(path) + "')");
  }
  return url;
}

std::string host_port(std::string_view host, std::uint16_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out = "[" + std::string(host) + "]";
  } else {
    out = std::string(host);
  }
  return out + ":" + std::to_string(port);
}

std::string to_string(const Url& url, bool show_password) {
  std::string out(scheme_name(url.scheme));
  out += "://";
  if (url.scheme == Scheme::Unix) return out + url.path;
  if (url.user) {
    out += *url.user;
    if (url.password) out += ":" + (show_password ? *url.password : std::string("****"));
    out += "@";
  }
  out += host_port(url.host, url.port);
  if (uses_websocket(url.scheme)) out += url.path;
  return out;
}

}  // namespace mq::net
