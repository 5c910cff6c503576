#!/usr/bin/env bash
# Builds mq_codec_bench in Release and runs the codec benchmark against a bare
# fixed-header walk and mqtt-packet (Node), both protocol levels in one run.
# Usage: tests/bench/codec_bench.sh [mq_codec_bench options, e.g. -n 200000 -r 3]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${MQ_BENCH_BUILD_DIR:-$root/build/bench}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMQ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target mq_codec_bench

node_args=()
if ! command -v node >/dev/null; then
  echo "node not found: the mqtt-packet column is left out" >&2
elif [[ ! -d "$root/tests/interop/node_modules/mqtt-packet" ]]; then
  echo "installing mqtt-packet (npm ci in tests/interop)" >&2
  (cd "$root/tests/interop" && npm ci --no-audit --no-fund >/dev/null)
  node_args=(--mqtt-packet "$root/tests/bench/mqtt_packet_bench.js")
else
  node_args=(--mqtt-packet "$root/tests/bench/mqtt_packet_bench.js")
fi

streams="$(mktemp -d)"
trap 'rm -rf "$streams"' EXIT
echo "compiler: $(grep -m1 CMAKE_CXX_COMPILER: "$build/CMakeCache.txt" | cut -d= -f2), node: $(node --version 2>/dev/null || echo none), $(nproc) cores"
"$build/tests/bench/mq_codec_bench" --dir "$streams" "${node_args[@]}" "$@"
