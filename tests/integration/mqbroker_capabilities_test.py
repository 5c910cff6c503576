#!/usr/bin/python3
"""mqbroker's configurable server capabilities seen through paho-mqtt (an
independent client): each capability flag is advertised in the 5.0 CONNACK
and enforced with the reason code the specification gives, and refused 3.1.1
clients get the matching return code. A Receive Maximum violation, which no
real client commits, is sent from a raw socket.

Nothing sleeps: every wait is on an event with a deadline.

Usage: mqbroker_capabilities_test.py /path/to/mqbroker [unittest options]
"""
import os
import queue
import socket
import subprocess
import sys
import unittest

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

import mqbroker_test
from mqbroker_test import TIMEOUT, Broker

LIMITS = ["-p", "0", "--receive-maximum", "3", "--min-keepalive", "20", "--max-keepalive", "100",
          "--maximum-qos", "1", "--retain-available", "false", "--wildcard-subscription-available", "false",
          "--shared-subscription-available", "false", "--subscription-identifier-available", "false",
          "--max-topic-alias", "4", "--max-packet-size", "1000", "--max-client-id-length", "10",
          "--persistent-client-expiration", "1h", "--auto-id-prefix", "cap-"]


class Client:
    """A paho client whose CONNACK, SUBACK and DISCONNECT land in queues."""

    def __init__(self, port, client_id="", version=mqtt.MQTTv5, keepalive=30, expiry=None):
        self.c = mqtt.Client(client_id=client_id, protocol=version)
        self.connacks, self.subacks, self.disconnects = queue.Queue(), queue.Queue(), queue.Queue()
        self.c.on_connect = lambda c, u, flags, rc, props=None: self.connacks.put((rc, props))
        self.c.on_subscribe = lambda c, u, mid, codes, props=None: self.subacks.put(codes)
        # paho 1.6 reads no reason code from a DISCONNECT without properties
        # (remaining length 1): its log tells that one came.
        self.c.on_log = lambda c, u, level, text: text.startswith("Received DISCONNECT") and self.disconnects.put(text)
        self.c.loop_start()
        kw = {}
        if version == mqtt.MQTTv5 and expiry is not None:
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = expiry
            kw["properties"] = props
        self.c.connect_async("127.0.0.1", port, keepalive=keepalive, **kw)

    def connack(self):
        rc, props = self.connacks.get(timeout=TIMEOUT)
        return (rc.value if hasattr(rc, "value") else rc), props

    def subscribe(self, topic, qos=0, properties=None):
        self.c.subscribe(topic, qos, properties=properties)
        return [g.value if hasattr(g, "value") else g for g in self.subacks.get(timeout=TIMEOUT)]

    def disconnected(self):
        """Waits for a DISCONNECT from the broker."""
        return self.disconnects.get(timeout=TIMEOUT)

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def raw_v5_connect(port, client_id):
    """A raw socket that sent a 5.0 CONNECT and read its CONNACK. It sets
    Request Problem Information to 0, so the broker's answers carry no Reason
    String and the bytes compared are the bare reason codes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    cid = client_id.encode()
    body = b"\x00\x04MQTT\x05\x02\x00\x00\x02\x17\x00" + len(cid).to_bytes(2, "big") + cid
    s.sendall(bytes([0x10, len(body)]) + body)
    head = recv_exactly(s, 2)
    recv_exactly(s, head[1])
    return s


def until_closed(s):
    """Everything the broker sends until it closes the socket."""
    got = b""
    while True:
        chunk = s.recv(256)
        if not chunk:
            return got
        got += chunk


def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise AssertionError(f"closed after {out.hex()}")
        out += chunk
    return out


class Capabilities(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker(LIMITS)
        cls.port = cls.broker.port()

    @classmethod
    def tearDownClass(cls):
        assert cls.broker.stop() == 0

    def test_connack_advertises_every_capability(self):
        c = Client(self.port, keepalive=5, expiry=0xFFFFFFFF)
        rc, props = c.connack()
        self.assertEqual(rc, 0)
        self.assertEqual(props.ReceiveMaximum, 3)
        self.assertEqual(props.MaximumQoS, 1)
        self.assertEqual(props.RetainAvailable, 0)
        self.assertEqual(props.WildcardSubscriptionAvailable, 0)
        self.assertEqual(props.SharedSubscriptionAvailable, 0)
        self.assertEqual(props.SubscriptionIdentifierAvailable, 0)
        self.assertEqual(props.TopicAliasMaximum, 4)
        self.assertEqual(props.MaximumPacketSize, 1000)
        self.assertEqual(props.ServerKeepAlive, 20)  # 5 is below min_keepalive
        self.assertEqual(props.SessionExpiryInterval, 3600)  # "never" capped by persistent_client_expiration
        self.assertTrue(props.AssignedClientIdentifier.startswith("cap-"), props.AssignedClientIdentifier)
        c.close()

    def test_keep_alive_over_maximum_is_imposed_at_5_and_refused_at_3_1_1(self):
        c = Client(self.port, keepalive=500)
        rc, props = c.connack()
        self.assertEqual((rc, props.ServerKeepAlive), (0, 100))
        c.close()
        for keepalive in (5, 500):
            old = Client(self.port, "kv3", version=mqtt.MQTTv311, keepalive=keepalive)
            self.assertEqual(old.connack()[0], 2)  # identifier rejected, as mosquitto
            old.c.loop_stop()

    def test_subscription_refusals(self):
        c = Client(self.port, "subs")
        self.assertEqual(c.connack()[0], 0)
        self.assertEqual(c.subscribe("a/#"), [0xA2])  # Wildcard Subscriptions not supported
        self.assertEqual(c.subscribe("$share/g/a"), [0x9E])  # Shared Subscriptions not supported
        self.assertEqual(c.subscribe("a/b", 2), [1])  # granted at most maximum_qos
        props = Properties(PacketTypes.SUBSCRIBE)
        props.SubscriptionIdentifier = 7
        c.c.subscribe("a/c", 0, properties=props)
        c.disconnected()
        c.c.loop_stop()
        # The same SUBSCRIBE (id 1, identifier 7, "a/c") from a raw socket, to read the reason.
        s = raw_v5_connect(self.port, "subs-raw")
        s.sendall(bytes([0x82, 11, 0, 1, 2, 0x0B, 7, 0, 3]) + b"a/c" + b"\x00")
        self.assertEqual(until_closed(s), b"\xe0\x01\xa1")  # Subscription Identifiers not supported
        s.close()

    def test_retain_and_qos_over_the_limits_end_the_connection(self):
        for (qos, retain, reason) in ((0, True, 0x9A), (2, False, 0x9B)):
            c = Client(self.port, f"p{qos}")
            self.assertEqual(c.connack()[0], 0)
            c.c.publish("t", b"x", qos, retain)
            c.disconnected()
            c.c.loop_stop()
            # The same PUBLISH from a raw socket, to read the reason.
            s = raw_v5_connect(self.port, f"raw{qos}")
            body = b"\x00\x01t" + (b"\x00\x01" if qos else b"") + b"\x00x"
            s.sendall(bytes([0x30 | qos << 1 | int(retain), len(body)]) + body)
            self.assertEqual(until_closed(s), bytes([0xE0, 1, reason]))
            s.close()

    def test_client_id_length(self):
        ok = Client(self.port, "0123456789")
        self.assertEqual(ok.connack()[0], 0)
        ok.close()
        for version, expected in ((mqtt.MQTTv5, 0x85), (mqtt.MQTTv311, 2)):
            c = Client(self.port, "0123456789a", version=version)
            self.assertEqual(c.connack()[0], expected)
            c.c.loop_stop()


class ReceiveMaximum(unittest.TestCase):
    def test_fourth_unreleased_qos2_publish_gets_disconnect_0x93(self):
        b = Broker(["-p", "0", "--receive-maximum", "3"])
        try:
            c = Client(b.port(), "seen")
            self.assertEqual(c.connack()[1].ReceiveMaximum, 3)
            c.close()
            s = raw_v5_connect(b.port(), "rm")
            for pid in (1, 2, 3, 4):
                s.sendall(bytes([0x34, 6, 0, 1]) + b"t" + pid.to_bytes(2, "big") + b"\x00")
            pubrecs = b"".join(bytes([0x50, 3, 0, pid, 0x10]) for pid in (1, 2, 3))
            self.assertEqual(until_closed(s), pubrecs + b"\xe0\x01\x93")
            s.close()
        finally:
            self.assertEqual(b.stop(), 0)


class Redirection(unittest.TestCase):
    def test_server_reference_moved_and_use_another(self):
        for words, reason in (("other.example:1883 moved", 0x9D), ("other.example:1883", 0x9C)):
            b = Broker(["-p", "0", "--server-reference", words])
            try:
                c = Client(b.port(), "r")
                rc, props = c.connack()
                self.assertEqual(rc, reason)
                self.assertEqual(props.ServerReference, "other.example:1883")
                c.c.loop_stop()
                old = Client(b.port(), "r3", version=mqtt.MQTTv311)
                self.assertEqual(old.connack()[0], 3)  # server unavailable: 3.1.1 cannot be redirected
                old.c.loop_stop()
            finally:
                self.assertEqual(b.stop(), 0)


class Profiles(unittest.TestCase):
    def test_aws_iot_refuses_what_the_service_refuses(self):
        b = Broker(["-p", "0", "--profile", "aws-iot"])
        try:
            c = Client(b.port(), "device-1", keepalive=2)
            rc, props = c.connack()
            self.assertEqual((rc, props.MaximumQoS, props.ReceiveMaximum, props.ServerKeepAlive), (0, 1, 100, 30))
            self.assertEqual(c.subscribe("a/b/c/d/e/f/g/h/i", 1), [0x8F])  # 9 levels: Topic Filter invalid
            self.assertEqual(c.subscribe("a/" + "x" * 300, 1), [0x8F])  # over 256 bytes
            self.assertEqual(c.subscribe("a/b/c/d/e/f/g/h", 2), [1])  # 8 levels, granted QoS 1
            c.close()
            long_id = Client(b.port(), "d" * 129)
            self.assertEqual(long_id.connack()[0], 0x85)
            long_id.c.loop_stop()
            old = Client(b.port(), "device-3", version=mqtt.MQTTv311, keepalive=3600)
            self.assertEqual(old.connack()[0], 0)  # accepted; the service's 1200 s applies
            old.close()
        finally:
            self.assertEqual(b.stop(), 0)

    def test_show_profile_prints_lines_and_choices(self):
        r = subprocess.run([mqbroker_test.MQBROKER, "--profile", "mosquitto", "--show-profile"], capture_output=True,
                           text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        for line in ("receive_maximum 20", "set_tcp_nodelay false", "pubrec_no_subscribers false",
                     "uuid_client_ids true", "packet_id_when_queued true", "whole_second_expiry true"):
            self.assertIn(line, r.stdout)


if __name__ == "__main__":
    mqbroker_test.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
