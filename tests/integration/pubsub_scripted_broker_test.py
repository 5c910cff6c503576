#!/usr/bin/python3
"""mqpub and mqsub against a scripted fake broker: one that breaks the rules
has the real violation named (not "not connected"), and what the broker sends as
text (Reason String, Server Reference) reaches the terminal with its control
characters escaped; topic aliases from the broker are honoured.

The fake broker listens on port 0 in this process; each client runs under a
timeout. Nothing sleeps.

Usage: pubsub_hostile_broker_test.py mqpub mqsub
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

MQPUB = MQSUB = None
TIMEOUT = 20
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b"  # retitle, clear screen, a C1 CSI


def varint(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def string_property(ident, text):
    data = text.encode()
    return bytes([ident]) + len(data).to_bytes(2, "big") + data


def with_properties(head, props):
    return head + varint(len(props)) + props


CONNACK = packet(0x20, b"\x00\x00\x00")  # 5.0 success, no properties


class FakeBroker:
    """Accepts one connection, reads the CONNECT, sends `script`, then waits
    for the client to close."""

    def __init__(self, script):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.script = script
        self.received = b""  # everything the client sent, complete once close() returned
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(TIMEOUT)
            try:
                while len(self.received) < 2 or len(self.received) < 2 + self.received[1]:  # CONNECTs under 128 bytes
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    self.received += chunk
                conn.sendall(self.script)
                # Like a real broker, close once DISCONNECT arrives (the
                # clients wait for that close).
                while not self.disconnected() and (chunk := conn.recv(4096)):
                    self.received += chunk
            except OSError:
                pass

    def disconnected(self):
        """True once the bytes received hold a whole DISCONNECT packet."""
        pos = 0
        data = self.received
        while pos + 2 <= len(data):
            length, shift, i = 0, 0, pos + 1
            while i < len(data):
                length |= (data[i] & 0x7F) << shift
                shift += 7
                i += 1
                if not data[i - 1] & 0x80:
                    break
            else:
                return False
            if i + length > len(data):
                return False
            if data[pos] == 0xE0:
                return True
            pos = i + length
        return False

    def close(self):
        self.sock.close()
        self.thread.join(TIMEOUT)


class HostileBrokerTest(unittest.TestCase):
    def run_client(self, script, argv, stdin=None, data=None):
        broker = FakeBroker(script)
        try:
            p = subprocess.run([*argv, "-h", "127.0.0.1", "-p", str(broker.port), "-V", "5"], stdin=stdin,
                               input=data, capture_output=True, timeout=TIMEOUT)
        finally:
            broker.close()
        self.received = broker.received
        return p.returncode, p.stderr

    def sub(self, script):
        return self.run_client(script, [MQSUB, "-t", "a", "-C", "1"])

    def test_mqsub_names_the_violation_that_came_with_connack(self):
        cases = {
            "second CONNACK": (CONNACK + CONNACK, b"a second CONNACK"),
            "unsolicited SUBACK": (CONNACK + packet(0x90, b"\x00\x01\x00\x00"),
                                   b"SUBACK for packet identifier 1, which no SUBSCRIBE awaits"),
            "DISCONNECT": (CONNACK + packet(0xE0, b"\x8e\x00"), b"0x8e Session taken over"),
        }
        for name, (script, expected) in cases.items():
            with self.subTest(name):
                code, err = self.sub(script)
                self.assertEqual(code, 8, err)
                self.assertIn(expected, err)
                self.assertNotIn(b"not connected", err)

    def test_text_from_the_broker_is_escaped(self):
        refused = packet(0x20, with_properties(b"\x00\x87", string_property(0x1F, HOSTILE)))
        moved = packet(0xE0, with_properties(b"\x9c", string_property(0x1C, "other" + HOSTILE)
                                             + string_property(0x1F, HOSTILE)))
        runs = {
            "mqsub refused": (refused, [MQSUB, "-t", "a"], 5),
            "mqpub refused": (refused, [MQPUB, "-t", "a", "-m", "x"], 5),
            "mqsub moved": (CONNACK + moved, [MQSUB, "-t", "a"], 8),
            "mqpub moved": (CONNACK + moved, [MQPUB, "-t", "a", "-m", "x", "-q", "1"], 8),
        }
        for name, (script, argv, status) in runs.items():
            with self.subTest(name):
                code, err = self.run_client(script, argv)
                self.assertEqual(code, status, err)
                for raw in (b"\x1b", b"\x07", b"\xc2\x9b"):
                    self.assertNotIn(raw, err)
                self.assertIn(b"\\x1b]0;pwned\\x07\\x1b[2J\\u009b", err)

    def test_topic_aliases_from_the_broker_are_accepted_up_to_our_maximum(self):
        alias = lambda n: bytes([0x03, 0x23]) + n.to_bytes(2, "big")  # property length 3: Topic Alias n
        first = packet(0x30, b"\x00\x03a/b" + alias(1) + b"one")  # topic and alias 1
        second = packet(0x30, b"\x00\x00" + alias(1) + b"two")    # alias 1 alone
        for option in (["--topic-alias-maximum", "5"], ["--connect-property", "topic-alias-maximum=5"]):
            with self.subTest(option[0]):
                broker = FakeBroker(CONNACK + first + second)
                try:
                    p = subprocess.run([MQSUB, "-t", "a/#", "-C", "2", "-v", *option, "-h", "127.0.0.1", "-p",
                                        str(broker.port)], capture_output=True, timeout=TIMEOUT)
                finally:
                    broker.close()
                self.assertEqual((p.returncode, p.stdout), (0, b"a/b one\na/b two\n"), p.stderr)

    def test_stdin_that_cannot_be_polled(self):
        """cron and systemd give jobs /dev/null as stdin, which libuv cannot poll
        (it aborted); /dev/zero is covered by the InputStream unit test."""
        with open("/dev/null", "rb") as stdin:
            code, err = self.run_client(CONNACK, [MQPUB, "-t", "a", "-l"], stdin=stdin)
        self.assertEqual((code, err), (0, b""))

    def test_hex_lines_skip_a_bad_line_and_publish_the_others(self):
        lines = b"".join(f"{i:02x}\n".encode() for i in range(50)) + b"zz\n" + b"ff\n"
        code, err = self.run_client(CONNACK, [MQPUB, "-t", "h", "-l", "--hex"], data=lines)
        self.assertEqual(code, 1, err)
        self.assertIn(b"stdin line 51: ", err)
        self.assertIn(b"1 of 52 lines could not be decoded and was not sent", err)
        publishes = [packet(0x30, b"\x00\x01h\x00" + bytes([i])) for i in list(range(50)) + [0xFF]]
        self.assertEqual(self.received.count(b"\x30\x05\x00\x01h\x00"), 51, self.received)
        self.assertIn(b"".join(publishes), self.received)  # every good line, in order

    def test_disconnect_reason_and_properties_are_sent(self):
        # 0x04 Disconnect with Will Message, Reason String "bye": E0 08 04 05 1F 00 03 'bye'
        expected = b"\xe0\x08\x04\x06\x1f\x00\x03bye"
        for argv in ([MQPUB, "-t", "a", "-m", "x"], [MQSUB, "-t", "a", "-C", "1"]):
            with self.subTest(argv[0]):
                script = CONNACK if argv[0] == MQPUB else CONNACK + packet(0x30, b"\x00\x01a\x00x")
                code, err = self.run_client(script, argv + ["--disconnect-reason", "0x04", "-D", "disconnect",
                                                            "reason-string", "bye"])
                self.assertEqual(code, 0, err)
                self.assertTrue(self.received.endswith(expected), self.received)

    def test_saved_options_and_profiles(self):
        with tempfile.TemporaryDirectory(prefix="mq-config-") as home:
            os.makedirs(os.path.join(home, "mq", "profiles"))
            with open(os.path.join(home, "mq", "mqpub"), "w") as f:
                f.write("# defaults for mqpub\n-V 5\n-i from-file\n")
            broker = FakeBroker(CONNACK)
            with open(os.path.join(home, "mq", "profiles", "lab"), "w") as f:
                f.write(f"-h 127.0.0.1\n-p {broker.port}\n-u alice\n-P two words\n")
            env = dict(os.environ, XDG_CONFIG_HOME=home)
            try:
                p = subprocess.run([MQPUB, "-t", "a", "-m", "x", "--profile", "lab", "-i", "from-cli"],
                                   capture_output=True, timeout=TIMEOUT, env=env)
            finally:
                broker.close()
            self.assertEqual(p.returncode, 0, p.stderr)
            connect = broker.received
            self.assertEqual(connect[8], 5, connect)  # protocol level from the defaults file
            for text in (b"from-cli", b"alice", b"two words"):
                self.assertIn(text, connect)
            self.assertNotIn(b"from-file", connect)  # the command line wins
            p = subprocess.run([MQPUB, "-t", "a", "-m", "x", "--profile", "none"], capture_output=True,
                               timeout=TIMEOUT, env=env)
            self.assertEqual(p.returncode, 2)
            self.assertIn(b"--profile: no file", p.stderr)


if __name__ == "__main__":
    MQPUB, MQSUB = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
