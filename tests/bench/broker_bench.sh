#!/usr/bin/env bash
# Benchmark (not a test): mqbroker beside mosquitto in one run, now driven by
# mqbench (the project's load tool; it replaced broker_load.cpp). Runs the
# standard scenarios of tests/bench/mqbench_scenarios.sh and prints its table.
#
#   tests/bench/broker_bench.sh [build-dir]
exec "$(cd "$(dirname "$0")" && pwd)/mqbench_scenarios.sh" "$@"
