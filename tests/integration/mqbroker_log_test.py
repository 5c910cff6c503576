#!/usr/bin/python3
"""What mqbroker logs about its clients, read from its real standard error:
subscriptions at -v, takeovers with both peers, and one warning for a
takeover loop (two clients that share a client id and reconnect at each
other). Raw sockets on loopback; every wait has a deadline; nothing sleeps.

Usage: mqbroker_log_test.py /path/to/mqbroker [unittest options]
"""
import os
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


if __name__ == "__main__":
    mt.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
