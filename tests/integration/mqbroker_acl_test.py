#!/usr/bin/python3
"""mqbroker's ACL against messages that wait in a session, with the real
binary, password and ACL files, and paho-mqtt clients: a session taken over
by another user keeps nothing of its owner's; a message queued before a
SIGHUP reload is checked against the reloaded rules; with persistence, a
message acknowledged after a restart reaches the restored session's owner.

Nothing sleeps: a client that must not get a message is sent a marker it
may read after it, and the marker must be the first thing it gets.

Usage: mqbroker_acl_test.py /path/to/mqbroker [unittest options]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

import paho.mqtt.client as mqtt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test as base  # noqa: E402  (Broker and Paho helpers)
from mqbroker_test import TIMEOUT, Broker, Paho  # noqa: E402

ACL = ("user alice\ntopic read secret/#\ntopic read data/#\ntopic read marker/#\n"
       "user bob\ntopic read public/#\ntopic read marker/#\n"
       "user pub\ntopic write #\n")


class AclAndWaitingMessages(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="mqbroker_acl_")
        self.pw = os.path.join(self.d, "passwords")
        self.acl = os.path.join(self.d, "acl")
        self.data = os.path.join(self.d, "data")
        for user in ("alice", "bob", "pub"):
            p = subprocess.run([base.MQBROKER, "passwd", self.pw, "add", user, f"{user}-pw"], capture_output=True,
                               timeout=TIMEOUT)
            self.assertEqual(p.returncode, 0, p.stderr)
        with open(self.acl, "w") as f:
            f.write(ACL)

    def tearDown(self):
        shutil.rmtree(self.d, ignore_errors=True)

    def broker(self, extra=""):
        return Broker(["-v"], config=f"listener 0 127.0.0.1\npassword_file {self.pw}\nacl_file {self.acl}\n{extra}")

    def client(self, port, user, client_id="dev1", version=mqtt.MQTTv5):
        c = Paho(port, client_id, version=version, clean=False, user=user, password=f"{user}-pw", expiry=3600)
        flags, rc = c.connack()
        self.assertEqual(rc, 0)
        return c, flags["session present"]

    def publish(self, port, *topics):
        p, _ = self.client(port, "pub", client_id="pub")
        for t in topics:
            self.assertTrue(p.publish(t, t.encode(), 1).is_published())
        p.close()

    def first_message(self, c, port, marker_filter="marker/#"):
        """The first message `c` gets once a marker it may read is published."""
        self.assertEqual(c.subscribe(marker_filter, 1), [1])
        self.publish(port, "marker/end")
        return c.message().topic

    def test_session_taken_over_by_another_user_starts_clean(self):
        b = self.broker()
        try:
            port = b.port()
            alice, present = self.client(port, "alice")
            self.assertEqual(alice.subscribe("secret/#", 1), [1])
            alice.close()
            self.publish(port, "secret/x")
            bob, present = self.client(port, "bob")
            self.assertEqual(present, 0)
            self.assertEqual(self.first_message(bob, port), "marker/end")
            bob.close()
        finally:
            self.assertEqual(b.stop(), 0)

    def test_message_queued_before_a_reload_is_checked_against_the_new_rules(self):
        b = self.broker()
        try:
            port = b.port()
            alice, _ = self.client(port, "alice")
            self.assertEqual(alice.subscribe("secret/#", 1), [1])
            alice.close()
            self.publish(port, "secret/x")
            with open(self.acl, "w") as f:
                f.write(ACL.replace("topic read secret/#\n", ""))
            b.proc.send_signal(signal.SIGHUP)
            b.wait_stderr("reloaded password, ACL and certificate files")
            alice, present = self.client(port, "alice")
            self.assertEqual(present, 1)
            self.assertEqual(self.first_message(alice, port), "marker/end")
            alice.close()
        finally:
            self.assertEqual(b.stop(), 0)

    def restart_keeps_acknowledged_message(self, mode):
        persist = f"persistence true\npersistence_location {self.data}\npersistence_mode {mode}\n"
        b = self.broker(persist)
        try:
            alice, _ = self.client(b.port(), "alice", version=mqtt.MQTTv311)
            self.assertEqual(alice.subscribe("data/#", 1), [1])
            alice.close()
        finally:
            self.assertEqual(b.stop(), 0)
        b = self.broker(persist)
        try:
            port = b.port()
            self.publish(port, "data/2")  # acknowledged with PUBACK 0x00
            alice, present = self.client(port, "alice", version=mqtt.MQTTv311)
            self.assertEqual(present, 1)
            m = alice.message()
            self.assertEqual((m.topic, m.payload), ("data/2", b"data/2"))
            alice.close()
        finally:
            self.assertEqual(b.stop(), 0)

    def test_restart_with_acl_delivers_acknowledged_messages_snapshot(self):
        self.restart_keeps_acknowledged_message("snapshot")

    def test_restart_with_acl_delivers_acknowledged_messages_durable(self):
        self.restart_keeps_acknowledged_message("durable")


if __name__ == "__main__":
    base.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
