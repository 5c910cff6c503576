#!/usr/bin/python3
"""Runs the real mqbroker on port 0 and talks to it with independent clients:
mosquitto_pub/mosquitto_sub and paho-mqtt (Debian packages), at MQTT 3.1,
3.1.1 and 5.0: QoS 0/1/2, retained messages, wills, persistent sessions,
shared subscriptions, TLS and WebSocket listeners, passwords and ACLs,
SIGHUP reload, SIGTERM, configuration errors.

Nothing sleeps: every wait is on an event (a printed line, a message, a
process exit) with a deadline.

Usage: mqbroker_test.py /path/to/mqbroker [unittest options]
"""
import os
import queue
import select
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import paho.mqtt.client as mqtt

MQBROKER = None
TIMEOUT = 20  # seconds for any one spawned process or wait


class Broker:
    """mqbroker started on port 0; `listeners` maps kind -> (host, port or path)."""

    def __init__(self, args, config=None, stdin=None):
        self.dir = tempfile.mkdtemp(prefix="mqbroker_test_")
        argv = [MQBROKER]
        if config is not None:
            path = os.path.join(self.dir, "mqbroker.conf")
            with open(path, "w") as f:
                f.write(config)
            argv += ["-c", path]
        argv += args
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.listeners = {}
        self.stderr_lines = []
        self.stderr_rest = ""
        expected = None
        deadline = time.monotonic() + TIMEOUT
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise AssertionError("mqbroker did not print its listeners in time")
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                err = self.proc.stderr.read().decode()
                self.proc.wait(TIMEOUT)
                raise AssertionError(f"mqbroker exited with {self.proc.returncode}: {err}")
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                words = line.decode().split()
                assert words[0] == "listening", line
                kind, addr = words[1], words[2]
                if kind == "unix":
                    self.listeners.setdefault(kind, []).append(addr)
                else:
                    host, port = addr.rsplit(":", 1)
                    self.listeners.setdefault(kind, []).append((host.strip("[]"), int(port)))
            if expected is None:
                expected = sum(1 for a in args if a in ("-p", "--listener")) + config_listeners(config)
            if sum(len(v) for v in self.listeners.values()) >= max(expected, 1):
                break

    def port(self, kind="mqtt", index=0):
        return self.listeners[kind][index][1]

    def wait_stderr(self, text):
        """Reads stderr lines until one contains `text` (os.read: no hidden buffering)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            while "\n" in self.stderr_rest:
                line, self.stderr_rest = self.stderr_rest.split("\n", 1)
                self.stderr_lines.append(line)
                if text in line:
                    return line
            r, _, _ = select.select([self.proc.stderr], [], [], max(0, deadline - time.monotonic()))
            if r:
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                if not chunk:
                    break
                self.stderr_rest += chunk.decode()
        raise AssertionError(f"mqbroker never logged {text!r}: {self.stderr_lines}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("mqbroker did not stop on SIGTERM")
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode


def config_listeners(config):
    if not config:
        return 0
    n = sum(1 for line in config.splitlines() if line.strip().startswith("listener "))
    return n


def sub(port, args, count, version="mqttv311"):
    """Starts mosquitto_sub printing "topic payload" lines, ready once subscribed (-W bounds it)."""
    return subprocess.Popen(["mosquitto_sub", "-p", str(port), "-V", version, "-C", str(count), "-W", str(TIMEOUT),
                             "-v"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def pub(port, args, version="mqttv311", check=True):
    p = subprocess.run(["mosquitto_pub", "-p", str(port), "-V", version] + args, capture_output=True,
                       timeout=TIMEOUT)
    if check and p.returncode != 0:
        raise AssertionError(f"mosquitto_pub {args} failed: {p.stderr.decode()}")
    return p


class Paho:
    """A paho client whose events land in queues, so tests wait on them."""

    def __init__(self, port, client_id="", version=mqtt.MQTTv311, transport="tcp", clean=True, user=None,
                 password=None, tls=None, will=None, host="127.0.0.1", expiry=None):
        kwargs = {} if version == mqtt.MQTTv5 else {"clean_session": clean}
        self.c = mqtt.Client(client_id=client_id, protocol=version, transport=transport, **kwargs)
        self.version = version
        self.connacks = queue.Queue()
        self.messages = queue.Queue()
        self.subacks = queue.Queue()
        self.pubacks = queue.Queue()
        self.c.on_connect = lambda c, u, flags, rc, props=None: self.connacks.put((flags, rc))
        self.c.on_message = lambda c, u, m: self.messages.put(m)
        self.c.on_subscribe = lambda c, u, mid, granted, props=None: self.subacks.put(granted)
        self.c.on_publish = lambda c, u, mid: self.pubacks.put(mid)
        if user is not None:
            self.c.username_pw_set(user, password)
        if tls:
            self.c.tls_set(ca_certs=tls)
        if will:
            self.c.will_set(*will)
        self.c.loop_start()
        kw = {}
        if version == mqtt.MQTTv5:
            kw["clean_start"] = clean
            if expiry is not None:
                from paho.mqtt.properties import Properties
                from paho.mqtt.packettypes import PacketTypes
                props = Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = expiry
                kw["properties"] = props
        self.c.connect_async(host, port, keepalive=30, **kw)

    def connack(self):
        flags, rc = self.connacks.get(timeout=TIMEOUT)
        return flags, (rc.value if hasattr(rc, "value") else rc)

    def subscribe(self, topic, qos=0):
        self.c.subscribe(topic, qos)
        granted = self.subacks.get(timeout=TIMEOUT)
        return [g.value if hasattr(g, "value") else g for g in granted]

    def publish(self, topic, payload, qos=0, retain=False):
        info = self.c.publish(topic, payload, qos, retain)
        info.wait_for_publish(TIMEOUT)
        return info

    def message(self):
        return self.messages.get(timeout=TIMEOUT)

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def finish(proc):
    out, err = proc.communicate(timeout=TIMEOUT + 5)
    return proc.returncode, out.decode(), err.decode()


class PubSub(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker(["-p", "0"])
        cls.port = cls.broker.port()

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0

    def roundtrip(self, version, qos):
        topic = f"rt/{version}/{qos}"
        s = sub(self.port, ["-t", topic, "-q", str(qos)], 1, version)
        # mosquitto_sub subscribes before it prints; a retained message makes
        # the exchange independent of who comes first, and is cleared after.
        pub(self.port, ["-t", topic, "-m", f"hello {qos}", "-q", str(qos), "-r"], version)
        rc, out, err = finish(s)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, f"{topic} hello {qos}\n")
        pub(self.port, ["-t", topic, "-r", "-n"], version)

    def test_qos_levels_each_version(self):
        for version in ("mqttv31", "mqttv311", "mqttv5"):
            for qos in (0, 1, 2):
                with self.subTest(version=version, qos=qos):
                    self.roundtrip(version, qos)

    def test_live_messages_in_order_qos2_to_qos1_subscriber(self):
        s = Paho(self.port, version=mqtt.MQTTv5)
        self.assertEqual(s.connack()[1], 0)
        self.assertEqual(s.subscribe("live/#", 1), [1])
        p = Paho(self.port, version=mqtt.MQTTv311)
        p.connack()
        for i in range(50):
            p.publish("live/x", f"m{i}", qos=2)
        got = [s.message() for _ in range(50)]
        self.assertEqual([m.payload.decode() for m in got], [f"m{i}" for i in range(50)])
        self.assertTrue(all(m.qos == 1 for m in got))
        p.close()
        s.close()

    def test_retained_store_replace_delete(self):
        pub(self.port, ["-t", "ret/a", "-m", "one", "-r", "-q", "1"])
        pub(self.port, ["-t", "ret/a", "-m", "two", "-r", "-q", "1"])
        pub(self.port, ["-t", "ret/b", "-m", "bee", "-r"])
        rc, out, err = finish(sub(self.port, ["-t", "ret/#"], 2))
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(out.splitlines()), ["ret/a two", "ret/b bee"])
        pub(self.port, ["-t", "ret/a", "-r", "-n"])
        pub(self.port, ["-t", "ret/b", "-r", "-n"])
        pub(self.port, ["-t", "ret/z", "-m", "last", "-r"])
        rc, out, err = finish(sub(self.port, ["-t", "ret/#"], 1))
        self.assertEqual(out, "ret/z last\n")
        pub(self.port, ["-t", "ret/z", "-r", "-n"])

    def test_will_on_dropped_connection_not_after_disconnect(self):
        for version in (mqtt.MQTTv311, mqtt.MQTTv5):
            with self.subTest(version=version):
                watcher = Paho(self.port, version=version)
                watcher.connack()
                watcher.subscribe("will/#", 1)
                polite = Paho(self.port, version=version, will=("will/polite", "gone", 1))
                polite.connack()
                polite.close()  # a normal DISCONNECT: no will
                rude = Paho(self.port, version=version, will=("will/rude", "dropped", 1))
                rude.connack()
                rude.c.loop_stop()
                rude.c.socket().close()  # no DISCONNECT: the will is published
                m = watcher.message()
                self.assertEqual((m.topic, m.payload), ("will/rude", b"dropped"))
                # The polite will would have come first: its absence is settled.
                watcher.close()

    def test_persistent_session_across_client_restarts(self):
        for version, extra in (("mqttv311", []), ("mqttv5", ["-x", "300"])):
            with self.subTest(version=version):
                cid = f"persist-{version}"
                # Subscribe with a persistent session, take one message, leave.
                s = sub(self.port, ["-i", cid, "-c", "-q", "1", "-t", f"ps/{version}"] + extra, 1, version)
                pub(self.port, ["-t", f"ps/{version}", "-m", "while-online", "-q", "1", "-r"], version)
                rc, out, err = finish(s)
                self.assertEqual(out, f"ps/{version} while-online\n", err)
                pub(self.port, ["-t", f"ps/{version}", "-r", "-n"], version)
                # While it is away, two QoS 1 messages are queued for it.
                pub(self.port, ["-t", f"ps/{version}", "-m", "queued-1", "-q", "1"], version)
                pub(self.port, ["-t", f"ps/{version}", "-m", "queued-2", "-q", "1"], version)
                rc, out, err = finish(sub(self.port, ["-i", cid, "-c", "-q", "1", "-t", f"ps/{version}"] + extra, 2,
                                          version))
                self.assertEqual(rc, 0, err)
                self.assertEqual(out, f"ps/{version} queued-1\nps/{version} queued-2\n")

    def test_shared_subscription_each_message_once(self):
        a = Paho(self.port, version=mqtt.MQTTv5)
        b = Paho(self.port, version=mqtt.MQTTv311)
        for c in (a, b):
            c.connack()
            c.subscribe("$share/g/shared/t", 1)
        p = Paho(self.port)
        p.connack()
        for i in range(20):
            p.publish("shared/t", str(i), qos=1)
        got = []
        deadline = time.monotonic() + TIMEOUT
        while len(got) < 20 and time.monotonic() < deadline:
            for c in (a, b):
                try:
                    got.append((c, int(c.messages.get(timeout=0.05).payload)))
                except queue.Empty:
                    pass
        self.assertEqual(sorted(v for _, v in got), list(range(20)))
        self.assertTrue(any(c is a for c, _ in got) and any(c is b for c, _ in got))
        for c in (a, b, p):
            c.close()


def make_pki(d):
    """A CA and a server certificate for 127.0.0.1/localhost, and a client certificate."""
    def ossl(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=TIMEOUT)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mq test CA",
         "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")
    for name, cn in (("server", "localhost"), ("client", "alice")):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}", "-keyout", f"{d}/{name}.key",
             "-out", f"{d}/{name}.csr")
        with open(f"{d}/{name}.ext", "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        ossl("x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.pem", "-CAkey", f"{d}/ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", f"{d}/{name}.ext", "-out", f"{d}/{name}.pem")


class Transports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = tempfile.mkdtemp(prefix="mqbroker_pki_")
        make_pki(cls.pki)
        d = cls.pki
        cls.sock = os.path.join(cls.pki, "mq.sock")
        cls.broker = Broker([], config=f"""
