# Sourced by the benchmark scripts: loopback ports for brokers that need a
# concrete one (mosquitto).

# Prints a loopback port that is free now (the kernel's pick for port 0).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT WHAT: returns once 127.0.0.1:PORT accepts, fails after 10 s.
wait_port() {
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(f"{sys.argv[2]} did not start")
PY
}

# start_mosquitto DIR [CONFIG_LINES]: mosquitto on a free loopback port
# (anonymous clients, plus CONFIG_LINES), its config and log in DIR. Sets
# broker_port and broker_pid and returns once it accepts; the caller kills
# $broker_pid when done.
start_mosquitto() {
  broker_port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\n%s\n' "$broker_port" "${2:-}" >"$1/mosquitto.conf"
  mosquitto -c "$1/mosquitto.conf" >"$1/broker.log" 2>&1 &
  broker_pid=$!
  wait_port "$broker_port" "mosquitto"
}
