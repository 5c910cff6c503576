#include "proxy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "dump/observed_filter.hpp"
#include "dump/observed_print.hpp"
#include "exit_codes.hpp"
#include "io.hpp"
#include "net/tls_context.hpp"
#include "proxy/proxy.hpp"
#include "readers.hpp"

namespace mq::mqdump {

std::optional<net::Url> address_to_url(const std::string& text, std::string& error) {
  std::string full = text;
  if (text.find("://") == std::string::npos) {
    if (!text.empty() && text.front() == '/') full = "unix://" + text;
    else if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      full = "mqtt://127.0.0.1:" + text;  // a port alone: loopback, never every interface
    else full = "mqtt://" + text;
  }
  auto url = net::parse_url(full);
  if (!url) {
    error = fmt::format("'{}': {}", text, to_string(url.error()));
    return std::nullopt;
  }
  return url.value();
}

namespace {

/// The TLS and transport settings the proxy needs, or a one-line error.
std::optional<std::string> make_options(const ProxyConfig& c, proxy::ProxyOptions& o) {
  std::string error;
  auto listen = address_to_url(c.listen, error);
  if (!listen) return "--proxy " + error;
  auto upstream = address_to_url(c.upstream, error);
  if (!upstream) return "--to " + error;
  o.listen = *listen;
  o.upstream = *upstream;
  // TLS options switch a plain URL to its TLS form, as mosquitto's --cafile does.
  const bool listen_tls = !c.certfile.empty() || !c.keyfile.empty();
  if (listen_tls) {
    if (c.certfile.empty() || c.keyfile.empty()) return std::string("--certfile and --keyfile must be given together");
    if (o.listen.scheme == net::Scheme::Unix) return std::string("--certfile cannot be used with a Unix socket");
    if (o.listen.scheme == net::Scheme::Mqtt) o.listen.scheme = net::Scheme::Mqtts;
    if (o.listen.scheme == net::Scheme::Ws) o.listen.scheme = net::Scheme::Wss;
  }
  if (c.require_certificate && c.client_cafile.empty())
    return std::string("--require-certificate needs --client-cafile to verify the clients' certificates");
  if (!c.client_cafile.empty() && !net::uses_tls(o.listen.scheme))
    return std::string("--client-cafile needs a TLS listener (--certfile and --keyfile)");
  if (net::uses_tls(o.listen.scheme)) {
    if (!listen_tls) return fmt::format("--proxy {}: a TLS listener needs --certfile and --keyfile", c.listen);
    net::TlsServerOptions t;
    t.cert_file = c.certfile;
    t.key_file = c.keyfile;
    t.ca_file = c.client_cafile;
    t.require_client_cert = c.require_certificate;
    auto ctx = net::TlsServerContext::create(t);
    if (!ctx) return ctx.error().message;
    o.listen_options.tls = ctx.value();
  }
  const bool upstream_tls = !c.cafile.empty() || !c.capath.empty() || !c.cert.empty() || c.insecure;
  if (upstream_tls) {
    if (o.upstream.scheme == net::Scheme::Unix) return std::string("TLS options cannot be used with a Unix socket");
    if (o.upstream.scheme == net::Scheme::Mqtt) o.upstream.scheme = net::Scheme::Mqtts;
    if (o.upstream.scheme == net::Scheme::Ws) o.upstream.scheme = net::Scheme::Wss;
  }
  if (!c.cert.empty() != !c.key.empty()) return std::string("--cert and --key must be given together");
  auto& tls = o.connect_options.tls;
  tls.ca_file = c.cafile;
  tls.ca_dir = c.capath;
  tls.cert_file = c.cert;
  tls.key_file = c.key;
  tls.insecure = c.insecure;
  o.faults.delay = std::chrono::milliseconds(c.delay_ms);
  o.faults.drop_after = c.drop_after;
  o.faults.cut_after = c.cut_after;
  for (const auto& t : c.hold) {
    auto type = parse_packet_type(t);
    if (!type) return fmt::format("--hold '{}' is not a packet type (CONNECT, PUBLISH, PUBACK, ...)", t);
    o.faults.hold.push_back(*type);
  }
  o.max_packet = c.max_packet;
  o.high_water = c.high_water;
  return std::nullopt;
}

/// The display filter's options, or a one-line error for an unknown type.
std::optional<std::string> make_filter(const ProxyConfig& c, dump::ObservedFilterOptions& f) {
  f.client_ids = c.client_ids;
  f.topics = c.topics;
  for (const auto& t : c.types) {
    auto type = parse_packet_type(t);
    if (!type) return fmt::format("--type '{}' is not a packet type (CONNECT, PUBLISH, PUBACK, ...)", t);
    f.types.push_back(*type);
  }
  return std::nullopt;
}

}  // namespace

int run_proxy(const Config& config) {
  const ProxyConfig& c = config.proxy;
  proxy::ProxyOptions options;
  if (auto e = make_options(c, options)) {
    report(*e);
    return code(Exit::Usage);
  }
  dump::ObservedFilterOptions filter_options;
  if (auto e = make_filter(c, filter_options)) {
    report(*e);
    return code(Exit::Usage);
  }
  if (options.upstream.port == 0 && options.upstream.scheme != net::Scheme::Unix)
    options.upstream.port = net::default_port(options.upstream.scheme);

  Output out;
  dump::ObservedPrintOptions print;
  print.json = config.mode == Mode::Json;
  print.text = dump::TextOptions{dump::use_colour(stdout), config.show_secrets};
  print.json_options = dump::JsonOptions{config.show_secrets};
  print.lenient = config.lenient;  // the same expert notes as for captures; forwarding is unaffected
  dump::ObservedPrinter printer(
      [&out](std::string_view s) {
        out.write(s);
        out.flush();  // live traffic: each packet as it passes
      },
      print);
  dump::ObservedFilter filter(filter_options, printer);
  ConversationReaders readers(config, filter, [&out](std::string_view s) {
    out.write(s);
    out.flush();
  });

  net::Loop loop;
  auto started = proxy::Proxy::start(loop, options, readers.observer(), [](std::uint64_t id, const std::string& note) {
    report(id ? fmt::format("connection {}: {}", id, note) : note);
  });
  if (!started) {
    report(fmt::format("--proxy {}: {}", c.listen, started.error().message));
    return code(Exit::BadInput);
  }
  proxy::Proxy& p = *started.value();
  // The bound address, with the real port: tests and scripts read it.
  report(fmt::format("proxy listening on {}, forwarding to {}", net::to_string(p.url()),
                     net::to_string(options.upstream)));

  bool stopping = false;
  auto stop = [&] {
    if (stopping) return;
    stopping = true;
    p.stop();
  };
  net::SignalWatcher sigint(loop, SIGINT, [&](int) { stop(); });
  net::SignalWatcher sigterm(loop, SIGTERM, [&](int) { stop(); });
  net::Timer deadline(loop);
  if (config.timeout > 0)
    deadline.start(std::chrono::milliseconds(static_cast<std::int64_t>(config.timeout * 1000)), [&] { stop(); });
  loop.run_until([&] {
    if (!stopping && ((c.connections && readers.ended() >= c.connections) || out.closed() || out.failed())) stop();
    return stopping && p.open_connections() == 0;
  });
  deadline.stop();
  started.value().reset();
  const Exit status = readers.finish(Exit::Ok, proxy::now_us());
  out.flush();
  if (out.failed()) {
    report("cannot write the output");
    return code(Exit::WriteFailed);
  }
  return code(status);
}

}  // namespace mq::mqdump
