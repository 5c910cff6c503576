#!/usr/bin/env bash
# Benchmark (not a test): publish 100,000 lines from a file in line mode at
# QoS 0 and QoS 1 to a local mosquitto, with mosquitto_pub -l (its default
# MQTT 3.1.1), mqpub -l -V mqttv311 and mqpub -l (MQTT 5.0) on the same input
# in the same run. A subscriber counts what arrives, so a fast but lossy run
# cannot look good: each row gives the publisher's wall time, the time until
# the last message arrived, the messages lost and the delivered rate, and
# the broker's CPU time (mosquitto reads one packet per wake-up, which bounds
# every publisher). A last row per QoS, "ceiling", is pub_ceiling.py: a
# raw socket that sends pre-encoded packets as fast as the broker takes them,
# the bound no publisher can beat on this broker. Then the start-up cost:
# startup_bench.sh.
#
#   tests/bench/pub_bench.sh path/to/mqpub [lines]
#   (PUB_BENCH_STARTUP_RUNS=200 sets the start-up runs)
set -euo pipefail
mqpub=${1:?usage: pub_bench.sh path/to/mqpub [lines]}
lines=${2:-100000}
for tool in mosquitto mosquitto_pub mosquitto_sub python3; do
  command -v "$tool" >/dev/null || { echo "pub_bench: $tool is not installed" >&2; exit 1; }
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/loopback.sh
source "$here/loopback.sh"

work=$(mktemp -d)
chmod 755 "$work"
broker_pid=""
cleanup() {
  [[ -z $broker_pid ]] || kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_mosquitto "$work" "max_queued_messages 0"
port=$broker_port

python3 -c "
import sys
with open('$work/input.txt', 'w') as f:
    for i in range($lines):
        f.write(f'line {i:07d} ' + 'x' * 40 + '\n')
"

run_one() {  # topic, then the publisher command
  local topic=$1
  shift
  python3 "$here/pub_bench_run.py" "$port" "$broker_pid" "$topic" "$lines" "$work/input.txt" -- "$@"
}

# Columns: publisher wall time; time until the subscriber had the last
# message it got; messages received; delivered messages per second of that
# time; broker CPU seconds meanwhile (the broker reads one packet per wake-up,
# so its CPU bounds every publisher); the publisher's own CPU seconds.
row() {  # qos, label, "pub_s deliv_s received broker_cpu pub_cpu"
  read -r p d n c u <<<"$3"
  printf '%-4s %-22s %9s %9s %9s %8s %9.0f %7s %7s\n' "$1" "$2" "$p" "$d" "$n" $((lines - n)) \
    "$(python3 -c "print($n / $d if $d > 0 else 0)")" "$c" "$u"
}
ratio() {  # label, name, ours, theirs
  python3 - "$@" <<'PY'
import sys
label, name, ours, theirs = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
wall = float(theirs[0]) / float(ours[0])
rate = (int(ours[2]) / float(ours[1])) / (int(theirs[2]) / float(theirs[1]))
print(f"  {label}: wall time mosquitto_pub/{name} {wall:.2f}, "
      f"delivered messages per second {name}/mosquitto_pub {rate:.2f}")
PY
}

printf '%-4s %-22s %9s %9s %9s %8s %9s %7s %7s\n' QoS publisher pub_s deliv_s received lost msg/s brk_cpu pub_cpu
for qos in 0 1; do
  theirs=$(run_one "bench/theirs/$qos" mosquitto_pub -p "$port" -h 127.0.0.1 -t "bench/theirs/$qos" -q "$qos" -l)
  ours311=$(run_one "bench/ours311/$qos" "$mqpub" -V mqttv311 -p "$port" -h 127.0.0.1 -t "bench/ours311/$qos" -q "$qos" -l)
  ours=$(run_one "bench/ours/$qos" "$mqpub" -p "$port" -h 127.0.0.1 -t "bench/ours/$qos" -q "$qos" -l)
  ceiling=$(run_one "bench/ceiling/$qos" python3 "$here/pub_ceiling.py" "$port" "bench/ceiling/$qos" "$qos")
  row "$qos" "mosquitto_pub (3.1.1)" "$theirs"
  row "$qos" "mqpub -V mqttv311" "$ours311"
  row "$qos" "mqpub (5.0)" "$ours"
  row "$qos" "ceiling (raw socket)" "$ceiling"
  ratio "QoS $qos mqpub -V mqttv311 vs mosquitto_pub" mqpub "$ours311" "$theirs"
  ratio "QoS $qos mqpub (5.0) vs mosquitto_pub" mqpub "$ours" "$theirs"
  ratio "QoS $qos ceiling vs mosquitto_pub" ceiling "$ceiling" "$theirs"
done

# Start-up: many one-message runs of each tool, alternating.
echo
bash "$here/startup_bench.sh" "$mqpub" "${PUB_BENCH_STARTUP_RUNS:-200}"
