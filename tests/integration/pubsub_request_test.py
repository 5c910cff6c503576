#!/usr/bin/python3
"""mqpub --wait-response (request/response, as mosquitto_rr) against mqbroker,
with mqsub and mqpub as the responder: the response with the request's
Correlation Data is printed (raw, -v, -F, --json), decoys on the response
topic (other correlation data, retained) are ignored, -W exits 7, and at
3.1.1 the first message after the request is the response.

Nothing sleeps: the responder's mqsub -d reports its SUBACK on stderr
before the request is sent; every process has a timeout.

Usage: pubsub_request_test.py mqpub mqsub mqbroker
"""
import base64
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test  # noqa: E402  (Broker: mqbroker on port 0)
from pubsub_test import LineReader  # noqa: E402

MQPUB = MQSUB = None
TIMEOUT = 20


def run(args):
    p = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


class RequestTest(unittest.TestCase):
    def setUp(self):
        self.broker = mqbroker_test.Broker(["-p", "0"])
        self.base = ["-h", "127.0.0.1", "-p", str(self.broker.port())]

    def tearDown(self):
        self.broker.stop()

    def responder(self, topic, version="5"):
        """mqsub that prints one request as JSON; returns once it is subscribed."""
        sub = subprocess.Popen([MQSUB, *self.base, "-V", version, "-t", topic, "-C", "1", "--json",
                                "--payload-encoding", "hex", "-d"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = LineReader(sub.stderr)
        while True:
            line = err.readline(TIMEOUT)
            if line is None:
                sub.kill()
                self.fail("the responder never got its SUBACK")
            if b"SUBACK" in line:
                return sub

    def request(self, args):
        return subprocess.Popen([MQPUB, *self.base, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def take_request(self, sub):
        out, _ = sub.communicate(timeout=TIMEOUT)
        self.assertEqual(sub.returncode, 0)
        return json.loads(out)

    def answer(self, topic, payload, correlation=None, version="5", retain=False):
        args = [MQPUB, *self.base, "-V", version, "-t", topic, "-m", payload, "-q", "1"]
        if correlation is not None:
            args += ["--property", "correlation-data=hex:" + correlation.hex()]
        if retain:
            args.append("-r")
        code, _, err = run(args)
        self.assertEqual(code, 0, err)

    def finish(self, req):
        out, err = req.communicate(timeout=TIMEOUT)
        return req.returncode, out.decode(), err.decode()

    def test_the_response_with_the_correlation_data_is_printed(self):
        for output, expected in ((["-v"], "rr/resp world\n"), ([], "world\n"), (["-F", "%t|%p|%q"], "rr/resp|world|1\n")):
            with self.subTest(output=output):
                self.answer("rr/resp", "stale", correlation=b"old", retain=True)
                sub = self.responder("rr/req")
                req = self.request(["-t", "rr/req", "-e", "rr/resp", "--wait-response", "-W", "10", "-q", "1",
                                    "-m", "hello", *output])
                got = self.take_request(sub)
                self.assertEqual(bytes.fromhex(got["payload"]), b"hello")
                props = got["properties"]
                self.assertEqual(props["response-topic"], "rr/resp")
                correlation = base64.b64decode(props["correlation-data"])
                self.assertEqual(len(correlation), 16)
                self.answer("rr/resp", "not ours", correlation=b"other")
                self.answer("rr/resp", "no correlation")
                self.answer("rr/resp", "world", correlation=correlation)
                code, out, err = self.finish(req)
                self.assertEqual((code, out), (0, expected), err)
                self.answer("rr/resp", "", retain=True)

    def test_given_correlation_data_and_json(self):
        sub = self.responder("rr/req")
        req = self.request(["-t", "rr/req", "-e", "rr/json", "--wait-response", "-W", "10", "-m", "q",
                            "--property", "correlation-data=hex:c0ffee", "--json"])
        got = self.take_request(sub)
        self.assertEqual(base64.b64decode(got["properties"]["correlation-data"]), b"\xc0\xff\xee")
        self.answer("rr/json", "{\"t\":1}", correlation=b"\xc0\xff\xee")
        code, out, err = self.finish(req)
        self.assertEqual(code, 0, err)
        record = json.loads(out)
        self.assertEqual((record["topic"], record["payload"]), ("rr/json", "{\"t\":1}"))

    def test_no_response_exits_7(self):
        self.answer("rr/none", "stale", retain=True)
        code, out, err = run([MQPUB, *self.base, "-t", "rr/req", "-e", "rr/none", "--wait-response", "-W", "0.5",
                              "-q", "1", "-m", "x"])
        self.assertEqual((code, out), (7, ""), err)
        self.assertIn("no response within 0.5 s, the request was acknowledged: 1 message on 'rr/none' ignored", err)
        self.answer("rr/none", "", retain=True)

    def test_mqtt_311_takes_the_first_new_message(self):
        self.answer("rr/fixed", "stale", version="311", retain=True)
        sub = self.responder("rr/req311", version="311")
        req = self.request(["-V", "311", "-t", "rr/req311", "-e", "rr/fixed", "--wait-response", "-W", "10",
                            "-m", "ping"])
        got = self.take_request(sub)
        self.assertNotIn("properties", got)
        self.answer("rr/fixed", "pong", version="311")
        code, out, err = self.finish(req)
        self.assertEqual((code, out), (0, "pong\n"), err)
        self.answer("rr/fixed", "", version="311", retain=True)

    def test_usage_errors(self):
        for args, text in (
                (["-e", "rr/#", "--wait-response", "-m", "x"], "wildcard"),
                (["-e", "rr/r", "--wait-response", "--repeat", "2", "-m", "x"], "one request"),
                (["-V", "311", "-e", "rr/r", "-m", "x"], "needs MQTT 5.0"),
                (["-V", "311", "-t", "rr/r", "-e", "rr/r", "--wait-response", "-m", "x"], "its own response"),
                (["--json", "-m", "x"], "--wait-response"),
                (["-e", "rr/r", "--wait-response", "--property", "response-topic=x", "-m", "x"],
                 "Response Topic already")):
            with self.subTest(args=args):
                topic = [] if "-t" in args else ["-t", "rr/t"]
                code, _, err = run([MQPUB, *self.base, *topic, *args])
                self.assertEqual(code, 2, err)
                self.assertIn(text, err)


if __name__ == "__main__":
    MQPUB, MQSUB, mqbroker_test.MQBROKER = sys.argv[1:4]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
