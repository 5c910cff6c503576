#!/usr/bin/python3
"""mqbroker persistence with real processes and paho-mqtt clients: state
survives a SIGTERM restart (snapshot mode), and in durable mode a SIGKILL in
the middle of a load loses no acknowledged QoS 1/2 message and delivers no
QoS 2 message twice. Damaged data files are refused with a clear error and
left as they are; with persistence_salvage the broker starts from the intact
records and keeps the damaged file aside, byte for byte.

Nothing sleeps: every wait is on an event with a deadline.

Usage: mqbroker_persist_test.py /path/to/mqbroker [unittest options]
"""
import os
import queue
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import paho.mqtt.client as mqtt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as base  # noqa: E402  (Broker and Paho helpers)
from mqbroker_test import TIMEOUT, Broker, Paho  # noqa: E402


def persistent_broker(data, mode, port=0, extra=()):
    b = Broker(["-p", str(port), "-v", "--persistence", "true", "--persistence-location", data,
                "--persistence-mode", mode, *extra])
    b.wait_stderr("persistence loaded")
    return b


def drain_until(client, payload):
    """Messages received until (and without) the one carrying `payload`."""
    got = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        m = client.messages.get(timeout=max(0.1, deadline - time.monotonic()))
        if m.payload == payload:
            return got
        got.append(m)


