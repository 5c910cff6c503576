#!/usr/bin/python3
"""A persistent broker keeps a QoS 2 message it acknowledged with PUBREC
across a restart, whether it forwards on PUBLISH (the mqbroker profile) or
holds the message until PUBREL (the mosquitto profile): the publisher
releases it after the restart and the subscriber gets it exactly once.
Durable mode survives SIGKILL; snapshot mode survives a SIGTERM shutdown.
Also as a hostile client after a restart: a duplicate PUBLISH (DUP) of the
held identifier is not delivered twice, a PUBREL for an unknown identifier
still gets PUBCOMP (5.0: 0x92), Receive Maximum still bounds the held
messages, and a clean start discards them (on disk too).

Raw 3.1.1 and 5.0 sockets, so the bytes are the ones compared. Nothing
sleeps: every wait is a socket read or a log line with a deadline.

Usage: mqbroker_held_qos2_test.py /path/to/mqbroker [unittest options]
"""
import os
import shutil
import signal
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as base  # noqa: E402
from mqbroker_test import TIMEOUT  # noqa: E402
from mqbroker_persist_test import persistent_broker  # noqa: E402


def utf8(text):
    b = text.encode()
    return len(b).to_bytes(2, "big") + b


def packet(first, body):
    """A packet with fixed header byte `first` (remaining length under 128)."""
    assert len(body) < 128
    return bytes([first, len(body)]) + body


def connect(client_id, clean, v5=False):
    if v5:  # Session Expiry Interval 300, Request Problem Information 0
        props = bytes([0x11]) + (300).to_bytes(4, "big") + bytes([0x17, 0])
        return packet(0x10, utf8("MQTT") + bytes([5, 0x02 if clean else 0, 0, 60, len(props)]) + props +
                      utf8(client_id))
    return packet(0x10, utf8("MQTT") + bytes([4, 0x02 if clean else 0, 0, 60]) + utf8(client_id))


def publish2(topic, payload, pid, dup=False, v5=False):
    return packet(0x3C if dup else 0x34, utf8(topic) + pid.to_bytes(2, "big") + (b"\0" if v5 else b"") + payload)


def ack(first, pid):
    return bytes([first, 2]) + pid.to_bytes(2, "big")


class Raw:
    """A raw MQTT connection that sent CONNECT and read CONNACK (`connack`)."""

    def __init__(self, port, client_id, clean, v5=False):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.s.sendall(connect(client_id, clean, v5))
        self.connack = self.read()

    def read(self):
        """One whole packet; b"" when the broker closed the connection."""
        head = self.s.recv(1)
        if not head:
            return b""
        length, shift, raw = 0, 0, b""
        while True:
            b = self.exactly(1)
            raw += b
            length |= (b[0] & 0x7F) << shift
            shift += 7
            if b[0] < 0x80:
                break
        return head + raw + self.exactly(length)

    def exactly(self, n):
        out = b""
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            if not chunk:
                raise AssertionError(f"closed after {out.hex()}")
            out += chunk
        return out

    def ask(self, data):
        self.s.sendall(data)
        return self.read()

    def close(self):
        try:
            self.s.sendall(b"\xe0\x00")
        except OSError:
            pass
        self.s.close()


def payloads_until(sub, marker):
    """QoS 2 payloads the subscriber receives (acknowledging each) before `marker`."""
    got = []
    for _ in range(100):
        p = sub.read()
        if not p:
            raise AssertionError(f"closed after {got}")
        if p[0] & 0xF0 == 0x30:
            topic_len = int.from_bytes(p[2:4], "big")
            qos = (p[0] >> 1) & 3
            pid_at = 4 + topic_len
            payload = p[pid_at + (2 if qos else 0):]
            if qos == 2:
                sub.s.sendall(ack(0x50, int.from_bytes(p[pid_at:pid_at + 2], "big")))
            elif qos == 1:
                sub.s.sendall(ack(0x40, int.from_bytes(p[pid_at:pid_at + 2], "big")))
            if payload == marker:
                return got
            got.append(payload)
        elif p[0] == 0x62:  # PUBREL
            sub.s.sendall(ack(0x70, int.from_bytes(p[2:4], "big")))
    raise AssertionError(f"no marker after {got}")


