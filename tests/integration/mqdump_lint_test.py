#!/usr/bin/python3
"""Runs mqdump --lint and --summary on real conversations: mosquitto_pub and
mosquitto_sub through mqdump --proxy to mosquitto, mqsub --json output, and
a pcap file written here byte by byte. Each check has a conversation that
triggers the finding and one that must not.

Usage: mqdump_lint_test.py /path/to/mqdump /path/to/mqsub [unittest options]
"""
import json
import os
import re
import struct
import subprocess
import sys
import unittest

from mosquitto_socket import MosquittoOnSocket

MQDUMP = None
MQSUB = None
TIMEOUT = 20


def start_proxy(to, *extra):
    """mqdump --proxy on a free port; returns (process, port) once it listens."""
    proc = subprocess.Popen([MQDUMP, "--proxy", "0", "--to", to, "-W", str(TIMEOUT), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()  # the first line says where it listens (bounded by -W)
    m = re.search(r"proxy listening on mqtt://127\.0\.0\.1:(\d+),", line)
    if not m:
        proc.kill()
        raise AssertionError(f"no listening line: {line!r}")
    return proc, int(m.group(1))


def finish(proc):
    """Waits for a proxy started with --connections; returns (status, stdout lines)."""
    out = proc.stdout.read()
    status = proc.wait(timeout=TIMEOUT)
    proc.stdout.close()
    proc.stderr.close()
    return status, out.decode().splitlines()


def pcap(path, segments):
    """Writes a pcap (Ethernet, IPv4, TCP) of one connection between
    10.0.0.2:50000 and the broker 10.0.0.1:1883; `segments` are (from_client,
    bytes), sent in order with consecutive sequence numbers."""
    seq = {True: 1000, False: 5000}
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (from_client, data) in enumerate(segments):
            src, dst = (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01") if from_client else (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02")
            sport, dport = (50000, 1883) if from_client else (1883, 50000)
            tcp = struct.pack(">HHIIBBHHH", sport, dport, seq[from_client], seq[not from_client], 5 << 4, 0x18, 65535, 0, 0)
            seq[from_client] += len(data)
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(data), i, 0x4000, 64, 6, 0, src, dst)
            frame = b"\x00\x00\x00\x00\x00\x01" + b"\x00\x00\x00\x00\x00\x02" + b"\x08\x00" + ip + tcp + data
            f.write(struct.pack("<IIII", 1800000000 + i, 0, len(frame), len(frame)) + frame)


CONNECT_DEV = bytes.fromhex("100f00044d5154540402000a0003646576")  # 3.1.1, keep alive 10, client id "dev"
CONNACK = bytes.fromhex("20020000")


def publish(topic, payload, qos=0, packet_id=1):
    t = topic.encode()
    body = struct.pack(">H", len(t)) + t + (struct.pack(">H", packet_id) if qos else b"") + payload
    return bytes([0x30 | (qos << 1), len(body)]) + body


class LintTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = MosquittoOnSocket("mq-lint-", TIMEOUT)
        cls.tmp, cls.sock = cls.broker.tmp, cls.broker.sock

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    def pub(self, port, *args):
        subprocess.run(["mosquitto_pub", "-p", str(port), *args], check=True, timeout=TIMEOUT, capture_output=True)

    def test_proxy_lint_findings_with_evidence(self):
        proc, port = start_proxy(self.sock, "--lint", "--json", "--connections", "2")
        self.pub(port, "-i", "esp32-0042", "-t", "/sensors/temp", "-m", "21.5")
        self.pub(port, "-i", "app", "-k", "5", "-t", "sensors/temp", "-m", "21.5", "--will-topic", "s/app",
                 "--will-payload", "gone")
        status, lines = finish(proc)
        self.assertEqual(status, 5)
        found = {(f["rule"], f.get("client_id")) for f in map(json.loads, lines)}
        self.assertEqual(found, {("topic-leading-slash", "esp32-0042"), ("no-will-device", "esp32-0042"),
                                 ("keep-alive-tiny", "app")})
        first = json.loads(lines[0])
        self.assertEqual(first["connection"], 1)
        self.assertIn("advice", first)

    def test_proxy_lint_quiet_on_a_clean_conversation(self):
        proc, port = start_proxy(self.sock, "--lint", "--connections", "1")
        self.pub(port, "-i", "esp32-0042", "-t", "sensors/0042/temp", "-m", "21.5", "--will-topic",
                 "status/0042", "--will-payload", "offline", "--will-retain")
        status, lines = finish(proc)
        self.assertEqual((status, lines), (0, []))

    def test_lint_on_mqsub_json(self):
        # Retained first: mqsub then receives both with the retain flag set.
        subprocess.run(["mosquitto_pub", "--unix", self.sock, "-t", "lint/dev/1/cmd", "-m", "reboot", "-r"],
                       check=True, timeout=TIMEOUT)
        subprocess.run(["mosquitto_pub", "--unix", self.sock, "-t", "lint/dev/1/state", "-m", "on", "-r"],
                       check=True, timeout=TIMEOUT)
        sub = subprocess.Popen([MQSUB, "--unix", self.sock, "-t", "lint/#", "-C", "2", "-W", str(TIMEOUT),
                                "--json", "-q", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = sub.communicate(timeout=TIMEOUT)
        self.assertEqual(sub.returncode, 0, err)
        r = subprocess.run([MQDUMP, "--lint"], input=out, capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 5, r.stderr)
        text = r.stdout.decode()
        self.assertTrue(text.startswith('retain-command: "lint/dev/1/cmd": a retained message on a command topic'))
        self.assertEqual(text.count("advice:"), 1)
        # Clear the retained messages for other runs.
        for t in ("lint/dev/1/cmd", "lint/dev/1/state"):
            subprocess.run(["mosquitto_pub", "--unix", self.sock, "-t", t, "-n", "-r"], check=True, timeout=TIMEOUT)
        r = subprocess.run([MQDUMP, "--lint"], input=b"not json\n", capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 3)
        self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1)

    def test_summary_and_lint_on_a_capture(self):
        path = os.path.join(self.tmp, "c.pcap")
        # A QoS 1 PUBLISH never acknowledged, to a topic with a leading '/'.
        pcap(path, [(True, CONNECT_DEV), (False, CONNACK), (True, publish("/a/b", b"x", 1, 7))])
        r = subprocess.run([MQDUMP, "--summary", "--json", path], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        kinds = [json.loads(l) for l in r.stdout.decode().splitlines()]
        waiting = [k for k in kinds if k["kind"] == "never_completed"]
        self.assertEqual(len(waiting), 1)
        self.assertEqual((waiting[0]["packet_id"], waiting[0]["waiting_for"]), (7, "PUBACK"))
        r = subprocess.run([MQDUMP, "--lint", path], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("topic-leading-slash", r.stdout.decode())
        # The same conversation, acknowledged and with a good topic: nothing to say.
        pcap(path, [(True, CONNECT_DEV), (False, CONNACK), (True, publish("a/b", b"x", 1, 7)),
                    (False, bytes.fromhex("40020007"))])
        r = subprocess.run([MQDUMP, "--summary", "--json", path], capture_output=True, timeout=TIMEOUT)
        self.assertEqual([json.loads(l)["kind"] for l in r.stdout.decode().splitlines()], ["client"])
        r = subprocess.run([MQDUMP, "--lint", path], capture_output=True, timeout=TIMEOUT)
        self.assertEqual((r.returncode, r.stdout), (0, b""))


if __name__ == "__main__":
    MQDUMP = sys.argv.pop(1)
    MQSUB = sys.argv.pop(1)
    unittest.main(verbosity=2)
