#!/usr/bin/python3
"""mqdump on real captures: tcpdump records loopback traffic between real
clients (mosquitto_pub/sub, mqpub/mqsub) and real brokers (mosquitto, also
over WebSocket, and mqbroker) at MQTT 3.1.1 and 5.0; mqdump's reading of the
capture is compared packet by packet with tshark's MQTT dissector. The same
capture with segments retransmitted, reordered, or its start cut off must
read the same; a live capture (--interface) must see what passes.

Capturing needs root (CAP_NET_RAW); without it the test is skipped.
Usage: mqdump_capture_test.py MQDUMP MQBROKER MQPUB MQSUB [unittest options]
"""
import base64
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

MQDUMP = MQBROKER = MQPUB = MQSUB = None
TIMEOUT = 20  # seconds for any one process or wait
TYPES = [None, "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK",
         "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"]


def free_port():
    """mosquitto cannot report a port it chose, so one is picked for it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            select.select([], [], [], 0.02)  # the broker is starting; retry, bounded by the deadline
    raise AssertionError(f"port {port} did not open")


def read_line(proc_pipe, text, buf=b""):
    """Reads `proc_pipe` until a line containing `text`; returns it (bounded by TIMEOUT)."""
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if text in line:
                return line.decode()
        r, _, _ = select.select([proc_pipe], [], [], max(0, end - time.monotonic()))
        if r:
            chunk = os.read(proc_pipe.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
    raise AssertionError(f"never saw {text!r}")


def pcap_records(data):
    """(global header, [record header + frame bytes]) of a little-endian pcap."""
    header, pos, records = data[:24], 24, []
    while pos + 16 <= len(data):
        length = struct.unpack_from("<I", data, pos + 8)[0]
        if pos + 16 + length > len(data):
            break
        records.append(data[pos:pos + 16 + length])
        pos += 16 + length
    return header, records


def tcp_of(record):
    """(src port, dst port, flags, payload length) of an Ethernet/IPv4/TCP record."""
    frame = record[16:]
    ip = 14
    ihl = (frame[ip] & 0x0F) * 4
    total = struct.unpack_from(">H", frame, ip + 2)[0]
    tcp = ip + ihl
    sport, dport = struct.unpack_from(">HH", frame, tcp)
    return sport, dport, frame[tcp + 13], total - ihl - (frame[tcp + 12] >> 4) * 4


class Capture:
    """tcpdump on lo writing pcap to a pipe, read here as it comes."""

    def __init__(self, ports):
        filt = " or ".join(f"tcp port {p}" for p in ports)
        self.proc = subprocess.Popen(["tcpdump", "-Z", "root", "--immediate-mode", "-U", "-i", "lo", "-w", "-", filt],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        read_line(self.proc.stderr, b"listening on")
        self.data = b""

    def wait_closed(self, count):
        """Reads until `count` connections opened in the capture were closed by both ends."""
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            _, records = pcap_records(self.data)
            opened, fins = set(), {}
            for r in records:
                sport, dport, flags, _ = tcp_of(r)
                if flags & 0x12 == 0x02:  # SYN without ACK: the client's port names the connection
                    opened.add(sport)
                if flags & 0x01:
                    for port in (sport, dport):
                        fins[port] = fins.get(port, 0) + 1
            if len(opened) >= count and all(fins.get(p, 0) >= 2 for p in opened):
                return
            r, _, _ = select.select([self.proc.stdout], [], [], max(0, end - time.monotonic()))
            if r:
                self.data += os.read(self.proc.stdout.fileno(), 65536)
        raise AssertionError(f"{count} connections were not captured to their end")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(TIMEOUT)


def run(args, timeout=TIMEOUT):
    p = subprocess.run(args, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def mqdump_packets(path, ports, extra=()):
    args = [MQDUMP, "--json", *extra, path]
    for p in ports:
        args += ["--port", str(p)]
    rc, out, err = run(args)
    lines = [json.loads(line) for line in out.splitlines()]
    return rc, [j for j in lines if "type" in j], [j for j in lines if j.get("event") == "end"], err


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def mqdump_key(p):
    """What both dissectors say about one packet, in the same terms."""
    client, server = port_of(p["client"]), port_of(p["server"])
    src, dst = (client, server) if p["direction"] == "c->s" else (server, client)
    payload = None
    if p["type"] == "PUBLISH" and p.get("payload"):
        raw = p["payload"].encode() if p["payload_encoding"] == "utf-8" else base64.b64decode(p["payload"])
        payload = raw.hex()
    return (src, dst, TYPES.index(p["type"]), p.get("topic") if p["type"] == "PUBLISH" else None,
            p.get("packet_id"), payload, p.get("client_id") or None, p.get("protocol_level"))


def tshark_packets(path, mqtt_ports, ws_ports):
    args = ["tshark", "-r", path, "-Y", "mqtt", "-T", "json", "--no-duplicate-keys"]  # two PDUs in a frame: a list
    for p in mqtt_ports:
        args += ["-d", f"tcp.port=={p},mqtt"]
    for p in ws_ports:
        args += ["-d", f"tcp.port=={p},http"]
    rc, out, err = run(args, timeout=60)
    assert rc == 0, err
    keys = []
    for frame in json.loads(out):
        layers = frame["_source"]["layers"]
        tcp = layers["tcp"]
        if "mqtt" not in layers:
            continue
        mqtts = layers["mqtt"] if isinstance(layers["mqtt"], list) else [layers["mqtt"]]
        for m in mqtts:
            flags = m["mqtt.hdrflags_tree"]
            kind = int(flags["mqtt.msgtype"])
            payload = m.get("mqtt.msg", "").replace(":", "") if kind == 3 else None
            keys.append((int(tcp["tcp.srcport"]), int(tcp["tcp.dstport"]), kind,
                         m.get("mqtt.topic") if kind == 3 else None,
                         int(m["mqtt.msgid"]) if "mqtt.msgid" in m else None, payload or None,
                         m.get("mqtt.clientid") or None, int(m["mqtt.ver"]) if "mqtt.ver" in m else None))
    return keys


def tshark_websocket_bytes(path, ws_port):
    """The unmasked WebSocket payload of each direction on `ws_port`, joined, by (src, dst) port.
    This tshark has no MQTT dissector for WebSocket, so the bytes are compared."""
    rc, out, err = run(["tshark", "-r", path, "-d", f"tcp.port=={ws_port},http", "-Y", "websocket", "-T", "json",
                        "--no-duplicate-keys"],
                       timeout=60)
    assert rc == 0, err
    streams = {}
    for frame in json.loads(out):
        layers = frame["_source"]["layers"]
        key = (int(layers["tcp"]["tcp.srcport"]), int(layers["tcp"]["tcp.dstport"]))
        data = layers.get("data", [])
        for d in data if isinstance(data, list) else [data]:  # one per WebSocket frame in the segment
            streams[key] = streams.get(key, b"") + bytes.fromhex(d.get("data.data", "").replace(":", ""))
    return streams


def mqdump_bytes(packets):
    """The bytes of mqdump's JSON packets, rebuilt by mqdump --encode, joined by (src, dst) port."""
    streams = {}
    for p in packets:
        client, server = port_of(p["client"]), port_of(p["server"])
        key = (client, server) if p["direction"] == "c->s" else (server, client)
        fields = {k: v for k, v in p.items() if k not in ("time", "connection", "direction", "client", "server")}
        enc = subprocess.run([MQDUMP, "--encode"], input=json.dumps(fields).encode(), capture_output=True,
                             timeout=TIMEOUT)
        assert enc.returncode == 0, enc.stderr
        streams[key] = streams.get(key, b"") + enc.stdout
    return streams


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("tcpdump") and shutil.which("tshark"),
                     "needs root, tcpdump and tshark")
class CaptureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mq-capture-")
        os.chmod(cls.tmp, 0o755)
        cls.procs = []
        try:
            cls.record()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def record(cls):
        cls.mosq_port, cls.ws_port = free_port(), free_port()
        conf = os.path.join(cls.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {cls.mosq_port} 127.0.0.1\nallow_anonymous true\n"
                    f"listener {cls.ws_port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n")
        cls.procs.append(subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        broker = subprocess.Popen([MQBROKER, "-p", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        cls.procs.append(broker)
        cls.mq_port = int(read_line(broker.stdout, b"listening mqtt").rsplit(":", 1)[1])
        wait_port(cls.mosq_port)
        wait_port(cls.ws_port)
        cls.ports = [cls.mosq_port, cls.ws_port, cls.mq_port]
        cap = Capture(cls.ports)
        cls.procs.append(cap.proc)
        m, w, q = cls.mosq_port, cls.ws_port, cls.mq_port
        binary = os.path.join(cls.tmp, "binary")
        with open(binary, "wb") as f:
            f.write(b"two\x00\xff bytes")
        # Retained messages first, so each subscriber has one waiting: no race.
        steps = [
            ["mosquitto_pub", "-p", str(m), "-V", "mqttv311", "-q", "1", "-r", "-t", "c/311", "-m", "one"],
            ["mosquitto_sub", "-p", str(m), "-V", "mqttv311", "-q", "1", "-t", "c/#", "-C", "1"],
            ["mosquitto_pub", "-p", str(m), "-V", "mqttv5", "-q", "2", "-r", "-t", "c/5", "-f", binary],
            ["mosquitto_sub", "-p", str(m), "-V", "mqttv5", "-q", "2", "-t", "c/5", "-C", "1"],
            [MQPUB, "-L", f"ws://127.0.0.1:{w}/mqtt", "-V", "5", "-q", "1", "-t", "ws/t", "-m", "over ws"],
            [MQPUB, "-p", str(q), "-V", "5", "-q", "1", "-r", "-t", "q/5", "-m", "three"],
            [MQSUB, "-p", str(q), "-V", "311", "-q", "1", "-t", "q/+", "-C", "1"],
        ]
        for argv in steps:
            rc, _, err = run(argv)
            assert rc == 0, (argv, err)
        cap.wait_closed(len(steps))
        cap.stop()
        cls.pcap = os.path.join(cls.tmp, "all.pcap")
        with open(cls.pcap, "wb") as f:
            f.write(cap.data)
        cls.connections = len(steps)

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(TIMEOUT)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if os.environ.get("MQ_KEEP_CAPTURE"):
            print(f"capture kept in {cls.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def read_pcap(self):
        with open(self.pcap, "rb") as f:
            return f.read()

    def write_variant(self, name, records):
        header, _ = pcap_records(self.read_pcap())
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(header + b"".join(records))
        return path

    def test_every_packet_matches_tshark(self):
        rc, packets, ends, err = mqdump_packets(self.pcap, self.ports, ["--show-secrets"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        plain = [p for p in packets if port_of(p["server"]) != self.ws_port]
        ws = [p for p in packets if port_of(p["server"]) == self.ws_port]
        ours = [mqdump_key(p) for p in plain]
        theirs = tshark_packets(self.pcap, [self.mosq_port, self.mq_port], [])
        self.assertEqual(ours, theirs)
        self.assertEqual(mqdump_bytes(ws), tshark_websocket_bytes(self.pcap, self.ws_port))
        kinds = [p["type"] for p in packets]
        for kind in ("CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK",
                     "DISCONNECT"):
            self.assertIn(kind, kinds)
        self.assertEqual({p["version"] for p in packets}, {"3.1.1", "5.0"})
        self.assertEqual(len(ends), self.connections)
        self.assertTrue(all(e["how"].startswith("closed by") for e in ends), ends)
        self.assertIn(("PUBLISH", "ws/t"), [(p["type"], p.get("topic")) for p in ws])

    def test_text_tree_shows_time_connection_direction(self):
        rc, out, err = run([MQDUMP, "--port", str(self.mosq_port), self.pcap])
        self.assertEqual(rc, 0, err)
        first = out.splitlines()[0]
        self.assertRegex(first, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z connection 1 c->s 127\.0\.0\.1:\d+ -> "
                                rf"127\.0\.0\.1:{self.mosq_port}$")
        self.assertIn("packet 1: CONNECT, MQTT 3.1.1", out)
        self.assertIn('topic name: "c/311"', out)

    def test_standard_input_and_file_option_read_the_same(self):
        with open(self.pcap, "rb") as f:
            data = f.read()
        args = [MQDUMP, "--json", "--port", str(self.mq_port)]
        a = subprocess.run(args + ["-f", self.pcap], capture_output=True, timeout=TIMEOUT)
        b = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT)
        self.assertEqual((a.returncode, b.returncode), (0, 0))
        self.assertEqual(a.stdout, b.stdout)
        self.assertGreater(len(a.stdout.splitlines()), 6)

    def test_retransmitted_and_reordered_segments_read_the_same(self):
        _, records = pcap_records(self.read_pcap())
        _, packets, _, _ = mqdump_packets(self.pcap, self.ports)
        expected = [mqdump_key(p) for p in packets]
        # every segment with data sent twice
        doubled = []
        for r in records:
            doubled += [r, r] if tcp_of(r)[3] > 0 else [r]
        rc, got, _, err = mqdump_packets(self.write_variant("doubled.pcap", doubled), self.ports)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual([mqdump_key(p) for p in got], expected)
        # each data segment moved after the next data segment of its direction
        moved, i, swaps = list(records), 0, 0
        while i < len(moved):
            si = tcp_of(moved[i])
            j = next((j for j in range(i + 1, len(moved)) if tcp_of(moved[j])[:2] == si[:2] and tcp_of(moved[j])[3]), None)
            if si[3] and j is not None:
                moved.insert(j, moved.pop(i))
                swaps += 1
                i = j + 1
            else:
                i += 1
        self.assertGreater(swaps, 3)
        rc, got, _, err = mqdump_packets(self.write_variant("moved.pcap", moved), self.ports)
        self.assertEqual((rc, err), (0, ""))
        by_direction = lambda keys: sorted(keys, key=lambda k: (k[0], k[1]))  # stable: order within a direction kept
        self.assertEqual(by_direction([mqdump_key(p) for p in got]), by_direction(expected))

    def test_capture_that_starts_mid_stream(self):
        _, records = pcap_records(self.read_pcap())
        _, packets, _, _ = mqdump_packets(self.pcap, self.ports)
        # cut after the first PUBLISH of the mqbroker publisher: its PUBACK and DISCONNECT remain
        q = self.mq_port
        cut = next(i for i, r in enumerate(records) if tcp_of(r)[1] == q and tcp_of(r)[3] > 0 and
                   r[16 + 14 + 20 + (r[16 + 14 + 20 + 12] >> 4) * 4] >> 4 == 3) + 1
        t0 = struct.unpack_from("<II", records[cut])
        rc, got, _, err = mqdump_packets(self.write_variant("cut.pcap", records[cut:]), self.ports)
        self.assertIn("the capture starts mid-stream", err)
        later = [p for p in packets if p["time"] >= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0[0])) +
                 f".{t0[1]:06d}Z"]
        self.assertEqual([(p["type"], p["direction"]) for p in got], [(p["type"], p["direction"]) for p in later])
        self.assertEqual(got[0]["type"], "PUBACK")

    def test_live_interface(self):
        q = self.mq_port
        live = subprocess.Popen([MQDUMP, "-i", "lo", "--port", str(q), "-C", "4", "-W", str(TIMEOUT), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            read_line(live.stderr, b"listening on lo")
            rc, _, err = run([MQPUB, "-p", str(q), "-V", "311", "-t", "live/t", "-m", "x"])
            self.assertEqual(rc, 0, err)
            out, _ = live.communicate(timeout=TIMEOUT)
        finally:
            if live.poll() is None:
                live.kill()
                live.wait()
        self.assertEqual(live.returncode, 0)
        got = [json.loads(line) for line in out.decode().splitlines()]
        self.assertEqual([p["type"] for p in got], ["CONNECT", "CONNACK", "PUBLISH", "DISCONNECT"])
        self.assertEqual(got[2]["topic"], "live/t")

    def test_no_such_interface_is_a_clear_error(self):
        rc, out, err = run([MQDUMP, "-i", "nosuch0"])
        self.assertEqual((rc, out), (3, ""))
        self.assertEqual(err, "mqdump: nosuch0: no such interface\n")


if __name__ == "__main__":
    MQDUMP, MQBROKER, MQPUB, MQSUB = sys.argv[1:5]
    unittest.main(argv=[sys.argv[0]] + sys.argv[5:])
