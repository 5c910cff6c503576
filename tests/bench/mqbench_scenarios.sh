#!/usr/bin/env bash
# Benchmark (not a test): the standard mqbench scenarios against mqbroker and
# mosquitto in one run on one machine, and one table with both figures and
# the ratio mqbroker/mosquitto:
#
#   QoS 0 and QoS 1 one-to-one (4 publishers, 4 subscribers, closed loop;
#   QoS 1 with 4000 in flight each), one-to-ten fan-out (1 publisher, 10
#   subscribers), fixed-rate latency at
#   1,000 and 50,000 msg/s, connection churn with 200 handshakes in flight,
#   and 10,000 held connections with each broker's memory per connection.
#
#   tests/bench/mqbench_scenarios.sh [build-dir]
#
# Without a build directory it configures and builds build-bench (Release).
# BENCH_SECONDS (default 5) sets each measured phase. Both brokers get the
# same limits: no in-flight limit, queues that a closed loop never fills.
# Each scenario's NDJSON results stay in $BENCH_OUT (default: a temporary
# folder, removed at the end) for `mqbench compare`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-}
if [[ -z $build ]]; then
  build=$root/build-bench
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target mqbroker mqbench >/dev/null
fi
mqbroker=$build/apps/mqbroker/mqbroker
mqbench=$build/apps/mqbench/mqbench
for f in "$mqbroker" "$mqbench"; do
  [[ -x $f ]] || { echo "mqbench_scenarios: $f is missing" >&2; exit 1; }
done
for tool in mosquitto python3; do
  command -v "$tool" >/dev/null || { echo "mqbench_scenarios: $tool is not installed" >&2; exit 1; }
done
seconds=${BENCH_SECONDS:-5}
# shellcheck source=tests/bench/loopback.sh
source "$here/loopback.sh"
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
out=${BENCH_OUT:-$work}
mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

common_conf="max_inflight_messages 0
max_queued_messages 1000000
max_connections -1
log_dest none
connection_messages false"

port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n%s\n' "$port" "$common_conf" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosq_pid=$!
pids+=("$mosq_pid")
mosq_port=$port