class Persistence(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="mqbroker_data_")

    def tearDown(self):
        shutil.rmtree(self.data, ignore_errors=True)

    def test_sigterm_restart_keeps_retained_and_queued_messages(self):
        b = persistent_broker(self.data, "snapshot")
        port = b.port()
        s = Paho(port, "keeper", clean=False)
        s.connack()
        self.assertEqual(s.subscribe("q/#", 1), [1])
        s.close()
        p = Paho(port, "pub")
        p.connack()
        p.publish("r/kept", b"retained", 1, retain=True)
        for i in range(3):
            p.publish("q/x", f"queued {i}".encode(), 1)
        p.close()
        self.assertEqual(b.stop(), 0)  # SIGTERM: drains and saves

        b = persistent_broker(self.data, "snapshot", port)
        try:
            s = Paho(port, "keeper", clean=False)
            flags, rc = s.connack()
            self.assertEqual((rc, flags["session present"]), (0, 1))
            self.assertIn("client_id=keeper", b.wait_stderr("client connected"))
            got = [s.message().payload for _ in range(3)]
            self.assertEqual(got, [b"queued 0", b"queued 1", b"queued 2"])
            s.close()
            r = Paho(port, "reader")
            r.connack()
            r.subscribe("r/#", 1)
            m = r.message()
            self.assertEqual((m.topic, m.payload, m.retain), ("r/kept", b"retained", True))
            r.close()
        finally:
            self.assertEqual(b.stop(), 0)

    def test_durable_sigkill_loses_no_acknowledged_message(self):
        n = 300
        b = persistent_broker(self.data, "durable")
        port = b.port()
        s = Paho(port, "durable-sub", clean=False)
        s.connack()
        self.assertEqual(s.subscribe("load/#", 2), [2])
        s.close()

        # The publisher keeps many messages in flight; the broker is killed
        # once half of them are acknowledged.
        p = Paho(port, "durable-pub")
        p.c.max_inflight_messages_set(50)
        p.c.max_queued_messages_set(0)
        p.connack()
        sent = {}
        for i in range(n):
            qos = 1 if i % 2 == 0 else 2
            payload = f"{qos}:{i}".encode()
            sent[p.c.publish(f"load/{qos}", payload, qos).mid] = payload
        acked = set()
        while len(acked) < n // 2:
            acked.add(p.pubacks.get(timeout=TIMEOUT))
        b.proc.send_signal(signal.SIGKILL)
        b.proc.wait(TIMEOUT)
        p.c.loop_stop()  # what arrived before the kill is still counted
        while True:
            try:
                acked.add(p.pubacks.get_nowait())
            except queue.Empty:
                break
        self.assertLess(len(acked), n, "the kill came after the whole load; nothing was in flight")
        acked_payloads = {sent[mid] for mid in acked}

        b2 = persistent_broker(self.data, "durable", port)
        try:
            s = Paho(port, "durable-sub", clean=False)
            flags, rc = s.connack()
            self.assertEqual((rc, flags["session present"]), (0, 1))
            # A marker queued after everything restored arrives last.
            m = Paho(port, "marker")
            m.connack()
            m.publish("load/end", b"end", 1)
            m.close()
            got = [x.payload for x in drain_until(s, b"end")]
            s.close()
            missing = acked_payloads - set(got)
            self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages lost")
            twice = [x for x in set(got) if x.startswith(b"2:") and got.count(x) > 1]
            self.assertEqual(twice, [], "QoS 2 messages delivered twice")
            self.assertTrue(set(got) <= set(sent.values()))
        finally:
            self.assertEqual(b2.stop(), 0)
            base.shutil.rmtree(b.dir, ignore_errors=True)

    def test_damaged_snapshot_is_refused(self):
        with open(os.path.join(self.data, "mqbroker.db"), "wb") as f:
            f.write(b"SQLite format 3\0")
        p = subprocess.run([base.MQBROKER, "-p", "0", "--persistence", "true", "--persistence-location", self.data],
                           capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 1)
        self.assertIn("mqbroker.db: offset 0, magic: not an mqbroker persistence file", p.stderr.decode())

    def test_damaged_durable_log_refuses_to_start_then_salvages(self):
        n = 30
        b = persistent_broker(self.data, "durable")
        port = b.port()
        p = Paho(port, "retainer")
        p.connack()
        for i in range(n):
            p.publish(f"r/{i:02}", f"v{i}".encode(), 1, retain=True)  # acknowledged: in the log
        p.close()
        b.proc.send_signal(signal.SIGKILL)  # no shutdown save: the records stay in the log
        b.proc.wait(TIMEOUT)
        base.shutil.rmtree(b.dir, ignore_errors=True)

        log = os.path.join(self.data, "mqbroker.db.log")
        with open(log, "rb") as f:
            data = bytearray(f.read())
        offsets, at = [], 17  # the frames after the header: u32 length, u32 CRC, body
        while at < len(data):
            offsets.append(at)
            at += 8 + struct.unpack(">I", data[at:at + 4])[0]
        self.assertEqual(len(offsets), n)
        data[offsets[2] + 12] ^= 0x01  # one bit inside record 3's body
        with open(log, "wb") as f:
            f.write(data)

        args = [base.MQBROKER, "-p", "0", "--persistence", "true", "--persistence-location", self.data,
                "--persistence-mode", "durable"]
        r = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode()
        self.assertIn(f"mqbroker.db.log: record 3 at offset {offsets[2]} is damaged", err)
        self.assertIn("29 records are intact, 27 of them after the damage", err)
        self.assertIn("--persistence-salvage true", err)
        with open(log, "rb") as f:
            self.assertEqual(f.read(), bytes(data), "the damaged log was changed")

        b = persistent_broker(self.data, "durable", port, ["--persistence-salvage", "true"])
        try:
            salvaged = [x for x in b.stderr_lines if "salvaging its intact records" in x]  # logged before "loaded"
            self.assertEqual(len(salvaged), 1)
            self.assertIn("records_kept=29", salvaged[0])
            kept = [x for x in os.listdir(self.data) if x.startswith("mqbroker.db.log.damaged-")]
            self.assertEqual(len(kept), 1)
            with open(os.path.join(self.data, kept[0]), "rb") as f:
                self.assertEqual(f.read(), bytes(data), "the kept copy differs from the damaged log")
            s = Paho(port, "reader")
            s.connack()
            s.subscribe("r/#", 1)
            s.publish("r/end", b"end", 1)  # not retained: arrives after every retained message
            got = sorted(m.topic for m in drain_until(s, b"end"))
            s.close()
            self.assertEqual(got, [f"r/{i:02}" for i in range(n) if i != 2])
        finally:
            self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    base.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