class HeldQos2(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="mqbroker_held_")
        self.brokers = []

    def tearDown(self):
        for b in self.brokers:
            stopped = b.stop()  # SIGTERM unless already ended
            b.proc.stdout.close()
            b.proc.stderr.close()
            if b is self.brokers[-1]:
                self.assertEqual(stopped, 0)
        shutil.rmtree(self.data, ignore_errors=True)

    def start(self, profile, mode, port=0):
        b = persistent_broker(self.data, mode, port, ["--profile", profile])
        self.brokers.append(b)
        return b

    def restart(self, b, profile, mode, how):
        port = b.port()
        if how == "kill":
            b.proc.send_signal(signal.SIGKILL)
        else:
            b.proc.send_signal(signal.SIGTERM)  # a clean shutdown saves the state
        self.assertEqual(b.proc.wait(TIMEOUT), -signal.SIGKILL if how == "kill" else 0)
        return self.start(profile, mode, port)

    def released_after_restart(self, profile, mode, how):
        b = self.start(profile, mode)
        sub = Raw(b.port(), "held-sub", clean=False)
        self.assertEqual(sub.ask(packet(0x82, b"\x00\x01" + utf8("a/b") + b"\x02")), b"\x90\x03\x00\x01\x02")
        sub.close()
        pub = Raw(b.port(), "held-pub", clean=False)
        self.assertEqual(pub.connack, b"\x20\x02\x00\x00")
        self.assertEqual(pub.ask(publish2("a/b", b"once", 7)), ack(0x50, 7))
        pub.s.close()  # no DISCONNECT: the publisher is cut off with the broker

        b = self.restart(b, profile, mode, how)
        pub = Raw(b.port(), "held-pub", clean=False)
        self.assertEqual(pub.connack, b"\x20\x02\x01\x00")  # session present
        # Resent with DUP (its PUBREC was lost): acknowledged, not delivered again.
        self.assertEqual(pub.ask(publish2("a/b", b"once", 7, dup=True)), ack(0x50, 7))
        self.assertEqual(pub.ask(ack(0x62, 7)), ack(0x70, 7))
        self.assertEqual(pub.ask(ack(0x62, 9)), ack(0x70, 9))  # unknown identifier: PUBCOMP all the same
        self.assertEqual(pub.ask(packet(0x32, utf8("a/b") + b"\x00\x08" + b"end")), ack(0x40, 8))
        pub.close()
        sub = Raw(b.port(), "held-sub", clean=False)
        self.assertEqual(sub.connack, b"\x20\x02\x01\x00")
        self.assertEqual(payloads_until(sub, b"end"), [b"once"])
        sub.close()

    def test_durable_sigkill_mosquitto_profile(self):
        self.released_after_restart("mosquitto", "durable", "kill")

    def test_durable_sigkill_mqbroker_profile(self):
        self.released_after_restart("mqbroker", "durable", "kill")

    def test_snapshot_sigterm_mosquitto_profile(self):
        self.released_after_restart("mosquitto", "snapshot", "term")

    def test_snapshot_sigterm_mqbroker_profile(self):
        self.released_after_restart("mqbroker", "snapshot", "term")

    def test_clean_start_discards_the_held_message_on_disk_too(self):
        b = self.start("mosquitto", "durable")
        sub = Raw(b.port(), "clean-sub", clean=False)
        self.assertEqual(sub.ask(packet(0x82, b"\x00\x01" + utf8("c/d") + b"\x02")), b"\x90\x03\x00\x01\x02")
        sub.close()
        pub = Raw(b.port(), "clean-pub", clean=False)
        self.assertEqual(pub.ask(publish2("c/d", b"dropped", 3)), ack(0x50, 3))
        pub.s.close()
        b = self.restart(b, "mosquitto", "durable", "kill")
        pub = Raw(b.port(), "clean-pub", clean=True)  # takes over and discards the session
        self.assertEqual(pub.connack, b"\x20\x02\x00\x00")
        pub.close()
        b = self.restart(b, "mosquitto", "durable", "kill")
        pub = Raw(b.port(), "clean-pub", clean=False)
        self.assertEqual(pub.connack, b"\x20\x02\x00\x00")  # nothing came back from disk
        self.assertEqual(pub.ask(ack(0x62, 3)), ack(0x70, 3))
        self.assertEqual(pub.ask(packet(0x32, utf8("c/d") + b"\x00\x04" + b"end")), ack(0x40, 4))
        pub.close()
        sub = Raw(b.port(), "clean-sub", clean=False)
        self.assertEqual(payloads_until(sub, b"end"), [])
        sub.close()

    def test_v5_receive_maximum_bounds_restored_messages(self):
        b = self.start("mosquitto", "durable")  # Receive Maximum 20
        pub = Raw(b.port(), "bound-pub", clean=False, v5=True)
        self.assertEqual((pub.connack[0], pub.connack[2:4]), (0x20, b"\x00\x00"))
        for pid in range(1, 21):
            self.assertEqual(pub.ask(publish2("e/f", b"x", pid, v5=True))[:4], ack(0x50, pid))
        pub.s.close()
        b = self.restart(b, "mosquitto", "durable", "kill")
        pub = Raw(b.port(), "bound-pub", clean=False, v5=True)
        self.assertEqual(pub.connack[2:4], b"\x01\x00")  # session present, success
        self.assertEqual(pub.ask(ack(0x62, 99)), b"\x70\x03\x00\x63\x92")  # Packet Identifier not found
        self.assertEqual(pub.ask(ack(0x62, 20))[:4], ack(0x70, 20))  # restored: released
        self.assertEqual(pub.ask(publish2("e/f", b"x", 21, v5=True))[:4], ack(0x50, 21))  # 20 again
        answer = pub.ask(publish2("e/f", b"x", 22, v5=True))  # the 21st unreleased
        self.assertEqual((answer[0], answer[2]), (0xE0, 0x93))  # Receive Maximum exceeded
        self.assertEqual(pub.read(), b"")
        pub.s.close()


if __name__ == "__main__":
    base.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
