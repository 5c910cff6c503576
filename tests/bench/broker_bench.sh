#!/usr/bin/env bash
# Benchmark (not a test): mqbroker against mosquitto in the same run on the
# same machine, driven by tests/bench/broker_load.cpp (64-byte payloads,
# closed loop, every delivery counted). Prints one table: both figures, the
# ratio mqbroker/mosquitto and the target for each row.
#
#   tests/bench/broker_bench.sh [build-dir]
#
# Without a build directory it configures and builds build-bench (Release,
# MQ_BUILD_BENCH=ON) next to this source tree. Each scenario takes a few
# seconds; the whole run well under two minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-}
if [[ -z $build ]]; then
  build=$root/build-bench
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMQ_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" -j2 --target mqbroker mq_broker_load >/dev/null
fi
mqbroker=$build/apps/mqbroker/mqbroker
load=$build/tests/bench/mq_broker_load
for f in "$mqbroker" "$load"; do
  [[ -x $f ]] || { echo "broker_bench: $f is missing (build with -DMQ_BUILD_BENCH=ON)" >&2; exit 1; }
done
for tool in mosquitto python3; do
  command -v "$tool" >/dev/null || { echo "broker_bench: $tool is not installed" >&2; exit 1; }
done
seconds=${BENCH_SECONDS:-3}
# shellcheck source=tests/bench/loopback.sh
source "$here/loopback.sh"
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The same limits for both: queues large enough that a closed loop never
# overflows them, no logging.
common_conf="max_queued_messages 1000000
max_connections -1
log_dest none
connection_messages false"

# mosquitto needs a concrete port: take a free one from the kernel first.
port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n%s\n' "$port" "$common_conf" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosq_pid=$!
pids+=("$mosq_pid")
mosq_port=$port

# mqbroker picks a free port itself and reports it (it sets TCP_NODELAY always).
printf 'listener 0 127.0.0.1\nallow_anonymous true\n%s\n' "$common_conf" >"$work/mqbroker.conf"
mkfifo "$work/mqbroker.out"
"$mqbroker" -c "$work/mqbroker.conf" >"$work/mqbroker.out" 2>"$work/mqbroker.err" &
mq_pid=$!
pids+=("$mq_pid")
exec 3<"$work/mqbroker.out"  # kept open: mqbroker never writes to a closed pipe
read -r -t 10 line <&3 || { echo "broker_bench: mqbroker did not start: $(cat "$work/mqbroker.err")" >&2; exit 1; }
mq_port=${line##*:}

wait_port "$mosq_port" "broker_bench: mosquitto"

# run NAME ARGS...: runs one scenario against both brokers, mosquitto first,
# and keeps each result line in $work/NAME.{mosquitto,mqbroker}.
run() {
  local name=$1
  shift
  local broker bport bpid
  for broker in mosquitto mqbroker; do
    if [[ $broker == mosquitto ]]; then bport=$mosq_port bpid=$mosq_pid; else bport=$mq_port bpid=$mq_pid; fi
    if ! "$load" "$@" --port "$bport" --pid "$bpid" >"$work/$name.$broker"; then
      echo "broker_bench: scenario $name failed against $broker" >&2
      exit 1
    fi
    echo "  $name $broker: $(cat "$work/$name.$broker")" >&2
  done
}

# run_side_by_side NAME ARGS...: one latency run that measures both brokers
# at the same time (so machine noise hits both alike).
run_side_by_side() {
  local name=$1
  shift
  if ! "$load" "$@" --port "$mosq_port" --versus-port "$mq_port" >"$work/$name.both"; then
    echo "broker_bench: scenario $name failed" >&2
    exit 1
  fi
  sed -n 1p "$work/$name.both" >"$work/$name.mosquitto"
  sed -n 2p "$work/$name.both" >"$work/$name.mqbroker"
  sed "s/^/  $name: /" "$work/$name.both" >&2
}

echo "broker_bench: mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on $mosq_port, mqbroker on $mq_port" >&2
# Memory first, on brokers that have not yet served anything else.
run idle idle --count 10000
run connect connect --count 200 --rounds 5
run qos0 throughput --qos 0 --fanout 1 --publishers 4 --window 500 --seconds "$seconds"
run fan10 throughput --qos 0 --fanout 10 --publishers 4 --window 200 --seconds "$seconds"
run qos1 throughput --qos 1 --fanout 1 --publishers 4 --window 500 --seconds "$seconds"
run_side_by_side lat1 latency --rate 1000 --fanout 1 --seconds "$seconds"
run_side_by_side lat10 latency --rate 1000 --fanout 10 --seconds "$seconds"

# The table. Targets: "ratio>=N" (mqbroker/mosquitto at least N), "<=mosq"
# (mqbroker no worse), "<N" (mqbroker's figure below N), "-" (reported only).
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]