allow_anonymous true
listener 0 127.0.0.1
listener 0 127.0.0.1
protocol websockets
listener 0 127.0.0.1
certfile {d}/server.pem
keyfile {d}/server.key
listener 0 127.0.0.1
protocol websockets
certfile {d}/server.pem
keyfile {d}/server.key
listener 0 127.0.0.1
certfile {d}/server.pem
keyfile {d}/server.key
cafile {d}/ca.pem
require_certificate true
use_identity_as_username true
listener unix {cls.sock}
""")

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        shutil.rmtree(cls.pki, ignore_errors=True)

    def test_every_listener_reported_and_bound_to_loopback(self):
        ls = self.broker.listeners
        self.assertEqual(len(ls["mqtt"]), 1)
        self.assertEqual(len(ls["ws"]), 1)
        self.assertEqual(len(ls["mqtts"]), 2)
        self.assertEqual(len(ls["wss"]), 1)
        self.assertEqual(ls["unix"], [self.sock])
        for kind in ("mqtt", "ws", "mqtts", "wss"):
            for host, port in ls[kind]:
                self.assertEqual(host, "127.0.0.1")
                self.assertNotEqual(port, 0)

    def test_tls_and_websocket_listeners_carry_messages(self):
        s = Paho(self.broker.port("mqtt"))
        s.connack()
        s.subscribe("tr/#", 2)
        senders = [
            Paho(self.broker.port("ws"), transport="websockets", version=mqtt.MQTTv5),
            Paho(self.broker.port("mqtts", 0), tls=f"{self.pki}/ca.pem", host="localhost"),
            Paho(self.broker.port("wss"), transport="websockets", tls=f"{self.pki}/ca.pem", host="localhost"),
        ]
        for i, c in enumerate(senders):
            self.assertEqual(c.connack()[1], 0)
            c.publish(f"tr/{i}", f"via {i}", qos=1)
        got = sorted(s.message().payload.decode() for _ in senders)
        self.assertEqual(got, ["via 0", "via 1", "via 2"])
        for c in senders + [s]:
            c.close()

    def test_unix_socket_listener(self):
        import socket
        sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sk.settimeout(TIMEOUT)
        sk.connect(self.sock)
        # CONNECT 3.1.1, clean session, keep alive 60, client id "u"
        sk.sendall(bytes.fromhex("100d00044d5154540402003c000175"))
        self.assertEqual(sk.recv(4), bytes.fromhex("20020000"))
        sk.close()

    def test_client_certificate_required(self):
        port = self.broker.port("mqtts", 1)
        p = subprocess.run(["mosquitto_pub", "-h", "localhost", "-p", str(port), "--cafile", f"{self.pki}/ca.pem",
                            "-t", "x", "-m", "y"], capture_output=True, timeout=TIMEOUT)
        self.assertNotEqual(p.returncode, 0)
        p = subprocess.run(["mosquitto_pub", "-h", "localhost", "-p", str(port), "--cafile", f"{self.pki}/ca.pem",
                            "--cert", f"{self.pki}/client.pem", "--key", f"{self.pki}/client.key", "-t", "x",
                            "-m", "y", "-q", "1"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr.decode())


class TlsReload(unittest.TestCase):
    def test_sighup_reloads_certificates_without_dropping_clients(self):
        old = tempfile.mkdtemp(prefix="mqbroker_pki_old_")
        new = tempfile.mkdtemp(prefix="mqbroker_pki_new_")
        live = tempfile.mkdtemp(prefix="mqbroker_pki_live_")
        try:
            make_pki(old)
            make_pki(new)
            for name in ("server.pem", "server.key"):
                shutil.copy(os.path.join(old, name), os.path.join(live, name))
            b = Broker([], config=f"allow_anonymous true\nlistener 0 127.0.0.1\n"
                                  f"certfile {live}/server.pem\nkeyfile {live}/server.key\n")
            port = b.port("mqtts")
            before = Paho(port, tls=f"{old}/ca.pem", host="localhost")
            self.assertEqual(before.connack()[1], 0)
            before.subscribe("tls/#", 1)
            for name in ("server.pem", "server.key"):
                shutil.copy(os.path.join(new, name), os.path.join(live, name))
            b.proc.send_signal(signal.SIGHUP)
            b.wait_stderr("reloaded")
            p = subprocess.run(["mosquitto_pub", "-h", "localhost", "-p", str(port), "--cafile", f"{old}/ca.pem",
                                "-t", "tls/x", "-m", "old CA"], capture_output=True, timeout=TIMEOUT)
            self.assertNotEqual(p.returncode, 0)  # the new certificate is not signed by the old CA
            after = Paho(port, tls=f"{new}/ca.pem", host="localhost")
            self.assertEqual(after.connack()[1], 0)
            after.publish("tls/x", "new CA", qos=1)
            self.assertEqual(before.message().payload, b"new CA")  # the old connection is still there
            after.close()
            before.close()
            self.assertEqual(b.stop(), 0)
        finally:
            for d in (old, new, live):
                shutil.rmtree(d, ignore_errors=True)


class Security(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="mqbroker_sec_")
        cls.pw = os.path.join(cls.d, "passwords")
        cls.acl = os.path.join(cls.d, "acl")
        for user, password in (("alice", "alice-pw"), ("bob", "bob-pw")):
            p = subprocess.run([MQBROKER, "passwd", cls.pw, "add", user], input=password.encode() + b"\n",
                               capture_output=True, timeout=TIMEOUT)
            assert p.returncode == 0, p.stderr
        # A user written by the real mosquitto_passwd.
        subprocess.run(["mosquitto_passwd", "-b", cls.pw, "carol", "carol-pw"], check=True, timeout=TIMEOUT)
        with open(cls.acl, "w") as f:
            f.write("user alice\ntopic read allowed/#\ntopic write data/#\n"
                    "user bob\ntopic readwrite #\n"
                    "user carol\ntopic readwrite #\n"
                    "pattern readwrite own/%u/#\n")
        cls.broker = Broker([], config=f"listener 0 127.0.0.1\npassword_file {cls.pw}\nacl_file {cls.acl}\n")
        cls.port = cls.broker.port()

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0
        shutil.rmtree(cls.d, ignore_errors=True)

    def test_password_file_mode(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.pw).st_mode), 0o600)

    @unittest.skipUnless(shutil.which("mosquitto") or os.path.exists("/usr/sbin/mosquitto"), "mosquitto not installed")
    def test_real_mosquitto_reads_our_password_file(self):
        mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        d = tempfile.mkdtemp(prefix="mqbroker_mosq_")
        try:
            pw = os.path.join(d, "pw")
            p = subprocess.run([MQBROKER, "passwd", pw, "add", "zed", "zed-pw"], capture_output=True, timeout=TIMEOUT)
            self.assertEqual(p.returncode, 0, p.stderr)
            sock = os.path.join(d, "mosq.sock")
            conf = os.path.join(d, "mosquitto.conf")
            with open(conf, "w") as f:
                # A Unix socket needs no port; as root, mosquitto would switch to
                # the mosquitto user, which cannot read a 0600 file of root's.
                f.write(f"listener 0 {sock}\npassword_file {pw}\nlog_dest stderr\nlog_type all\n"
                        + ("user root\n" if os.geteuid() == 0 else ""))
            m = subprocess.Popen([mosquitto, "-c", conf], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + TIMEOUT
                seen = b""
                while b" running" not in seen and time.monotonic() < deadline:
                    r, _, _ = select.select([m.stderr], [], [], deadline - time.monotonic())
                    if r:
                        chunk = os.read(m.stderr.fileno(), 4096)
                        if not chunk:
                            break
                        seen += chunk
                self.assertIn(b" running", seen)
                ok = subprocess.run(["mosquitto_pub", "--unix", sock, "-u", "zed", "-P", "zed-pw", "-t", "t", "-m", "m",
                                     "-q", "1"], capture_output=True, timeout=TIMEOUT)
                self.assertEqual(ok.returncode, 0, ok.stderr)
                bad = subprocess.run(["mosquitto_pub", "--unix", sock, "-u", "zed", "-P", "nope", "-t", "t", "-m", "m"],
                                     capture_output=True, timeout=TIMEOUT)
                self.assertNotEqual(bad.returncode, 0)
            finally:
                m.terminate()
                m.wait(TIMEOUT)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_wrong_password_and_anonymous_refused(self):
        for version in (mqtt.MQTTv311, mqtt.MQTTv5):
            with self.subTest(version=version):
                c = Paho(self.port, version=version, user="alice", password="wrong")
                self.assertEqual(c.connack()[1], 4 if version == mqtt.MQTTv311 else 0x86)
                c.close()
                c = Paho(self.port, version=version)
                self.assertEqual(c.connack()[1], 5 if version == mqtt.MQTTv311 else 0x87)
                c.close()
                for user in ("alice", "carol"):
                    c = Paho(self.port, version=version, user=user, password=f"{user}-pw")
                    self.assertEqual(c.connack()[1], 0)
                    c.close()
        p = pub(self.port, ["-u", "alice", "-P", "nope", "-t", "data/x", "-m", "m"], check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_forbidden_topic_never_delivered(self):
        alice = Paho(self.port, version=mqtt.MQTTv5, user="alice", password="alice-pw")
        self.assertEqual(alice.connack()[1], 0)
        self.assertEqual(alice.subscribe("allowed/#", 1), [1])
        self.assertEqual(alice.subscribe("secret/#", 1), [0x87])
        self.assertEqual(alice.subscribe("#", 1), [0x87])
        self.assertEqual(alice.subscribe("own/alice/#", 1), [1])
        bob = Paho(self.port, version=mqtt.MQTTv311, user="bob", password="bob-pw")
        bob.connack()
        bob.publish("secret/x", "hidden", qos=1)
        bob.publish("own/bob/x", "not alice's", qos=1)
        bob.publish("allowed/x", "visible", qos=1)
        bob.publish("own/alice/x", "alice's", qos=1)
        self.assertEqual(alice.message().payload, b"visible")
        self.assertEqual(alice.message().payload, b"alice's")
        # Alice may not publish where she may only read; bob sees nothing from her there.
        bob.subscribe("#", 1)
        alice.publish("allowed/y", "not allowed to write", qos=1)
        alice.publish("data/y", "allowed to write", qos=1)
        self.assertEqual(bob.message().payload, b"allowed to write")
        self.assertTrue(alice.messages.empty())
        alice.close()
        bob.close()

    def test_sighup_reloads_passwords_without_dropping_clients(self):
        bob = Paho(self.port, user="bob", password="bob-pw")
        bob.connack()
        bob.subscribe("own/dave/#", 1)
        d = Paho(self.port, user="dave", password="dave-pw")
        self.assertEqual(d.connack()[1], 4)
        d.close()
        p = subprocess.run([MQBROKER, "passwd", self.pw, "add", "dave", "dave-pw"], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.broker.proc.send_signal(signal.SIGHUP)
        self.broker.wait_stderr("reloaded")
        d = Paho(self.port, user="dave", password="dave-pw")
        self.assertEqual(d.connack()[1], 0)
        d.publish("own/dave/x", "after reload", qos=1)  # the ACL pattern own/%u/# lets dave write
        self.assertEqual(bob.message().payload, b"after reload")
        d.close()
        bob.close()


class CommandLine(unittest.TestCase):
    def run_broker(self, args, config=None):
        with tempfile.TemporaryDirectory() as d:
            if config is not None:
                path = os.path.join(d, "c.conf")
                with open(path, "w") as f:
                    f.write(config)
                args = ["-c", path] + args
            p = subprocess.run([MQBROKER] + args, capture_output=True, timeout=TIMEOUT)
            return p.returncode, p.stdout.decode(), p.stderr.decode().replace(d + "/", "")

    def test_check_config(self):
        self.assertEqual(self.run_broker(["--check-config"], "listener 0 127.0.0.1\n")[0], 0)
        rc, out, err = self.run_broker(["--check-config"], "listener 0\nmax_inflight_mesages 3\n")
        self.assertEqual(rc, 2)
        self.assertEqual(err, "mqbroker: c.conf:2: unknown key \"max_inflight_mesages\"; "
                              "did you mean \"max_inflight_messages\"?\n")
        rc, out, err = self.run_broker(["--check-config"], "password_file /nonexistent/pw\n")
        self.assertEqual(rc, 1)
        self.assertIn("/nonexistent/pw: cannot read the password file", err)

    def test_flags_are_config_keys(self):
        rc, out, err = self.run_broker(["--check-config", "--maximum-qos", "3"])
        self.assertEqual((rc, err), (2, "mqbroker: --maximum-qos: maximum_qos: expected a number from 0 to 2, got \"3\"\n"))

    def test_bind_failure(self):
        b = Broker(["-p", "0"])
        try:
            rc, out, err = self.run_broker(["-p", str(b.port())])
            self.assertEqual(rc, 1)
            self.assertIn(f"listener {b.port()} 127.0.0.1 (-p)", err)
        finally:
            b.stop()

    def test_sigterm_disconnects_v5_clients(self):
        import socket
        b = Broker(["-p", "0"])
        sk = socket.create_connection(("127.0.0.1", b.port()), timeout=TIMEOUT)
        # CONNECT 5.0, clean start, keep alive 60, no properties, client id "u"
        sk.sendall(bytes.fromhex("100e00044d5154540502003c00000175"))
        connack = sk.recv(2)
        self.assertEqual(connack[0], 0x20)
        sk.recv(connack[1])
        self.assertEqual(b.stop(), 0)
        data = b""
        while True:
            chunk = sk.recv(16)
            if not chunk:
                break
            data += chunk
        self.assertEqual(data, bytes.fromhex("e0018b"))  # DISCONNECT 0x8B Server shutting down
        sk.close()

    def test_response_information_only_when_asked_and_no_auth_methods(self):
        import socket

        def connack(connect):
            sk = socket.create_connection(("127.0.0.1", b.port()), timeout=TIMEOUT)
            sk.sendall(connect)
            head = sk.recv(2)
            self.assertEqual(head[0], 0x20)
            body = b""
            while len(body) < head[1]:
                body += sk.recv(head[1] - len(body))
            sk.close()
            return body

        b = Broker(["-p", "0", "--response-information", "replies/%c/"])
        try:
            # CONNECT 5.0, keep alive 60, Request Response Information 1, client id "u"
            asked = connack(bytes.fromhex("101000044d5154540502003c021901000175"))
            self.assertEqual(asked[:2], b"\x00\x00")
            self.assertIn(b"\x1a\x00\x0areplies/u/", asked)  # Response Information
            # The same without the request: no Response Information [MQTT-3.1.2-28]
            plain = connack(bytes.fromhex("100e00044d5154540502003c00000176"))
            self.assertEqual(plain[:2], b"\x00\x00")
            self.assertNotIn(b"replies/", plain)
            # Authentication Method "SCRAM-SHA-256": mqbroker implements no method, CONNACK 0x8C
            scram = connack(bytes.fromhex("101e00044d5154540502003c1015000d") + b"SCRAM-SHA-256" + bytes.fromhex("000177"))
            self.assertEqual(scram, b"\x00\x8c\x00")
        finally:
            self.assertEqual(b.stop(), 0)

    def test_sys_topics_published_on_the_interval(self):
        b = Broker(["-p", "0", "--sys-interval", "1"])
        try:
            # Two updates: the core's timer is driven again after the first.
            rc, out, err = finish(sub(b.port(), ["-t", "$SYS/broker/uptime", "-t", "$SYS/broker/version"], 4))
            self.assertEqual(rc, 0, err)
            lines = out.splitlines()
            self.assertTrue(any(l.startswith("$SYS/broker/version ") for l in lines), lines)
            uptimes = [l for l in lines if l.startswith("$SYS/broker/uptime ")]
            self.assertGreaterEqual(len(uptimes), 2)
            self.assertTrue(all(l.endswith(" seconds") for l in uptimes))
        finally:
            self.assertEqual(b.stop(), 0)

    def test_json_logs(self):
        import json
        b = Broker(["-p", "0", "--log-format", "json", "-v"])
        line = b.wait_stderr("listening")
        entry = json.loads(line)
        self.assertEqual(list(entry)[:3], ["time", "level", "msg"])
        self.assertEqual((entry["level"], entry["msg"], entry["kind"]), ("notice", "listening", "mqtt"))
        self.assertEqual(b.stop(), 0)

    def test_help_exits_zero(self):
        rc, out, err = self.run_broker(["--help"])
        self.assertEqual(rc, 0)
        self.assertIn("--max-queued-messages", out)


if __name__ == "__main__":
    MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
