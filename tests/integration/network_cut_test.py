#!/usr/bin/python3
"""A network cut between mqsub and mqbroker: a loopback proxy forwards the
connection, then stops forwarding in both directions while keeping both
sockets open, as a dead link does. The broker must notice through keep
alive and publish the client's will; mqsub must notice the unanswered ping
and exit with its documented status (8, connection lost) and one line
saying why.

Nothing sleeps: every wait is on a message, a printed line or a process
exit, with a deadline.

Usage: network_cut_test.py mqsub mqbroker
"""
import os
import select
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test  # noqa: E402  (its Broker starts mqbroker and reads the listening line)

MQSUB = None
KEEPALIVE = 1  # seconds: the broker gives up after 1.5 times this
TIMEOUT = 20
EXIT_CONNECTION_LOST = 8


class CuttableProxy:
    """Accepts one connection on a free loopback port and forwards it to
    `upstream` until cut() is called; after that nothing more is forwarded
    either way, but no socket is closed (no FIN, no RST reaches anyone)."""

    def __init__(self, upstream_port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.upstream_port = upstream_port
        self.cut_event = threading.Event()
        self.stop_event = threading.Event()
        self.sockets = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.listener.settimeout(TIMEOUT)
        try:
            down, _ = self.listener.accept()
        except OSError:
            return
        up = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=TIMEOUT)
        self.sockets += [down, up]
        peer = {down: up, up: down}
        while not self.stop_event.is_set() and not self.cut_event.is_set():
            r, _, _ = select.select([down, up], [], [], 0.05)
            for s in r:
                if self.cut_event.is_set():
                    break
                data = s.recv(65536)
                if not data:
                    return
                peer[s].sendall(data)
        self.stop_event.wait(TIMEOUT * 2)

    def cut(self):
        self.cut_event.set()

    def close(self):
        self.stop_event.set()
        self.thread.join(TIMEOUT)
        for s in self.sockets + [self.listener]:
            s.close()


class NetworkCutTest(unittest.TestCase):
    def setUp(self):
        self.broker = mqbroker_test.Broker(["-p", "0"])
        self.port = self.broker.port()
        self.watcher = mqbroker_test.Paho(self.port, client_id="watcher")
        self.watcher.connack()
        self.assertEqual(self.watcher.subscribe("cut/will", 1), [1])
        # A retained message tells us when mqsub's subscription is in place.
        self.watcher.publish("cut/data", b"ready", qos=1, retain=True)
        self.proxy = CuttableProxy(self.port)

    def tearDown(self):
        self.watcher.close()
        self.proxy.close()
        self.broker.stop()

    def test_keepalive_notices_the_cut_will_is_published_client_reports_it(self):
        sub = subprocess.Popen([MQSUB, "-h", "127.0.0.1", "-p", str(self.proxy.port), "-t", "cut/data",
                                "-q", "1", "-i", "cut-victim", "-k", str(KEEPALIVE), "--will-topic", "cut/will",
                                "--will-payload", "link lost", "--will-qos", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            ready = select.select([sub.stdout], [], [], TIMEOUT)[0]
            self.assertTrue(ready, "mqsub did not print the retained message")
            self.assertEqual(os.read(sub.stdout.fileno(), 100), b"ready\n")

            cut_at = time.monotonic()
            self.proxy.cut()

            will = self.watcher.message()
            noticed = time.monotonic() - cut_at
            self.assertEqual((will.topic, will.payload), ("cut/will", b"link lost"))
            # 1.5 x keep alive, plus the broker's timer granularity.
            self.assertGreaterEqual(noticed, KEEPALIVE)
            self.assertLess(noticed, KEEPALIVE * 1.5 + 3)

            _, err = sub.communicate(timeout=TIMEOUT)
            self.assertEqual(sub.returncode, EXIT_CONNECTION_LOST, err)
            lines = err.decode().strip().splitlines()
            self.assertEqual(len(lines), 1, lines)
            self.assertIn("keep", lines[0].lower())
            print(f"\nwill after {noticed:.2f} s; mqsub: {lines[0]}", file=sys.stderr)
        finally:
            if sub.poll() is None:
                sub.kill()
                sub.wait()
            sub.stdout.close()
            sub.stderr.close()


if __name__ == "__main__":
    MQSUB = os.path.abspath(sys.argv[1])
    mqbroker_test.MQBROKER = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:])
