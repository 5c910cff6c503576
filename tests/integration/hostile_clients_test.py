#!/usr/bin/python3
"""Hostile clients against the real mqbroker (started on port 0): a client
that never sends CONNECT, one that sends a byte at a time (slowloris), a
fixed header declaring 256 MB, thousands of malformed packets of every kind
at 3.1.1 and 5.0 while a bystander's subscription keeps working, a
subscriber that never reads while a publisher floods, and 10,000
connections opened and dropped abruptly.

The packets are written here byte by byte from the MQTT 3.1.1 and 5.0
layouts, independently of mq's encoder. Nothing sleeps: every wait is a
socket read or a subscription message with a deadline.

Usage: hostile_clients_test.py /path/to/mqbroker [unittest options]
"""
import os
import queue
import random
import resource
import select
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as mt  # noqa: E402  (the Broker and Paho helpers)
import paho.mqtt.client as mqtt  # noqa: E402

TIMEOUT = mt.TIMEOUT


# Packets, from the specification's byte layouts -----------------------------

def varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def u16(n):
    return struct.pack(">H", n)


def s(text):
    data = text.encode() if isinstance(text, str) else text
    return u16(len(data)) + data


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def props(level, *items):
    """A property list at 5.0 (length then properties); nothing before."""
    if level != 5:
        return b""
    body = b"".join(items)
    return varint(len(body)) + body


def connect(level, client_id, flags=0x02, keep_alive=60):
    return packet(0x10, s("MQTT") + bytes([level, flags]) + u16(keep_alive) + props(level) + s(client_id))


def valid_packets(level):
    """One valid packet a client may send of each kind, by name."""
    p = lambda *items: props(level, *items)  # noqa: E731
    return {
        "publish-qos0": packet(0x30, s("m/a") + p() + b"payload"),
        "publish-qos1": packet(0x32, s("m/b") + u16(1) + p(b"\x01\x01") + b"x"),
        "publish-qos2": packet(0x34, s("m/c") + u16(2) + p() + b"y"),
        "subscribe": packet(0x82, u16(3) + p() + s("m/+") + b"\x01"),
        "unsubscribe": packet(0xA2, u16(4) + p() + s("m/+")),
        "puback": packet(0x40, u16(5)),
        "pubrec": packet(0x50, u16(6)),
        "pubrel": packet(0x62, u16(7)),
        "pubcomp": packet(0x70, u16(8)),
        "pingreq": packet(0xC0, b""),
    }


