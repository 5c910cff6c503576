// mqbench: benchmark an MQTT broker.

#include <cstdio>
#include <string_view>

#include "cli.hpp"
#include "conform.hpp"
#include "exit_codes.hpp"
#include "probe.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  mq::mqbench::BenchOptions options;
  CLI::App app{mq::mqbench::documentation().summary, "mqbench"};
  mq::mqbench::define_cli(app, options);
  mq::mqbench::ProbeOptions probe;
  mq::mqbench::define_probe_cli(app, probe);
  mq::apps::add_doc_generation(app, mq::mqbench::documentation());
  // In conform mode -k selects checks (as in pytest): keep alive means nothing there.
  static char select[] = "--select";
  if (argc > 1 && std::string_view(argv[1]) == "conform")
    for (int i = 2; i < argc; ++i)
      if (std::string_view(argv[i]) == "-k") argv[i] = select;
  if (auto status = mq::apps::parse_command_line(app, argc, argv, mq::mqbench::code(mq::mqbench::Exit::Usage)))
    return *status;
  if (options.mode == "merge") return mq::mqbench::run_merge(options);
  if (options.mode == "compare") return mq::mqbench::run_compare(options);
  // As mqpub and mqsub: a broker whose certificate is not checked is never silent.
  if (options.client.insecure)
    std::fprintf(stderr, "mqbench: warning: --insecure: the broker's certificate is not verified\n");
  if (options.mode == "probe") return mq::mqbench::run_probe(app, options, probe);
  if (options.mode == "conform") return mq::mqbench::run_conform(app, options);
  return mq::mqbench::run_bench(app, options);
}
