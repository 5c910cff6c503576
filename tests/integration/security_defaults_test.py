#!/usr/bin/python3
"""Security defaults, checked against the real binaries: mqpub and mqsub
verify the broker's certificate and host name unless --insecure (CA and
certificates made here with openssl); mqbroker's TLS listener refuses TLS
1.1; anonymous clients are refused once a password file is configured
unless allow_anonymous is true; passwords stay out of mqbroker's debug log,
mqpub/mqsub --trace and mqdump (unless --show-secrets); password hashes are
salted and slow; an ACL matrix over users, client ids, %u/%c patterns and a
wildcard subscription that overlaps a forbidden topic.

What mqbroker_test.py already covers (password file mode 0600, wrong
password refused, the basic ACL) is not repeated here.

Usage: security_defaults_test.py MQBROKER MQPUB MQSUB MQDUMP [unittest options]
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as mt  # noqa: E402  (Broker, Paho, make_pki)
import paho.mqtt.client as mqtt  # noqa: E402

TIMEOUT = mt.TIMEOUT
MQPUB = MQSUB = MQDUMP = None
SECRET = "Pw-7f3c9-never-logged"
TLS_FAILED = 4  # mqpub/mqsub exit status: TLS failed (man mqpub, EXIT STATUS)


def run(args, data=None):
    p = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def passwd(path, user, password):
    rc, _, err = run([mt.MQBROKER, "passwd", path, "add", user], data=password.encode() + b"\n")
    assert rc == 0, err


def ossl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=TIMEOUT)


def make_certificate(d, name, cn, san, ca="ca"):
    """A server certificate for `san` signed by CA `ca` in `d`."""
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}", "-keyout", f"{d}/{name}.key",
         "-out", f"{d}/{name}.csr")
    with open(f"{d}/{name}.ext", "w") as f:
        f.write(f"subjectAltName={san}\n")
    ossl("x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/{ca}.pem", "-CAkey", f"{d}/{ca}.key",
         "-CAcreateserial", "-days", "2", "-extfile", f"{d}/{name}.ext", "-out", f"{d}/{name}.pem")


class TlsDefaults(unittest.TestCase):
    """Listener 0 has a certificate for localhost/127.0.0.1, listener 1 one
    for other.example only; both from the CA in ca.pem. stranger.pem is a CA
    nobody used."""

    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="mq_security_tls_")
        d = cls.d
        mt.make_pki(d)
        make_certificate(d, "elsewhere", "other.example", "DNS:other.example")
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger CA",
             "-keyout", f"{d}/stranger.key", "-out", f"{d}/stranger.pem")
        cls.broker = mt.Broker([], config=f"allow_anonymous true\n"
                                          f"listener 0 127.0.0.1\ncertfile {d}/server.pem\nkeyfile {d}/server.key\n"
                                          f"listener 0 127.0.0.1\ncertfile {d}/elsewhere.pem\nkeyfile {d}/elsewhere.key\n")
        cls.good = cls.broker.listeners["mqtts"][0][1]
        cls.elsewhere = cls.broker.listeners["mqtts"][1][1]

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        shutil.rmtree(cls.d, ignore_errors=True)

    def tools(self, port, *tls):
        """mqpub and mqsub command lines for the same TLS options."""
        conn = ["-L", f"mqtts://localhost:{port}", *tls]
        return {"mqpub": [MQPUB, *conn, "-t", "tls/t", "-m", "x"],
                "mqsub": [MQSUB, *conn, "-t", "tls/t", "-C", "1", "-W", "5"]}

    def test_unknown_ca_refused(self):
        for cafile in ("stranger.pem", None):
            for tool, argv in self.tools(self.good, *(["--cafile", f"{self.d}/{cafile}"] if cafile else [])).items():
                with self.subTest(tool=tool, cafile=cafile):
                    rc, _, err = run(argv)
                    self.assertEqual(rc, TLS_FAILED, err)
                    self.assertIn("certificate was issued by an unknown CA", err)

    def test_wrong_host_name_refused(self):
        for tool, argv in self.tools(self.elsewhere, "--cafile", f"{self.d}/ca.pem").items():
            with self.subTest(tool=tool):
                rc, _, err = run(argv)
                self.assertEqual(rc, TLS_FAILED, err)
                self.assertIn("certificate does not match the host name 'localhost'", err)

    def test_right_ca_and_host_connect(self):
        argv = self.tools(self.good, "--cafile", f"{self.d}/ca.pem")["mqpub"]
        rc, _, err = run(argv)
        self.assertEqual(rc, 0, err)

    def test_insecure_connects_and_says_so(self):
        tools = self.tools(self.elsewhere, "--insecure")
        rc, _, err = run(tools["mqpub"] + ["-r", "-q", "1"])
        self.assertEqual(rc, 0, err)
        self.assertIn("insecure", err)
        rc, out, err = run(tools["mqsub"])
        self.assertEqual((rc, out), (0, "x\n"), err)
        self.assertIn("insecure", err)
        run([MQPUB, "-h", "localhost", "-p", str(self.elsewhere), "--insecure", "-t", "tls/t", "-r", "-n"])

    def s_client(self, *version):
        p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{self.good}", *version],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")

    def test_tls_1_1_refused_tls_1_2_accepted(self):
        # SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all; the refusal must come from the broker.
        rc, out = self.s_client("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(out, r"alert protocol version|unsupported protocol|wrong version number", out)
        self.assertNotIn("no protocols available", out)
        rc, out = self.s_client("-tls1_2")
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r"Protocol\s*:\s*TLSv1\.2")


class Passwords(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="mq_security_pw_")
        cls.pw = os.path.join(cls.d, "passwords")
        passwd(cls.pw, "alice", SECRET)
        passwd(cls.pw, "bob", SECRET)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    def test_hashes_salted_and_slow(self):
        with open(self.pw) as f:
            entries = dict(line.strip().split(":", 1) for line in f if line.strip())
        fields = {}
        for user, h in entries.items():
            m = re.fullmatch(r"\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)", h)
            self.assertIsNotNone(m, h)
            fields[user] = m.groups()
            self.assertGreaterEqual(int(m.group(1)), 100_000, "too few PBKDF2 rounds")
        self.assertNotEqual(fields["alice"][1], fields["bob"][1], "same salt for two users")
        self.assertNotEqual(fields["alice"][2], fields["bob"][2], "same hash for the same password")
        self.assertNotIn(SECRET, open(self.pw).read())

    def anonymous_accepted(self, args, config=None):
        b = mt.Broker(args, config=config)
        try:
            c = mt.Paho(b.port(), version=mqtt.MQTTv311)
            rc = c.connack()[1]
            c.close()
            return rc == 0
        finally:
            self.assertEqual(b.stop(), 0)

    def test_anonymous_refused_once_a_password_file_is_configured(self):
        self.assertFalse(self.anonymous_accepted(["-p", "0", "--password-file", self.pw]))
        self.assertFalse(self.anonymous_accepted(["-p", "0"], config=f"password_file {self.pw}\n"))
        self.assertFalse(self.anonymous_accepted([], config=f"listener 0 127.0.0.1\npassword_file {self.pw}\n"))
        self.assertTrue(self.anonymous_accepted(["-p", "0", "--password-file", self.pw, "--allow-anonymous", "true"]))
        self.assertTrue(self.anonymous_accepted(
            [], config=f"listener 0 127.0.0.1\npassword_file {self.pw}\nallow_anonymous true\n"))

    def test_passwords_never_logged_or_traced(self):
        b = mt.Broker(["-v", "-v", "--log-level", "debug"],
                      config=f"listener 0 127.0.0.1\npassword_file {self.pw}\nlog_type all\n")
        try:
            port = str(b.port())
            outputs = []
            for version in ("mqttv311", "mqttv5"):
                for password in (SECRET, SECRET + "-wrong"):
                    for trace in ("text", "json"):
                        rc, out, err = run([MQPUB, "-h", "127.0.0.1", "-p", port, "-V", version, "-u", "alice", "-P",
                                            password, "--trace", trace, "-t", "t", "-m", "m"])
                        self.assertEqual(rc, 0 if password == SECRET else 5, err)
                        self.assertIn("CONNECT", err.upper())
                        outputs.append(out + err)
                rc, out, err = run([MQSUB, "-h", "127.0.0.1", "-p", port, "-V", version, "-u", "alice", "-P", SECRET,
                                    "--trace", "json", "-t", "t", "-W", "1", "-C", "1"])
                outputs.append(out + err)
        finally:
            self.assertEqual(b.stop(), 0)
        log = b.proc.stderr.read().decode(errors="replace")
        self.assertIn("new connection", log)  # the log is verbose indeed
        outputs.append(log)
        hexed = SECRET.encode().hex()
        b64 = base64.b64encode(SECRET.encode()).decode()[:16]
        for text in outputs:
            self.assertNotIn(SECRET, text)
            self.assertNotIn(hexed, text.replace(" ", "").lower())
            self.assertNotIn(b64, text)

    def test_mqdump_masks_passwords_unless_asked(self):
        pw = SECRET.encode()
        body = (b"\x00\x04MQTT\x04\xc2\x00\x3c" + b"\x00\x01c" + b"\x00\x05alice" + len(pw).to_bytes(2, "big") + pw)
        connect = bytes([0x10, len(body)]) + body
        for fmt in ([], ["--json"]):
            rc, out, err = run([MQDUMP, *fmt, connect.hex()])
            self.assertEqual(rc, 0, err)
            self.assertNotIn(SECRET, out)
            self.assertIn("alice", out)
            rc, out, err = run([MQDUMP, *fmt, "--show-secrets", connect.hex()])
            self.assertEqual(rc, 0, err)
            self.assertIn(SECRET, out)


class AclMatrix(unittest.TestCase):
    """Who may publish and subscribe where, per user and per client id, and
    what each subscriber actually receives."""

    ACL = """\
