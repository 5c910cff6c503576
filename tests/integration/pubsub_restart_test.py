#!/usr/bin/python3
"""mqpub -l and mqsub, both at QoS 1 with --reconnect and a persistent
session, across a crash and restart of mqbroker on the port it first got.

mqbroker keeps sessions in memory only, so after the restart both clients
find no session: mqsub must subscribe again, and mqpub must publish again
what the dead broker never acknowledged (its in-flight messages) and then
the lines that arrive while it reconnects. Nothing may be lost at QoS 1;
duplicates are allowed, counted and printed.

Nothing sleeps: every wait is on a printed line or a process exit, with a
deadline.

Usage: pubsub_restart_test.py mqpub mqsub mqbroker
"""
import os
import select
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test  # noqa: E402  (its Broker starts mqbroker and reads the listening line)

MQPUB = MQSUB = None
TIMEOUT = 30
FIRST, IN_FLIGHT, SECOND = 300, 200, 300  # lines before, during and after the restart
RECONNECT = ["--reconnect", "--reconnect-delay", "0.05", "--reconnect-max-delay", "0.2"]


class LineReader:
    """Lines of a pipe, read with os.read so select() sees everything."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.rest = b""
        self.eof = False

    def lines_until(self, done, deadline, what):
        """Yields lines until done() is true; fails at the deadline or EOF."""
        while not done():
            if b"\n" in self.rest:
                line, self.rest = self.rest.split(b"\n", 1)
                yield line.decode()
                continue
            left = deadline - time.monotonic()
            if left <= 0 or (self.eof and not done()):
                raise AssertionError(f"gave up waiting for {what}")
            r, _, _ = select.select([self.pipe], [], [], left)
            if r:
                chunk = os.read(self.pipe.fileno(), 65536)
                if not chunk:
                    self.eof = True
                self.rest += chunk


class RestartTest(unittest.TestCase):
    def setUp(self):
        self.procs = []
        self.broker = mqbroker_test.Broker(["-p", "0"])
        self.port = self.broker.port()

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.broker.stop()

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.procs.append(p)
        return p

    def test_qos1_lines_survive_a_broker_restart(self):
        conn = ["-h", "127.0.0.1", "-p", str(self.port), "-q", "1", "-c", "-d"] + RECONNECT
        sub = self.spawn([MQSUB, "-t", "restart/t", "-i", "restart-sub", "-F", "%p"] + conn,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, sub_err = LineReader(sub.stdout), LineReader(sub.stderr)
        deadline = time.monotonic() + TIMEOUT
        subacks = []
        for line in sub_err.lines_until(lambda: subacks, deadline, "mqsub's first SUBACK"):
            if line.startswith("received SUBACK"):
                subacks.append(line)

        pub = self.spawn([MQPUB, "-t", "restart/t", "-i", "restart-pub", "-l"] + conn,
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        pub_err = LineReader(pub.stderr)
        pub_log = []
        expected = [f"line {i:05d}" for i in range(FIRST + IN_FLIGHT + SECOND)]

        def send(lines):
            pub.stdin.write("".join(f"{l}\n" for l in lines).encode())
            pub.stdin.flush()

        def sent_publishes():
            return sum(1 for l in pub_log if l.startswith("sent PUBLISH"))

        send(expected[:FIRST])
        seen = {}
        for line in out.lines_until(lambda: len(seen) == FIRST, deadline, "the lines before the restart"):
            seen[line] = seen.get(line, 0) + 1

        # The broker stops reading: the next lines go out and stay unacknowledged.
        self.broker.proc.send_signal(signal.SIGSTOP)
        send(expected[FIRST:FIRST + IN_FLIGHT])
        for line in pub_err.lines_until(lambda: sent_publishes() == FIRST + IN_FLIGHT, deadline,
                                        "mqpub sending the lines the broker will lose"):
            pub_log.append(line)
        # mqpub waits (stopped) while the broker dies and comes back on the
        # same port and mqsub subscribes again (its session died with it).
        pub.send_signal(signal.SIGSTOP)
        self.broker.proc.send_signal(signal.SIGKILL)
        self.broker.proc.wait(TIMEOUT)
        self.broker = mqbroker_test.Broker(["-p", str(self.port)])
        self.assertEqual(self.broker.port(), self.port)
        deadline = time.monotonic() + TIMEOUT
        for line in sub_err.lines_until(lambda: len(subacks) == 2, deadline, "mqsub's SUBACK after the restart"):
            if line.startswith("received SUBACK"):
                subacks.append(line)
        pub.send_signal(signal.SIGCONT)

        send(expected[FIRST + IN_FLIGHT:])
        pub.stdin.close()
        for line in pub_err.lines_until(lambda: pub_err.eof and not pub_err.rest, deadline, "mqpub's end"):
            pub_log.append(line)
        self.assertEqual(pub.wait(TIMEOUT), 0, "\n".join(pub_log))
        self.assertTrue(any("reconnecting" in l for l in pub_log), pub_log)

        for line in out.lines_until(lambda: len(seen) == len(expected), deadline, "every line"):
            seen[line] = seen.get(line, 0) + 1
        sub.send_signal(signal.SIGINT)
        sub.wait(TIMEOUT)
        self.assertEqual(sorted(seen), expected)  # nothing lost, nothing foreign
        duplicates = sum(n - 1 for n in seen.values())
        print(f"\n{len(expected)} lines delivered across the restart ({IN_FLIGHT} published again), "
              f"{duplicates} duplicates", file=sys.stderr)

    def test_takeover_loop_backs_off_and_names_the_cause(self):
        """Two mqsub with the same client id take the session from each other;
        each must back off (not reset its delay at every CONNACK) and say why."""
        argv = [MQSUB, "-h", "127.0.0.1", "-p", str(self.port), "-t", "takeover/t", "-i", "same", "-W", "2",
                "--reconnect", "--reconnect-delay", "0.05", "--reconnect-max-delay", "0.5"]
        subs = [self.spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for sub in subs:
            _, err = sub.communicate(timeout=TIMEOUT)
            self.assertEqual(sub.returncode, 7, err)  # -W ran out: it never gave up
            lines = err.decode().splitlines()
            takeovers = [l for l in lines if "another client connected with the same client id" in l]
            reconnects = [l for l in lines if "reconnecting in" in l]
            self.assertTrue(takeovers, lines)
            # Growing delays (0.05 s doubling to 0.5 s, jitter at most halving
            # them) allow about 10 reconnects in 2 s; a delay reset at every
            # CONNACK allowed over 40.
            self.assertLess(len(reconnects), 20, lines)


if __name__ == "__main__":
    MQPUB, MQSUB = (os.path.abspath(a) for a in sys.argv[1:3])
    mqbroker_test.MQBROKER = os.path.abspath(sys.argv[3])
    del sys.argv[1:4]
    unittest.main(verbosity=2)