def malformed_packets(level):
    """Packets that break a rule, with the 5.0 DISCONNECT reasons allowed:
    0x81 Malformed Packet, 0x82 Protocol Error, 0x90 Topic Name invalid,
    0x94 Topic Alias invalid, 0x95 Packet too large."""
    p = lambda *items: props(level, *items)  # noqa: E731
    bad = {0x81, 0x82}
    cases = {}
    for i, topic in enumerate(["a/+", "#", "+", "a/#/b", "a/b/#"]):
        cases[f"publish-wildcard-{i}"] = (packet(0x30, s(topic) + p() + b"x"), bad | {0x90})
    for i, topic in enumerate([b"\xff", b"a\xc0\x80", b"\xed\xa0\x80", b"a\x00b", b"\xf4\x90\x80\x80", b"\xe0\x80"]):
        cases[f"publish-bad-utf8-{i}"] = (packet(0x30, s(topic) + p() + b"x"), {0x81})
        cases[f"subscribe-bad-utf8-{i}"] = (packet(0x82, u16(1) + p() + s(topic) + b"\x00"), {0x81})
        cases[f"unsubscribe-bad-utf8-{i}"] = (packet(0xA2, u16(1) + p() + s(topic)), {0x81})
    for qos_bits in (0x06, 0x0E, 0x07):
        cases[f"publish-qos3-{qos_bits:x}"] = (packet(0x30 | qos_bits, s("t") + u16(1) + p() + b"x"), {0x81})
    cases["publish-dup-qos0"] = (packet(0x38, s("t") + p() + b"x"), {0x81})
    for qos_bits in (0x02, 0x04):
        cases[f"publish-packet-id-0-{qos_bits:x}"] = (packet(0x30 | qos_bits, s("t") + u16(0) + p() + b"x"), bad)
    cases["publish-topic-length-overruns"] = (packet(0x30, u16(40) + b"abc"), {0x81})
    cases["publish-no-topic"] = (packet(0x30, b""), {0x81})
    for first in (0x80, 0x83, 0x8A, 0xA0, 0xA3, 0x41, 0x51, 0x60, 0x63, 0x71, 0xC1, 0xE1, 0xEF):
        body = {0x8: u16(1) + p() + s("t") + b"\x00", 0xA: u16(1) + p() + s("t")}.get(first >> 4, u16(1))
        if first >> 4 == 0xC or first >> 4 == 0xE:
            body = b""
        cases[f"reserved-flags-{first:02x}"] = (packet(first, body), {0x81})
    cases["subscribe-packet-id-0"] = (packet(0x82, u16(0) + p() + s("t") + b"\x00"), bad)
    cases["subscribe-no-filters"] = (packet(0x82, u16(1) + p()), bad)
    cases["subscribe-qos3"] = (packet(0x82, u16(1) + p() + s("t") + b"\x03"), bad)
    cases["subscribe-reserved-option-bits"] = (packet(0x82, u16(1) + p() + s("t") + b"\xc0"), {0x81})
    for i, f in enumerate(["a/#/b", "a+", "#a", "a/b#", "+a/b"]):
        cases[f"subscribe-bad-filter-{i}"] = (packet(0x82, u16(1) + p() + s(f) + b"\x00"), bad)
    cases["unsubscribe-packet-id-0"] = (packet(0xA2, u16(0) + p() + s("t")), bad)
    cases["unsubscribe-no-filters"] = (packet(0xA2, u16(1) + p()), bad)
    cases["puback-packet-id-0"] = (packet(0x40, u16(0)), bad)
    cases["puback-short"] = (packet(0x40, b"\x01"), {0x81})
    cases["pingreq-with-body"] = (packet(0xC0, b"\x00"), {0x81})
    cases["remaining-length-5-bytes"] = (b"\x30\xff\xff\xff\xff\x7f", {0x81})
    cases["remaining-length-non-minimal-zero"] = (b"\xc0\x80\x00", {0x81})
    cases["second-connect"] = (connect(level, "again"), {0x82})
    cases["packet-type-0"] = (b"\x00\x00", bad)
    for name, first in (("connack", 0x20), ("suback", 0x90), ("unsuback", 0xB0), ("pingresp", 0xD0)):
        cases[f"server-only-{name}"] = (packet(first, b"\x00\x01\x00" if first != 0xD0 else b""), bad)
    if level == 5:
        pub = lambda *items: packet(0x30, s("t") + props(5, *items) + b"x")  # noqa: E731
        cases["property-duplicate-format"] = (pub(b"\x01\x01", b"\x01\x01"), {0x82})
        cases["property-duplicate-expiry"] = (pub(b"\x02\x00\x00\x00\x01", b"\x02\x00\x00\x00\x02"), {0x82})
        cases["property-duplicate-content-type"] = (pub(b"\x03" + s("a"), b"\x03" + s("b")), {0x82})
        cases["property-wrong-packet-session-expiry"] = (pub(b"\x11\x00\x00\x00\x01"), {0x81})
        cases["property-wrong-packet-assigned-id"] = (pub(b"\x12" + s("x")), {0x81})
        cases["property-wrong-packet-receive-max"] = (pub(b"\x21\x00\x05"), {0x81})
        cases["property-subscription-id-from-client"] = (pub(b"\x0b\x01"), bad)
        cases["property-unknown-id"] = (pub(b"\x7f\x00"), bad)
        cases["property-length-overruns"] = (packet(0x30, s("t") + b"\x0a\x01"), {0x81})
        cases["property-format-indicator-2"] = (pub(b"\x01\x02"), bad)
        cases["property-bad-utf8-content-type"] = (pub(b"\x03" + s(b"\xff")), {0x81})
        cases["topic-alias-0"] = (pub(b"\x23\x00\x00"), {0x82, 0x94})
        cases["topic-alias-too-high"] = (pub(b"\x23\xff\xff"), {0x82, 0x94})
        cases["empty-topic-unknown-alias"] = (packet(0x30, s("") + props(5, b"\x23\x00\x01") + b"x"), {0x82, 0x94})
        cases["empty-topic-no-alias"] = (packet(0x30, s("") + props(5) + b"x"), {0x82, 0x94, 0x90})
        cases["subscribe-duplicate-sub-id"] = (packet(0x82, u16(1) + props(5, b"\x0b\x01", b"\x0b\x02") + s("t") + b"\x00"),
                                               {0x82})
        # A property not valid for its packet is malformed everywhere (5.0 section 2.2.2.2).
        cases["subscribe-property-topic-alias"] = (packet(0x82, u16(1) + props(5, b"\x23\x00\x01") + s("t") + b"\x00"),
                                                   {0x81})
        cases["unsubscribe-property-content-type"] = (packet(0xA2, u16(1) + props(5, b"\x03" + s("a")) + s("t")), {0x81})
        cases["subscribe-sub-id-0"] = (packet(0x82, u16(1) + props(5, b"\x0b\x00") + s("t") + b"\x00"), bad)
        cases["subscribe-retain-handling-3"] = (packet(0x82, u16(1) + props(5) + s("t") + b"\x30"), {0x82})
        cases["puback-bad-reason"] = (packet(0x40, u16(1) + b"\x05"), bad)
        cases["disconnect-bad-reason"] = (packet(0xE0, b"\x05"), bad)
        cases["auth-without-method"] = (packet(0xF0, b"\x18\x00"), bad)
    else:
        cases["auth-before-5"] = (packet(0xF0, b""), bad)
        cases["puback-extra-bytes"] = (packet(0x40, u16(1) + b"\x00"), {0x81})
    return cases


