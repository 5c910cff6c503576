#!/usr/bin/python3
"""mqpub and mqsub --auth-command against a scripted broker doing a two-step
MQTT 5.0 enhanced authentication (HMAC proofs, in the manner of SCRAM): the
command makes CONNECT's data, answers each AUTH 0x18, and checks the
server's proof in CONNACK; a failing command or a bad server proof ends the
run with status 5 before anything is published or subscribed.

The fake broker listens on port 0 in this process; each client runs under a
timeout. Nothing sleeps.

Usage: pubsub_auth_test.py mqpub mqsub
"""
import hashlib
import hmac
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pubsub_scripted_broker_test import packet, varint  # noqa: E402

MQPUB = MQSUB = None
TIMEOUT = 20
METHOD = b"HMAC-TEST"
KEY = b"s3cret"

# The client side: one run per step, state passed through the broker's data.
COMMAND = r'''#!/usr/bin/python3
import hashlib, hmac, os, sys
data = sys.stdin.buffer.read()
with open(os.environ["LOG"], "a") as log:
    log.write("%s %s %s %s\n" % (os.environ["MQ_AUTH_STEP"], os.environ["MQ_AUTH_PACKET"],
                                 os.environ["MQ_AUTH_METHOD"], data.hex()))
key = b"s3cret"
packet = os.environ["MQ_AUTH_PACKET"]
if packet == "CONNECT":
    sys.stdout.buffer.write(b"user=alice,cnonce=C1")
elif packet == "AUTH" and data.startswith(b"snonce="):
    if data == b"snonce=BAD":
        sys.exit(3)
    sys.stdout.buffer.write(hmac.new(key, b"C1" + data[7:], hashlib.sha256).digest())
elif packet == "AUTH" and data == b"confirm":
    sys.stdout.buffer.write(b"\x00confirmed\n")
elif packet == "CONNACK":
    sys.exit(0 if data == hmac.new(key, b"server C1S1", hashlib.sha256).digest() else 1)
else:
    sys.exit(2)
'''


def props(*items):
    body = b""
    for ident, value in items:
        body += bytes([ident]) + len(value).to_bytes(2, "big") + value
    return varint(len(body)) + body


def auth(data):
    return packet(0xF0, b"\x18" + props((0x15, METHOD), (0x16, data)))


def connack(data):
    return packet(0x20, b"\x00\x00" + props((0x15, METHOD), (0x16, data)))


