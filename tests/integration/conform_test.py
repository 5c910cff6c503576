#!/usr/bin/env python3
"""mqbench conform against real brokers, each result pinned per broker:
mqbroker (default, limited, WebSocket and durable profiles: every check
passes), mosquitto 2.0.11 and Aedes (their real faults,
named one by one), and a deliberately broken fake broker (a proxy in front of
mqbroker that answers wrongly in three chosen ways) that must fail exactly the
checks those answers break and no others.

usage: conform_test.py MQBENCH MQBROKER AEDES_BIN
"""

import concurrent.futures
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET

MQBENCH, MQBROKER, AEDES = sys.argv[1:4]
del sys.argv[1:4]
TIMEOUT = 120  # seconds for one whole suite run

# mosquitto 2.0.11's real faults, found by the suite and checked by hand.
MOSQUITTO_FAULTS = {
    # answers PINGREQ with reserved flags 0001 instead of closing [MQTT-2.2.2-2] [MQTT-2.1.3-1]
    ("pingreq.flags", "3.1.1"), ("pingreq.flags", "5.0"),
    # accepts No Local on a shared subscription [MQTT-3.8.3-4]
    ("v5.shared-no-local", "5.0"),
    # accepts a client's PUBLISH carrying a Subscription Identifier [MQTT-3.3.4-6]
    ("v5.publish-subscription-id", "5.0"),
    # sends a PUBLISH one byte over the client's Maximum Packet Size [MQTT-3.1.2-24]
    ("v5.maximum-packet-size", "5.0"),
}
# mosquitto checks keep alive on a coarse timer: a silent client with keep
# alive 1 s was closed after 2.0 to 5.7 s in our runs, so this check passes
# or fails by chance and is left out of the comparison.
MOSQUITTO_TIMING = {("keepalive.close", "3.1.1"), ("keepalive.close", "5.0")}

# Aedes (aedes-cli 1.0.2, aedes 1.2.0) speaks 3.1.1 only; its real faults:
AEDES_FAULTS = {
    ("connect.protocol-level", "3.1.1"),  # closes without CONNACK 0x01 [MQTT-3.1.2-2]
    ("connect.will-qos3", "3.1.1"),  # accepts Will QoS 3 [MQTT-3.1.2-14]
    ("connect.password-without-username", "3.1.1"),  # [MQTT-3.1.2-22]
    ("connect.client-id-utf8", "3.1.1"),  # accepts ill-formed UTF-8 [MQTT-1.5.3-1]
    ("connect.will-topic-utf8", "3.1.1"),  # ... in the will topic [MQTT-3.1.3-10]
    ("connect.username-utf8", "3.1.1"),  # ... in the user name [MQTT-3.1.3-11]
    ("connect.empty-client-id-persistent", "3.1.1"),  # CONNACK 0 instead of 0x02 [MQTT-3.1.3-8]
    ("session.redeliver", "3.1.1"),  # redelivers with DUP 0 [MQTT-3.3.1-1]
    ("publish.topic-utf8", "3.1.1"),  # forwards a topic with a surrogate [MQTT-1.5.3-1]
    ("publish.topic-nul", "3.1.1"),  # forwards a topic with U+0000 [MQTT-1.5.3-2]
    ("publish.packet-id-zero", "3.1.1"),  # answers PUBACK with packet identifier 0 [MQTT-2.3.1-1]
    ("ack.wrong-type", "3.1.1"),  # ignores PUBCOMP for a QoS 1 PUBLISH [MQTT-4.8.0-1]
    ("subscribe.filter-utf8", "3.1.1"),  # grants a filter with ill-formed UTF-8 [MQTT-3.8.3-1]
    ("unsubscribe.filter-utf8", "3.1.1"),  # answers an UNSUBSCRIBE filter with ill-formed UTF-8 [MQTT-3.10.3-1]
    ("unsubscribe.empty", "3.1.1"),  # answers an UNSUBSCRIBE without filters [MQTT-3.10.3-2]
}
# A QoS 0 retained message sent right after a QoS 1 one on the same topic
# usually leaves the older one retained [MQTT-3.3.1-7] (6 runs of 6 alone,
# 1 of 2 within the whole suite): left out of the comparison.
AEDES_VARIES = {("retain.replace", "3.1.1")}

