#!/usr/bin/python3
"""mqbroker --lint: real clients on loopback break a few best practices,
twice each and over two connections, and the broker's log holds each
finding exactly once per client id and rule; a client that follows them
gets no line at all. Text and JSON logs. Raw sockets; every wait has a
deadline; nothing sleeps.

Usage: mqbroker_lint_test.py /path/to/mqbroker [unittest options]
"""
import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as mt  # noqa: E402  (the Broker helper)
from mqbroker_log_test import read_exactly  # noqa: E402

TIMEOUT = mt.TIMEOUT


def utf8(s):
    b = s.encode()
    return len(b).to_bytes(2, "big") + b


def packet(first, body):
    n, length = len(body), b""
    while True:
        byte, n = n % 128, n // 128
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            return bytes([first]) + length + body


def connect(client_id, keep_alive):
    """CONNECT 3.1.1, clean session, no will."""
    return packet(0x10, utf8("MQTT") + b"\x04\x02" + keep_alive.to_bytes(2, "big") + utf8(client_id))


def read_packet(sock):
    """One whole packet, fixed header included."""
    head = read_exactly(sock, 1)
    length, shift = 0, 0
    while True:
        b = read_exactly(sock, 1)
        head += b
        length |= (b[0] & 0x7F) << shift
        shift += 7
        if not b[0] & 0x80:
            break
    return head + read_exactly(sock, length) if length else head


class Client:
    """One connection whose CONNECT was accepted; ping() waits until the
    broker has read everything sent before it."""

    def __init__(self, port, client_id, keep_alive=60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.sendall(connect(client_id, keep_alive))
        ack = read_packet(self.sock)
        assert ack == b"\x20\x02\x00\x00", ack.hex()

    def publish(self, topic, payload=b"1"):
        self.sock.sendall(packet(0x30, utf8(topic) + payload))

    def subscribe(self, flt, qos=0):
        self.sock.sendall(packet(0x82, b"\x00\x01" + utf8(flt) + bytes([qos])))
        assert read_packet(self.sock) == bytes([0x90, 3, 0, 1, qos])

    def ping(self):
        self.sock.sendall(b"\xc0\x00")
        while read_packet(self.sock) != b"\xd0\x00":
            pass  # messages delivered to a subscriber come first

    def close(self):
        self.sock.sendall(b"\xe0\x00")
        self.sock.recv(1)  # the broker closes after DISCONNECT
        self.sock.close()


def misbehave(port):
    """Two connections each of a client that publishes to bad topics without
    keep alive, and of a device that subscribes to everything without a will;
    meanwhile a tidy client (not device-like) receives all of it, which is
    not its doing."""
    good = Client(port, "tidy")
    good.subscribe("#")
    for _ in range(2):
        bad = Client(port, "bad", keep_alive=0)
        for topic in ("/lead/x", "/lead/y"):  # one finding per rule, whatever the topic
            bad.publish(topic)
            bad.publish("a//b")
            bad.publish("$app/x")
        bad.ping()
        bad.close()
        device = Client(port, "sensor-1234")
        device.subscribe("#")
        device.ping()
        device.close()
    for _ in range(3):
        good.publish("plant/p1/temp", b"21.5")
    good.ping()
    good.close()


EXPECTED = {
    ("bad", "keep-alive-none"),
    ("bad", "topic-leading-slash"),
    ("bad", "topic-empty-level"),
    ("bad", "topic-dollar-publish"),
    ("sensor-1234", "subscribe-broad-device"),
    ("sensor-1234", "no-will-device"),
}


def log_of(args):
    """The broker's exit status and log lines after misbehave()."""
    broker = mt.Broker(["-p", "0"] + args)
    try:
        misbehave(broker.port())
    finally:
        rc = broker.stop()
        err = broker.proc.stderr.read().decode()
        broker.proc.stdout.close()
        broker.proc.stderr.close()
    return rc, [line for line in err.splitlines() if line]


class LintLogTest(unittest.TestCase):
    def run_broker(self, args):
        rc, lines = log_of(["--lint"] + args)
        self.assertEqual(rc, 0)
        return lines

    def test_text_log_once_per_client_and_rule(self):
        lines = [line for line in self.run_broker([]) if " lint " in line]
        found = []
        for line in lines:
            self.assertIn(" warning lint ", line)
            rule = line.split(" lint ", 1)[1].split(":", 1)[0]
            client = line.split('client "', 1)[1].split('"', 1)[0]
            self.assertIn(" advice: ", line)
            found.append((client, rule))
        self.assertEqual(sorted(found), sorted(EXPECTED), "\n".join(lines))
        topic_line = next(line for line in lines if "topic-leading-slash" in line)
        self.assertIn('"/lead/x": begins with \'/\'', topic_line)
        self.assertIn("PUBLISH c->s", topic_line)

    def test_json_log_and_disabled_rule(self):
        lines = self.run_broker(["--log-format", "json", "--lint-disable", "no-will-device"])
        found = []
        for line in lines:
            j = json.loads(line)
            if j["msg"] != "lint":
                continue
            self.assertEqual(j["level"], "warning")
            self.assertTrue(j["advice"])
            self.assertIsInstance(j["connection"], int)
            found.append((j["client_id"], j["rule"]))
            if j["rule"] == "topic-empty-level":
                self.assertEqual((j["topic"], j["type"], j["direction"]), ("a//b", "PUBLISH", "c->s"))
        self.assertEqual(sorted(found), sorted(EXPECTED - {("sensor-1234", "no-will-device")}))

    def test_off_by_default(self):
        rc, lines = log_of([])
        self.assertEqual(rc, 0)
        self.assertEqual([line for line in lines if " lint " in line], [])


if __name__ == "__main__":
    mt.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