def mutations(level, rng, count):
    """`count` valid packets with one byte changed or the body cut short
    (remaining length to match), by name. The framing stays whole: a packet
    still waiting for bytes is not an error yet, so nothing would answer."""
    valid = list(valid_packets(level).items())
    out = {}
    for i in range(count):
        name, pkt = valid[i % len(valid)]
        first, body = pkt[0], bytearray(pkt[2:])  # every valid packet here is under 128 bytes
        if rng.randrange(3) and body:
            pos = rng.randrange(len(body))
            body[pos] = rng.choice([0x00, 0xFF, 0x80, body[pos] ^ (1 << rng.randrange(8))])
        elif rng.randrange(2) or not body:
            first ^= 1 << rng.randrange(8)
        else:
            body = body[:rng.randrange(len(body))]
        out[f"{name}-mutation-{i}"] = packet(first, bytes(body))
    return out


# A raw client -------------------------------------------------------------------

class Raw:
    """A TCP connection that reads whole packets with a deadline."""

    def __init__(self, port, deadline=TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=deadline)
        self.deadline = time.monotonic() + deadline
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        """At least `n` bytes buffered; False when the peer closed first."""
        while len(self.buf) < n:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("mqbroker neither answered nor closed in time")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            except socket.timeout:
                continue
            if not chunk:
                return False
            self.buf += chunk
        return True

    def read(self):
        """(first byte, body) of the next packet, or None when the broker closed."""
        if not self._fill(2):
            return None
        length, mult, i = 0, 1, 1
        while True:
            if not self._fill(i + 1):
                return None
            b = self.buf[i]
            length += (b & 0x7F) * mult
            mult *= 128
            i += 1
            if not b & 0x80:
                break
        if not self._fill(i + length):
            return None
        first, body = self.buf[0], self.buf[i:i + length]
        self.buf = self.buf[i + length:]
        return first, body

    def closed(self):
        """True when the broker closes without sending anything more."""
        return self.read() is None

    def close(self):
        self.sock.close()


def connected(port, level, client_id):
    """A raw client past a successful CONNACK."""
    c = Raw(port)
    c.send(connect(level, client_id))
    ack = c.read()
    assert ack is not None and ack[0] == 0x20, ack
    assert ack[1][1] == 0, f"CONNACK refused: {ack[1].hex()}"
    return c


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {key} in /proc/{pid}/status")


def rss_kb(pid):
    return proc_status(pid, "VmRSS")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class QuietBroker(mt.Broker):
    """mqbroker whose stderr is drained by a thread (thousands of refusals
    would otherwise fill the pipe and block it). Under AddressSanitizer the
    quarantine of freed memory is kept small so that RSS measures the broker,
    not the sanitizer."""

    def __init__(self, args, config=None):
        asan = os.environ.get("ASAN_OPTIONS", "")
        os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=4:malloc_context_size=5"
        try:
            super().__init__(args, config)
        finally:
            os.environ["ASAN_OPTIONS"] = asan
            if not asan:
                del os.environ["ASAN_OPTIONS"]
        self.log = []
        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line.decode(errors="replace"))

    def alive(self):
        return self.proc.poll() is None


class Bystander:
    """A paho subscriber on bystander/# that must keep its connection."""

    def __init__(self, port):
        self.p = mt.Paho(port, client_id="bystander", version=mqtt.MQTTv5)
        self.disconnects = 0
        self.p.c.on_disconnect = lambda *a: self._lost()
        assert self.p.connack()[1] == 0
        assert self.p.subscribe("bystander/#", 1) == [1]

    def _lost(self):
        self.disconnects += 1

    def still_receives(self, port, tag):
        pub = connected(port, 4, f"bystander-pub-{tag}")
        pub.send(packet(0x32, s("bystander/t") + u16(1) + tag.encode()))
        assert pub.read()[0] == 0x40
        pub.close()
        try:
            m = self.p.message()
        except queue.Empty:
            raise AssertionError(f"the bystander got nothing within {TIMEOUT} s; "
                                 f"it lost its connection {self.disconnects} times") from None
        return m.topic == "bystander/t" and m.payload == tag.encode() and self.disconnects == 0

    def close(self):
        self.p.close()


# Tests --------------------------------------------------------------------------

