#!/usr/bin/env python3
"""One measured run for pub_bench.sh (not a test).

Starts a counting mosquitto_sub on TOPIC, waits until its subscription is in
place (a retained marker on TOPIC/ready arrives), runs the publisher command
with INPUT on stdin and prints one line:

  publisher_seconds delivered_seconds received broker_cpu_seconds publisher_cpu_seconds

publisher_seconds is the publisher's wall time; delivered_seconds runs from
the same start to the last message the subscriber received (it stops waiting
once every line arrived, or after IDLE seconds without a new one);
broker_cpu_seconds is the CPU time the broker used meanwhile;
publisher_cpu_seconds is the publisher's own (user + system).

  pub_bench_run.py PORT BROKER_PID TOPIC LINES INPUT -- publisher command...
"""
import os
import selectors
import subprocess
import sys
import time

IDLE = 3.0
TICKS = os.sysconf("SC_CLK_TCK")


def broker_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def main():
    port, broker_pid, topic, lines, path = sys.argv[1:6]
    assert sys.argv[6] == "--"
    command = sys.argv[7:]
    lines = int(lines)
    subprocess.run(["mosquitto_pub", "-p", port, "-h", "127.0.0.1", "-t", f"{topic}/ready", "-r", "-m", "ready"],
                   check=True)
    sub = subprocess.Popen(["mosquitto_sub", "-p", port, "-h", "127.0.0.1", "-t", topic, "-t", f"{topic}/ready",
                            "-q", "1", "-F", "%t"], stdout=subprocess.PIPE)
    os.set_blocking(sub.stdout.fileno(), False)
    sel = selectors.DefaultSelector()
    sel.register(sub.stdout, selectors.EVENT_READ)
    pending = b""
    received = 0
    ready = False
    last = None

    def drain(timeout):
        nonlocal pending, received, ready, last
        if not sel.select(timeout):
            return False
        chunk = sub.stdout.read()
        if not chunk:
            return False
        pending += chunk
        *done, pending = pending.split(b"\n")
        for t in done:
            if t == topic.encode():
                received += 1
                last = time.monotonic()
            elif t.endswith(b"/ready"):
                ready = True
        return True

    deadline = time.monotonic() + 10
    while not ready:
        if time.monotonic() > deadline or sub.poll() is not None:
            sys.exit("pub_bench: the subscriber did not start")
        drain(0.05)

    cpu0 = broker_cpu(broker_pid)
    with open(path, "rb") as stdin:
        start = time.monotonic()
        pub = subprocess.Popen(command, stdin=stdin)
        while True:  # wait4 rather than poll(): it also gives the publisher's CPU time
            pid, status, usage = os.wait4(pub.pid, os.WNOHANG)
            if pid:
                break
            drain(0.01)
        end = time.monotonic()
    returncode = os.waitstatus_to_exitcode(status)
    pub.returncode = returncode
    if returncode != 0:
        print(f"pub_bench: {command[0]} exited with {returncode}", file=sys.stderr)
    quiet_since = time.monotonic()
    while received < lines and time.monotonic() - quiet_since < IDLE:
        if drain(0.05):
            quiet_since = time.monotonic()
    cpu1 = broker_cpu(broker_pid)
    sub.terminate()
    sub.wait()
    delivered = (last - start) if last else float("nan")
    print(f"{end - start:.3f} {delivered:.3f} {received} {cpu1 - cpu0:.2f} {usage.ru_utime + usage.ru_stime:.2f}")


main()
