#!/usr/bin/python3
"""Runs `mqbench probe` against brokers whose capabilities are known and
checks that it reports them exactly: mqbroker with unusual limits, with
Receive Maximum 3, under each --profile, as it comes, and over TLS 1.3
only, mosquitto (TCP, WebSocket, TLS), and
fake brokers in this file that enforce a Receive Maximum of 3, answer
nothing, answer garbage, or refuse everyone. A broker that gives no answer
must yield "unknown" within the bounds, never a hang.

Every process has a timeout; mqbroker and the fake brokers listen on port 0
and report their port; mosquitto gets a port just found free (it cannot
report one), as in pubsub_test.py.

Usage: mqbench_probe_test.py /path/to/mqbench /path/to/mqbroker [unittest options]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mqbench_test import FakeBroker as CountingBroker  # noqa: E402
from pubsub_scripted_broker_test import packet, varint  # noqa: E402
from pubsub_test import make_certs  # noqa: E402

MQBENCH = MQBROKER = None
TIMEOUT = 120  # seconds for any one probe run
WAIT = "1"   # --probe-wait: seconds per answer (generous: CI machines are loaded)
# mqbench's exit statuses (apps/mqbench/exit_codes.hpp)
OK, USAGE, CONNECT, REFUSED = 0, 2, 3, 4


def probe(url, *extra, timeout=TIMEOUT):
    """Runs the probe; returns (status, results by key, stderr, seconds)."""
    start = time.monotonic()
    p = subprocess.run([MQBENCH, "probe", url, "--probe-wait", WAIT, "--probe-max-size", "65536", "--json", "-", *extra],
                       capture_output=True, timeout=timeout)
    took = time.monotonic() - start
    results = json.loads(p.stdout)["results"] if p.returncode == OK else None
    return p.returncode, results, p.stderr.decode("utf-8", "replace"), took


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MqBroker:
    """mqbroker on port 0 with `args`; the address from its 'listening' line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([MQBROKER, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        r, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline().decode() if r else ""
        words = line.split()
        if len(words) != 3 or words[0] != "listening":
            self.stop()
            raise AssertionError(f"mqbroker {' '.join(args)} did not start: {line!r}")
        self.kind, self.address = words[1], words[2]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()


class FakeBroker:
    """A few lines of MQTT 5.0 with a chosen behaviour: 'rm3' answers CONNACK
    with Receive Maximum 3, PUBREC for QoS 2 PUBLISHes while at most 3 are in
    flight and DISCONNECT 0x93 past that, and nothing else (no SUBACK, no
    PUBACK); 'silent' accepts connections and never answers; 'garbage'
    answers CONNECT with bytes that are no MQTT packet; 'refuse' answers
    CONNACK 0x87 (3.x: return code 5)."""

    def __init__(self, mode):
        self.mode = mode
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.stopped = False
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while not self.stopped:
            r, _, _ = select.select([self.server], [], [], 0.1)
            if r:
                conn, _ = self.server.accept()
                threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def stop(self):
        self.stopped = True
        self.thread.join(timeout=5)
        self.server.close()

    @staticmethod
    def packets(conn):
        """Yields (first byte, body) until the peer closes (or 30 s of silence)."""
        buf = b""
        while True:
            first, body, buf = CountingBroker.read_packet(conn, buf)
            if first is None:
                return
            yield first, body

    def serve(self, conn):
        inflight = 0
        version = 5
        try:
            for first, body in self.packets(conn):
                kind = first >> 4
                if kind == 1:  # CONNECT
                    version = body[2 + int.from_bytes(body[0:2], "big")]
                    if self.mode == "silent":
                        continue
                    if self.mode == "garbage":
                        conn.sendall(b"\x00\x05hello")
                    elif self.mode == "refuse":
                        conn.sendall(packet(0x20, b"\x00\x87\x00" if version == 5 else b"\x00\x05"))
                    elif version == 5:
                        conn.sendall(packet(0x20, b"\x00\x00" + varint(3) + b"\x21\x00\x03"))
                    else:
                        conn.sendall(packet(0x20, b"\x00\x00"))
                elif kind == 3 and self.mode == "rm3" and (first >> 1) & 3 == 2:  # QoS 2 PUBLISH
                    topic_len = int.from_bytes(body[0:2], "big")
                    pid = body[2 + topic_len:4 + topic_len]
                    inflight += 1
                    if inflight > 3:
                        conn.sendall(packet(0xE0, b"\x93\x00"))
                        break
                    conn.sendall(packet(0x50, pid))
                elif kind == 6 and self.mode == "rm3":  # PUBREL
                    inflight -= 1
                    conn.sendall(packet(0x70, body[0:2]))
                elif kind == 14:  # DISCONNECT
                    break
        except OSError:
            pass
        finally:
            conn.close()


def probe_mqbroker(*args):
    """Probes an mqbroker started with `args` and -p 0 (see probe())."""
    b = MqBroker("-p", "0", *args)
    try:
        return probe(f"mqtt://{b.address}")
    finally:
        b.stop()


def probe_fake(mode):
    """Probes a FakeBroker of `mode` (see probe())."""
    fake = FakeBroker(mode)
    try:
        return probe(f"mqtt://127.0.0.1:{fake.port}")
    finally:
        fake.stop()


class ProbeTest(unittest.TestCase):
    def check(self, results, expected):
        """Each expected key has this value, measured (or as given: (value, status))."""
        for key, want in expected.items():
            value, status = want if isinstance(want, tuple) else (want, "measured")
            got = results[key]
            self.assertEqual((got["value"], got["status"]), (value, status), f"{key}: {got}")

    def test_unusual_limits_are_reported_exactly(self):
        status, r, err, _ = probe_mqbroker("--maximum-qos", "1", "--retain-available", "false",
                                           "--max-packet-size", "1000", "--max-topic-alias", "2",
                                           "--max-topic-length", "200", "--max-topic-levels", "12",
                                           "--max-keepalive", "30", "--receive-maximum", "3")
        self.assertEqual(status, OK, err)
        self.check(r, {
            "protocol_5_0": True, "protocol_3_1_1": True, "protocol_3_1": True,
            "maximum_qos": 1, "retain_available": False, "maximum_packet_size": 1000,
            "topic_alias_maximum": 2, "topic_alias_enforced": True,
            "topic_length_max": 200, "topic_levels_max": 12, "server_keep_alive": 30,
            # At maximum QoS 1 each PUBLISH leaves flight as it is acknowledged:
            # the value is the broker's word, and enforcement cannot be forced.
            "receive_maximum": (3, "advertised"), "receive_maximum_enforced": (None, "unknown"),
        })
        self.assertIn("DISCONNECT 0x9B", r["maximum_qos"]["detail"])
        self.assertIn("1001: DISCONNECT 0x95", r["maximum_packet_size"]["detail"])
        self.assertIn("DISCONNECT 0x9A", r["retain_available"]["detail"])

    def test_qos0_only_broker(self):
        """Where every QoS 1 PUBLISH is refused, what needs one is unknown, and
        retained messages are judged by delivery at QoS 0."""
        status, r, err, _ = probe_mqbroker("--maximum-qos", "0")
        self.assertEqual(status, OK, err)
        self.check(r, {"maximum_qos": 0, "retain_available": True, "topic_alias_enforced": (None, "unknown"),
                       "maximum_packet_size": (None, "unknown")})

    def test_receive_maximum_3_enforced_by_mqbroker(self):
        status, r, err, _ = probe_mqbroker("--receive-maximum", "3")
        self.assertEqual(status, OK, err)
        self.check(r, {"receive_maximum": 3, "receive_maximum_enforced": True})
        self.assertIn("4 QoS 2 PUBLISHes sent at once: 3 acknowledged, then DISCONNECT 0x93",
                      r["receive_maximum_enforced"]["detail"])

    def test_each_mqbroker_profile(self):
        """What each profile configures is what the probe finds."""
        expected = {
            "mosquitto": {"receive_maximum": 20, "receive_maximum_enforced": True, "topic_levels_max": 200,
                          "topic_alias_maximum": 10, "maximum_qos": 2},
            "aws-iot": {"maximum_qos": 1, "topic_length_max": 256, "topic_levels_max": 8, "client_id_length_max": 128,
                        "server_keep_alive": 1200, "receive_maximum": (100, "advertised"),
                        "receive_maximum_enforced": (None, "unknown")},
            "azure-iot-hub": {"maximum_qos": 1, "retain_available": False, "shared_subscriptions": False,
                              "subscription_identifiers": False, "empty_client_id": False,
                              "receive_maximum": (16, "advertised"), "server_keep_alive": 1140,
                              "topic_alias_maximum": 10},
            "emqx": {"maximum_qos": 2, "topic_levels_max": 128, "topic_alias_maximum": 65535,
                     "topic_alias_enforced": (None, "not applicable")},
            "hivemq-ce": {"maximum_qos": 2, "receive_maximum": 10, "receive_maximum_enforced": True},
        }
        # The runs spend their time in bounded waits, not CPU: run them side by side.
        brokers = {}
        try:
            for profile in expected:
                brokers[profile] = MqBroker("-p", "0", "--profile", profile)
            with concurrent.futures.ThreadPoolExecutor(len(brokers)) as pool:
                runs = {p: pool.submit(probe, f"mqtt://{b.address}") for p, b in brokers.items()}
                found = {p: run.result() for p, run in runs.items()}
        finally:
            for b in brokers.values():
                b.stop()
        for profile, want in expected.items():
            with self.subTest(profile=profile):
                status, r, err, _ = found[profile]
                self.assertEqual(status, OK, err)
                self.check(r, want)

    def test_default_mqbroker(self):
        status, r, err, _ = probe_mqbroker()
        self.assertEqual(status, OK, err)
        self.check(r, {
            "protocol_5_0": True, "protocol_3_1_1": True, "protocol_3_1": True,
            "maximum_qos": 2, "retain_available": True, "wildcard_subscriptions": True,
            "shared_subscriptions": True, "subscription_identifiers": True, "sys_topics": True,
            "maximum_packet_size": 65536, "topic_levels_max": 1024,
            "receive_maximum": (65535, "advertised"), "receive_maximum_enforced": (None, "unknown"),
            "topic_alias_maximum": 10, "topic_alias_enforced": True,
            "empty_client_id": True, "persistent_sessions": True, "session_expiry": True,
            "message_expiry": True, "will_messages": True, "will_delay": True, "keep_alive_enforced": True,
            "server_keep_alive": 65535, "auth_methods": "none",
            "tls_1_2": (None, "not applicable"), "websocket_subprotocol": (None, "not applicable"),
        })
        # Every documented key, in the documented order (man mqbench, PROBE).
        man = subprocess.run([MQBENCH, "--generate-docs", "man"], capture_output=True, timeout=TIMEOUT).stdout.decode()
        listed = man.split("in this order: ", 1)[1].split(".\n", 1)[0].replace("\\-", "-").replace("\n", " ")
        self.assertEqual(list(r), [k.strip() for k in listed.split(",")])
        # The cap reached without a refusal is a lower bound, and says so.
        self.assertTrue(r["maximum_packet_size"].get("at_least"))
        self.assertNotIn("at_least", r["topic_levels_max"])

    def test_mqbroker_over_tls_1_3_only(self):
        tmp = tempfile.mkdtemp(prefix="mq-probe-")
        try:
            ca, crt, key = make_certs(tmp)
            b = MqBroker("--listener", "0 127.0.0.1", "--certfile", crt, "--keyfile", key, "--tls-version", "tlsv1.3",
                         "--allow-anonymous", "true")
            try:
                status, r, err, _ = probe(f"mqtts://localhost:{b.address.rsplit(':', 1)[1]}", "--cafile", ca)
            finally:
                b.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(status, OK, err)
        self.check(r, {"tls_1_2": False, "tls_1_3": True, "maximum_qos": 2, "websocket_subprotocol": (None, "not applicable")})
        self.assertEqual(r["alpn"]["value"], "none")  # mqbroker does not answer ALPN

    def test_mosquitto(self):
        if not shutil.which("mosquitto"):
            self.skipTest("mosquitto is not installed")
        tmp = tempfile.mkdtemp(prefix="mq-probe-")
        os.chmod(tmp, 0o755)
        port, ws_port, tls_port = free_port(), free_port(), free_port()
        ca, crt, key = make_certs(tmp)
        conf = os.path.join(tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"per_listener_settings false\nallow_anonymous true\nlistener {port} 127.0.0.1\n"
                    f"listener {ws_port} 127.0.0.1\nprotocol websockets\n"
                    f"listener {tls_port} 127.0.0.1\ncertfile {crt}\nkeyfile {key}\n")
        log = open(os.path.join(tmp, "log"), "w")
        m = subprocess.Popen(["mosquitto", "-c", conf], stdout=log, stderr=subprocess.STDOUT)
        try:
            end = time.monotonic() + 10
            waiting = [port, ws_port, tls_port]
            while waiting and time.monotonic() < end:  # bounded: the ports open or the test fails below
                try:
                    socket.create_connection(("127.0.0.1", waiting[0]), timeout=0.5).close()
                    waiting.pop(0)
                except OSError:
                    continue
            # Their own topics and client ids keep the three runs apart: side by side.
            with concurrent.futures.ThreadPoolExecutor(3) as pool:
                runs = [pool.submit(probe, f"mqtt://127.0.0.1:{port}"),
                        pool.submit(probe, f"ws://127.0.0.1:{ws_port}", "-V", "311"),
                        pool.submit(probe, f"mqtts://localhost:{tls_port}", "--cafile", ca)]
                (status, r, err, _), (ws_status, ws, ws_err, _), (tls_status, tls, tls_err, _) = [x.result() for x in runs]
        finally:
            m.terminate()
            m.wait(timeout=10)
            log.close()
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(status, OK, err)
        # mosquitto 2.0.11 as it comes: Receive Maximum 20, enforced with
        # PUBREC 0x97 rather than DISCONNECT 0x93; at most 200 topic
        # separators; no enhanced authentication.
        self.check(r, {
            "protocol_5_0": True, "protocol_3_1_1": True, "protocol_3_1": True,
            "maximum_qos": 2, "retain_available": True, "wildcard_subscriptions": True,
            "shared_subscriptions": True, "subscription_identifiers": True, "sys_topics": True,
            "receive_maximum": 20, "receive_maximum_enforced": True, "topic_levels_max": 201,
            "topic_alias_maximum": 10, "topic_alias_enforced": True, "maximum_packet_size": 65536,
            "session_expiry": True, "message_expiry": True, "will_delay": True, "auth_methods": "none",
        })
        self.assertIn("PUBREC 0x97", r["receive_maximum_enforced"]["detail"])
        self.assertEqual(ws_status, OK, ws_err)
        self.check(ws, {"websocket_subprotocol": "mqtt", "persistent_sessions": True,
                        "receive_maximum": (None, "not applicable"), "empty_client_id": True})
        self.assertIn("clean start 0: CONNACK 0x02", ws["empty_client_id"]["detail"])
        self.assertEqual(tls_status, OK, tls_err)
        self.check(tls, {"tls_1_2": True, "tls_1_3": True, "alpn": "none", "maximum_qos": 2})

    def test_fake_broker_with_receive_maximum_3(self):
        status, r, err, took = probe_fake("rm3")
        self.assertEqual(status, OK, err)
        self.check(r, {"receive_maximum": 3, "receive_maximum_enforced": True,
                       # It answers no SUBSCRIBE and no QoS 1 PUBLISH: unknown, not a guess.
                       "maximum_qos": (None, "unknown"), "maximum_packet_size": (None, "unknown"),
                       "wildcard_subscriptions": (None, "unknown"), "retain_available": (None, "unknown"),
                       "persistent_sessions": (None, "unknown"), "topic_alias_maximum": (0, "advertised")})
        self.assertEqual(r["persistent_sessions"]["detail"], "the subscriber's SUBSCRIBE: no answer")
        self.assertEqual(r["maximum_packet_size"]["detail"], "65536: no answer; none in CONNACK")
        self.assertIn("DISCONNECT 0x93", r["receive_maximum_enforced"]["detail"])
        self.assertLess(took, 90)

    def test_silent_broker_ends_with_status_3_in_bounds(self):
        status, _, err, took = probe_fake("silent")
        self.assertEqual(status, CONNECT, err)
        self.assertIn("no CONNACK within 1000 ms at any level", err)
        self.assertLess(took, 10)

    def test_garbage_answer_ends_with_status_3(self):
        status, _, err, took = probe_fake("garbage")
        self.assertEqual(status, CONNECT, err)
        self.assertLess(took, 10)

    def test_refusing_broker_ends_with_status_4(self):
        status, _, err, _ = probe_fake("refuse")
        self.assertEqual(status, REFUSED, err)
        self.assertIn("MQTT 5.0: CONNACK 0x87", err)

    def test_command_line_and_unreachable_broker(self):
        p = subprocess.run([MQBENCH, "probe"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, USAGE)
        self.assertIn(b"probe needs a broker", p.stderr)
        p = subprocess.run([MQBENCH, "probe", "mqtt://a", "mqtt://b"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, USAGE)
        status, _, err, _ = probe(f"mqtt://127.0.0.1:{free_port()}")
        self.assertEqual(status, CONNECT, err)
        self.assertEqual(err.count("\n"), 1, err)


if __name__ == "__main__":
    MQBENCH, MQBROKER = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main()