class Timeouts(unittest.TestCase):
    """connect_timeout ends connections that do not complete CONNECT in time."""

    CONNECT_TIMEOUT = 2

    @classmethod
    def setUpClass(cls):
        cls.broker = QuietBroker(["-p", "0", "--connect-timeout", str(cls.CONNECT_TIMEOUT),
                                  "--max-packet-size", "1048576"])
        cls.port = cls.broker.port()
        cls.roomy = QuietBroker(["-p", "0", "--connect-timeout", str(cls.CONNECT_TIMEOUT)])

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        assert cls.roomy.stop() == 0

    def assert_closed_within_timeout(self, c, started):
        self.assertTrue(c.closed())
        took = time.monotonic() - started
        self.assertGreaterEqual(took, self.CONNECT_TIMEOUT - 0.1)
        self.assertLess(took, self.CONNECT_TIMEOUT + 3)

    def test_silent_client_closed_after_connect_timeout(self):
        started = time.monotonic()
        c = Raw(self.port)
        self.assert_closed_within_timeout(c, started)
        c.close()

    def test_slowloris_bounded_by_connect_timeout(self):
        """A CONNECT sent a byte every 0.3 s never completes in time."""
        started = time.monotonic()
        c = Raw(self.port)
        pending = connect(4, "slowloris")
        closed = False
        while pending and not closed:
            try:
                c.send(pending[:1])
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            pending = pending[1:]
            # The pacing wait doubles as the wait for the close.
            r, _, _ = select.select([c.sock], [], [], 0.3)
            closed = bool(r) and c.closed()
        if not closed:
            closed = c.closed()
        self.assertTrue(closed)
        took = time.monotonic() - started
        self.assertLess(took, self.CONNECT_TIMEOUT + 3)
        self.assertTrue(pending, "the whole CONNECT went out before the broker closed")
        c.close()

    def test_256mb_header_closed_without_allocation(self):
        """Above max_packet_size: closed at the fixed header. Without a limit:
        the bytes are not reserved ahead, and the connect timeout ends it."""
        header = b"\x10" + varint(256 * 1024 * 1024)
        for broker in (self.broker, self.roomy):
            with self.subTest(limited=broker is self.broker):
                before = rss_kb(broker.proc.pid)
                started = time.monotonic()
                c = Raw(broker.port())
                try:
                    c.send(header + bytes(64 * 1024))
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.assertTrue(c.closed())
                if broker is self.broker:
                    self.assertLess(time.monotonic() - started, self.CONNECT_TIMEOUT - 0.5)
                grown = rss_kb(broker.proc.pid) - before
                self.assertLess(grown, 32 * 1024, f"RSS grew by {grown} kB")
                c.close()
                self.assertTrue(broker.alive())


