// What the transport under MQTT offers: the TLS versions a TLS URL accepts
// (each tried alone), the ALPN protocol chosen when "mqtt" is offered, and
// the WebSocket subprotocol a ws:// or wss:// URL selects.

#include <fmt/format.h>

#include "net/tls_stream.hpp"
#include "net/ws_stream.hpp"
#include "probe/prober.hpp"

namespace mq::probe {

namespace {

/// A connection with `options` at the probe level, ended at once; the
/// transport error or the CONNACK text.
Opened try_transport(Prober& p, net::ConnectOptions options) {
  options.tls_context.reset();  // built again from options.tls
  ConnectSpec spec;
  spec.version = p.version;
  spec.client_id = p.client_id("tls");
  Opened o = p.open(spec, nullptr, &options);
  return o;
}

void probe_tls(Prober& p) {
  const auto scheme = p.config().url.scheme;
  if (!net::uses_tls(scheme)) {
    for (const char* key : {"tls_1_2", "tls_1_3", "alpn"})
      p.report.add(key, key == std::string("tls_1_2") ? "TLS 1.2" : key == std::string("tls_1_3") ? "TLS 1.3" : "ALPN",
                   Status::NotApplicable, {}, "not a TLS URL");
    return;
  }
  struct Version {
    net::TlsVersion v;
    const char* key;
    const char* label;
  };
  for (const Version& v : {Version{net::TlsVersion::Tls12, "tls_1_2", "TLS 1.2"}, Version{net::TlsVersion::Tls13, "tls_1_3", "TLS 1.3"}}) {
    net::ConnectOptions options = p.config().connect;
    options.tls.min_version = v.v;
    options.tls.max_version = v.v;
    Opened o = try_transport(p, options);
    if (!o.transport_error) {
      p.report.measured(v.key, v.label, true, fmt::format("{} only: handshake done, {}", v.label, o.text()));
    } else if (o.transport_error->code == net::NetErrc::Tls) {
      p.report.measured(v.key, v.label, false, fmt::format("{} only: {}", v.label, o.transport_error->message));
    } else {
      p.report.add(v.key, v.label, Status::Unknown, {}, fmt::format("{} only: {}", v.label, o.transport_error->message));
    }
    if (o.link) o.link->disconnect(p.config().wait);
  }
  if (net::uses_websocket(scheme)) {
    p.report.add("alpn", "ALPN", Status::NotApplicable, {}, "a wss:// URL negotiates HTTP, not MQTT, by ALPN");
    return;
  }
  net::ConnectOptions options = p.config().connect;
  if (options.tls.alpn.empty()) options.tls.alpn = {"mqtt"};
  std::string offered;
  for (const auto& a : options.tls.alpn) offered += (offered.empty() ? "" : ",") + a;
  Opened o = try_transport(p, options);
  if (o.transport_error) {
    p.report.measured("alpn", "ALPN", std::string("refused"),
                      fmt::format("offered {}: {}", offered, o.transport_error->message));
    return;
  }
  const auto* tls = dynamic_cast<const net::TlsStream*>(o.link->stream().get());
  const std::string chosen = tls ? tls->alpn() : std::string();
  p.report.measured("alpn", "ALPN", chosen.empty() ? std::string("none") : chosen,
                    chosen.empty() ? fmt::format("offered {}: the broker chose none (and went on)", offered)
                                   : fmt::format("offered {}: the broker chose {}", offered, chosen));
  o.link->disconnect(p.config().wait);
}

void probe_websocket(Prober& p) {
  if (!net::uses_websocket(p.config().url.scheme)) {
    p.report.add("websocket_subprotocol", "WebSocket subprotocol", Status::NotApplicable, {}, "not a ws:// or wss:// URL");
    return;
  }
  ConnectSpec spec;
  spec.version = p.version;
  spec.client_id = p.client_id("ws");
  Opened o = p.open(spec);
  const auto* ws = o.link ? dynamic_cast<const net::WsStream*>(o.link->stream().get()) : nullptr;
  if (o.transport_error)
    p.report.measured("websocket_subprotocol", "WebSocket subprotocol", std::string("refused"),
                      "offered mqtt: " + o.transport_error->message);
  else
    p.report.measured("websocket_subprotocol", "WebSocket subprotocol", ws ? ws->protocol() : std::string("?"),
                      fmt::format("offered mqtt, path {}: the broker chose {}", p.config().url.path, ws ? ws->protocol() : "?"));
  if (o.link) o.link->disconnect(p.config().wait);
}

}  // namespace

void probe_transport(Prober& p) {
  probe_tls(p);
  probe_websocket(p);
}

}  // namespace mq::probe
