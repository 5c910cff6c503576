#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/socks5.hpp"

using mq::ByteView;
using mq::net::Socks5Handshake;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("socks5: no authentication, the broker's name sent as a name") {
  Socks5Handshake h("broker.example", 1883, "", "");
  CHECK(h.start() == Bytes{0x05, 0x01, 0x00});  // version 5, one method: no authentication
  auto step = h.feed(Bytes{0x05, 0x00});          // the proxy picks it
  CHECK(step.send == Bytes{0x05, 0x01, 0x00, 0x03, 14,  // CONNECT, ATYP 3 (name), length
                           'b', 'r', 'o', 'k', 'e', 'r', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
                           0x07, 0x5b});                 // port 1883
  CHECK_FALSE(step.done);
  // The reply in two pieces: success, bound to 10.0.0.1:4000.
  step = h.feed(Bytes{0x05, 0x00, 0x00});
  CHECK((step.send.empty() && !step.done && !step.error));
  step = h.feed(Bytes{0x01, 10, 0, 0, 1, 0x0f, 0xa0});
  CHECK(step.done);
  CHECK_FALSE(step.error);
}

TEST_CASE("socks5: user name and password, an IPv4 address sent as an address") {
  Socks5Handshake h("127.0.0.1", 8883, "al", "pw");
  CHECK(h.start() == Bytes{0x05, 0x02, 0x00, 0x02});
  auto step = h.feed(Bytes{0x05, 0x02});
  CHECK(step.send == Bytes{0x01, 2, 'a', 'l', 2, 'p', 'w'});  // RFC 1929
  step = h.feed(Bytes{0x01, 0x00});
  CHECK(step.send == Bytes{0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x22, 0xb3});
  step = h.feed(Bytes{0x05, 0x00, 0x00, 0x03, 1, 'x', 0, 1});  // bound to a name
  CHECK(step.done);
}

TEST_CASE("socks5: refusals are named") {
  Socks5Handshake a("h", 1, "", "");
  CHECK(a.feed(Bytes{0x05, 0xff}).error->message ==
        "the SOCKS5 proxy asks for a user name and password (give them in the URL)");
  Socks5Handshake b("h", 1, "u", "p");
  b.feed(Bytes{0x05, 0x02});
  CHECK(b.feed(Bytes{0x01, 0x01}).error->message == "the SOCKS5 proxy refused the user name or password");
  Socks5Handshake c("h", 1883, "", "");
  c.feed(Bytes{0x05, 0x00});
  CHECK(c.feed(Bytes{0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0}).error->message ==
        "the SOCKS5 proxy could not connect to h:1883: connection refused");
  Socks5Handshake d("h", 1, "", "");
  CHECK(d.feed(Bytes{0x04, 0x5a}).error->message == "the proxy does not speak SOCKS5 (version byte 4)");
}

TEST_CASE("socks5: proxy URLs") {
  std::string error;
  auto p = mq::net::parse_proxy_url("socks5h://a%40b:p%3Aw@[::1]:9050", &error);
  REQUIRE(p);
  CHECK((p->host == "::1" && p->port == 9050 && p->user == "a@b" && p->password == "p:w"));
  p = mq::net::parse_proxy_url("socks5h://proxy", &error);
  REQUIRE(p);
  CHECK((p->host == "proxy" && p->port == 1080 && p->user.empty()));
  CHECK_FALSE(mq::net::parse_proxy_url("socks5://proxy:1080", &error));
  CHECK(error.find("use socks5h://") != std::string::npos);
  CHECK_FALSE(mq::net::parse_proxy_url("socks5h://proxy:0", &error));
  CHECK_FALSE(mq::net::parse_proxy_url("socks5h://:1080", &error));
}
