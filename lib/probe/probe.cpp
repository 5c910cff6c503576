#include "probe/probe.hpp"

#include "probe/prober.hpp"

namespace mq::probe {

ProbeResult run_probe(const ProbeConfig& config) {
  ProbeResult result;
  const auto start = std::chrono::steady_clock::now();
  Prober p(config);
  probe_levels(p, result);
  if (result.end == ProbeEnd::Probed) {
    // Limits first: later probes size what they send within them.
    probe_features(p);
    probe_limits(p);
    probe_receive_maximum(p);
    probe_topic_alias(p);
    probe_client_ids(p);
    probe_session(p);
    probe_keep_alive(p);
    probe_auth(p);
    probe_transport(p);
  }
  complete(p.report, "not reached");
  p.report.broker = net::to_string(config.url);
  p.report.protocol = std::string(version_name(p.version));
  p.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.report = std::move(p.report);
  return result;
}

}  // namespace mq::probe
