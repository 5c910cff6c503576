#!/usr/bin/python3
"""Runs the real mqpub and mqsub binaries against the real mosquitto broker,
with mosquitto_pub and mosquitto_sub as the other party: QoS 0/1/2 at 3.1.1
and 5.0, binary payloads byte for byte, retained messages, the will, TLS
(certificates made here with openssl), the WebSocket listener, --json into
jq, replay, stop conditions and exit codes.

Brokers are started on free loopback ports with generated configs; readiness
is awaited by polling (connect, or a probe message), never by sleeping.

Usage: pubsub_test.py /path/to/mqpub /path/to/mqsub [unittest options]
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

MQPUB = MQSUB = None
TIMEOUT = 20  # seconds for any one process
BINARY = bytes(range(256)) + b"\x00\r\n\xff tail"
VERSIONS = {"311": ("mqttv311", "mqttv311"), "5": ("mqttv5", "mqttv5")}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            continue
    raise RuntimeError(f"port {port} did not open")


def run(args, data=None, env=None, timeout=TIMEOUT):
    proc = subprocess.run(args, input=data, capture_output=True, timeout=timeout, env=env)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


class LineReader:
    """Lines from a pipe with a deadline, reading the fd directly so that
    select() and the buffer never disagree."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.buf = b""

    def readline(self, timeout):
        import select
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    return None
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line


class Broker:
    """A mosquitto process with a generated config in a temporary folder."""

    def __init__(self, workdir, name, listeners, extra=""):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        conf = os.path.join(self.dir, "mosquitto.conf")
        text = "per_listener_settings false\n" + extra
        for body in listeners:
            text += body
        with open(conf, "w") as f:
            f.write(text)
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def make_certs(d):
    """A CA and a server certificate for localhost / 127.0.0.1, signed by it."""
    def ossl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
    ca_key, ca, key, csr, crt = (os.path.join(d, n) for n in ("ca.key", "ca.pem", "server.key", "server.csr",
                                                               "server.pem"))
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
         "-subj", "/CN=mq test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt, "-days", "2",
         "-extfile", ext)
    for f in (ca, crt, key):
        os.chmod(f, 0o644)
    return ca, crt, key


class PubSubTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mq-pubsub-")
        # mosquitto started as root reads its files as user mosquitto.
        os.chmod(cls.tmp, 0o755)
        cls.brokers = []
        try:
            cls.start_brokers()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_brokers(cls):
        cls.port = free_port()
        cls.ws_port = free_port()
        cls.tls_port = free_port()
        cls.ca, crt, key = make_certs(cls.tmp)
        cls.open_broker = Broker(cls.tmp, "open", [
            f"listener {cls.port} 127.0.0.1\nallow_anonymous true\n",
            f"listener {cls.ws_port} 127.0.0.1\nprotocol websockets\n",
            f"listener {cls.tls_port} 127.0.0.1\ncafile {cls.ca}\ncertfile {crt}\nkeyfile {key}\n",
        ], "allow_anonymous true\n")
        cls.brokers.append(cls.open_broker)
        # A broker with passwords and an ACL: alice may write allowed/# only.
        cls.auth_port = free_port()
        pwfile = os.path.join(cls.tmp, "passwd")
        open(pwfile, "w").close()
        subprocess.run(["mosquitto_passwd", "-b", pwfile, "alice", "secret"], check=True, timeout=30)
        os.chmod(pwfile, 0o644)
        acl = os.path.join(cls.tmp, "acl")
        with open(acl, "w") as f:
            f.write("user alice\ntopic readwrite allowed/#\n")
        os.chmod(acl, 0o644)
        cls.auth_broker = Broker(cls.tmp, "auth", [f"listener {cls.auth_port} 127.0.0.1\n"],
                                 f"allow_anonymous false\npassword_file {pwfile}\nacl_file {acl}\n")
        cls.brokers.append(cls.auth_broker)
        for p in (cls.port, cls.ws_port, cls.tls_port, cls.auth_port):
            wait_port(p)

    @classmethod
    def tearDownClass(cls):
        for b in cls.brokers:
            b.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # Helpers ---------------------------------------------------------------

    def conn(self):
        return ["-h", "127.0.0.1", "-p", str(self.port)]

    def topic(self, name):
        return f"test/{self.id().split('.')[-1]}/{name}"

    def start_mqsub(self, args):
        """Starts mqsub with -d and waits (with a deadline) until its SUBACK arrived."""
        proc = subprocess.Popen([MQSUB, *self.conn(), "-d", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        end = time.monotonic() + TIMEOUT
        seen = b""
        while time.monotonic() < end:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
            if b"received SUBACK" in line:
                return proc
        proc.kill()
        self.fail(f"mqsub did not subscribe: {seen!r}")

    def start_mosquitto_sub(self, topic, version, extra=()):
        """Starts mosquitto_sub printing '%t %x' for `topic` and a probe topic,
        and returns once a probe message has come through."""
        probe = self.topic("probe")
        proc = subprocess.Popen(["mosquitto_sub", *self.conn(), "-V", version, "-q", "2", "-t", topic, "-t", probe,
                                 "-F", "%t %x", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.lines = LineReader(proc.stdout)
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            subprocess.run(["mosquitto_pub", *self.conn(), "-t", probe, "-m", "p"], timeout=TIMEOUT)
            line = proc.lines.readline(0.2)
            if line is not None and line.startswith(probe.encode()):
                return proc
        proc.kill()
        self.fail("mosquitto_sub did not subscribe")

    def lines_of(self, proc, topic, n):
        """Reads `n` lines for `topic` from a mosquitto_sub started by
        start_mosquitto_sub (late probe lines are skipped), then ends it."""
        got = []
        end = time.monotonic() + TIMEOUT
        while len(got) < n and time.monotonic() < end:
            line = proc.lines.readline(end - time.monotonic())
            if line is None:
                break
            if line.startswith((topic + " ").encode()):
                got.append(line.decode())
        proc.kill()
        proc.communicate()
        return got

    def finish(self, proc):
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"process did not end: {err!r}")
        return proc.returncode, out, err.decode("utf-8", "replace")

    # mqpub -> mosquitto -> mosquitto_sub ---------------------------------------

    def test_mqpub_to_mosquitto_sub_every_qos_and_version(self):
        for v, (ours, theirs) in VERSIONS.items():
            for qos in (0, 1, 2):
                with self.subTest(version=v, qos=qos):
                    t = self.topic(f"v{v}q{qos}")
                    sub = self.start_mosquitto_sub(t, theirs)
                    f = os.path.join(self.tmp, "payload.bin")
                    with open(f, "wb") as fh:
                        fh.write(BINARY)
                    rc, _, err = run([MQPUB, *self.conn(), "-V", ours, "-q", str(qos), "-t", t, "-f", f])
                    self.assertEqual(rc, 0, err)
                    rc, _, err = run([MQPUB, *self.conn(), "-V", ours, "-q", str(qos), "-t", t, "-m", "text"])
                    self.assertEqual(rc, 0, err)
                    self.assertEqual(self.lines_of(sub, t, 2), [f"{t} {BINARY.hex()}", f"{t} {b'text'.hex()}"])

    def test_mqpub_lines_to_mosquitto_sub(self):
        t = self.topic("lines")
        sub = self.start_mosquitto_sub(t, "mqttv5")
        rc, _, err = run([MQPUB, *self.conn(), "-q", "1", "-t", t, "-l"], data=b"one\n\ntwo\r\nlast")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.lines_of(sub, t, 4),
                         [f"{t} {x.hex()}" for x in (b"one", b"", b"two\r", b"last")])

    def test_retained_binary_raw_both_ways(self):
        t = self.topic("raw")
        f = os.path.join(self.tmp, "raw.bin")
        with open(f, "wb") as fh:
            fh.write(BINARY)
        rc, _, err = run([MQPUB, *self.conn(), "-r", "-q", "1", "-t", t, "-f", f])
        self.assertEqual(rc, 0, err)
        rc, out, err = run(["mosquitto_sub", *self.conn(), "-t", t, "-C", "1", "-N"])
        self.assertEqual(out, BINARY)
        rc, _, err = run(["mosquitto_pub", *self.conn(), "-r", "-t", t + "2", "-f", f])
        for v in ("mqttv311", "mqttv5"):
            rc, out, err = run([MQSUB, *self.conn(), "-V", v, "-t", t + "2", "-C", "1", "-N"])
            self.assertEqual((rc, out), (0, BINARY), err)
        rc, out, err = run([MQSUB, *self.conn(), "-t", t, "--retained-only", "--remove-retained", "-v"])
        self.assertEqual((rc, out), (0, f"{t} ".encode() + BINARY + b"\n"), err)
        rc, out, err = run([MQSUB, *self.conn(), "-t", t, "--retained-only"])
        self.assertEqual((rc, out), (0, b""), err)

    # mosquitto_pub -> mosquitto -> mqsub ---------------------------------------

    def test_mosquitto_pub_to_mqsub_every_qos_and_version(self):
        f = os.path.join(self.tmp, "payload2.bin")
        with open(f, "wb") as fh:
            fh.write(BINARY)
        for v, (ours, theirs) in VERSIONS.items():
            for qos in (0, 1, 2):
                with self.subTest(version=v, qos=qos):
                    t = self.topic(f"v{v}q{qos}")
                    sub = self.start_mqsub(["-V", ours, "-q", str(qos), "-t", t, "-C", "2", "-F", "%q %x"])
                    run(["mosquitto_pub", *self.conn(), "-V", theirs, "-q", str(qos), "-t", t, "-f", f])
                    run(["mosquitto_pub", *self.conn(), "-V", theirs, "-q", str(qos), "-t", t, "-m", "hi"])
                    rc, out, err = self.finish(sub)
                    self.assertEqual(rc, 0, err)
                    self.assertEqual(out.decode().splitlines(), [f"{qos} {BINARY.hex()}", f"{qos} {b'hi'.hex()}"])

    def test_mqsub_json_into_jq(self):
        t = self.topic("json")
        sub = self.start_mqsub(["-t", t, "-C", "2", "-q", "1", "--json"])
        run(["mosquitto_pub", *self.conn(), "-V", "mqttv5", "-q", "1", "-t", t, "-m", "hello",
             "-D", "publish", "user-property", "k", "1", "-D", "publish", "content-type", "text/plain"])
        run(["mosquitto_pub", *self.conn(), "-t", t, "-f", os.devnull])
        bin_file = os.path.join(self.tmp, "j.bin")
        with open(bin_file, "wb") as fh:
            fh.write(b"\xff\x00")
        rc, out, err = self.finish(sub)
        self.assertEqual(rc, 0, err)
        jq = subprocess.run(["jq", "-c", "[.topic, .qos, .payload, .payload_encoding, .properties]"], input=out,
                            capture_output=True, timeout=TIMEOUT)
        self.assertEqual(jq.returncode, 0, jq.stderr)
        lines = jq.stdout.decode().splitlines()
        self.assertEqual(json.loads(lines[0]), [t, 1, "hello", "utf-8",
                                                {"user-property": [["k", "1"]], "content-type": "text/plain"}])
        self.assertEqual(json.loads(lines[1]), [t, 0, "", "utf-8", None])
        # Binary payloads come out as base64.
        t2 = self.topic("json-bin")
        run(["mosquitto_pub", *self.conn(), "-r", "-t", t2, "-f", bin_file])
        rc, out, err = run([MQSUB, *self.conn(), "-t", t2, "-C", "1", "--json"])
        rec = json.loads(out)
        self.assertEqual((rec["payload"], rec["payload_encoding"], rec["retain"]), ("/wA=", "base64", True))
        self.assertRegex(rec["received"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
        run(["mosquitto_pub", *self.conn(), "-r", "-t", t2, "-n"])

    def test_replay_of_json_records(self):
        t = self.topic("replay")
        sub = self.start_mqsub(["-t", t, "-C", "2", "--json"])
        run([MQPUB, *self.conn(), "-t", t, "--hex", "-m", "00ff", "--property", "correlation-data=hex:0102",
             "--user-property", "a=1", "--user-property", "a=2"])
        run([MQPUB, *self.conn(), "-t", t, "-m", "second", "-q", "1"])
        rc, recorded, err = self.finish(sub)
        self.assertEqual(rc, 0, err)
        sub = self.start_mqsub(["-t", t, "-C", "2", "--json"])
        f = os.path.join(self.tmp, "rec.ndjson")
        with open(f, "wb") as fh:
            fh.write(recorded)
        rc, _, err = run([MQPUB, *self.conn(), "--replay", f, "--replay-timing"])
        self.assertEqual(rc, 0, err)
        rc, replayed, err = self.finish(sub)
        keep = lambda r: {k: v for k, v in json.loads(r).items() if k not in ("received", "packet_id")}
        self.assertEqual([keep(r) for r in replayed.splitlines()], [keep(r) for r in recorded.splitlines()])
        first = json.loads(replayed.splitlines()[0])
        self.assertEqual(first["properties"]["user-property"], [["a", "1"], ["a", "2"]])
        self.assertEqual(first["payload_encoding"], "base64")

    def test_format_string_like_mosquitto_sub(self):
        t = self.topic("fmt")
        fmt = "%t|%10t|%-6l|%05l|%q|%r|%x|%X|%p|%C|%P|%.2t|%F\\t@@\\n"
        run(["mosquitto_pub", *self.conn(), "-V", "mqttv5", "-q", "1", "-r", "-t", t, "-m", "pay",
             "-D", "publish", "content-type", "ct", "-D", "publish", "user-property", "k", "v",
             "-D", "publish", "payload-format-indicator", "1"])
        rc, ours, err = run([MQSUB, *self.conn(), "-t", t, "-C", "1", "-q", "1", "-F", fmt])
        self.assertEqual(rc, 0, err)
        rc, theirs, err = run(["mosquitto_sub", *self.conn(), "-V", "mqttv5", "-t", t, "-C", "1", "-q", "1",
                               "-F", fmt])
        self.assertEqual(ours, theirs)
        self.assertEqual(ours, f"{t}|{t:>10}|3     |00003|1|1|706179|706179|pay|ct|k:v|te|1\t@\n\n".encode())
        run(["mosquitto_pub", *self.conn(), "-r", "-t", t, "-n"])

    # Will, TLS, WebSocket --------------------------------------------------------

    def test_will_is_published_when_the_client_dies(self):
        for v in ("mqttv311", "mqttv5"):
            with self.subTest(version=v):
                w = self.topic("will" + v)
                watcher = self.start_mqsub(["-t", w, "-C", "1", "-v"])
                doomed = self.start_mqsub(["-V", v, "-t", self.topic("x"), "--will-topic", w, "--will-payload",
                                           "gone", "--will-qos", "1"])
                doomed.send_signal(signal.SIGKILL)
                doomed.communicate()
                rc, out, err = self.finish(watcher)
                self.assertEqual((rc, out), (0, f"{w} gone\n".encode()), err)

    def test_a_clean_exit_sends_disconnect_so_the_will_stays_unpublished(self):
        # Both tools end from inside an event handler (the last acknowledgement,
        # the -C count); DISCONNECT must still reach the broker. A marker sent
        # after each tool ended must be the first thing on the will topic.
        retained = self.topic("retained")
        run(["mosquitto_pub", *self.conn(), "-t", retained, "-m", "r", "-r", "-q", "1"])
        for v in ("mqttv311", "mqttv5"):
            for tool, args in (("mqpub", [MQPUB, "-t", self.topic("x"), "-m", "m", "-q", "1"]),
                               ("mqsub", [MQSUB, "-t", retained, "-C", "1"])):
                with self.subTest(version=v, tool=tool):
                    w = self.topic(f"will/{tool}/{v}")
                    watcher = self.start_mqsub(["-t", w, "-C", "1", "-v"])
                    rc, _, err = run([*args, *self.conn(), "-V", v, "--will-topic", w, "--will-payload", "gone"])
                    self.assertEqual(rc, 0, err)
                    run(["mosquitto_pub", *self.conn(), "-t", w, "-m", "marker", "-q", "1"])
                    rc, out, err = self.finish(watcher)
                    self.assertEqual((rc, out), (0, f"{w} marker\n".encode()), err)
        run(["mosquitto_pub", *self.conn(), "-t", retained, "-n", "-r"])

    def test_tls(self):
        t = self.topic("tls")
        tls = ["-h", "localhost", "-p", str(self.tls_port)]
        rc, _, err = run([MQPUB, *tls, "--cafile", self.ca, "-t", t, "-m", "secure", "-r", "-q", "1"])
        self.assertEqual(rc, 0, err)
        rc, out, err = run([MQSUB, "-L", f"mqtts://localhost:{self.tls_port}", "--cafile", self.ca, "-t", t, "-C",
                            "1"])
        self.assertEqual((rc, out), (0, b"secure\n"), err)
        # No CA given: the system store does not know ours.
        rc, _, err = run([MQPUB, *tls, "-t", t, "-m", "x", "--tls-version", "tlsv1.2"])
        self.assertEqual(rc, 4, err)
        self.assertIn("certificate", err)
        # Wrong host name.
        rc, _, err = run([MQPUB, *tls, "--cafile", self.ca, "--sni", "wrong.example", "-t", t, "-m", "x"])
        self.assertEqual(rc, 4, err)
        # --insecure connects and says so.
        rc, _, err = run([MQPUB, *tls, "--insecure", "-t", t, "-n", "-r"])
        self.assertEqual(rc, 0, err)
        self.assertIn("insecure", err)

    def test_websocket(self):
        t = self.topic("ws")
        for v in ("mqttv311", "mqttv5"):
            rc, _, err = run([MQPUB, "-L", f"ws://127.0.0.1:{self.ws_port}/mqtt", "-V", v, "-t", t, "-m", "over ws",
                              "-r", "-q", "2"])
            self.assertEqual(rc, 0, err)
            rc, out, err = run([MQSUB, "-L", f"ws://127.0.0.1:{self.ws_port}/mqtt", "-V", v, "-t", t, "-C", "1"])
            self.assertEqual((rc, out), (0, b"over ws\n"), err)
        run([MQPUB, *self.conn(), "-t", t, "-n", "-r"])

    # Exit codes and stop conditions ------------------------------------------------

    def test_exit_codes(self):
        closed = free_port()
        rc, _, err = run([MQPUB, "-h", "127.0.0.1", "-p", str(closed), "-t", "a", "-m", "b"])
        self.assertEqual(rc, 3, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        auth = ["-h", "127.0.0.1", "-p", str(self.auth_port)]
        for v in ("mqttv311", "mqttv5"):
            rc, _, err = run([MQPUB, *auth, "-V", v, "-u", "alice", "-P", "wrong", "-t", "allowed/x", "-m", "b"])
            self.assertEqual(rc, 5, err)
            self.assertIn("refused", err)
            rc, _, err = run([MQSUB, *auth, "-V", v, "-t", "allowed/x", "-E"])
            self.assertEqual(rc, 5, err)
        rc, _, err = run([MQPUB, *auth, "-u", "alice", "-P", "secret", "-t", "allowed/x", "-m", "b", "-q", "1"])
        self.assertEqual(rc, 0, err)
        rc, _, err = run([MQPUB, *auth, "-u", "alice", "-P", "secret", "-t", "denied/x", "-m", "b", "-q", "1"])
        self.assertEqual(rc, 6, err)
        self.assertIn("0x87", err)
        rc, _, err = run([MQPUB, "-t", "a"])
        self.assertEqual(rc, 2, err)
        rc, out, _ = run([MQPUB, "--help"])
        self.assertEqual(rc, 0)
        rc, out, _ = run([MQSUB, "--help"])
        self.assertEqual(rc, 0)
        rc, _, err = run([MQSUB, *self.conn(), "-t", "a/#", "-F", "%Z"])
        self.assertEqual(rc, 2, err)

    def test_stop_conditions(self):
        t = self.topic("stop")
        rc, _, err = run([MQSUB, *self.conn(), "-t", t, "-W", "0.3"])
        self.assertEqual(rc, 7, err)
        rc, _, err = run([MQSUB, *self.conn(), "-t", t, "--idle-timeout", "0.3"])
        self.assertEqual(rc, 9, err)
        rc, _, err = run([MQSUB, *self.conn(), "-t", t, "-E"])
        self.assertEqual(rc, 0, err)
        sub = self.start_mqsub(["-t", t, "-C", "3", "-R"])
        run([MQPUB, *self.conn(), "-t", t, "-m", "m", "--repeat", "5", "-q", "1"])
        rc, out, err = self.finish(sub)
        self.assertEqual((rc, out), (0, b"m\nm\nm\n"), err)

    def test_reader_closing_stdout_ends_mqsub(self):
        t = self.topic("head")
        run([MQPUB, *self.conn(), "-t", t, "-m", "first", "-r"])
        pipeline = subprocess.run(f"'{MQSUB}' -h 127.0.0.1 -p {self.port} -t '{t}' | head -n1; "
                                  "echo \"status=${PIPESTATUS[0]}\"",
                                  shell=True, executable="/bin/bash", capture_output=True, timeout=TIMEOUT)
        self.assertEqual(pipeline.stdout, b"first\nstatus=0\n")
        self.assertEqual(pipeline.stderr, b"")
        run([MQPUB, *self.conn(), "-t", t, "-n", "-r"])

    def test_env_url(self):
        t = self.topic("env")
        env = dict(os.environ, MQ_URL=f"mqtt://127.0.0.1:{self.port}")
        rc, _, err = run([MQPUB, "-t", t, "-m", "via env", "-r"], env=env)
        self.assertEqual(rc, 0, err)
        rc, out, err = run([MQSUB, "-t", t, "-C", "1"], env=env)
        self.assertEqual((rc, out), (0, b"via env\n"), err)
        run([MQPUB, "-t", t, "-n", "-r"], env=env)


if __name__ == "__main__":
    MQPUB, MQSUB = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:])