printf 'listener 0 127.0.0.1\nallow_anonymous true\n%s\n' "$common_conf" >"$work/mqbroker.conf"
mkfifo "$work/mqbroker.out"
"$mqbroker" -c "$work/mqbroker.conf" >"$work/mqbroker.out" 2>"$work/mqbroker.err" &
mq_pid=$!
pids+=("$mq_pid")
exec 3<"$work/mqbroker.out"  # kept open: mqbroker never writes to a closed pipe
read -r -t 10 line <&3 || { echo "mqbench_scenarios: mqbroker did not start: $(cat "$work/mqbroker.err")" >&2; exit 1; }
mq_port=${line##*:}
wait_port "$mosq_port" "mosquitto"

# run NAME ARGS...: one scenario against both brokers, mosquitto first.
run() {
  local name=$1 broker bport bpid
  shift
  for broker in mosquitto mqbroker; do
    if [[ $broker == mosquitto ]]; then bport=$mosq_port bpid=$mosq_pid; else bport=$mq_port bpid=$mq_pid; fi
    if ! "$mqbench" "$@" -h 127.0.0.1 -p "$bport" --broker-pid "$bpid" --quiet --json "$out/$name.$broker.json" \
        2>"$work/$name.$broker.err"; then
      echo "mqbench_scenarios: $name against $broker failed: $(tail -3 "$work/$name.$broker.err")" >&2
      exit 1
    fi
    echo "  $name $broker done" >&2
  done
}

echo "mqbench_scenarios: mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on $mosq_port, mqbroker on $mq_port, ${seconds}s each" >&2
# Memory first, on brokers that have not yet served anything else.
run hold conn --hold -c 10000 --in-flight 200 --source 4 -d 1
run churn conn --in-flight 200 -d "$seconds"
run qos0 pubsub -q 0 --publishers 4 --subscribers 4 -s 64 -w 500 -d "$seconds"
run qos1 pubsub -q 1 --publishers 4 --subscribers 4 -s 64 -w 4000 -d "$seconds"
run fan10 pubsub -q 0 --publishers 1 --subscribers 10 -s 64 -w 2000 -d "$seconds"
run lat1k pubsub -q 0 --rate 1000 -s 64 -d "$seconds"
run lat50k pubsub -q 0 --rate 50000 -s 64 -d "$seconds"

python3 - "$out" <<'PY'
import json, os, platform, sys, time
out = sys.argv[1]

def summary(name, broker):
    with open(f"{out}/{name}.{broker}.json") as f:
        return [json.loads(l) for l in f if l.strip()][-1]

def rate(key):
    return lambda s: s["rates"][key]

def lat(hist, p):
    return lambda s: s["latency"][hist]["us"][p]

def setting(key):
    return lambda s: s["settings"].get(key, 0)

def cores(who):
    return lambda s: s[who]["cores"]

rows = [
    ("QoS 0 1:1 received msg/s", "qos0", rate("received_per_s")),
    ("QoS 1 1:1 received msg/s", "qos1", rate("received_per_s")),
    ("QoS 0 1:10 deliveries/s", "fan10", rate("received_per_s")),
    ("QoS 1 1:1 publish-to-ack p99 us", "qos1", lat("ack", "p99")),
    ("1k msg/s e2e p50 us", "lat1k", lat("e2e", "p50")),
    ("1k msg/s e2e p99 us", "lat1k", lat("e2e", "p99")),
    ("1k msg/s e2e max us", "lat1k", lat("e2e", "max")),
    ("50k msg/s e2e p50 us", "lat50k", lat("e2e", "p50")),
    ("50k msg/s e2e p99 us", "lat50k", lat("e2e", "p99")),
    ("50k msg/s e2e max us", "lat50k", lat("e2e", "max")),
    ("churn (200 in flight) connects/s", "churn", lambda s: s["counters"]["connects_ok"] / s["measured_s"]),
    ("churn CONNACK p99 us", "churn", lat("connect", "p99")),
    ("10k held: broker bytes/connection", "hold", setting("broker_bytes_per_connection")),
    ("10k held: mqbench bytes/connection", "hold", setting("mqbench_bytes_per_connection")),
    ("broker cores, QoS 0 1:1", "qos0", cores("broker")),
    ("broker cores, QoS 0 1:10", "fan10", cores("broker")),
    ("mqbench cores, QoS 0 1:1", "qos0", cores("self")),
    ("mqbench cores, QoS 0 1:10", "fan10", cores("self")),
    ("mqbench cores, QoS 1 1:1", "qos1", cores("self")),
]
machine = summary("qos0", "mqbroker")["machine"]
print(f"{time.strftime('%Y-%m-%d')}, {machine.get('cpu_model', '?')}, {machine.get('cpus', '?')} CPUs, "
      f"{platform.system()} {platform.release()}")
print(f"{'':38} {'mosquitto':>12} {'mqbroker':>12} {'ratio':>7}")
for label, name, get in rows:
    mosq, mine = float(get(summary(name, "mosquitto"))), float(get(summary(name, "mqbroker")))
    ratio = f"{mine / mosq:.2f}" if mosq else "-"
    fmt = (lambda x: f"{x:,.0f}") if max(mosq, mine) >= 100 else (lambda x: f"{x:.2f}")
    print(f"{label:38} {fmt(mosq):>12} {fmt(mine):>12} {ratio:>7}")
lost = {(n, b): summary(n, b)["counters"]["lost"] for n in ("qos0", "qos1", "fan10", "lat1k", "lat50k")
        for b in ("mosquitto", "mqbroker")}
bad = {k: v for k, v in lost.items() if v}
print("no message lost" if not bad else f"LOST: {bad}")
for n in ("qos0", "qos1", "fan10", "lat50k"):
    for b in ("mosquitto", "mqbroker"):
        for w in summary(n, b).get("warnings", []):
            print(f"warning ({n}, {b}): {w}")
PY
