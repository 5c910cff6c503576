#include "net/socks5.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "net/url.hpp"

namespace mq::net {

namespace {

constexpr std::uint8_t kVersion = 5;
constexpr std::uint8_t kNoAuth = 0x00, kUserPassword = 0x02, kNoMethod = 0xFF;

/// RFC 1928's reply codes, in words.
std::string reply_text(std::uint8_t code) {
  switch (code) {
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return fmt::format("reply code {}", code);
  }
}

}  // namespace

std::optional<ProxyOptions> parse_proxy_url(const std::string& url, std::string* error) {
  const std::string scheme = "socks5h://";
  if (url.rfind("socks5://", 0) == 0) {
    *error = "socks5:// would resolve the broker's name here; use socks5h:// (the proxy resolves it, as mosquitto)";
    return std::nullopt;
  }
  if (url.rfind(scheme, 0) != 0) {
    *error = "not a socks5h://[user[:password]@]host[:port] URL";
    return std::nullopt;
  }
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  ProxyOptions p;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto info = rest.substr(0, at);
    auto colon = info.find(':');
    auto user = percent_decode(info.substr(0, colon));
    auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                     : percent_decode(info.substr(colon + 1));
    if (!user || !password) {
      *error = "bad %-escape in the proxy user name or password";
      return std::nullopt;
    }
    p.user = std::move(*user);
    p.password = std::move(*password);
    rest.remove_prefix(at + 1);
    if (p.user.empty() || p.user.size() > 255 || p.password.size() > 255) {
      *error = "the proxy user name must have 1 to 255 bytes, the password at most 255";
      return std::nullopt;
    }
  }
  // The port follows the last colon, outside the brackets of an IPv6 address.
  std::string_view host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    unsigned long port = 0;
    auto digits = rest.substr(colon + 1);
    for (char c : digits) port = c >= '0' && c <= '9' && port < 70000 ? port * 10 + static_cast<unsigned>(c - '0') : 70000;
    if (digits.empty() || port == 0 || port > 65535) {
      *error = fmt::format("bad proxy port '{}'", digits);
      return std::nullopt;
    }
    p.port = static_cast<std::uint16_t>(port);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) {
    *error = "the proxy URL names no host";
    return std::nullopt;
  }
  p.host = std::string(host);
  return p;
}

Socks5Handshake::Socks5Handshake(std::string host, std::uint16_t port, std::string user, std::string password)
    : host_(std::move(host)), port_(port), user_(std::move(user)), password_(std::move(password)) {}

std::vector<std::uint8_t> Socks5Handshake::start() const {
  if (user_.empty()) return {kVersion, 1, kNoAuth};
  return {kVersion, 2, kNoAuth, kUserPassword};
}

Socks5Handshake::Step Socks5Handshake::fail(std::string message, NetErrc code) {
  state_ = State::Failed;
  Step s;
  s.error = NetError{code, std::move(message)};
  return s;
}

std::vector<std::uint8_t> Socks5Handshake::connect_request() const {
  std::vector<std::uint8_t> r = {kVersion, 1 /* CONNECT */, 0};
  std::uint8_t v4[4], v6[16];
  if (::inet_pton(AF_INET, host_.c_str(), v4) == 1) {
    r.push_back(1);
    r.insert(r.end(), v4, v4 + 4);
  } else if (::inet_pton(AF_INET6, host_.c_str(), v6) == 1) {
    r.push_back(4);
    r.insert(r.end(), v6, v6 + 16);
  } else {
    r.push_back(3);
    r.push_back(static_cast<std::uint8_t>(host_.size()));
    r.insert(r.end(), host_.begin(), host_.end());
  }
  r.push_back(static_cast<std::uint8_t>(port_ >> 8));
  r.push_back(static_cast<std::uint8_t>(port_ & 0xff));
  return r;
}

Socks5Handshake::Step Socks5Handshake::feed(ByteView bytes) {
  if (state_ == State::Done || state_ == State::Failed)
    return fail("the SOCKS5 proxy sent data during the handshake's end");
  in_.insert(in_.end(), bytes.begin(), bytes.end());
  Step step;
  while (true) {
    if (state_ == State::Method) {
      if (in_.size() < 2) return step;
      const std::uint8_t version = in_[0], method = in_[1];
      in_.erase(in_.begin(), in_.begin() + 2);
      if (version != kVersion) return fail(fmt::format("the proxy does not speak SOCKS5 (version byte {})", version));
      if (method == kNoMethod || (method == kUserPassword && user_.empty()) || (method != kNoAuth && method != kUserPassword))
        return fail(user_.empty() ? "the SOCKS5 proxy asks for a user name and password (give them in the URL)"
                                  : "the SOCKS5 proxy accepts none of the offered authentication methods");
      if (method == kUserPassword) {
        step.send = {1, static_cast<std::uint8_t>(user_.size())};
        step.send.insert(step.send.end(), user_.begin(), user_.end());
        step.send.push_back(static_cast<std::uint8_t>(password_.size()));
        step.send.insert(step.send.end(), password_.begin(), password_.end());
        state_ = State::Auth;
      } else {
        step.send = connect_request();
        state_ = State::Reply;
      }
      continue;
    }
    if (state_ == State::Auth) {
      if (in_.size() < 2) return step;
      const std::uint8_t status = in_[1];
      in_.erase(in_.begin(), in_.begin() + 2);
      if (status != 0) return fail("the SOCKS5 proxy refused the user name or password", NetErrc::Connect);
      auto request = connect_request();
      step.send.insert(step.send.end(), request.begin(), request.end());
      state_ = State::Reply;
      continue;
    }
    if (state_ == State::Reply) {
      if (in_.size() < 5) return step;
      if (in_[0] != kVersion) return fail("the SOCKS5 proxy sent a malformed reply");
      if (in_[1] != 0)
        return fail(fmt::format("the SOCKS5 proxy could not connect to {}: {}", host_port(host_, port_),
                                reply_text(in_[1])));
      std::size_t length = 0;
      switch (in_[3]) {
        case 1: length = 4 + 4 + 2; break;
        case 4: length = 4 + 16 + 2; break;
        case 3: length = 4 + 1 + in_[4] + 2; break;
        default: return fail("the SOCKS5 proxy sent a reply with an unknown address type");
      }
      if (in_.size() < length) return step;
      // The broker speaks only after the client: nothing may follow.
      if (in_.size() > length) return fail("the SOCKS5 proxy sent data before the broker could");
      in_.clear();
      state_ = State::Done;
      step.done = true;
      return step;
    }
    return step;
  }
}

}  // namespace mq::net