class Malformed(unittest.TestCase):
    """Every malformed packet ends its connection the way the specification
    says (5.0: DISCONNECT with the reason, then close; 3.1.1: close), the
    broker stays up and a bystander keeps receiving."""

    @classmethod
    def setUpClass(cls):
        cls.broker = QuietBroker(["-p", "0"])
        cls.port = cls.broker.port()
        cls.bystander = Bystander(cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.bystander.close()
        assert cls.broker.stop() == 0

    def outcome(self, level, data, name):
        """(DISCONNECT reason or None, closed) after `data` and a PINGREQ."""
        c = connected(self.port, level, f"hostile-{level}-{name}"[:60])
        try:
            c.send(data + packet(0xC0, b""))
        except (BrokenPipeError, ConnectionResetError):
            pass
        reason = None
        while True:
            got = c.read()
            if got is None:
                c.close()
                return reason, True
            first, body = got
            if first == 0xD0:
                c.close()
                return reason, False
            if first == 0xE0:
                reason = body[0] if body else 0
            # Anything else (an acknowledgement of a packet that was valid after all) is read past.

    def test_generated_malformed_packets(self):
        for level in (4, 5):
            for name, (data, reasons) in malformed_packets(level).items():
                with self.subTest(level=level, case=name):
                    reason, closed = self.outcome(level, data, name)
                    self.assertTrue(closed, f"{data.hex()} left the connection open")
                    if level == 5:
                        self.assertIn(reason, reasons, f"{data.hex()}: DISCONNECT reason {reason}")
                    else:
                        self.assertIsNone(reason)
        self.assertTrue(self.broker.alive())
        self.assertTrue(self.bystander.still_receives(self.port, "after-generated"))

    def test_thousands_of_mutated_packets(self):
        rng = random.Random(20261130)
        total = 0
        for level in (4, 5):
            for name, data in mutations(level, rng, 900).items():
                try:
                    reason, closed = self.outcome(level, data, name)
                except AssertionError as e:
                    raise AssertionError(f"{name} {data.hex()}: {e}") from None
                if reason is not None:
                    self.assertGreaterEqual(reason, 0x80, f"{data.hex()}: DISCONNECT reason {reason}")
                    self.assertTrue(closed, f"{data.hex()}: DISCONNECT without closing")
                total += 1
            self.assertTrue(self.broker.alive())
            self.assertTrue(self.bystander.still_receives(self.port, f"after-mutations-{level}"))
        self.assertEqual(total, 1800)

    def test_malformed_connect_refused_or_closed(self):
        cases = {
            "bad-protocol-name": (packet(0x10, s("MQTX") + b"\x04\x02" + u16(60) + s("c")), None),
            "level-6": (packet(0x10, s("MQTT") + b"\x06\x02" + u16(60) + s("c")), 0x84),
            "reserved-flag": (packet(0x10, s("MQTT") + b"\x04\x03" + u16(60) + s("c")), None),
            "will-qos-3": (packet(0x10, s("MQTT") + b"\x04\x1e" + u16(60) + s("c") + s("w") + s("m")), None),
            "bad-utf8-client-id": (packet(0x10, s("MQTT") + b"\x04\x02" + u16(60) + s(b"\xff")), None),
            "password-without-user-311": (packet(0x10, s("MQTT") + b"\x04\x42" + u16(60) + s("c") + s("p")), None),
            "v5-duplicate-property": (packet(0x10, s("MQTT") + b"\x05\x02" + u16(60) +
                                             props(5, b"\x11\x00\x00\x00\x01", b"\x11\x00\x00\x00\x02") + s("c")), 0x82),
            "v5-bad-utf8-client-id": (packet(0x10, s("MQTT") + b"\x05\x02" + u16(60) + props(5) + s(b"\xc0")), 0x81),
            "not-connect-first": (packet(0x30, s("t") + b"x"), None),
        }
        for name, (data, connack) in cases.items():
            with self.subTest(case=name):
                c = Raw(self.port)
                c.send(data)
                got = c.read()
                if connack is None:
                    # 3.1.1 [MQTT-3.1.4-1]: close; a return code is allowed for a bad level only.
                    self.assertTrue(got is None or (got[0] == 0x20 and got[1][1] != 0), got)
                else:
                    self.assertIsNotNone(got)
                    self.assertEqual(got[0], 0x20)
                    code = got[1][1]
                    self.assertEqual(code, connack, f"CONNACK {got[1].hex()}")
                self.assertTrue(c.closed())
                c.close()
        self.assertTrue(self.bystander.still_receives(self.port, "after-connects"))


class SlowSubscriber(unittest.TestCase):
    """A subscriber that never reads does not hold up the others: its QoS 0
    messages are dropped (and counted in $SYS), memory stays bounded."""

    def test_flood_past_a_subscriber_that_never_reads(self):
        broker = QuietBroker(["-p", "0", "--sys-interval", "1"])
        try:
            port = broker.port()
            stuck = connected(port, 4, "never-reads")
            stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stuck.send(packet(0x82, u16(1) + s("flood/#") + b"\x00"))
            self.assertEqual(stuck.read()[0], 0x90)
            reader = mt.Paho(port, client_id="reader")
            self.assertEqual(reader.connack()[1], 0)
            self.assertEqual(reader.subscribe("flood/end", 1), [1])
            dropped = queue.Queue()
            watcher = mt.Paho(port, client_id="watcher")
            watcher.connack()
            watcher.c.on_message = lambda c, u, m: dropped.put(int(m.payload))
            watcher.subscribe("$SYS/broker/messages/dropped", 0)
            before = rss_kb(broker.proc.pid)

            pub = connected(port, 4, "flooder")
            chunk = b"".join(packet(0x30, s("flood/data") + bytes(1000)) for _ in range(64))
            started = time.monotonic()
            total = 0
            # Well past what the stuck socket and the broker's high-water mark hold.
            while total < 40 * 1024 * 1024:
                pub.sock.settimeout(max(0.1, started + 15 - time.monotonic()))
                try:
                    pub.sock.sendall(chunk)
                except socket.timeout:
                    self.fail(f"the publisher was held up after {total} bytes")
                total += len(chunk)
            pub.send(packet(0x32, s("flood/end") + u16(1) + b"end"))
            self.assertEqual(pub.read()[0], 0x40)
            self.assertEqual(reader.message().payload, b"end")
            self.assertLess(time.monotonic() - started, 15, "the other subscriber was held up")
            grown = rss_kb(broker.proc.pid) - before
            self.assertLess(grown, 128 * 1024, f"RSS grew by {grown} kB")
            deadline = time.monotonic() + TIMEOUT
            count = 0
            while count == 0:
                count = dropped.get(timeout=max(0.1, deadline - time.monotonic()))
            self.assertGreater(count, 0)
            for c in (reader, watcher):
                c.close()
            pub.close()
            stuck.close()
        finally:
            self.assertEqual(broker.stop(), 0)


class ConnectionLimit(unittest.TestCase):
    """A listener's max_connections: the client over it is told so by
    CONNACK (5.0 reason 0x97 Quota exceeded, 3.1.1 return code 3 Server
    unavailable) before the socket closes, and a place freed is taken again."""

    def test_over_max_connections_refused_with_connack(self):
        broker = QuietBroker([], config="listener 0 127.0.0.1\nmax_connections 2\nallow_anonymous true\n")
        try:
            port = broker.port()
            held = [connected(port, 4, "held-1"), connected(port, 5, "held-2")]
            for level, code in ((5, 0x97), (4, 3)):
                with self.subTest(level=level):
                    c = Raw(port)
                    c.send(connect(level, f"over-{level}"))
                    ack = c.read()
                    self.assertIsNotNone(ack, "closed without CONNACK")
                    self.assertEqual(ack[0], 0x20)
                    self.assertEqual(ack[1][1], code)
                    self.assertTrue(c.closed())
                    c.close()
            held.pop().close()
            # The freed place is taken once the broker has seen the close.
            deadline = time.monotonic() + TIMEOUT
            while True:
                c = Raw(port)
                c.send(connect(4, "again"))
                ack = c.read()
                c.close()
                if ack is not None and ack[1][1] == 0:
                    break
                self.assertLess(time.monotonic(), deadline, "the freed place was never given again")
            for c in held:
                c.close()
        finally:
            self.assertEqual(broker.stop(), 0)


def connect_as(client_id, user, password, keep_alive=60):
    """A 3.1.1 CONNECT with a user name and password."""
    return packet(0x10, s("MQTT") + bytes([4, 0xC2]) + u16(keep_alive) + s(client_id) + s(user) + s(password))


class PasswordFlood(unittest.TestCase):
    """Wrong passwords for an existing user cost PBKDF2 time: it is spent off
    the event loop, bounded per source address, so a bystander's PINGREQ is
    answered promptly and its keep alive holds; an unknown user costs as
    much as a known one, so timing does not reveal user names."""

    @classmethod
    def setUpClass(cls):
        cls.d = mt.tempfile.mkdtemp(prefix="mq_hostile_pw_")
        cls.pw = os.path.join(cls.d, "pw")
        p = mt.subprocess.run([mt.MQBROKER, "passwd", cls.pw, "add", "alice", "alice-pw"], capture_output=True,
                              timeout=TIMEOUT)
        assert p.returncode == 0, p.stderr
        cls.broker = QuietBroker([], config=f"listener 0 127.0.0.1\npassword_file {cls.pw}\n")
        cls.port = cls.broker.port()

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        mt.shutil.rmtree(cls.d, ignore_errors=True)

    def connack_time(self, user, password):
        started = time.monotonic()
        c = Raw(self.port)
        c.send(connect_as("timed", user, password))
        ack = c.read()
        took = time.monotonic() - started
        c.close()
        self.assertEqual((ack[0], ack[1][1]), (0x20, 4))  # bad user name or password
        return took

    def test_wrong_passwords_do_not_stall_a_bystander(self):
        bystander = Raw(self.port)
        bystander.send(connect_as("bystander", "alice", "alice-pw", keep_alive=2))
        self.assertEqual(bystander.read(), (0x20, b"\x00\x00"))
        attackers = []
        for i in range(40):
            a = Raw(self.port)
            a.send(connect_as(f"guess-{i}", "alice", f"wrong-{i}"))
            attackers.append(a)
        worst = 0.0
        for _ in range(10):
            started = time.monotonic()
            bystander.send(b"\xC0\x00")
            self.assertEqual(bystander.read(), (0xD0, b""))
            worst = max(worst, time.monotonic() - started)
        codes = []
        for a in attackers:
            ack = a.read()
            self.assertIsNotNone(ack)
            codes.append(ack[1][1])
            a.close()
        # Refused as wrong (4) or, past the per-source bound, as busy (3).
        self.assertEqual(set(codes) - {3, 4}, set(), codes)
        self.assertIn(4, codes)
        self.assertLess(worst, 1.0, f"PINGREQ took {worst:.2f} s while passwords were checked")
        bystander.send(b"\xC0\x00")
        self.assertEqual(bystander.read(), (0xD0, b""))
        bystander.close()

    def test_unknown_user_costs_as_much_as_a_known_one(self):
        known = min(self.connack_time("alice", "wrong") for _ in range(3))
        unknown = min(self.connack_time("nobody", "wrong") for _ in range(3))
        self.assertGreater(known, 0.01, "a PBKDF2 check with 210,000 rounds cannot be this fast")
        self.assertGreater(unknown, known / 3, f"unknown user {unknown * 1000:.1f} ms, known {known * 1000:.1f} ms")


class SendersThatNeverRead(unittest.TestCase):
    """Clients that send without reading what the broker answers: every byte
    queued for them counts toward their backlog, whatever the packet, and
    past 64 MiB (kMaxQueuedOutput) they are cut off at once; WebSocket pings
    go unanswered while output is backed up. The broker's RSS stays under a
    stated bound and a bystander keeps working."""

    RSS_BOUND_KB = 200 * 1024  # 64 MiB of queue plus slack for the allocator
    FLOOD_DEADLINE = 120

    @classmethod
    def setUpClass(cls):
        cls.broker = QuietBroker([], config="allow_anonymous true\nlistener 0 127.0.0.1\n"
                                            "listener 0 127.0.0.1\nprotocol websockets\n")
        cls.port = cls.broker.port("mqtt")
        cls.ws_port = cls.broker.port("ws")

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0

    def flood(self, sock, chunk, seconds=None):
        """Sends `chunk` until the broker closes (or for `seconds`); the highest
        RSS seen (kB) and the time it took."""
        pid = self.broker.proc.pid
        base = rss_kb(pid)
        peak = base
        started = time.monotonic()
        sock.settimeout(1)
        sent = 0
        while time.monotonic() - started < (seconds or self.FLOOD_DEADLINE):
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            except socket.timeout:
                pass  # the broker is not reading just now: look again
            sent += 1
            if sent % 16 == 0:
                peak = max(peak, rss_kb(pid))
                if peak - base >= self.RSS_BOUND_KB:
                    break  # over the bound already: stop before the machine suffers
        else:
            if not seconds:
                self.fail(f"still connected after {self.FLOOD_DEADLINE} s of flooding")
        peak = max(peak, rss_kb(pid))
        return peak - base, time.monotonic() - started

    def check_flood(self, sock, chunk, tag, seconds=None):
        bystander = Bystander(self.port)
        try:
            grown, took = self.flood(sock, chunk, seconds)
            self.assertLess(grown, self.RSS_BOUND_KB, f"RSS grew by {grown} kB in {took:.1f} s")
            self.assertTrue(self.broker.alive())
            self.assertTrue(bystander.still_receives(self.port, tag))
            if not seconds:
                self.assertTrue(any("does not read" in line for line in self.broker.log), self.broker.log[-5:])
        finally:
            bystander.close()
            sock.close()

    def test_pingreq_flood_from_a_client_that_never_reads(self):
        c = connected(self.port, 4, "pinger")
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.check_flood(c.sock, b"\xC0\x00" * 32768, "after-pingreq-flood")

    def test_websocket_ping_flood_from_a_client_that_never_reads(self):
        k = socket.create_connection(("127.0.0.1", self.ws_port), timeout=TIMEOUT)
        k.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        k.sendall(b"GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                  b"Sec-WebSocket-Protocol: mqtt\r\n\r\n")
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = k.recv(4096)
            self.assertTrue(chunk, "the WebSocket handshake was refused")
            reply += chunk
        self.assertTrue(reply.startswith(b"HTTP/1.1 101"), reply)
        # Masked ping frames with 125-byte payloads, as fast as they go.
        mask = b"\x01\x02\x03\x04"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(b"p" * 125))
        # Pings are not answered while output is backed up (RFC 6455 5.5.3),
        # so the flood costs nothing: ten seconds of it must not grow the RSS.
        self.check_flood(k, (b"\x89\xFD" + mask + payload) * 512, "after-ws-ping-flood", seconds=10)


class HugeDeclaredPackets(unittest.TestCase):
    """Clients that each declare a 256 MB PUBLISH and send it slowly: the
    partly received packets of all clients together stay within
    input_buffer_budget (16 MiB here); a client over its share when it is
    exceeded is disconnected with a log line, and a bystander keeps working."""

    BUDGET = 16 * 1024 * 1024

    def test_many_slow_huge_packets_stay_within_the_input_budget(self):
        broker = QuietBroker(["-p", "0", "--input-buffer-budget", str(self.BUDGET)])
        try:
            port = broker.port()
            pid = broker.proc.pid
            bystander = Bystander(port)
            base = rss_kb(pid)
            senders = [connected(port, 4, f"huge-{i}") for i in range(6)]
            for c in senders:
                c.sock.settimeout(TIMEOUT)
                c.send(b"\x30" + varint(268_435_455 - 5) + s("big/t"))
            chunk = b"x" * (256 * 1024)
            closed = set()
            for _ in range(32):  # up to 8 MiB each, 48 MiB in all: three times the budget
                for i, c in enumerate(senders):
                    if i in closed:
                        continue
                    try:
                        c.sock.sendall(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        closed.add(i)
            grown = rss_kb(pid) - base
            self.assertTrue(closed, "no sender was cut off")
            self.assertLess(grown, 3 * self.BUDGET // 1024, f"RSS grew by {grown} kB")
            self.assertTrue(broker.alive())
            self.assertTrue(bystander.still_receives(port, "after-huge-packets"))
            self.assertTrue(any("share of input_buffer_budget" in line for line in broker.log), broker.log[-5:])
            for c in senders:
                c.close()
            bystander.close()
        finally:
            self.assertEqual(broker.stop(), 0)


class AliasTables(unittest.TestCase):
    """Subscribers allowing 65535 topic aliases, and many long distinct
    topics: each connection's outgoing alias table keeps at most
    max_alias_bytes_out (64 KiB) of topics, so memory does not grow with
    subscribers times topics."""

    SUBSCRIBERS = 10
    TOPICS = 150
    TOPIC_BYTES = 60_000
    RSS_BOUND_KB = 45 * 1024  # without the bound the tables alone hold about 88 MB

    def test_long_topics_to_alias_hungry_subscribers_stay_bounded(self):
        broker = QuietBroker(["-p", "0"])
        try:
            port = broker.port()
            pid = broker.proc.pid
            base = rss_kb(pid)
            subs = []
            for i in range(self.SUBSCRIBERS):
                c = Raw(port)
                c.send(packet(0x10, s("MQTT") + bytes([5, 0x02]) + u16(60) + props(5, b"\x22\xff\xff") + s(f"alias-{i}")))
                self.assertEqual(c.read()[0], 0x20)
                c.send(packet(0x82, u16(1) + props(5) + s("#") + b"\x00"))
                self.assertEqual(c.read()[0], 0x90)
                subs.append(c)
            counts = [0] * len(subs)
            progress = threading.Condition()

            def drain(i):
                while counts[i] < self.TOPICS:
                    p = subs[i].read()
                    if p is None:
                        return
                    if p[0] >> 4 == 3:
                        with progress:
                            counts[i] += 1
                            progress.notify_all()
            readers = [threading.Thread(target=drain, args=(i,), daemon=True) for i in range(len(subs))]
            for r in readers:
                r.start()
            pub = connected(port, 5, "alias-pub")
            for t in range(self.TOPICS):
                topic = f"{t:05d}/" + "x" * (self.TOPIC_BYTES - 6)
                pub.send(packet(0x30, s(topic) + props(5) + b"m"))
                # Paced to the readers, so no subscriber is backlogged (QoS 0 would be dropped).
                with progress:
                    self.assertTrue(progress.wait_for(lambda: min(counts) >= t - 16, timeout=TIMEOUT))
            for r in readers:
                r.join(TIMEOUT)
            self.assertEqual(counts, [self.TOPICS] * len(subs))
            grown = rss_kb(pid) - base
            self.assertLess(grown, self.RSS_BOUND_KB, f"RSS grew by {grown} kB")
            for c in subs + [pub]:
                c.close()
        finally:
            self.assertEqual(broker.stop(), 0)


class ConnectionChurn(unittest.TestCase):
    """10,000 connections opened and dropped abruptly, in rounds: the
    broker's file descriptors come back to their baseline and its memory
    stops growing."""

    TOTAL = 10_000

    def test_open_and_drop_in_rounds(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 4096 and hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
            soft = min(hard, 4096)
        per_round = max(100, min(2500, soft - 200))
        broker = QuietBroker(["-p", "0", "--sys-interval", "1"])
        try:
            port = broker.port()
            pid = broker.proc.pid
            opened = queue.Queue()
            watcher = mt.Paho(port, client_id="churn-watcher")
            watcher.connack()
            watcher.c.on_message = lambda c, u, m: opened.put(int(m.payload))
            watcher.subscribe("$SYS/broker/connections/open", 0)
            base_fds = fd_count(pid)
            rss = []
            done = 0
            hello = connect(4, "")
            while done < self.TOTAL:
                n = min(per_round, self.TOTAL - done)
                socks = []
                for i in range(n):
                    k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    k.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    k.connect(("127.0.0.1", port))
                    if i % 2:
                        k.send(hello)  # half of them get as far as CONNECT
                    socks.append(k)
                for k in socks:
                    k.close()  # RST: linger 0
                done += n
                # Wait until $SYS says only the watcher is left.
                deadline = time.monotonic() + TIMEOUT
                while True:
                    self.assertLess(time.monotonic(), deadline, "connections never closed")
                    if opened.get(timeout=max(0.1, deadline - time.monotonic())) <= 1:
                        break
                rss.append(rss_kb(pid))
            self.assertTrue(broker.alive())
            fds = fd_count(pid)
            self.assertLessEqual(fds, base_fds + 2, f"{fds} descriptors open, {base_fds} at the start")
            # Memory may settle in the first rounds; after that it must not keep growing.
            grown = rss[-1] - rss[1]
            self.assertLess(grown, 16 * 1024, f"RSS grew by {grown} kB over rounds: {rss}")
            watcher.close()
        finally:
            self.assertEqual(broker.stop(), 0)


if __name__ == "__main__":
    mt.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
