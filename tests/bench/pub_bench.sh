#!/usr/bin/env bash
# Benchmark (not a test): publish 100,000 lines from a file in line mode at
# QoS 0 and QoS 1 to a local mosquitto, with mqpub -l and with
# mosquitto_pub -l on the same input in the same run. A subscriber counts
# what arrives, so a fast but lossy run cannot look good. Prints both wall
# times and the ratio.
#
#   tests/bench/pub_bench.sh path/to/mqpub [lines]
set -euo pipefail
mqpub=${1:?usage: pub_bench.sh path/to/mqpub [lines]}
lines=${2:-100000}
for tool in mosquitto mosquitto_pub mosquitto_sub python3; do
  command -v "$tool" >/dev/null || { echo "pub_bench: $tool is not installed" >&2; exit 1; }
done

# shellcheck source=tests/bench/loopback.sh
source "$(dirname "$0")/loopback.sh"

work=$(mktemp -d)
chmod 755 "$work"
broker_pid=""
cleanup() {
  [[ -z $broker_pid ]] || kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port, then mosquitto on it; wait until it accepts.
port=$(free_port)
cat >"$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 0
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/broker.log" 2>&1 &
broker_pid=$!
wait_port "$port" "pub_bench: mosquitto"

python3 -c "
import sys
with open('$work/input.txt', 'w') as f:
    for i in range($lines):
        f.write(f'line {i:07d} ' + 'x' * 40 + '\n')
"

# Runs one publisher command with a counting subscriber; prints "seconds received".
# The subscriber also gets a retained marker right after its SUBACK, so its
# first output line says the subscription is in place.
run_one() {
  local topic=$1
  shift
  mosquitto_pub -p "$port" -h 127.0.0.1 -t "$topic/ready" -r -m ready
  mosquitto_sub -p "$port" -h 127.0.0.1 -t "$topic" -t "$topic/ready" -q 1 -F '%t' -C $((lines + 1)) -W 300 \
    >"$work/received" &
  local sub=$!
  until grep -q ready "$work/received" 2>/dev/null; do
    kill -0 "$sub" 2>/dev/null || { echo "pub_bench: subscriber failed" >&2; exit 1; }
    python3 -c 'import select; select.select([], [], [], 0.01)'
  done
  local start end
  start=$(date +%s.%N)
  "$@" <"$work/input.txt"
  end=$(date +%s.%N)
  wait "$sub" || true
  echo "$(python3 -c "print(f'{$end - $start:.3f}')") $(grep -cx "$topic" "$work/received")"
}

printf '%-6s %-14s %10s %10s\n' QoS tool seconds received
for qos in 0 1; do
  theirs=$(run_one "bench/theirs/$qos" mosquitto_pub -p "$port" -h 127.0.0.1 -t "bench/theirs/$qos" -q "$qos" -l)
  ours=$(run_one "bench/ours/$qos" "$mqpub" -p "$port" -h 127.0.0.1 -t "bench/ours/$qos" -q "$qos" -l)
  read -r t_s t_n <<<"$theirs"
  read -r o_s o_n <<<"$ours"
  printf '%-6s %-14s %10s %10s\n' "$qos" mosquitto_pub "$t_s" "$t_n"
  printf '%-6s %-14s %10s %10s\n' "$qos" mqpub "$o_s" "$o_n"
  python3 -c "print(f'QoS $qos: mqpub is {$t_s / $o_s:.2f}x as fast as mosquitto_pub; lost: mqpub {$lines - $o_n}, mosquitto_pub {$lines - $t_n}')"
done
