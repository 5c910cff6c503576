#!/usr/bin/python3
"""Debian's stock /etc/mosquitto/mosquitto.conf starts mqbroker: a copy with
its paths made local (pid_file, persistence_location, log_dest file,
include_dir), plus a conf.d file with the logging and common keys users copy
from mosquitto.conf.example. Checks the log file (time stamp format, notes
for keys that do not apply, reopened after logrotate's SIGHUP), the pid file
and the persistence file, and the refusals with "did you mean".

Nothing sleeps: every wait is on an event with a deadline.

Usage: mqbroker_stock_conf_test.py /path/to/mqbroker [unittest options]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

import paho.mqtt.client as mqtt

import mqbroker_test
from mqbroker_test import TIMEOUT, Broker, Paho

STOCK = "/etc/mosquitto/mosquitto.conf"
# Where Debian's file points, and the directory of the copy each moves to.
PATHS = {"/run/mosquitto": "run", "/var/lib/mosquitto": "lib", "/var/log/mosquitto": "log",
         "/etc/mosquitto/conf.d": "conf.d"}
LOCAL = """log_dest stderr
log_type all
log_timestamp_format %Y-%m-%dT%H:%M:%S
connection_messages true
allow_anonymous true
retry_interval 20
memory_limit 0
set_tcp_nodelay false
persistent_client_expiration 14d
"""


def run(args):
    return subprocess.run([mqbroker_test.MQBROKER] + args, capture_output=True, text=True, timeout=TIMEOUT)


@unittest.skipUnless(os.path.exists(STOCK) or os.environ.get("CI") == "true", f"{STOCK} missing (mosquitto package)")
class StockConfig(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mqbroker_stock_")
        with open(STOCK) as f:
            text = f.read()
        for old, sub in PATHS.items():
            self.assertIn(old, text, "the stock file changed: update PATHS")
            os.mkdir(os.path.join(self.dir, sub))
            text = text.replace(old, os.path.join(self.dir, sub))
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(text)
        with open(os.path.join(self.dir, "conf.d", "local.conf"), "w") as f:
            f.write(LOCAL)
        self.log = os.path.join(self.dir, "log", "mosquitto.log")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_stock_file_starts_logs_to_its_file_and_reopens_it_on_sighup(self):
        self.assertEqual(run(["-c", self.conf, "--check-config"]).returncode, 0)
        b = Broker(["-c", self.conf, "-p", "0"])
        try:
            pid = os.path.join(self.dir, "run", "mosquitto.pid")
            with open(pid) as f:
                self.assertEqual(int(f.read()), b.proc.pid)
            c = Paho(b.port(), "stock", version=mqtt.MQTTv311)
            self.assertEqual(c.connack()[1], 0)
            c.close()
            b.wait_stderr("client_id=stock")
            os.rename(self.log, self.log + ".1")  # what logrotate does before its SIGHUP
            b.proc.send_signal(signal.SIGHUP)
            b.wait_stderr("reloaded")
        finally:
            self.assertEqual(b.stop(), 0)
        with open(self.log + ".1") as f:
            rotated = f.read().splitlines()
        stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d "  # log_timestamp_format, local time, no milliseconds
        self.assertTrue(all(re.match(stamp + r"(notice|info|debug|warning|error) ", l) for l in rotated), rotated)
        self.assertTrue(any("retry_interval: accepted, does not apply" in l for l in rotated), rotated)
        self.assertTrue(any("listening kind=mqtt" in l for l in rotated), rotated)
        self.assertTrue(any("client_id=stock" in l for l in rotated), rotated)
        with open(self.log) as f:
            fresh = f.read()
        self.assertIn("reloaded", fresh)  # written to the reopened file
        self.assertNotIn("listening kind=mqtt", fresh)
        self.assertFalse(os.path.exists(pid))  # removed at exit
        self.assertTrue(os.path.exists(os.path.join(self.dir, "lib", "mqbroker.db")))

    def test_log_timestamp_false(self):
        with open(os.path.join(self.dir, "conf.d", "local.conf"), "a") as f:
            f.write("log_timestamp false\n")
        b = Broker(["-c", self.conf, "-p", "0"])
        line = b.wait_stderr("listening")
        self.assertTrue(line.startswith("notice listening"), line)
        self.assertEqual(b.stop(), 0)

    def test_refusals_name_the_line_and_suggest_a_key(self):
        cases = [("max_inflight_mesages 3", 'unknown key "max_inflight_mesages"; did you mean "max_inflight_messages"?'),
                 ("persistance true", 'unknown key "persistance"; did you mean "persistence"?'),
                 ("memory_limit 1000000", "memory_limit: only 0 is supported"),
                 ("log_dest topic", "log_dest: publishing log lines to $SYS/broker/log/ is not implemented"),
                 ("bridge_insecure true", "bridge_insecure: not supported by mqbroker (bridges are not supported)"),
                 ("frobnicate 1", 'unknown key "frobnicate"\n')]
        for line, expected in cases:
            with self.subTest(line=line):
                bad = os.path.join(self.dir, "conf.d", "zz.conf")
                with open(bad, "w") as f:
                    f.write(line + "\n")
                r = run(["-c", self.conf, "--check-config"])
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"{bad}:1: {expected}", r.stderr)

    def test_unwritable_log_file_is_a_start_error(self):
        os.rmdir(os.path.join(self.dir, "log"))
        r = run(["-c", self.conf, "-p", "0"])
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot open the log file {self.log}", r.stderr)


if __name__ == "__main__":
    mqbroker_test.MQBROKER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
