#pragma once
/// "CR", a two-step challenge/response authentication method written for
/// the tests, and an authorizer that offers it.

#include <memory>
#include <string>

#include "broker/auth.hpp"

namespace mq::broker::test {

/// Method "CR": the client opens with a token, the server answers with a
/// fresh nonce, and the client must prove it saw both by sending
/// "<token>:<nonce>". The last step's answer is "ok". A token of "single"
/// is accepted at once (a one-step method).
struct CrExchange final : AuthExchange {
  std::string nonce;
  std::string token;
  bool challenged = false;
  AuthStep step(ByteView data) override {
    const std::string got(as_chars(data));
    if (!challenged) {
      if (got == "single") return AuthStep::accept();
      if (got.empty()) return AuthStep::reject(0x86, "no token");
      token = got;
      challenged = true;
      return AuthStep::challenge(nonce, "prove it");
    }
    if (got == token + ":" + nonce) return AuthStep::accept("ok");
    return AuthStep::reject(0x87, "bad proof");
  }
};

/// Allows everything; offers method "CR" with nonces n1, n2 ...
struct CrAuthorizer final : Authorizer {
  int exchanges = 0;
  std::string last_client_id;
  bool last_reauth = false;
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo&, std::string_view) override { return true; }
  std::unique_ptr<AuthExchange> start_exchange(std::string_view method, const Credentials& c,
                                               bool reauthenticating) override {
    if (method != "CR") return nullptr;
    last_client_id = std::string(c.client.client_id);
    last_reauth = reauthenticating;
    auto x = std::make_unique<CrExchange>();
    x->nonce = "n" + std::to_string(++exchanges);
    return x;
  }
};

}  // namespace mq::broker::test