# What the fake broker breaks, and the checks that must fail because of it.
FAKE_FAULTS = {
    # Session Present 1 in the CONNACK of every clean connection
    ("connect.accept", "3.1.1"), ("connect.accept", "5.0"),
    ("session.clean", "3.1.1"), ("session.clean", "5.0"),
    # DUP cleared on every PUBLISH to a client
    ("session.redeliver", "3.1.1"), ("session.redeliver", "5.0"),
    # UNSUBACK with the wrong packet identifier
    ("unsubscribe.flow", "3.1.1"), ("unsubscribe.flow", "5.0"),
}

# 5.0 checks that apply only to brokers lacking a capability.
LIMITS_ONLY = {("v5.maximum-qos", "5.0"), ("v5.will-qos-over-maximum", "5.0"), ("v5.will-retain-unavailable", "5.0")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, deadline=15.0):
    """Connects until the broker listens (bounded); fails early if it exited."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"broker exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            continue
    raise RuntimeError(f"port {port} did not open")


def conform(url, *args):
    """Runs the suite; returns (exit status, JSON document, JUnit tree)."""
    with tempfile.TemporaryDirectory() as d:
        junit = os.path.join(d, "junit.xml")
        p = subprocess.run([MQBENCH, "conform", url, "--json", "-", "--junit", junit, "--quiet", *args],
                           capture_output=True, timeout=TIMEOUT)
        doc = json.loads(p.stdout)
        tree = ET.parse(junit)
    return p.returncode, doc, tree


def outcome(doc, result):
    return {(r["check"], r["mqtt"]) for r in doc["results"] if r["result"] == result}


class MqBroker:
    """mqbroker on port 0 with `args`; `ports` lists the ports it reported."""

    def __init__(self, args, listeners=1):
        self.proc = subprocess.Popen([MQBROKER, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.ports = []
        end = time.monotonic() + 15
        buf = b""
        while len(self.ports) < listeners:
            if time.monotonic() > end or not select.select([self.proc.stdout], [], [], end - time.monotonic())[0]:
                self.stop()
                raise RuntimeError("mqbroker did not report its listeners")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("mqbroker exited")
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                self.ports.append(int(line.split()[2].rsplit(b":", 1)[1]))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()


class FaultyProxy:
    """A fake broker: forwards to an upstream broker and answers wrongly in
    three chosen ways (see FAKE_FAULTS)."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
            state = {"clean": False}
            threading.Thread(target=self.up, args=(client, upstream, state), daemon=True).start()
            threading.Thread(target=self.down, args=(upstream, client, state), daemon=True).start()

    @staticmethod
    def frames(buf):
        """Splits whole packets off `buf`; returns (packets, rest)."""
        out = []
        while len(buf) >= 2:
            length, mult, i = 0, 1, 1
            while i < len(buf) and i <= 4:
                length += (buf[i] & 0x7F) * mult
                mult *= 128
                i += 1
                if not buf[i - 1] & 0x80:
                    break
            else:
                return out, buf
            if len(buf) < i + length:
                break
            out.append(bytearray(buf[: i + length]))
            buf = buf[i + length :]
        return out, buf

    def up(self, src, dst, state):
        first = True
        try:
            while data := src.recv(65536):
                if first and data[0] >> 4 == 1 and len(data) > 9:
                    header = 2 if not data[1] & 0x80 else 3
                    state["clean"] = bool(data[header + 7] & 0x02)
                first = False
                dst.sendall(data)
        except OSError:
            pass
        self.close_both(src, dst)

    def down(self, src, dst, state):
        buf = b""
        try:
            while data := src.recv(65536):
                packets, buf = self.frames(buf + data)
                for p in packets:
                    kind = p[0] >> 4
                    header = len(p) - self.body_length(p)
                    if kind == 2 and state["clean"] and p[header + 1] == 0:
                        p[header] |= 0x01  # Session Present on a clean session
                    elif kind == 3:
                        p[0] &= ~0x08  # DUP cleared
                    elif kind == 11:
                        pid = (p[header] << 8 | p[header + 1]) + 1
                        p[header], p[header + 1] = pid >> 8 & 0xFF, pid & 0xFF  # another packet identifier
                    dst.sendall(bytes(p))
        except OSError:
            pass
        self.close_both(src, dst)

    @staticmethod
    def close_both(*sockets):
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes the other direction's recv and sends FIN
            except OSError:
                pass
            s.close()

    @staticmethod
    def body_length(p):
        length, mult, i = 0, 1, 1
        while True:
            length += (p[i] & 0x7F) * mult
            mult *= 128
            i += 1
            if not p[i - 1] & 0x80:
                return length

    def stop(self):
        self.server.close()