topic read public/#
user alice
topic readwrite alice/#
topic read shared/#
topic deny shared/secret/#
user bob
topic write shared/#
topic write alice/inbox
pattern readwrite clients/%c/#
pattern read users/%u/inbox
"""

    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="mq_security_acl_")
        cls.pw = os.path.join(cls.d, "passwords")
        for user in ("alice", "bob"):
            passwd(cls.pw, user, f"{user}-pw")
        with open(os.path.join(cls.d, "acl"), "w") as f:
            f.write(cls.ACL)
        cls.broker = mt.Broker([], config=f"listener 0 127.0.0.1\npassword_file {cls.pw}\n"
                                          f"acl_file {cls.d}/acl\n")
        cls.port = cls.broker.port()

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        shutil.rmtree(cls.d, ignore_errors=True)

    def client(self, user, client_id):
        c = mt.Paho(self.port, client_id=client_id, version=mqtt.MQTTv5, user=user, password=f"{user}-pw")
        self.assertEqual(c.connack()[1], 0)
        return c

    def test_subscribe_matrix(self):
        alice = self.client("alice", "a1")
        bob = self.client("bob", "b1")
        cases = [
            (alice, "alice/#", 1), (alice, "shared/#", 1), (alice, "shared/secret/#", 0x87), (alice, "#", 0x87),
            (alice, "clients/a1/#", 1), (alice, "clients/b1/#", 0x87), (alice, "users/alice/inbox", 1),
            (alice, "users/bob/inbox", 0x87), (alice, "public/news", 0x87), (alice, "+/inbox", 0x87),
            (bob, "shared/#", 0x87), (bob, "alice/inbox", 0x87), (bob, "clients/b1/x", 1), (bob, "clients/a1/x", 0x87),
            (bob, "users/bob/inbox", 1), (bob, "public/#", 0x87),
        ]
        for c, topic, granted in cases:
            with self.subTest(client=c.c._client_id, topic=topic):
                self.assertEqual(c.subscribe(topic, 1), [granted])
        alice.close()
        bob.close()

    def test_publish_matrix(self):
        """mqpub at 5.0 QoS 1 exits 6 when PUBACK says 0x87 Not authorized."""
        cases = [
            ("alice", "a1", "alice/x", 0), ("alice", "a1", "shared/x", 6), ("alice", "a1", "clients/a1/x", 0),
            ("alice", "a2", "clients/a1/x", 6), ("alice", "a1", "users/alice/inbox", 6),
            ("bob", "b1", "shared/x", 0), ("bob", "b1", "alice/inbox", 0), ("bob", "b1", "alice/other", 6),
            ("bob", "b1", "clients/b1/deep/x", 0), ("bob", "b1", "public/x", 6),
        ]
        for user, client_id, topic, status in cases:
            with self.subTest(user=user, client_id=client_id, topic=topic):
                rc, _, err = run([MQPUB, "-h", "127.0.0.1", "-p", str(self.port), "-V", "mqttv5", "-q", "1",
                                  "-u", user, "-P", f"{user}-pw", "-i", client_id, "-t", topic, "-m", "m"])
                self.assertEqual(rc, status, err)

    def test_wildcard_subscription_never_gets_forbidden_messages(self):
        alice = self.client("alice", "a1")
        self.assertEqual(alice.subscribe("shared/#", 1), [1])
        self.assertEqual(alice.subscribe("users/alice/inbox", 1), [1])
        bob = self.client("bob", "b1")
        sent = ["shared/secret/x", "shared/news", "shared/secret", "shared/secret/deep/y", "users/alice/inbox",
                "shared/end"]
        for topic in sent:
            bob.publish(topic, topic, qos=1)
        got = []
        while not got or got[-1] != "shared/end":
            got.append(alice.message().payload.decode())
        # The deny rule shared/secret/# covers shared/secret too: '#' matches the parent level.
        self.assertEqual(got, ["shared/news", "shared/end"])
        alice.close()
        bob.close()


if __name__ == "__main__":
    mt.MQBROKER = os.path.abspath(sys.argv.pop(1))
    MQPUB = os.path.abspath(sys.argv.pop(1))
    MQSUB = os.path.abspath(sys.argv.pop(1))
    MQDUMP = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
