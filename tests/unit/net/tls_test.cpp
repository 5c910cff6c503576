#include <doctest/doctest.h>

#include <openssl/x509_vfy.h>

#include "echo_run.hpp"
#include "net/tls_context.hpp"
#include "test_pki.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;

namespace {

/// One PKI for all TLS tests (key generation is the slow part).
const TestPki& pki() {
  static TestPki p = [] {
    TestPki x;
    make_pki(x);
    return x;
  }();
  return p;
}

ListenOptions server_with(const std::string& cert, const std::string& key, const std::string& client_ca = {},
                          bool require = false) {
  TlsServerOptions o;
  o.cert_file = cert;
  o.key_file = key;
  o.ca_file = client_ca;
  o.require_client_cert = require;
  o.alpn = {"mqtt"};
  auto ctx = TlsServerContext::create(o);
  REQUIRE_MESSAGE(ctx, ctx.error().message);
  ListenOptions lo;
  lo.tls = ctx.value();
  return lo;
}

ConnectOptions client_trusting(const std::string& ca) {
  ConnectOptions co;
  co.tls.ca_file = ca;
  return co;
}

std::function<std::string(const Url&)> to(const std::string& scheme, const std::string& host = "127.0.0.1") {
  return [scheme, host](const Url& bound) { return scheme + "://" + host + ":" + std::to_string(bound.port); };
}

}  // namespace

TEST_CASE("tls: verification results in plain words") {
  CHECK(verify_failure_message(X509_V_ERR_CERT_HAS_EXPIRED, "server", "h") == "the server's certificate has expired");
  CHECK(verify_failure_message(X509_V_ERR_HOSTNAME_MISMATCH, "server", "broker.example") ==
        "the server's certificate does not match the host name 'broker.example'");
  CHECK(verify_failure_message(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "client", "") ==
        "the client's certificate was issued by an unknown CA");
  CHECK(verify_failure_message(X509_V_ERR_CERT_NOT_YET_VALID, "server", "") ==
        "the server's certificate is not valid yet (check the clocks)");
  CHECK(verify_failure_message(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "server", "") ==
        "the server's certificate is self-signed and not trusted");
}

TEST_CASE("tls: context errors name the file") {
  TlsClientOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  auto r = TlsClientContext::create(o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == NetErrc::Config);
  CHECK(r.error().message == "cannot load CA file '/nonexistent/ca.pem': No such file or directory");

  TlsServerOptions s;
  s.cert_file = pki().server_cert;
  s.key_file = pki().client_key;
  auto mismatch = TlsServerContext::create(s);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().message ==
        "private key '" + pki().client_key + "' does not match certificate '" + pki().server_cert + "'");

  s.key_file = pki().server_key;
  s.require_client_cert = true;
  auto no_ca = TlsServerContext::create(s);
  REQUIRE_FALSE(no_ca);
  CHECK(no_ca.error().message == "requiring client certificates needs a CA file to verify them");
}

TEST_CASE("tls: echo 4 MB with a CA made at test time, IP address verified") {
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key), to("mqtts"),
                      client_trusting(pki().ca_cert), 4 * 1024 * 1024);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  CHECK(out.client_close.code == NetErrc::None);
  CHECK(out.client_saw_cn == "localhost");
  CHECK(out.server_errors.empty());
}

TEST_CASE("tls: host name verified over IPv6 with SNI and ALPN") {
  ConnectOptions co = client_trusting(pki().ca_cert);
  co.tls.server_name = "localhost";
  co.tls.alpn = {"mqtt"};
  auto out = run_echo("mqtts://[::1]:0", server_with(pki().server_cert, pki().server_key), to("mqtts", "[::1]"),
                      co, 100000);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  CHECK(out.client_alpn == "mqtt");
}

TEST_CASE("tls: wrong host name fails with a plain message") {
  ConnectOptions co = client_trusting(pki().ca_cert);
  co.tls.server_name = "wrong.example";
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key), to("mqtts"), co, 10);
  CHECK(out.connect_error.code == NetErrc::TlsVerify);
  CHECK(out.connect_error.message == "the server's certificate does not match the host name 'wrong.example'");
  CHECK(out.server_errors.size() == 1);
}

TEST_CASE("tls: unknown CA fails with a plain message") {
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key), to("mqtts"),
                      client_trusting(pki().other_ca_cert), 10);
  CHECK(out.connect_error.code == NetErrc::TlsVerify);
  CHECK(out.connect_error.message == "the server's certificate was issued by an unknown CA");
}

TEST_CASE("tls: expired and self-signed certificates") {
  auto expired = run_echo("mqtts://127.0.0.1:0", server_with(pki().expired_cert, pki().expired_key), to("mqtts"),
                          client_trusting(pki().ca_cert), 10);
  CHECK(expired.connect_error.message == "the server's certificate has expired");
  auto self = run_echo("mqtts://127.0.0.1:0", server_with(pki().selfsigned_cert, pki().selfsigned_key), to("mqtts"),
                       client_trusting(pki().ca_cert), 10);
  CHECK(self.connect_error.message == "the server's certificate is self-signed and not trusted");
}

TEST_CASE("tls: insecure mode skips verification") {
  ConnectOptions co = client_trusting(pki().other_ca_cert);
  co.tls.insecure = true;
  co.tls.server_name = "wrong.example";
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().selfsigned_cert, pki().selfsigned_key), to("mqtts"),
                      co, 1000);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
}

TEST_CASE("tls: client certificates give the server an identity") {
  ConnectOptions co = client_trusting(pki().ca_cert);
  co.tls.cert_file = pki().client_cert;
  co.tls.key_file = pki().client_key;
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key, pki().ca_cert, true),
                      to("mqtts"), co, 1000);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  CHECK(out.server_saw_cn == "client-1");
}

TEST_CASE("tls: a required client certificate that is missing is refused") {
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key, pki().ca_cert, true),
                      to("mqtts"), client_trusting(pki().ca_cert), 1000);
  // With TLS 1.3 the client may see its handshake finish before the server
  // refuses; either way no data comes back and the server reports why.
  CHECK_FALSE(out.data_ok);
  REQUIRE(out.server_errors.size() == 1);
  CHECK(out.server_errors[0].code == NetErrc::Tls);
  CHECK(out.server_errors[0].message.find("peer did not return a certificate") != std::string::npos);
}

TEST_CASE("tls: a reloaded context is used for new connections") {
  auto out = run_echo("mqtts://127.0.0.1:0", server_with(pki().server_cert, pki().server_key), to("mqtts"),
                      client_trusting(pki().ca_cert), 1000, [](Listener& l) {
                        l.set_tls(server_with(pki().server2_cert, pki().server2_key).tls);
                      });
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.client_saw_cn == "reloaded");
}
