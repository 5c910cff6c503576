#!/usr/bin/python3
"""What mqbroker logs about its clients, read from its real standard error:
subscriptions at -v, takeovers with both peers, and one warning for a
takeover loop (two clients that share a client id and reconnect at each
other), and connections numbered 1, 2, 3... in every line about them.
Raw sockets on loopback; every wait has a deadline; nothing sleeps.

Usage: mqbroker_log_test.py /path/to/mqbroker [unittest options]
"""
import json
import os
import re
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as mt  # noqa: E402  (the Broker helper)

TIMEOUT = mt.TIMEOUT


def connect_packet(client_id):
    """CONNECT 3.1.1, clean session, keep alive 0."""
    cid = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02\x00\x00" + len(cid).to_bytes(2, "big") + cid
    return bytes([0x10, len(body)]) + body


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {data.hex()}")
        data += chunk
    return data


def connected(port, client_id):
    """A socket whose CONNECT was accepted (CONNACK 20 02 00 00)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    sock.sendall(connect_packet(client_id))
    assert read_exactly(sock, 4) == b"\x20\x02\x00\x00"
    return sock


class LogTest(unittest.TestCase):
    def setUp(self):
        self.broker = mt.Broker(["-p", "0", "-v"])
        self.port = self.broker.port()

    def tearDown(self):
        self.assertEqual(self.broker.stop(), 0)

    def test_subscriptions_logged_at_verbose(self):
        sock = connected(self.port, "watcher")
        # SUBSCRIBE id 1: "a/#" QoS 1, "b/+" QoS 2.
        sock.sendall(bytes.fromhex("820e0001") + b"\x00\x03a/#\x01" + b"\x00\x03b/+\x02")
        self.assertEqual(read_exactly(sock, 6), bytes.fromhex("9004000101 02".replace(" ", "")))
        line = self.broker.wait_stderr("filter=a/#")
        self.assertIn("subscribed", line)
        self.assertIn("client_id=watcher", line)
        self.assertIn("qos=1", line)
        self.assertIn("qos=2", self.broker.wait_stderr("filter=b/+"))
        sock.sendall(bytes.fromhex("a2070002") + b"\x00\x03a/#")  # UNSUBSCRIBE id 2
        self.assertEqual(read_exactly(sock, 4), bytes.fromhex("b0020002"))
        self.assertIn("filter=a/#", self.broker.wait_stderr("unsubscribed"))
        sock.close()

    def test_takeover_logged_with_both_peers_and_loop_warned_once(self):
        first = connected(self.port, "twin")
        first_peer = "127.0.0.1:%d" % first.getsockname()[1]
        second = connected(self.port, "twin")
        second_peer = "127.0.0.1:%d" % second.getsockname()[1]
        line = self.broker.wait_stderr("taken over: the older connection")
        self.assertIn("client_id=twin", line)
        self.assertIn(f"old_peer={first_peer}", line)
        self.assertIn(f"new_peer={second_peer}", line)
        self.assertEqual(first.recv(1), b"")  # the older connection was closed
        self.assertIn("reason=taken over", self.broker.wait_stderr(f"client_id=twin reason="))
        # Two devices with one id reconnecting at each other: 44 connections.
        socks = [second]
        for _ in range(42):
            socks.append(connected(self.port, "twin"))
        warning = self.broker.wait_stderr("client id taken over 5 times in a row")
        self.assertIn(" warning ", warning)
        self.assertIn("client_id=twin", warning)
        for s in socks:
            s.close()
        connected(self.port, "marker").close()  # logged after every takeover above
        self.broker.wait_stderr("client_id=marker")
        self.assertEqual(sum("times in a row" in line for line in self.broker.stderr_lines), 1)
        first.close()


def fields_of(line, json_log):
    """The fields of one log line as a dict: the JSON object, or a text
    line's key=value words ("connection" as an int), with a lint finding's
    (client "id", connection N, ...) read as client_id and connection."""
    if json_log:
        return json.loads(line)
    f = dict(re.findall(r" (\w+)=(\S*)", line))
    lint = re.search(r'\(client "([^"]*)", connection (\d+),', line)
    if lint:
        f["client_id"], f["connection"] = lint.group(1), lint.group(2)
    for key in ("connection", "old_connection", "new_connection"):
        if key in f:
            f[key] = int(f[key])
    # "TIME LEVEL message key=value...": the message ends at the first key.
    f["msg"] = "lint" if lint else re.match(r"\S+ \w+ (.*?)(?= \w+=|$)", line).group(1)
    return f


class ConnectionNumberTest(unittest.TestCase):
    """Successive connections are connection 1, 2, 3, 4 in every line about
    them (new, connected, subscribed, lint, takeover, closed), in text and
    in JSON, although the core reuses its internal slot for each."""

    def check(self, json_log):
        args = ["-p", "0", "-v", "--lint"] + (["--log-format", "json"] if json_log else [])
        broker = mt.Broker(args)
        try:
            port = broker.port()
            peers = {}
            for number, client_id in ((1, "first"), (2, "second")):
                sock = connected(port, client_id)  # keep alive 0: a lint finding
                peers[number] = "127.0.0.1:%d" % sock.getsockname()[1]
                sock.sendall(bytes.fromhex("820800010003") + b"a/#\x00")  # SUBSCRIBE id 1 "a/#" QoS 0
                self.assertEqual(read_exactly(sock, 5), bytes.fromhex("9003000100"))
                sock.sendall(bytes.fromhex("3004") + b"\x00\x02/x")  # PUBLISH "/x": a lint finding
                sock.sendall(b"\xe0\x00")  # DISCONNECT
                self.assertEqual(sock.recv(1), b"")
                sock.close()
                broker.wait_stderr(client_id + ('","reason"' if json_log else " reason="))
            older = connected(port, "twin")
            peers[3] = "127.0.0.1:%d" % older.getsockname()[1]
            newer = connected(port, "twin")
            peers[4] = "127.0.0.1:%d" % newer.getsockname()[1]
            self.assertEqual(older.recv(1), b"")  # taken over
            older.close()
            newer.close()
            broker.wait_stderr('"connection":4,"client_id":"twin"' if json_log else "connection=4 client_id=twin")
        finally:
            rc = broker.stop()
            rest = broker.stderr_rest + broker.proc.stderr.read().decode()  # the rest, up to its exit
            broker.proc.stdout.close()
            broker.proc.stderr.close()
        self.assertEqual(rc, 0)
        all_lines = broker.stderr_lines + rest.splitlines()
        lines = [fields_of(line, json_log) for line in all_lines if "connection" in line]
        client_ids = {1: "first", 2: "second"}
        seen = {}  # (connection, msg) -> times
        for f in lines:
            if "old_connection" in f:  # the takeover
                self.assertEqual((f["old_connection"], f["old_peer"]), (3, peers[3]), f)
                self.assertEqual((f["new_connection"], f["new_peer"]), (4, peers[4]), f)
                seen[(4, "takeover")] = seen.get((4, "takeover"), 0) + 1
                continue
            about = {n for n, p in peers.items() if f.get("peer") == p}
            about |= {n for n, c in client_ids.items() if f.get("client_id") == c}
            self.assertLessEqual(len(about), 1, f)
            if about:
                self.assertEqual(f["connection"], about.pop(), f)
            key = (f.get("connection"), f["msg"])
            seen[key] = seen.get(key, 0) + 1
        for number in (1, 2):
            for msg in ("new connection", "client connected", "subscribed", "connection closed"):
                self.assertEqual(seen.get((number, msg)), 1, (number, msg, seen))
            self.assertEqual(seen.get((number, "lint")), 2, seen)  # keep-alive-none, topic-leading-slash
        for number in (3, 4):
            for msg in ("new connection", "client connected", "connection closed"):
                self.assertEqual(seen.get((number, msg)), 1, (number, msg, seen))
        self.assertEqual(seen.get((4, "takeover")), 1, seen)
        self.assertEqual(seen.get((3, "lint")), 1, seen)  # keep-alive-none, once for "twin"

    def test_text(self):
        self.check(json_log=False)

    def test_json(self):
        self.check(json_log=True)


if __name__ == "__main__":
    mt.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
