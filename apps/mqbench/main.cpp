// mqbench: benchmark an MQTT broker.

#include "cli.hpp"
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
  if (auto status = mq::apps::parse_command_line(app, argc, argv, mq::mqbench::code(mq::mqbench::Exit::Usage)))
    return *status;
  if (options.mode == "merge") return mq::mqbench::run_merge(options);
  if (options.mode == "compare") return mq::mqbench::run_compare(options);
  if (options.mode == "probe") return mq::mqbench::run_probe(app, options, probe);
  return mq::mqbench::run_bench(app, options);
}