class ConformTest(unittest.TestCase):
    def check_junit(self, doc, tree):
        cases = tree.getroot().findall(".//testcase")
        self.assertEqual(len(cases), len(doc["results"]))
        failures = sum(1 for c in cases if c.find("failure") is not None)
        self.assertEqual(failures, doc["summary"]["failed"])

    def test_catalogue_and_coverage(self):
        p = subprocess.run([MQBENCH, "conform", "--list"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        last = p.stdout.strip().splitlines()[-1]
        self.assertRegex(last, r"^\d+ server-side statement ids checked across both versions$")
        self.assertGreaterEqual(int(last.split()[0]), 150)
        self.assertIn("needs broker cooperation", p.stdout)
        p = subprocess.run([MQBENCH, "conform", "--list", "-k", "3.3.1-5"], capture_output=True, text=True, timeout=30)
        names = [line.split()[0] for line in p.stdout.splitlines() if line and not line.startswith(" ")]
        self.assertEqual(names, ["retain.deliver", "retain.replace"])

    def test_usage_and_unreachable(self):
        p = subprocess.run([MQBENCH, "conform"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("conform needs a broker", p.stderr)
        p = subprocess.run([MQBENCH, "conform", f"mqtt://127.0.0.1:{free_port()}"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(p.returncode, 3)
        self.assertIn("connection refused", p.stderr)

    def test_mqbroker_profiles(self):
        profiles = [
            ("default", ["-p", "0"], "mqtt"),
            ("websockets", ["--listener", "0 127.0.0.1", "--protocol", "websockets"], "ws"),
            ("durable", ["-p", "0", "--persistence", "true", "--persistence-mode", "durable"], "mqtt"),
        ]
        for name, args, scheme in profiles:
            with self.subTest(profile=name), tempfile.TemporaryDirectory() as d:
                if name == "durable":
                    args = args + ["--persistence-location", d]
                broker = MqBroker(args)
                try:
                    rc, doc, tree = conform(f"{scheme}://127.0.0.1:{broker.ports[0]}")
                finally:
                    broker.stop()
                failed = [r for r in doc["results"] if r["result"] == "fail"]
                self.assertEqual(failed, [], json.dumps(failed, indent=1))
                self.assertEqual(outcome(doc, "not_applicable"), LIMITS_ONLY)
                self.assertEqual(rc, 0)
                self.check_junit(doc, tree)

    def test_every_mqbroker_profile_passes(self):
        """Each --profile (mosquitto's choices, the managed services' limits)
        stays within the specification: no check fails, whatever applies."""
        names = ["mosquitto", "aws-iot", "azure-iot-hub", "emqx", "hivemq-ce"]
        brokers = {n: MqBroker(["-p", "0", "--profile", n]) for n in names}
        try:
            with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
                runs = {n: pool.submit(conform, f"mqtt://127.0.0.1:{b.ports[0]}") for n, b in brokers.items()}
                for n in names:
                    with self.subTest(profile=n):
                        rc, doc, _ = runs[n].result()
                        failed = [r for r in doc["results"] if r["result"] == "fail"]
                        self.assertEqual(failed, [], json.dumps(failed, indent=1))
                        self.assertEqual(rc, 0)
                        self.assertGreater(len(outcome(doc, "pass")), 100)
        finally:
            for b in brokers.values():
                b.stop()

    def test_mqbroker_limited(self):
        # Maximum QoS 1, no retained messages, two topic aliases, three
        # messages in flight to a client, packets up to 1000 bytes: the checks
        # needing what is missing do not apply; the limits' own checks run.
        broker = MqBroker(["-p", "0", "--maximum-qos", "1", "--retain-available", "false", "--max-topic-alias", "2",
                           "--max-inflight-messages", "3", "--max-packet-size", "1000"])
        try:
            rc, doc, _ = conform(f"mqtt://127.0.0.1:{broker.ports[0]}")
        finally:
            broker.stop()
        self.assertEqual(outcome(doc, "fail"), set())
        self.assertEqual(rc, 0)
        self.assertTrue(LIMITS_ONLY <= outcome(doc, "pass"), doc["results"])
        na = outcome(doc, "not_applicable")
        self.assertIn(("publish.qos2", "5.0"), na)
        self.assertIn(("retain.deliver", "3.1.1"), na)
        self.assertNotIn(("publish.qos1", "5.0"), na)
        self.assertEqual(doc["broker"]["maximum_qos"], 1)
        self.assertFalse(doc["broker"]["retain"])

    @unittest.skipUnless(shutil.which("mosquitto"), "mosquitto is not installed")
    def test_mosquitto(self):
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)  # mosquitto started as root reads its files as user mosquitto
            port = free_port()
            conf = os.path.join(d, "mosquitto.conf")
            with open(conf, "w") as f:
                f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
            os.chmod(conf, 0o644)
            proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_port(port, proc)
                rc, doc, tree = conform(f"mqtt://127.0.0.1:{port}")
            finally:
                proc.terminate()
                proc.wait(10)
        self.assertEqual(outcome(doc, "fail") - MOSQUITTO_TIMING, MOSQUITTO_FAULTS)
        self.assertEqual(outcome(doc, "not_applicable"), LIMITS_ONLY)
        self.assertEqual(rc, 8)
        self.check_junit(doc, tree)
        choices = {(r["check"], r["mqtt"]): r["choices"] for r in doc["results"]}
        self.assertEqual(choices[("publish.qos2", "5.0")], ["forwarded on PUBREL"])
        # QoS 3 in subscription options: read as malformed, an answer the suite accepts
        self.assertEqual(choices[("subscribe.qos3", "5.0")], ["DISCONNECT 0x81"])
        self.assertEqual(choices[("publish.no-subscribers", "5.0")], ["PUBACK 0x10"])

    @unittest.skipUnless(os.path.exists(AEDES), "aedes-cli is not installed (bash .ci/deps)")
    def test_aedes(self):
        port = free_port()
        proc = subprocess.Popen([AEDES, "start", "--host", "127.0.0.1", "-p", str(port)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            # aedes-cli prints this line once it listens.
            end, out = time.monotonic() + 30, b""
            while b"server listening on port" not in out:
                left = end - time.monotonic()
                if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
                    raise RuntimeError("aedes did not start listening")
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError(f"aedes exited: {out[-300:]!r}")
                out += chunk
            rc, doc, tree = conform(f"mqtt://127.0.0.1:{port}")
        finally:
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
        self.assertEqual(outcome(doc, "fail") - AEDES_VARIES, AEDES_FAULTS)
        self.assertFalse(doc["broker"]["mqtt5"])
        self.assertTrue(all(r["result"] == "not_applicable" for r in doc["results"] if r["mqtt"] == "5.0"))
        self.assertEqual(rc, 8)
        self.check_junit(doc, tree)

    def test_fake_broker_fails_exactly_the_named_checks(self):
        broker = MqBroker(["-p", "0"])
        proxy = FaultyProxy(broker.ports[0])
        try:
            rc, doc, _ = conform(f"mqtt://127.0.0.1:{proxy.port}")
        finally:
            proxy.stop()
            broker.stop()
        self.assertEqual(outcome(doc, "fail"), FAKE_FAULTS)
        self.assertEqual(rc, 8)
        by_name = {(r["check"], r["mqtt"]): r for r in doc["results"]}
        redeliver = by_name[("session.redeliver", "5.0")]
        self.assertIn("DUP 0 [MQTT-3.3.1-1]", redeliver["reason"])
        # The transcript shows the bytes both ways, decoded.
        self.assertIn("fixed header: PUBLISH (dup 0, QoS 1, retain 0)", redeliver["transcript"])
        self.assertIn("received:", redeliver["transcript"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
