#!/usr/bin/python3
"""mqsub -C N on a persistent session holding queued QoS 1/2 messages, against
mqbroker and mosquitto: only what is printed (or filtered out on purpose) is
acknowledged, a QoS 2 exchange ends with PUBCOMP before DISCONNECT, the exit
status is 0, and the next run of the same session gets the rest.

Nothing sleeps: every process runs to its own exit under a timeout; mqbroker
reports its port, mosquitto's is polled for.

Usage: pubsub_count_test.py mqpub mqsub mqbroker
"""
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


def run(args, data=None):
    p = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


class CountTests:
    """Mixed into one TestCase per broker; `self.port` is the broker's."""

    def conn(self, version):
        return ["-h", "127.0.0.1", "-p", str(self.port), "-V", version]

    def session(self, version, name):
        """A persistent session: -c, and at 5.0 a session expiry."""
        extra = ["-x", "300"] if version == "5" else []
        return ["-i", f"count-{name}-{version}", "-c", *extra]

    def queue(self, version, qos, name, topics):
        """Makes the session, then queues one message per (topic, payload)."""
        sub = [MQSUB, *self.conn(version), *self.session(version, name), "-q", str(qos), "-t", f"count/{name}/#"]
        code, _, err = run(sub + ["-E"])
        self.assertEqual(code, 0, err)
        for topic, payload in topics:
            code, _, err = run([MQPUB, *self.conn(version), "-q", str(qos), "-t", topic, "-m", payload])
            self.assertEqual(code, 0, err)
        return sub

    def check_run(self, sub, count, qos, expected, extra=()):
        code, out, err = run(sub + ["-C", str(count), "-d", *extra])
        self.assertEqual(code, 0, err)
        self.assertEqual(out.split(), expected, err)
        sent = [line.split()[1] for line in err.splitlines() if line.startswith("sent ")]
        return sent, "PUBACK" if qos == 1 else "PUBREC"

    def test_count_leaves_the_rest_queued(self):
        for version in ("5", "311"):
            for qos in (1, 2):
                with self.subTest(version=version, qos=qos):
                    name = f"rest{qos}"
                    msgs = [(f"count/{name}/t", f"m{i}") for i in range(1, 6)]
                    sub = self.queue(version, qos, name, msgs)
                    sent, ack = self.check_run(sub, 2, qos, ["m1", "m2"])
                    self.assertEqual(sent.count(ack), 2, sent)
                    if qos == 2:
                        self.assertEqual(sent.count("PUBCOMP"), 2, sent)
                    self.assertEqual(sent[-1], "DISCONNECT", sent)
                    sent, ack = self.check_run(sub, 3, qos, ["m3", "m4", "m5"])
                    self.assertEqual(sent.count(ack), 3, sent)

    def test_filtered_out_messages_are_acknowledged_but_not_counted(self):
        version, qos, name = "5", 1, "filtered"
        msgs = [(f"count/{name}/{'skip' if i == 2 else 'keep'}", f"m{i}") for i in range(1, 6)]
        sub = self.queue(version, qos, name, msgs)
        sent, ack = self.check_run(sub, 2, qos, ["m1", "m3"], ["-T", f"count/{name}/skip"])
        self.assertEqual(sent.count(ack), 3, sent)  # m1, m2 (filtered out), m3
        self.check_run(sub, 2, qos, ["m4", "m5"])  # m2 is gone, not printed again

    def test_remove_retained_spares_filtered_out_topics(self):
        base = ["-V", "5", "-h", "127.0.0.1", "-p", str(self.port)]
        for name in ("keep", "skip"):
            code, _, err = run([MQPUB, *base, "-r", "-t", f"retained/{name}", "-m", name])
            self.assertEqual(code, 0, err)
        code, out, err = run([MQSUB, *base, "-t", "retained/#", "--retained-only", "--remove-retained",
                              "-T", "retained/skip", "-v"])
        self.assertEqual((code, out), (0, "retained/keep keep\n"), err)
        code, out, err = run([MQSUB, *base, "-t", "retained/#", "--retained-only", "-v"])
        self.assertEqual((code, out), (0, "retained/skip skip\n"), err)


class MqbrokerCountTest(CountTests, unittest.TestCase):
    def setUp(self):
        self.broker = mqbroker_test.Broker(["-p", "0"])
        self.port = self.broker.port()

    def tearDown(self):
        self.broker.stop()


class MosquittoCountTest(CountTests, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mq-count-")
        os.chmod(self.tmp, 0o755)  # mosquitto started as root reads its files as user mosquitto
        self.port = pubsub_test.free_port()
        self.broker = pubsub_test.Broker(self.tmp, "open", [f"listener {self.port} 127.0.0.1\n"],
                                         "allow_anonymous true\n")
        pubsub_test.wait_port(self.port)

    def tearDown(self):
        self.broker.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    MQPUB, MQSUB, mqbroker_test.MQBROKER = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