def result(name, broker):
    with open(f"{work}/{name}.{broker}") as f:
        return dict(kv.split("=", 1) for kv in f.read().split())

rows = [
    ("QoS 0 1:1 messages/s", "qos0", "messages_per_s", "ratio>=4"),
    ("QoS 0 1:10 deliveries/s", "fan10", "deliveries_per_s", "ratio>=8"),
    ("QoS 1 1:1 messages/s", "qos1", "messages_per_s", "ratio>=4"),
    ("latency 1:1 p50 us", "lat1", "p50_us", "<=mosq"),
    ("latency 1:1 p99 us", "lat1", "p99_us", "<=mosq"),
    ("latency 1:1 max us", "lat1", "max_us", "-"),
    ("latency 1:10 p50 us", "lat10", "p50_us", "<=mosq"),
    ("latency 1:10 p99 us", "lat10", "p99_us", "<=mosq,<1000"),
    ("latency 1:10 max us", "lat10", "max_us", "-"),
    ("idle: bytes per connection (10k)", "idle", "bytes_per_connection", "<=mosq"),
    ("connect (200 at once) p99 ms", "connect", "p99_ms", "-"),
    ("connect (200 at once) max ms", "connect", "max_ms", "<50"),
    ("CPU us/delivery QoS 0 1:1", "qos0", "broker_cpu_us_per_delivery", "-"),
    ("CPU us/delivery QoS 0 1:10", "fan10", "broker_cpu_us_per_delivery", "-"),
    ("CPU us/delivery QoS 1 1:1", "qos1", "broker_cpu_us_per_delivery", "-"),
    ("load tool CPU us/delivery QoS 0 1:1", "qos0", "load_cpu_us_per_delivery", "-"),
    ("load tool CPU us/delivery QoS 0 1:10", "fan10", "load_cpu_us_per_delivery", "-"),
    ("load tool CPU us/delivery QoS 1 1:1", "qos1", "load_cpu_us_per_delivery", "-"),
]

def verdict(target, mosq, mine):
    if target == "-":
        return ""
    ok = True
    for t in target.split(","):
        if t.startswith("ratio>="):
            ok &= mosq > 0 and mine / mosq >= float(t[7:])
        elif t == "<=mosq":
            ok &= mine <= mosq
        elif t.startswith("<"):
            ok &= mine < float(t[1:])
    return "ok" if ok else "MISSED"

print(f"{'':38} {'mosquitto':>12} {'mqbroker':>12} {'ratio':>7}  {'target':<14} result")
failed = 0
for label, name, key, target in rows:
    mosq = float(result(name, "mosquitto")[key])
    mine = float(result(name, "mqbroker")[key])
    ratio = f"{mine / mosq:.2f}" if mosq else "-"
    v = verdict(target, mosq, mine)
    failed += v == "MISSED"
    fmt = (lambda x: f"{x:,.0f}") if max(mosq, mine) >= 100 else (lambda x: f"{x:.3f}")
    print(f"{label:38} {fmt(mosq):>12} {fmt(mine):>12} {ratio:>7}  {target:<14} {v}")
print(f"{failed} target(s) missed" if failed else "all targets met")
PY
