#!/bin/sh
# Runs one libFuzzer target for MQ_FUZZ_SECONDS (environment; default given by
# CMake) on a working corpus in the build tree, seeded from the source tree's
# corpus and kept crash inputs. Crash inputs land in the build tree's
# artifacts folder: copy them to tests/regress/<target>/ to keep them.
# Usage: run_fuzzer.sh BINARY TARGET SOURCE_DIR WORK_DIR DEFAULT_SECONDS
set -eu
binary=$1 target=$2 src=$3 work=$4 default_seconds=$5
seconds=${MQ_FUZZ_SECONDS:-$default_seconds}
mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
set -- "$work/corpus/$target"
for seeds in "$src/tests/fuzz/corpus/$target" "$src/tests/regress/$target"; do
  if [ -d "$seeds" ]; then set -- "$@" "$seeds"; fi
done
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/$target/" "$@"
