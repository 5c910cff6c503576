#!/usr/bin/env bash
# Benchmark (not a test): the cost of one short publish, `mqpub -t x -m y`
# beside `mosquitto_pub -t x -m y`, each started afresh against a local
# mosquitto on a free port. The two tools alternate run by run, so a change
# in the machine's load falls on both alike. Prints, per host form (an IP
# literal and `localhost`), the mean and median wall time per run of each
# tool and the ratio of the medians, then the load average.
#
#   tests/bench/startup_bench.sh path/to/mqpub [runs]     (default 200 runs)
set -euo pipefail
mqpub=${1:?usage: startup_bench.sh path/to/mqpub [runs]}
runs=${2:-200}
for tool in mosquitto mosquitto_pub python3; do
  command -v "$tool" >/dev/null || { echo "startup_bench: $tool is not installed" >&2; exit 1; }
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/loopback.sh
source "$here/loopback.sh"

work=$(mktemp -d)
broker_pid=""
cleanup() {
  [[ -z $broker_pid ]] || kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_mosquitto "$work"
port=$broker_port

python3 - "$mqpub" "$port" "$runs" <<'PY'
import os, statistics, subprocess, sys, time

mqpub, port, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
tools = {"mosquitto_pub": "mosquitto_pub", "mqpub": mqpub}


def once(exe, host):
    start = time.perf_counter()
    rc = subprocess.call([exe, "-p", port, "-h", host, "-t", "bench/startup", "-m", "y"])
    elapsed = time.perf_counter() - start
    if rc != 0:
        sys.exit(f"startup_bench: {exe} exited with {rc}")
    return elapsed * 1000


print(f"{'host':<10} {'publisher':<14} {'mean ms':>8} {'median ms':>10}")
for host in ("127.0.0.1", "localhost"):
    times = {name: [] for name in tools}
    for name, exe in tools.items():  # one untimed run each: page cache, broker warm
        once(exe, host)
    for _ in range(runs):
        for name, exe in tools.items():
            times[name].append(once(exe, host))
    for name, t in times.items():
        print(f"{host:<10} {name:<14} {statistics.mean(t):8.1f} {statistics.median(t):10.1f}")
    ratio = statistics.median(times["mqpub"]) / statistics.median(times["mosquitto_pub"])
    print(f"  -h {host}: mqpub median / mosquitto_pub median = {ratio:.2f} ({runs} runs each, alternating)")
print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
PY