class AuthBroker:
    """One connection: CONNECT, two challenges, CONNACK with the server's proof,
    then it records what comes until DISCONNECT or close."""

    def __init__(self, first_challenge=b"snonce=S1", server_proof=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.first_challenge = first_challenge
        self.server_proof = server_proof or hmac.new(KEY, b"server C1S1", hashlib.sha256).digest()
        self.packets = []  # (first byte, body) from the client
        self.buf = b""
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def read_packet(self, conn):
        while True:
            if len(self.buf) >= 2:
                length, shift, i = 0, 0, 1
                while i < len(self.buf):
                    length |= (self.buf[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not self.buf[i - 1] & 0x80:
                        if len(self.buf) >= i + length:
                            p = (self.buf[0], self.buf[i:i + length])
                            self.buf = self.buf[i + length:]
                            self.packets.append(p)
                            return p
                        break
            chunk = conn.recv(4096)
            if not chunk:
                return None
            self.buf += chunk

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(TIMEOUT)
            try:
                if not self.read_packet(conn):
                    return
                conn.sendall(auth(self.first_challenge))
                p = self.read_packet(conn)
                if not p or p[0] != 0xF0:
                    return
                conn.sendall(auth(b"confirm"))
                p = self.read_packet(conn)
                if not p or p[0] != 0xF0:
                    return
                conn.sendall(connack(self.server_proof))
                while (p := self.read_packet(conn)) and p[0] != 0xE0:
                    if p[0] == 0x82:
                        conn.sendall(packet(0x90, p[1][:2] + b"\x00\x00"))
            except OSError:
                pass

    def close(self):
        # A client that never connected leaves accept() waiting: wake it
        # with a connection that ends at once.
        if not self.packets:
            with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT):
                pass
        self.thread.join(TIMEOUT)
        self.sock.close()


class AuthCommandTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mq_auth_")
        self.command = os.path.join(self.dir, "auth.py")
        with open(self.command, "w") as f:
            f.write(COMMAND)
        os.chmod(self.command, 0o755)
        self.log = os.path.join(self.dir, "log")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_client(self, broker, argv, command=None):
        env = dict(os.environ, LOG=self.log)
        try:
            p = subprocess.run([*argv, "-h", "127.0.0.1", "-p", str(broker.port), "--auth-method", METHOD.decode(),
                                "--auth-command", command or self.command], capture_output=True, timeout=TIMEOUT,
                               env=env)
        finally:
            broker.close()
        steps = []
        if os.path.exists(self.log):
            with open(self.log) as f:
                steps = f.read().split("\n")[:-1]
        return p.returncode, p.stderr.decode("utf-8", "replace"), [s.split(" ") for s in steps]

    def test_two_step_exchange_then_publish(self):
        broker = AuthBroker()
        code, err, steps = self.run_client(broker, [MQPUB, "-t", "a/b", "-m", "hello"])
        self.assertEqual(code, 0, err)
        proof = hmac.new(KEY, b"C1S1", hashlib.sha256).digest()
        server = hmac.new(KEY, b"server C1S1", hashlib.sha256).digest()
        self.assertEqual(steps, [["0", "CONNECT", "HMAC-TEST", ""],
                                 ["1", "AUTH", "HMAC-TEST", b"snonce=S1".hex()],
                                 ["2", "AUTH", "HMAC-TEST", b"confirm".hex()],
                                 ["3", "CONNACK", "HMAC-TEST", server.hex()]])
        types = [p[0] for p in broker.packets]
        self.assertEqual(types, [0x10, 0xF0, 0xF0, 0x30, 0xE0])
        connect, first, second = (p[1] for p in broker.packets[:3])
        self.assertIn(b"\x16\x00\x14user=alice,cnonce=C1", connect)
        # AUTH 0x18 with Authentication Method and our data, byte for byte.
        self.assertEqual(first, b"\x18" + props((0x15, METHOD), (0x16, proof)))
        self.assertEqual(second, b"\x18" + props((0x15, METHOD), (0x16, b"\x00confirmed\n")))

    def test_a_failing_step_ends_with_status_5(self):
        broker = AuthBroker(first_challenge=b"snonce=BAD")
        code, err, steps = self.run_client(broker, [MQPUB, "-t", "a/b", "-m", "hello"])
        self.assertEqual(code, 5, err)
        self.assertIn("--auth-command, step 1 (AUTH): the command exited with status 3", err)
        self.assertNotIn(0x30, [p[0] for p in broker.packets])

    def test_a_bad_server_proof_is_not_used(self):
        broker = AuthBroker(server_proof=b"forged")
        code, err, steps = self.run_client(broker, [MQSUB, "-t", "a/b", "-C", "1"])
        self.assertEqual(code, 5, err)
        self.assertIn("step 3 (CONNACK): the command exited with status 1; the broker's final authentication "
                      "data was not accepted", err)
        self.assertEqual([p[0] for p in broker.packets], [0x10, 0xF0, 0xF0, 0xE0])  # no SUBSCRIBE

    def test_a_command_that_hangs_is_killed(self):
        broker = AuthBroker()
        code, err, _ = self.run_client(broker, [MQPUB, "-t", "a/b", "-m", "x", "--connect-timeout", "0.3"],
                                       command="exec sleep 30")
        self.assertEqual(code, 5, err)
        self.assertIn("step 0 (CONNECT): the command did not finish within 0.3 s", err)

    def test_usage(self):
        p = subprocess.run([MQPUB, "-t", "a", "-m", "x", "--auth-command", "true"], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--auth-command needs --auth-method", p.stderr)


if __name__ == "__main__":
    MQPUB, MQSUB = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
