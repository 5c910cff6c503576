#!/usr/bin/python3
"""mosquitto_pub/sub options of mqpub and mqsub beyond the basics: -A (the
local address, seen by mqbroker), TLS-PSK and cipher lists against a
mosquitto PSK listener, --keyform, --pretty and --random-filter.

mqbroker reports its port; mosquitto's is polled for. Nothing sleeps; every
process has a timeout.

Usage: pubsub_options_test.py mqpub mqsub mqbroker
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test  # noqa: E402  (Broker: mqbroker on port 0)
import pubsub_test  # noqa: E402  (Broker, free_port, wait_port: mosquitto)

MQPUB = MQSUB = None
TIMEOUT = 20
PSK = "0123456789abcdef0123456789abcdef"


def run(args, data=None):
    p = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


class MqbrokerOptionsTest(unittest.TestCase):
    def setUp(self):
        self.broker = mqbroker_test.Broker(["-p", "0", "-v"])
        self.base = ["-h", "127.0.0.1", "-p", str(self.broker.port())]

    def tearDown(self):
        self.broker.stop()

    def test_bind_address(self):
        code, _, err = run([MQPUB, *self.base, "-A", "127.0.0.2", "-t", "a", "-m", "x"])
        self.assertEqual(code, 0, err)
        self.broker.wait_stderr("peer=127.0.0.2:")
        code, _, err = run([MQPUB, *self.base, "-A", "192.0.2.1", "-t", "a", "-m", "x"])
        self.assertEqual(code, 3, err)
        self.assertIn("from 192.0.2.1", err)
        code, _, err = run([MQPUB, *self.base, "-A", "eth0", "-t", "a", "-m", "x"])
        self.assertEqual((code, err), (2, "mqpub: -A 'eth0': not an IP address (give the address of a local "
                                          "interface)\n"))

    def retained(self, count):
        """`count` retained messages on opt/0 ... in one mqpub --replay."""
        records = "".join(json.dumps({"topic": f"opt/{i}", "payload": f"m{i}", "retain": True}) + "\n"
                          for i in range(count))
        code, _, err = run([MQPUB, *self.base, "--replay", "-", "-q", "1"], records.encode())
        self.assertEqual(code, 0, err)

    def test_random_filter_prints_a_sample(self):
        self.retained(100)
        sub = [MQSUB, *self.base, "-t", "opt/#", "--retained-only", "-v"]
        code, out, err = run(sub + ["--random-filter", "100"])
        self.assertEqual((code, len(out.splitlines())), (0, 100), err)
        code, out, err = run(sub + ["--random-filter", "50"])
        self.assertEqual(code, 0, err)
        printed = out.splitlines()
        self.assertTrue(0 < len(printed) < 100, len(printed))  # all or none: odds of 2^-99
        self.assertTrue(set(printed) <= {f"opt/{i} m{i}" for i in range(100)})
        code, _, err = run(sub + ["--random-filter", "0"])
        self.assertEqual(code, 2, err)

    def test_pretty_json(self):
        self.retained(1)
        sub = [MQSUB, *self.base, "-t", "opt/0", "--retained-only", "--pretty"]
        code, out, err = run(sub + ["--json"])
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith('{\n  "received": '), out)
        self.assertEqual(json.loads(out)["payload"], "m0")
        code, out, err = run(sub + ["-F", "%j"])
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith('{\n  "tst": '), out)
        self.assertEqual(json.loads(out)["payload"], "m0")


class PskOptionsTest(unittest.TestCase):
    """A mosquitto TLS-PSK listener that offers only TLS_AES_128_GCM_SHA256 at TLS 1.3."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="mq_psk_")
        psk_file = os.path.join(cls.dir, "psk")
        with open(psk_file, "w") as f:
            f.write(f"dev1:{PSK}\n")
        # mosquitto drops root for its own user, which must read the file.
        os.chmod(cls.dir, 0o755)
        os.chmod(psk_file, 0o644)
        cls.port = pubsub_test.free_port()
        cls.broker = pubsub_test.Broker(cls.dir, "mosquitto", [
            f"listener {cls.port} 127.0.0.1\npsk_hint mq\npsk_file {psk_file}\n"
            "ciphers_tls1.3 TLS_AES_128_GCM_SHA256\n"], "allow_anonymous true\n")
        pubsub_test.wait_port(cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def pub(self, *extra):
        return run([MQPUB, "-h", "127.0.0.1", "-p", str(self.port), "-t", "psk", "-m", "x", "-q", "1", *extra])

    def test_psk_connects_at_tls_12_and_13(self):
        for extra in ([], ["--tls-version", "tlsv1.3"], ["--ciphers", "PSK-AES128-CBC-SHA256"]):
            with self.subTest(extra=extra):
                code, _, err = self.pub("--psk", PSK, "--psk-identity", "dev1", *extra)
                self.assertEqual(code, 0, err)

    def test_wrong_key_or_ciphersuite_fails_the_handshake(self):
        code, _, err = self.pub("--psk", PSK.replace("0", "1"), "--psk-identity", "dev1")
        self.assertEqual(code, 4, err)
        code, _, err = self.pub("--psk", PSK, "--psk-identity", "dev1", "--tls-version", "tlsv1.3",
                                "--tls13-ciphers", "TLS_AES_256_GCM_SHA384")
        self.assertEqual(code, 4, err)
        code, _, err = self.pub("--psk", PSK, "--psk-identity", "dev1", "--tls13-ciphers", "TLS_AES_128_GCM_SHA256")
        self.assertEqual(code, 0, err)

    def test_bad_tls_options_are_usage_errors(self):
        for extra, text in ((["--ciphers", "NOPE"], "no cipher of 'NOPE' is known to OpenSSL"),
                            (["--tls13-ciphers", "NOPE"], "'NOPE' is not a list of TLS 1.3 ciphersuites"),
                            (["--psk", "zz", "--psk-identity", "a"], "--psk: bad hex"),
                            (["--psk", PSK], "--psk and --psk-identity must be given together"),
                            (["--keyform", "engine"], "--keyform engine: OpenSSL engines are not supported")):
            with self.subTest(extra=extra):
                code, _, err = self.pub(*extra)
                self.assertEqual(code, 2, err)
                self.assertIn(text, err)


if __name__ == "__main__":
    MQPUB, MQSUB, mqbroker_test.MQBROKER = sys.argv[1:4]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
