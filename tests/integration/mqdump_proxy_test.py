#!/usr/bin/python3
"""Runs mqdump --proxy between real clients and real brokers: mosquitto_pub
and mosquitto_sub through the proxy to mosquitto, with independent relays on
both sides recording what each side sent and received (it must match byte
for byte); malformed packets forwarded unchanged; a broker that stops
reading; TLS and WebSocket terminated and opened again; mutual TLS at the
listener (--client-cafile, --require-certificate); display filters.

Usage: mqdump_proxy_test.py /path/to/mqdump [/path/to/mqpub] [unittest options]
"""
import json
import os
import queue
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest

from mosquitto_socket import MosquittoOnSocket

MQDUMP = None
MQPUB = None
TIMEOUT = 20  # seconds for any one process or wait


class Lines:
    """Reads a pipe's lines on a thread, so that waits can be bounded."""

    def __init__(self, pipe):
        self.q = queue.Queue()
        self.all = []
        threading.Thread(target=self._pump, args=(pipe,), daemon=True).start()

    def _pump(self, pipe):
        for line in iter(pipe.readline, b""):
            self.q.put(line.decode("utf-8", "replace"))
        self.q.put(None)

    def rest(self):
        """Every line read so far and until the pipe closes."""
        while True:
            try:
                line = self.q.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError("the pipe did not close")
            if line is None:
                self.q.put(None)
                return self.all
            self.all.append(line)

    def wait_for(self, pattern, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.all.append(line)
            m = re.search(pattern, line)
            if m:
                return m
        raise AssertionError(f"no line matching {pattern!r} in {self.all!r}")


class Proxy:
    """mqdump --proxy on a free port; `url` and `port` come from its stderr."""

    def __init__(self, to, *extra, listen="0"):
        self.proc = subprocess.Popen([MQDUMP, "--proxy", listen, "--to", to, "-W", str(TIMEOUT), *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.err = Lines(self.proc.stderr)
        m = self.err.wait_for(r"proxy listening on (\S+),")
        self.url = m.group(1)
        self.port = int(re.search(r":(\d+)(/|$)", self.url).group(1)) if "unix" not in self.url else 0

    def finish(self):
        """Waits for the proxy to end by itself (-C; -W bounds it); returns
        (status, stdout lines)."""
        out = self.proc.stdout.read()
        return self.proc.wait(timeout=TIMEOUT), out.decode("utf-8", "replace").splitlines()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        self.proc.stdout.close()
        self.proc.stderr.close()


class Relay:
    """A recording TCP relay on a port of its own: forwards each connection
    to `target` (a (host, port) pair or a unix socket path) and keeps what
    went each way, per connection, in order of acceptance."""

    def __init__(self, target):
        self.target = target
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.conns = []  # [up bytearray, down bytearray, done Event]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if isinstance(self.target, str):
                up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            else:
                up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            up.settimeout(TIMEOUT)
            up.connect(self.target)
            rec = [bytearray(), bytearray(), threading.Event(), threading.Event()]
            with self.lock:
                self.conns.append(rec)
            threading.Thread(target=self._copy, args=(client, up, rec[0], rec[2]), daemon=True).start()
            threading.Thread(target=self._copy, args=(up, client, rec[1], rec[3]), daemon=True).start()

    @staticmethod
    def _copy(src, dst, record, done):
        src.settimeout(TIMEOUT)
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                record.extend(b)
                dst.sendall(b)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        done.set()

    def wait(self, n):
        """Waits until `n` connections have ended both ways; returns them."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.lock:
                conns = list(self.conns)
            if len(conns) >= n and all(c[2].is_set() and c[3].is_set() for c in conns[:n]):
                return conns[:n]
            conns[0][2].wait(0.05) if conns else time.sleep(0.05)
        raise AssertionError(f"relay: {n} connections did not end")

    def close(self):
        self.server.close()


def make_certs(d):
    """A CA and a server certificate for localhost, signed by it."""
    def ossl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
    ca_key, ca, key, csr, crt = (os.path.join(d, n) for n in ("ca.key", "ca.pem", "srv.key", "srv.csr", "srv.pem"))
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
         "-subj", "/CN=mq proxy test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt, "-days", "2",
         "-extfile", ext)
    return ca, crt, key


def make_client_cert(d, name, subject, signed=True):
    """A client certificate with `subject`, signed by make_certs' CA (or
    self-signed: a certificate no CA the proxy knows vouches for)."""
    def ossl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
    key, csr, crt = (os.path.join(d, name + e) for e in (".key", ".csr", ".pem"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-subj", subject]
    if not signed:
        ossl("req", "-x509", *ec, "-out", crt, "-days", "2")
        return crt, key
    ossl("req", *ec, "-out", csr)
    ossl("x509", "-req", "-in", csr, "-CA", os.path.join(d, "ca.pem"), "-CAkey", os.path.join(d, "ca.key"),
         "-CAcreateserial", "-out", crt, "-days", "2")
    return crt, key


def raw_broker():
    """A listening socket on a free loopback port standing in for a broker."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(TIMEOUT)
    return server


def pass_through(test, sender, receiver, sent):
    """Sends `sent` on one socket and checks it arrives unchanged on the other."""
    sender.sendall(sent)
    got = bytearray()
    while len(got) < len(sent):
        b = receiver.recv(65536)
        test.assertTrue(b, "the proxy closed early")
        got.extend(b)
    test.assertEqual(bytes(got), sent)


def rss_kib(pid):
    """Resident memory of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def packets(lines):
    """The packet objects of NDJSON output (connection ends left out)."""
    return [json.loads(l) for l in lines if l.strip() and "event" not in json.loads(l)]


class ProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = MosquittoOnSocket("mq-proxy-", TIMEOUT)
        cls.tmp, cls.sock = cls.broker.tmp, cls.broker.sock

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    def sub(self, port, topic, count, *extra):
        """mosquitto_sub through `port`; returns the process once subscribed."""
        return subprocess.Popen(["mosquitto_sub", "-p", str(port), "-t", topic, "-C", str(count), "-W",
                                 str(TIMEOUT), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def test_mosquitto_clients_byte_for_byte(self):
        behind = Relay(self.sock)  # between the proxy and mosquitto
        proxy = Proxy(f"127.0.0.1:{behind.port}", "--json", "--connections", "3")
        front = Relay(("127.0.0.1", proxy.port))  # between the clients and the proxy
        try:
            payload = os.path.join(self.tmp, "payload.bin")
            with open(payload, "wb") as f:
                f.write(bytes(range(256)) * 40)  # every byte value, 10 KiB: split across reads
            sub = self.sub(front.port, "proxy/t", 2, "-V", "mqttv5", "-q", "2", "-N")
            # The SUBACK has passed once the proxy printed it.
            proxy_out = Lines(proxy.proc.stdout)
            proxy_out.wait_for(r'"type":"SUBACK"')
            for qos in ("1", "2"):
                subprocess.run(["mosquitto_pub", "-p", str(front.port), "-t", "proxy/t", "-f", payload, "-q", qos,
                                "-V", "mqttv311"], check=True, timeout=TIMEOUT)
            out, _ = sub.communicate(timeout=TIMEOUT)
            self.assertEqual(out, bytes(range(256)) * 80)
            status = proxy.proc.wait(timeout=TIMEOUT)
            self.assertEqual(status, 0, proxy.err.all)
            # What the clients sent is what mosquitto received, and back.
            a, b = front.wait(3), behind.wait(3)
            for i in range(3):
                self.assertEqual(bytes(a[i][0]), bytes(b[i][0]), f"connection {i + 1}, client to broker")
                self.assertEqual(bytes(a[i][1]), bytes(b[i][1]), f"connection {i + 1}, broker to client")
                self.assertGreater(len(a[i][0]), 0)
            lines = proxy_out.rest()
            seen = packets(lines)
            # The QoS 2 publisher's conversation, in order.
            pub2 = [p["type"] for p in seen if p["connection"] == 3]
            self.assertEqual(pub2, ["CONNECT", "CONNACK", "PUBLISH", "PUBREC", "PUBREL", "PUBCOMP", "DISCONNECT"])
            self.assertEqual([p["version"] for p in seen if p["connection"] == 3][0], "3.1.1")
            self.assertTrue(all(p["version"] == "5.0" for p in seen if p["connection"] == 1))
            ends = [json.loads(l) for l in lines if '"event":"end"' in l]
            self.assertEqual(len(ends), 3)
        finally:
            proxy.kill()
            front.close()
            behind.close()

    def test_malformed_packets_forwarded_unchanged(self):
        server = raw_broker()
        proxy = Proxy(f"127.0.0.1:{server.getsockname()[1]}", "--json", "--connections", "1")
        try:
            client = socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT)
            up, _ = server.accept()
            up.settimeout(TIMEOUT)
            connect = bytes.fromhex("100c00044d5154540402003c0000")
            bad_topic = bytes.fromhex("30070003612f230078")  # '#' in a topic name [MQTT-3.3.2-2]
            garbage = bytes.fromhex("0003aabbcc") + b"\xff" * 100  # packet type 0: framing is lost
            pass_through(self, client, up, connect + bad_topic + garbage)
            pass_through(self, up, client, bytes.fromhex("20020000" "9003000180"))  # CONNACK, a SUBACK for nothing
            client.close()
            self.assertEqual(up.recv(10), b"")  # the close is passed on
            up.close()
            status, out = proxy.finish()
            self.assertEqual(status, 1)  # a packet failed to decode
            seen = packets(out)
            errors = [p for p in seen if "error" in p]
            self.assertEqual(errors[0]["error"]["rule"], "MQTT-3.3.2-2")
            self.assertEqual(errors[0]["hex"], bad_topic.hex())
            self.assertTrue(errors[1]["hex"].startswith("0003aabbcc"))
            self.assertEqual([p["type"] for p in seen if p["direction"] == "s->c"], ["CONNACK", "SUBACK"])
            proxy.err.wait_for("c->s: framing lost")
        finally:
            proxy.kill()
            server.close()

    def lenient_run(self, *extra):
        """A raw client sends a CONNECT and a PUBLISH breaking two rules
        through a proxy started with `extra`; returns (status, stdout lines)
        once the bytes arrived unchanged."""
        server = raw_broker()
        proxy = Proxy(f"127.0.0.1:{server.getsockname()[1]}", "--connections", "1", *extra)
        try:
            client = socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT)
            up, _ = server.accept()
            up.settimeout(TIMEOUT)
            # CONNECT 3.1.1, then QoS 1 to "a/#" with packet id 0: [MQTT-3.3.2-2] and [MQTT-2.3.1-1].
            pass_through(self, client, up, bytes.fromhex("100c00044d5154540402003c0000" "32080003612f23000078"))
            client.close()
            self.assertEqual(up.recv(10), b"")
            up.close()
            return proxy.finish()
        finally:
            proxy.kill()
            server.close()

    def test_lenient_lists_every_broken_rule(self):
        both = ["MQTT-3.3.2-2", "MQTT-2.3.1-1"]
        status, out = self.lenient_run("--json", "--lenient")
        self.assertEqual(status, 1)
        publish = [p for p in packets(out) if p.get("type") == "PUBLISH"]
        self.assertEqual([v["rule"] for v in publish[0]["violations"]], both)
        status, out = self.lenient_run("--lenient")
        self.assertEqual(status, 1)
        self.assertEqual([r for r in both if any(f"[{r}]" in l and "violation" in l for l in out)], both, out)
        # Strict: the first broken rule only.
        status, out = self.lenient_run("--json")
        self.assertEqual(status, 1)
        publish = [p for p in packets(out) if p.get("type") == "PUBLISH"]
        self.assertNotIn("violations", publish[0])
        self.assertEqual(publish[0]["error"]["rule"], "MQTT-3.3.2-2")
        status, out = self.lenient_run()
        self.assertEqual([r for r in both if any(f"[{r}]" in l for l in out)], both[:1], out)

    def test_a_broker_that_does_not_read_bounds_the_proxy(self):
        server = raw_broker()
        proxy = Proxy(f"127.0.0.1:{server.getsockname()[1]}", "--json", "--connections", "1", "--type", "CONNECT",
                      "--buffer", "65536")
        try:
            rss_before = rss_kib(proxy.proc.pid)
            client = socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT)
            up, _ = server.accept()  # ... and never reads, for now
            publish = bytes.fromhex("3082080003612f62") + b"x" * 1024  # QoS 0, 1029 bytes each
            chunk = bytes.fromhex("100c00044d5154540402003c0000") + publish * 64
            client.setblocking(False)
            sent = 0
            # Writes until nothing is taken for half a second: the kernel
            # buffers and the proxy's are full. A proxy without back-pressure
            # would read all 64 MiB.
            while sent < 64 * 1024 * 1024:
                _, writable, _ = select.select([], [client], [], 0.5)
                if not writable:
                    break
                try:
                    sent += client.send(chunk if sent == 0 else publish * 64)
                except BlockingIOError:
                    pass
            self.assertLess(sent, 64 * 1024 * 1024, "the proxy kept reading")
            # --buffer and a read or two; sanitizer builds keep freed memory a while.
            grown = rss_kib(proxy.proc.pid) - rss_before
            print(f"proxy memory grew by {grown} KiB while {sent} bytes waited", file=sys.stderr)
            self.assertLess(grown, 16 * 1024)
            client.close()
            up.close()
            status, out = proxy.finish()
            self.assertEqual([p["type"] for p in packets(out)], ["CONNECT"])
        finally:
            proxy.kill()
            server.close()

    def test_tls_and_websocket_terminated_and_reopened(self):
        if not MQPUB:
            self.skipTest("mqpub not given")
        ca, crt, key = make_certs(self.tmp)
        # mosquitto <- proxy A (TLS listener) <- proxy B (WebSocket listener, TLS to A) <- mqpub over ws.
        a = Proxy(self.sock, "--certfile", crt, "--keyfile", key, "--json", "--connections", "2", listen="mqtts://127.0.0.1:0")
        b = Proxy(f"mqtts://localhost:{a.port}", "--cafile", ca, "--json", "--connections", "1",
                  listen="ws://127.0.0.1:0/mqtt")
        try:
            sub = subprocess.Popen(["mosquitto_sub", "-h", "localhost", "-p", str(a.port), "--cafile", ca, "-t",
                                    "proxy/tls", "-C", "1", "-W", str(TIMEOUT)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
            a_out = Lines(a.proc.stdout)
            a_out.wait_for(r'"type":"SUBACK"')
            r = subprocess.run([MQPUB, "-L", f"ws://127.0.0.1:{b.port}/mqtt", "-t", "proxy/tls", "-m",
                                "through both", "-q", "1"], timeout=TIMEOUT, capture_output=True)
            self.assertEqual(r.returncode, 0, (r.stderr, b.err.all, a.err.all))
            out, err = sub.communicate(timeout=TIMEOUT)
            self.assertEqual(out, b"through both\n", err)
            status, b_lines = b.finish()
            self.assertEqual(status, 0)
            self.assertIn("PUBACK", [p["type"] for p in packets(b_lines)])
            a.proc.wait(timeout=TIMEOUT)
            self.assertEqual(a.proc.returncode, 0)
        finally:
            a.kill()
            b.kill()

    def test_mutual_tls_refuses_clients_without_a_valid_certificate(self):
        ca, crt, key = make_certs(self.tmp)
        dev_crt, dev_key = make_client_cert(self.tmp, "dev", "/O=mq test/CN=device-1")
        rogue_crt, rogue_key = make_client_cert(self.tmp, "rogue", "/CN=rogue", signed=False)
        connect = bytes.fromhex("100d00044d5154540402003c000175")  # 3.1.1, client id "u"

        def raw_client(port, cert=None):
            """A Python TLS client: True when the CONNACK comes back through the proxy."""
            ctx = ssl.create_default_context(cafile=ca)
            if cert:
                ctx.load_cert_chain(*cert)
            try:
                with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT),
                                     server_hostname="localhost") as s:
                    s.sendall(connect)  # TLS 1.3: the refusal arrives after the client's Finished
                    return s.recv(4) == bytes.fromhex("20020000")
            except (ssl.SSLError, OSError):
                return False

        for extra in (["--json"], []):  # NDJSON, then the tree
            proxy = Proxy(self.sock, "--certfile", crt, "--keyfile", key, "--client-cafile", ca,
                          "--require-certificate", "--connections", "1", *extra, listen="mqtts://127.0.0.1:0")
            try:
                self.assertFalse(raw_client(proxy.port))
                m = proxy.err.wait_for(r"connection (\d+): connection from 127\.0\.0\.1:\d+ refused before MQTT: (.*)")
                self.assertEqual(m.group(1), "1")
                self.assertIn("certificate", m.group(2))
                self.assertFalse(raw_client(proxy.port, (rogue_crt, rogue_key)))
                m = proxy.err.wait_for(r"connection (\d+): connection from 127\.0\.0\.1:\d+ refused before MQTT: (.*)")
                self.assertEqual(m.group(1), "2")
                self.assertIn("certificate", m.group(2))
                r = subprocess.run(["mosquitto_pub", "-h", "localhost", "-p", str(proxy.port), "--cafile", ca,
                                    "--cert", dev_crt, "--key", dev_key, "-t", "proxy/mtls", "-m", "m", "-q", "1"],
                                   capture_output=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, 0, (r.stderr, proxy.err.all))
                status, out = proxy.finish()
                self.assertEqual(status, 0, proxy.err.all)
                proxy.err.wait_for(r"connection 3: connection from \S+, client certificate CN=device-1,O=mq test")
                if extra:
                    start = json.loads(out[0])
                    self.assertEqual((start["event"], start["connection"]), ("start", 3))
                    self.assertEqual(start["certificate_subject"], "CN=device-1,O=mq test")
                    self.assertEqual([p["type"] for p in packets(out)],
                                     ["CONNECT", "CONNACK", "PUBLISH", "PUBACK", "DISCONNECT"])
                else:
                    self.assertRegex(out[0], r"^\S+Z connection 3 opened: 127\.0\.0\.1:\d+ -> \S+, "
                                             r"client certificate CN=device-1,O=mq test$")
            finally:
                proxy.kill()

    def test_type_and_topic_filters_show_without_changing_forwarding(self):
        proxy = Proxy(self.sock, "--json", "--connections", "2", "-t", "proxy/f/#")
        try:
            sub = self.sub(proxy.port, "proxy/f/a", 1, "-q", "1")
            out_lines = Lines(proxy.proc.stdout)
            out_lines.wait_for(r'"type":"SUBACK"')
            subprocess.run(["mosquitto_pub", "-p", str(proxy.port), "-t", "proxy/f/a", "-m", "m", "-q", "1"],
                           check=True, timeout=TIMEOUT)
            out, _ = sub.communicate(timeout=TIMEOUT)
            self.assertEqual(out, b"m\n")
            self.assertEqual(proxy.proc.wait(timeout=TIMEOUT), 0)
            lines = out_lines.rest()
            types = sorted(p["type"] for p in packets(lines))
            # SUBSCRIBE/SUBACK, the PUBLISH each way with its PUBACK; no CONNECT, no PINGREQ.
            self.assertEqual(types, ["PUBACK", "PUBACK", "PUBLISH", "PUBLISH", "SUBACK", "SUBSCRIBE"])
        finally:
            proxy.kill()

    def test_summary_lists_what_never_completed(self):
        server = raw_broker()
        proxy = Proxy(f"127.0.0.1:{server.getsockname()[1]}", "--summary", "--json", "--connections", "1")
        try:
            client = socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT)
            up, _ = server.accept()
            up.settimeout(TIMEOUT)
            # CONNECT "dev", then a QoS 1 PUBLISH to "a/b" id 1 the broker never acknowledges.
            pass_through(self, client, up, bytes.fromhex("100f00044d5154540402000a0003646576" "32080003612f62000178"))
            up.sendall(bytes.fromhex("20020000"))
            self.assertEqual(client.recv(4), bytes.fromhex("20020000"))
            client.close()
            up.close()
            status, out = proxy.finish()
            self.assertEqual(status, 0)
            kinds = [json.loads(l) for l in out]
            self.assertEqual(kinds[0]["kind"], "client")
            self.assertEqual(kinds[0]["client_id"], "dev")
            self.assertEqual(kinds[0]["sent"]["types"], {"CONNECT": 1, "PUBLISH": 1})
            self.assertEqual(kinds[1]["kind"], "never_completed")
            self.assertEqual(kinds[1]["waiting_for"], "PUBACK")
            self.assertEqual(kinds[1]["topic"], "a/b")
            self.assertEqual(len(kinds), 2)
        finally:
            proxy.kill()
            server.close()

    def test_bad_addresses_are_one_line_errors(self):
        r = subprocess.run([MQDUMP, "--proxy", "0", "--to", "mqtt://[::1"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1)
        self.assertIn("--to", r.stderr.decode())
        r = subprocess.run([MQDUMP, "--proxy", "mqtts://127.0.0.1:0", "--to", "1883"], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--certfile", r.stderr.decode())
        ca, crt, key = make_certs(self.tmp)
        for args, says in ((["--certfile", crt, "--keyfile", key, "--require-certificate"], "--client-cafile"),
                           (["--client-cafile", ca], "TLS listener")):
            r = subprocess.run([MQDUMP, "--proxy", "0", "--to", "1883", *args], capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1)
            self.assertIn(says, r.stderr.decode())


if __name__ == "__main__":
    MQDUMP = sys.argv.pop(1)
    if len(sys.argv) > 1 and os.path.isfile(sys.argv[1]):
        MQPUB = sys.argv.pop(1)
    unittest.main(verbosity=2)
