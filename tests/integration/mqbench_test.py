#!/usr/bin/python3
"""Runs the real mqbench binary: exact counts against the embedded broker,
mqbroker and mosquitto; loss and duplicates made by a fake broker in this
file; a subscriber cut off; the merge of two workers against the arithmetic
of one process; --slo, bad options and an unreachable broker with their exit
statuses.

Every process has a timeout; brokers start on port 0 and report their port
(mosquitto cannot: it gets a port just found free, as in pubsub_test.py).

Usage: mqbench_test.py /path/to/mqbench /path/to/mqbroker [unittest options]
"""
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

MQBENCH = MQBROKER = None
TIMEOUT = 60  # seconds for any one process

# mqbench's exit statuses (apps/mqbench/exit_codes.hpp)
OK, FAILURE, USAGE, CONNECT, REFUSED, LOSS, SLO = 0, 1, 2, 3, 4, 5, 6


def run(args, timeout=TIMEOUT):
    p = subprocess.run([MQBENCH, *args], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


def summary(path):
    """The summary record of an mqbench --json file."""
    with open(path) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    s = [l for l in lines if l.get("type") == "summary"]
    assert len(s) == 1, lines[-1:]
    return s[0], [l for l in lines if l.get("type") == "interval"]


class MqBroker:
    """mqbroker on port 0 (or with a config file of `listeners` listeners);
    the ports come from its 'listening KIND ADDRESS' lines."""

    def __init__(self, config=None, listeners=1):
        args = ["-c", config] if config else ["-p", "0"]
        self.proc = subprocess.Popen([MQBROKER, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.addresses = {}
        end = time.monotonic() + 10
        buf = b""
        while buf.count(b"\n") < listeners and time.monotonic() < end:
            r, _, _ = select.select([self.proc.stdout], [], [], end - time.monotonic())
            if not r:
                break
            c = os.read(self.proc.stdout.fileno(), 4096)
            if not c:
                break
            buf += c
        for line in buf.decode().splitlines():
            words = line.split()
            assert words[0] == "listening", line
            self.addresses.setdefault(words[1], words[2])
        assert len(buf.decode().splitlines()) == listeners, buf
        if "mqtt" in self.addresses:
            self.port = int(self.addresses["mqtt"].rsplit(":", 1)[1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBroker:
    """An MQTT 3.1.1 broker of a few lines that forwards every PUBLISH to
    every subscriber, with a fault: 'drop' loses message number 5 of each
    publisher, 'dup' delivers it twice, 'refuse' answers CONNACK 5 (not
    authorised), 'cut' closes the first subscriber after 20 messages."""

    def __init__(self, fault):
        self.fault = fault
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.subs = []
        self.lock = threading.Lock()
        self.stopped = False
        self.forwarded = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.stopped:
            r, _, _ = select.select([self.server], [], [], 0.2)
            if r:
                conn, _ = self.server.accept()
                threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    @staticmethod
    def read_packet(conn, buf):
        while True:
            if len(buf) >= 2:
                n, mult, i = 0, 1, 1
                while i < len(buf) and i <= 4:
                    n += (buf[i] & 0x7F) * mult
                    mult *= 128
                    if not buf[i] & 0x80:
                        break
                    i += 1
                if i < len(buf) and len(buf) >= i + 1 + n:
                    return buf[0], bytes(buf[i + 1:i + 1 + n]), buf[i + 1 + n:]
            r, _, _ = select.select([conn], [], [], 30)
            data = conn.recv(65536) if r else b""
            if not data:
                return None, None, buf
            buf += data

    def serve(self, conn):
        buf = b""
        count = 0
        try:
            while True:
                first, body, buf = self.read_packet(conn, buf)
                if first is None:
                    return
                kind = first >> 4
                if kind == 1:
                    conn.sendall(bytes([0x20, 2, 0, 5 if self.fault == "refuse" else 0]))
                    if self.fault == "stall":  # never reads again
                        while not self.stopped:
                            time.sleep(0.1)
                        return
                elif kind == 8:
                    with self.lock:
                        self.subs.append(conn)
                    conn.sendall(bytes([0x90, 3, body[0], body[1], body[-1] & 3]))
                elif kind == 3:
                    qos = (first >> 1) & 3
                    tlen = struct.unpack(">H", body[:2])[0]
                    payload = body[2 + tlen + (2 if qos else 0):]
                    if qos == 1:
                        conn.sendall(bytes([0x40, 2]) + body[2 + tlen:4 + tlen])
                    seq = struct.unpack("<Q", payload[8:16])[0] if payload[:4] == b"mqb\x01" else -1  # lib/bench/payload.hpp
                    out = bytes([0x30, 2 + tlen + len(payload)]) if 2 + tlen + len(payload) < 128 else None
                    assert out is not None, "keep test payloads small"
                    packet = out + body[:2 + tlen] + payload  # forwarded at QoS 0
                    times = 0 if (self.fault == "drop" and seq == 5) else 2 if (self.fault == "dup" and seq == 5) else 1
                    with self.lock:
                        for s in list(self.subs):
                            for _ in range(times):
                                try:
                                    s.sendall(packet)
                                except OSError:
                                    self.subs.remove(s)
                            count += times
                            if self.fault == "cut" and count >= 20 and s is self.subs[0]:
                                s.shutdown(socket.SHUT_RDWR)
                                s.close()
                                self.subs.remove(s)
                                self.fault = None
                                break
                elif kind == 14:
                    return
        except OSError:
            return
        finally:
            conn.close()

    def stop(self):
        self.stopped = True
        self.server.close()


class MqBenchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mqbench-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def out(self, name):
        return os.path.join(self.tmp, name)

    def check_exact(self, args, publishers=1, subscribers=1, count=500, qos=1):
        """A loss-free run: every message sent arrived, once, in order."""
        j = self.out("exact.json")
        code, _, err = run([*args, "--warmup", "0", "-C", str(count), "-q", str(qos), "--publishers",
                            str(publishers), "--subscribers", str(subscribers), "--json", j, "--quiet"])
        self.assertEqual(code, OK, err)
        s, intervals = summary(j)
        c = s["counters"]
        self.assertEqual(c["published"], publishers * count)
        self.assertEqual(c["received"], subscribers * count)  # subscriber k follows publisher k mod P
        self.assertEqual((c["lost"], c["duplicates"], c["reordered"]), (0, 0, 0))
        if qos:
            self.assertEqual(c["acked"], publishers * count)
        self.assertEqual(sum(i["counters"]["received"] for i in intervals), c["received"])
        # Every message was measured end to end; at QoS > 0 every one was acknowledged.
        self.assertEqual(s["latency"]["e2e"]["histogram"]["count"], c["received"])
        if qos:
            self.assertEqual(s["latency"]["ack"]["histogram"]["count"], publishers * count)
        return s

    def test_exact_counts_embedded_broker(self):
        for version in ("5", "311"):
            for qos in (0, 1, 2):
                with self.subTest(version=version, qos=qos):
                    self.check_exact(["-V", version], count=300, qos=qos)

    def test_figures_add_up_across_warmup_and_last_interval(self):
        """Messages in flight when the warm-up ends are in no figure; the run's
        last sliver of an interval is marked partial; the embedded broker's
        memory is mqbench's own, so it is null, not 0."""
        j = self.out("edges.json")
        code, _, err = run(["-c", "2", "--warmup", "0.3", "-d", "1.2", "--interval", "0.5", "--json", j])
        self.assertEqual(code, OK, err)
        s, intervals = summary(j)
        c = s["counters"]
        self.assertEqual((c["lost"], c["duplicates"]), (0, 0))
        self.assertEqual(c["received"], c["published"])
        self.assertEqual(s["latency"]["e2e"]["histogram"]["count"], c["received"])
        self.assertEqual(sum(i["e2e"]["count"] for i in intervals), c["received"])
        for i in intervals:
            self.assertEqual(i.get("partial", False), i["end_s"] - i["start_s"] < 0.25, i)
        self.assertIsNone(s["broker"]["peak_rss_bytes"])
        self.assertIn("peak RSS shared with mqbench", err)
        # At QoS 1 the acknowledgements follow the same rule as receipts.
        j = self.out("edges_qos1.json")
        code, _, err = run(["-c", "2", "-q", "1", "--warmup", "0.3", "-d", "1.2", "--json", j])
        self.assertEqual(code, OK, err)
        c = summary(j)[0]["counters"]
        self.assertEqual((c["lost"], c["duplicates"]), (0, 0))
        self.assertEqual(c["acked"], c["published"])
        self.assertEqual(c["received"], c["published"])
        self.assertEqual(summary(j)[0]["latency"]["ack"]["histogram"]["count"], c["acked"])

    def test_embedded_broker_is_announced_and_csv_written(self):
        code, _, err = run(["-C", "10", "--warmup", "0", "--quiet", "--csv", self.out("r.csv")])
        self.assertEqual(code, OK, err)
        self.assertIn("embedded broker listens on 127.0.0.1:", err)
        with open(self.out("r.csv")) as f:
            rows = [line.rstrip("\n").split(",") for line in f]
        header, total = rows[0], rows[-1]
        self.assertEqual(len(total), len(header))
        self.assertEqual(total[0], "total")
        self.assertEqual(total[header.index("published")], "10")
        self.assertEqual(total[header.index("received")], "10")

    def test_exact_counts_mqbroker_fanout_and_shared(self):
        b = MqBroker()
        try:
            url = ["-L", f"mqtt://127.0.0.1:{b.port}", "--broker-pid", str(b.proc.pid)]
            s = self.check_exact(url, publishers=1, subscribers=5, count=400, qos=1)
            self.assertTrue(s["broker"]["known"])
            self.assertGreater(s["broker"]["peak_rss_bytes"], 0)
            # A shared subscription: the group, not each member, sees every message.
            j = self.out("shared.json")
            code, _, err = run([*url, "--warmup", "0", "-C", "400", "-q", "1", "--subscribers", "3", "--shared", "g",
                                "--json", j, "--quiet"])
            self.assertEqual(code, OK, err)
            c = summary(j)[0]["counters"]
            self.assertEqual((c["published"], c["received"], c["lost"], c["duplicates"]), (400, 400, 0, 0))
            # A wildcard subscriber expects every publisher's messages.
            code, _, err = run([*url, "--warmup", "0", "-C", "200", "--publishers", "3", "--subscribers", "1",
                                "--sub-topic", "mqbench/#", "--json", j, "--quiet"])
            self.assertEqual(code, OK, err)
            c = summary(j)[0]["counters"]
            self.assertEqual((c["published"], c["received"], c["lost"]), (600, 600, 0))
        finally:
            b.stop()

    def test_every_transport(self):
        """mqtt, mqtts, ws, wss and unix URLs against mqbroker, TLS verified
        against a CA made here."""
        ca_key, ca, key, csr, crt = (self.out(n) for n in ("ca.key", "ca.pem", "s.key", "s.csr", "s.pem"))

        def ossl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
             "-subj", "/CN=mqbench test CA")
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
        with open(self.out("ext.cnf"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt, "-days", "2",
             "-extfile", self.out("ext.cnf"))
        sock = self.out("mq.sock")
        conf = self.out("mqbroker.conf")
        with open(conf, "w") as f:
            f.write(f"allow_anonymous true\nlistener 0 127.0.0.1\nlistener 0 127.0.0.1\nprotocol websockets\n"
                    f"listener 0 127.0.0.1\ncertfile {crt}\nkeyfile {key}\n"
                    f"listener 0 127.0.0.1\nprotocol websockets\ncertfile {crt}\nkeyfile {key}\n"
                    f"listener unix {sock}\n")
        b = MqBroker(conf, listeners=5)
        try:
            a = b.addresses
            for url, extra in ((f"mqtt://{a['mqtt']}", []), (f"ws://{a['ws']}", []),
                               (f"mqtts://{a['mqtts']}", ["--cafile", ca]), (f"wss://{a['wss']}", ["--cafile", ca]),
                               (f"unix://{sock}", [])):
                with self.subTest(url=url):
                    self.check_exact(["-L", url, *extra], publishers=2, subscribers=2, count=200, qos=1)
            # An unknown CA is a connect failure (3) that names the certificate.
            code, _, err = run(["-L", f"mqtts://{a['mqtts']}", "-C", "1", "--warmup", "0"])
            self.assertEqual(code, CONNECT, err)
            self.assertIn("certificate", err)
            # --insecure (mqpub's option) connects without the CA, and says so.
            code, _, err = run(["-L", f"mqtts://{a['mqtts']}", "--insecure", "-C", "1", "--warmup", "0", "--quiet"])
            self.assertEqual(code, OK, err)
            self.assertIn("--insecure: the broker's certificate is not verified", err)
        finally:
            b.stop()

    def test_exact_counts_mosquitto(self):
        if not shutil.which("mosquitto"):
            self.skipTest("mosquitto is not installed")
        port = free_port()
        conf = self.out("mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n"
                    "max_queued_messages 0\n")
        os.chmod(self.tmp, 0o755)
        p = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            end = time.monotonic() + 10
            while time.monotonic() < end:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.05)
            for version in ("5", "311"):
                with self.subTest(version=version):
                    self.check_exact(["-h", "127.0.0.1", "-p", str(port), "-V", version], publishers=2,
                                     subscribers=4, count=300, qos=1)
        finally:
            p.terminate()
            p.wait(timeout=10)

    def fake(self, fault, qos="1", extra=()):
        fb = FakeBroker(fault)
        try:
            j = self.out("fake.json")
            code, _, err = run(["-L", f"mqtt://127.0.0.1:{fb.port}", "-V", "311", "--warmup", "0", "-C", "50", "-q",
                                qos, "--json", j, "--quiet", *extra])
            return code, err, (summary(j)[0]["counters"] if os.path.exists(j) and os.path.getsize(j) else None)
        finally:
            fb.stop()

    def test_broker_that_stops_reading_does_not_grow_memory(self):
        """Open loop at 200,000 msg/s into a broker that never reads: the
        sends fall behind schedule (and say so) instead of queueing. Memory
        is compared between a 1 s and a 3 s run, so the bound holds under
        sanitizers too (unbounded queueing grew about 20 MB/s)."""
        peaks, sent = [], []
        for seconds in ("1", "3"):
            fb = FakeBroker("stall")
            try:
                j = self.out(f"stall{seconds}.json")
                code, _, err = run(["pub", "-L", f"mqtt://127.0.0.1:{fb.port}", "-V", "311", "--warmup", "0",
                                    "--rate", "200000", "-d", seconds, "--json", j, "--quiet"])
                self.assertEqual(code, OK, err)
                s = summary(j)[0]
                peaks.append(s["self"]["peak_rss_bytes"])
                # what the socket buffers absorb, far below the 200,000/s scheduled
                self.assertLess(s["counters"]["published"], 150000 * int(seconds), err)
                sent.append(s["counters"]["published"])
                self.assertTrue(any("never made them" in w for w in s["warnings"]), s["warnings"])
            finally:
                fb.stop()
        self.assertLess(peaks[1] - peaks[0], 16 * 1024 * 1024, peaks)
        self.assertLess(sent[1] - sent[0], 50000, sent)

    def test_loss_detected_and_fails_at_qos1(self):
        code, err, c = self.fake("drop")
        self.assertEqual(code, LOSS, err)
        self.assertIn("LOST", err)
        self.assertEqual((c["published"], c["received"], c["lost"]), (50, 49, 1))

    def test_loss_at_qos0_is_reported_not_fatal_unless_slo(self):
        code, err, c = self.fake("drop", qos="0")
        self.assertEqual(code, OK, err)
        self.assertEqual(c["lost"], 1)
        code, err, c = self.fake("drop", qos="0", extra=("--slo", "loss=0"))
        self.assertEqual(code, SLO, err)
        self.assertIn("loss=0", err)

    def test_duplicate_detected(self):
        code, err, c = self.fake("dup")
        self.assertEqual(code, OK, err)  # QoS 1 allows duplicates: counted, not fatal
        self.assertEqual((c["received"], c["duplicates"], c["lost"]), (51, 1, 0))

    def test_subscriber_cut_off_is_loss(self):
        code, err, c = self.fake("cut")
        self.assertEqual(code, LOSS, err)
        self.assertGreater(c["lost"], 0)
        self.assertGreaterEqual(c["disconnects"], 1)

    def test_refused_connection(self):
        code, err, _ = self.fake("refuse")
        self.assertEqual(code, REFUSED, err)
        self.assertIn("0x05", err)

    def test_merge_of_two_workers_matches_one_process(self):
        b = MqBroker()
        try:
            common = ["-L", f"mqtt://127.0.0.1:{b.port}", "--warmup", "0", "-C", "300", "-q", "1", "--publishers", "4",
                      "--subscribers", "6", "--quiet"]
            procs = []
            for i in range(2):
                procs.append(subprocess.Popen([MQBENCH, *common, "--worker", f"{i}/2", "--json", self.out(f"w{i}.json")],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for p in procs:
                _, err = p.communicate(timeout=TIMEOUT)
                self.assertEqual(p.returncode, OK, err)
            code, _, err = run(["merge", self.out("w0.json"), self.out("w1.json"), "--json", self.out("m.json"), "--quiet"])
            self.assertEqual(code, OK, err)
            code, _, err = run([*common, "--json", self.out("one.json")])
            self.assertEqual(code, OK, err)
            merged, one = summary(self.out("m.json"))[0], summary(self.out("one.json"))[0]
            w = [summary(self.out(f"w{i}.json"))[0] for i in range(2)]
            for k in ("published", "received", "acked", "lost", "connects_ok", "subscribes_ok"):
                self.assertEqual(merged["counters"][k], one["counters"][k], k)
                self.assertEqual(merged["counters"][k], w[0]["counters"][k] + w[1]["counters"][k], k)
            self.assertEqual(merged["counters"]["published"], 4 * 300)
            self.assertEqual(merged["counters"]["received"], 6 * 300)
        finally:
            b.stop()

    def test_conn_churn_and_hold(self):
        j = self.out("conn.json")
        code, _, err = run(["conn", "-C", "300", "--in-flight", "20", "--json", j, "--quiet"])
        self.assertEqual(code, OK, err)
        c = summary(j)[0]["counters"]
        self.assertEqual((c["connects_ok"], c["connects_failed"]), (300, 0))
        code, _, err = run(["conn", "--hold", "-c", "200", "-d", "0.5", "--source", "2", "--json", j])
        self.assertEqual(code, OK, err)
        self.assertEqual(summary(j)[0]["counters"]["connects_ok"], 200)
        self.assertIn("held connections: 200", err)

    def test_html_report_renders_in_chromium_and_compare(self):
        """--report of a real run, opened by the engine's headless-chromium
        checker (mqbench_report_test.py); then compare of two runs."""
        a, b = self.out("a.json"), self.out("b.json")
        code, _, err = run(["-d", "2", "--interval", "0.25", "--warmup", "0", "--report", self.out("r.html"),
                            "--json", a, "--quiet"])
        self.assertEqual(code, OK, err)
        code, _, err = run(["-d", "1", "--warmup", "0", "-q", "1", "--json", b, "--quiet"])
        self.assertEqual(code, OK, err)
        code, text, err = run(["compare", a, b])
        self.assertEqual(code, OK, err)
        self.assertIn("received", text)
        code, _, err = run(["compare", a])
        self.assertEqual(code, USAGE, err)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            self.skipTest("no chromium installed (.ci/deps installs it)")
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import mqbench_report_test as checker
        checker.CHROMIUM = chromium
        page = checker.render(self.out("r.html"))
        self.assertEqual(page.errors, "")
        self.assertEqual(page.body.get("data-rendered"), "ok")
        self.assertEqual(page.body.get("data-plots"), "3")
        self.assertEqual(page.tags.count("svg"), 3)

    def test_sigint_ends_the_run_with_results_and_exit_7(self):
        p = subprocess.Popen([MQBENCH, "-d", "60", "--warmup", "0", "--interval", "0.2", "--json", "-", "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # The first interval record on stdout says the measured phase runs.
            end = time.monotonic() + 20
            buf = b""
            while b"\n" not in buf and time.monotonic() < end:
                r, _, _ = select.select([p.stdout], [], [], end - time.monotonic())
                if not r:
                    break
                buf += os.read(p.stdout.fileno(), 65536)
            self.assertIn(b'"type":"interval"', buf)
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 7, err)
        last = json.loads((buf + out).decode().strip().splitlines()[-1])
        self.assertEqual(last["type"], "summary")
        self.assertIn("interrupted: the run ended early", last["warnings"])
        self.assertLess(last["measured_s"], 30)

    def test_slo_exit_statuses(self):
        code, _, err = run(["-C", "200", "--warmup", "0", "--quiet", "--slo", "loss=0,received>=200"])
        self.assertEqual(code, OK, err)
        code, _, err = run(["-C", "200", "--warmup", "0", "--quiet", "--slo", "p99<1us"])
        self.assertEqual(code, SLO, err)
        self.assertIn("p99<1us", err)
        code, _, err = run(["--slo", "p99<5", "-C", "1"])
        self.assertEqual(code, USAGE, err)

    def test_bad_options_and_unreachable_broker(self):
        for args, needle in ((["-q", "3"], "qos"), (["-s", "23"], "at least 24"), (["-t", "a/%s"], "%s"), (["-s", "30-25"], "--size '30-25'"),
                             (["--worker", "2/2"], "not below"), (["fly"], "mode"),
                             (["--hold"], "conn mode"), (["--shared", "g", "-V", "311"], "5.0"),
                             # mqpub's TLS options and their checks
                             (["--tls-version", "tlsv1.1"], "RFC 8996"),
                             (["--psk", "00", "--psk-identity", "me"], "need a broker address"),
                             (["-L", "mqtt://localhost:1", "--psk", "00"], "--psk-identity")):
            with self.subTest(args=args):
                code, _, err = run(args)
                self.assertEqual(code, USAGE, err)
                self.assertIn(needle, err.lower() if needle == "qos" else err)
                self.assertEqual(len(err.strip().splitlines()) >= 1, True)
        closed = free_port()
        code, _, err = run(["-h", "127.0.0.1", "-p", str(closed), "--connect-timeout", "2", "-C", "1"])
        self.assertEqual(code, CONNECT, err)
        self.assertIn("cannot connect", err)
        code, _, err = run(["merge", self.out("missing.json")])
        self.assertEqual(code, FAILURE, err)


if __name__ == "__main__":
    MQBENCH, MQBROKER = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], *sys.argv[3:]])
