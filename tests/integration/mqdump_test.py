#!/usr/bin/python3
"""Runs the real mqdump binary: every input shape, levels, JSON round trips,
masking, --keep-going, exit codes, garbage and a reader that closes early.

Usage: mqdump_test.py /path/to/mqdump [unittest options]
"""
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

MQDUMP = None
TIMEOUT = 20  # seconds for any one run; mqdump must never hang

# Packets written by hand from the specification.
CONNECT_311 = bytes.fromhex("100c00044d5154540402003c0000")  # clean session, keep alive 60, empty client id
# 3.1.1 CONNECT with will (QoS 1, retain), user name "u" and password "pw"
CONNECT_SECRET = bytes.fromhex("101b00044d51545404ee000a0001630001740002686900017500027077")
CONNECT_5 = bytes.fromhex("100d00044d5154540502003c000000")
PUBACK_2 = bytes.fromhex("40020001")  # reads differently at 3.1.1 and 5.0
PUBACK_5_REASON = bytes.fromhex("4003000187")  # only 5.0 reads a reason code
SUBACK_311 = bytes.fromhex("9004000501" "80")
PINGREQ = bytes.fromhex("c000")
BAD_TOPIC = bytes.fromhex("30070003612f230078")  # PUBLISH with '#' in the topic name [MQTT-3.3.2-2]


def run(args, data=None, env=None):
    """Runs mqdump; returns (exit status, stdout bytes, stderr text)."""
    proc = subprocess.run([MQDUMP] + args, input=data, capture_output=True, timeout=TIMEOUT, env=env)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def shapes(b):
    """The same bytes in every text shape users paste."""
    h = b.hex()
    spaced = " ".join(f"{x:02x}" for x in b)
    lines16 = [b[i:i + 16] for i in range(0, len(b), 16)]

    def ascii_col(chunk):
        return "".join(chr(x) if 0x20 <= x < 0x7F else "." for x in chunk)

    xxd = ""
    hexdump = ""
    wireshark = ""
    for n, chunk in enumerate(lines16):
        groups = " ".join(chunk[i:i + 2].hex() for i in range(0, len(chunk), 2))
        xxd += f"{n * 16:08x}: {groups:<39}  {ascii_col(chunk)}\n"
        left = " ".join(f"{x:02x}" for x in chunk[:8])
        right = " ".join(f"{x:02x}" for x in chunk[8:])
        hexdump += f"{n * 16:08x}  {left:<23}  {right:<23}  |{ascii_col(chunk)}|\n"
        wireshark += f"{n * 16:04x}   {' '.join(f'{x:02x}' for x in chunk):<47}   {ascii_col(chunk)}\n"
    hexdump += f"{len(b):08x}\n"
    return {
        "plain": h,
        "spaced": spaced,
        "colon": ":".join(f"{x:02x}" for x in b),
        "0x": " ".join(f"0x{x:02x}" for x in b),
        "comma": ",".join(f"{x:02x}" for x in b),
        "c array": "unsigned char pkt[] = {\n  " + ", ".join(f"0x{x:02x}" for x in b) + "\n};\n",
        "xxd": xxd,
        "hexdump -C": hexdump,
        "wireshark": wireshark,
        "base64": base64.b64encode(b).decode() + "\n",
    }


class InputShapes(unittest.TestCase):
    def test_every_shape_from_stdin_and_file(self):
        packet = CONNECT_311 + CONNECT_5  # two packets, 29 bytes: dumps span two lines
        expected = run(["--json", "--show-secrets"], packet)[1]
        self.assertIn(b'"type":"CONNECT"', expected)
        for name, text in shapes(packet).items():
            with self.subTest(shape=name):
                status, out, err = run(["--json", "--show-secrets"], text.encode())
                self.assertEqual((status, err), (0, ""))
                self.assertEqual(out, expected)
                with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
                    f.write(text)
                try:
                    status, out, err = run(["--json", "--show-secrets", "-f", f.name])
                    self.assertEqual((status, err, out), (0, "", expected))
                finally:
                    os.unlink(f.name)

    def test_raw_binary_file_and_forced_formats(self):
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(CONNECT_311)
        try:
            status, out, _ = run(["-f", f.name])
            self.assertEqual(status, 0)
            self.assertIn(b"CONNECT, MQTT 3.1.1, 14 bytes at offset 0", out)
        finally:
            os.unlink(f.name)
        # "c000" as raw text is four bytes that are not a packet; as hex it is PINGREQ.
        self.assertEqual(run(["--input", "hex"], b"c000")[0], 0)
        self.assertNotEqual(run(["--input", "raw"], b"c000")[0], 0)
        self.assertEqual(run(["--input", "base64"], base64.b64encode(PINGREQ))[0], 0)

    def test_arguments_and_several_files(self):
        status, out, _ = run(["10", "0c 00 04 4d 51 54 54", "04 02 00 3c 00 00"])
        self.assertEqual(status, 0)
        self.assertIn(b"keep alive: 60 s", out)
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.hex"), os.path.join(d, "b.bin")
            with open(a, "w") as fa, open(b, "wb") as fb:
                fa.write(CONNECT_5.hex())
                fb.write(PUBACK_2)
            status, out, err = run(["--json", "-f", a, "-f", b])
            self.assertEqual((status, err), (0, ""))
            lines = out.decode().splitlines()
            self.assertEqual(len(lines), 2)
            self.assertIn('"type":"PUBACK","version":"5.0"', lines[1])  # level from the CONNECT in a.hex
            self.assertIn('"offset":15', lines[1])

    def test_bad_hex_names_line_and_column(self):
        status, _, err = run([], b"10 0c\n00 0g\n")
        self.assertEqual(status, 3)
        self.assertEqual(err, "mqdump: standard input: line 2, column 5: 'g' is not a hex digit\n")
        status, _, err = run(["c0 00", "zz"])
        self.assertEqual((status, err), (3, "mqdump: argument 2, column 1: 'z' is not a hex digit\n"))
        status, _, err = run(["-f", "/nonexistent/file"])
        self.assertEqual(status, 3)
        self.assertIn("/nonexistent/file", err)
        self.assertEqual(run([], b"  \n")[0], 3)  # no bytes at all


class ProtocolLevel(unittest.TestCase):
    def test_level_needed(self):
        status, out, err = run([PUBACK_2.hex()])
        self.assertEqual(status, 1)
        self.assertIn("reads differently at MQTT 3.1.1 and 5.0", err)
        self.assertIn("-V", err)

    def test_level_from_option(self):
        for value, label in (("mqttv311", "3.1.1"), ("311", "3.1.1"), ("mqttv5", "5.0"), ("5", "5.0"),
                             ("mqttv31", "3.1"), ("31", "3.1")):
            with self.subTest(value=value):
                status, out, _ = run(["-V", value, "--json", PUBACK_2.hex()])
                self.assertEqual(status, 0)
                self.assertIn(f'"version":"{label}"'.encode(), out)
        self.assertEqual(run(["-V", "6", PUBACK_2.hex()])[0], 2)

    def test_connect_decides_over_option(self):
        status, out, _ = run(["-V", "5", "--json", (CONNECT_311 + PUBACK_2).hex()])
        self.assertEqual(status, 0)
        self.assertIn(b'"type":"PUBACK","version":"3.1.1"', out)

    def test_only_level_that_decodes(self):
        status, out, _ = run(["--json", PUBACK_5_REASON.hex()])
        self.assertEqual(status, 0)
        self.assertIn(b'"version":"5.0","version_guessed":true', out)
        self.assertIn(b'"reason_name":"Not authorized"', out)


class JsonAndEncode(unittest.TestCase):
    STREAMS = {
        "3.1.1": CONNECT_SECRET + SUBACK_311 + PINGREQ + bytes.fromhex("3d0700017400056869" "e000"),
        "5.0": CONNECT_5 + bytes.fromhex("40020001" "4003000100" "400400010000" "e00104"
                                         "f00a1808150005534352414d"
                                         # PUBLISH: user property, content type, user property, correlation data
                                         "301c000174172600016b000131030001782600016b00013209000200ff00"),
    }

    def test_json_encode_round_trip_is_byte_exact(self):
        for level, stream in self.STREAMS.items():
            with self.subTest(level=level):
                status, js, err = run(["--json", "--show-secrets"], stream)
                self.assertEqual((status, err), (0, ""))
                status, raw, err = run(["--encode"], js)
                self.assertEqual((status, err), (0, ""))
                self.assertEqual(raw, stream)
                status, hexout, _ = run(["--encode", "--hex"], js)
                self.assertEqual(bytes.fromhex(hexout.decode().replace("\n", "")), stream)

    def test_masked_password(self):
        status, out, _ = run([CONNECT_SECRET.hex()])
        self.assertEqual(status, 0)
        self.assertIn(b"password: (masked, 2 bytes)", out)
        self.assertNotIn(b"70 77", out)
        status, js, _ = run(["--json", CONNECT_SECRET.hex()])
        self.assertIn(b'"password":"***","password_encoding":"masked"', js)
        status, _, err = run(["--encode"], js)
        self.assertEqual(status, 3)
        self.assertIn("masked", err)
        self.assertIn("--show-secrets", err)
        status, out, _ = run(["--show-secrets", CONNECT_SECRET.hex()])
        self.assertIn(b'password: "pw"', out)

    def test_encode_errors(self):
        status, _, err = run(["--encode"], b'{"type":"PUBLISH","topic":"t"}\n')
        self.assertEqual(status, 3)
        self.assertIn("needs a protocol level", err)
        status, out, _ = run(["--encode", "--hex", "-V", "5"], b'{"type":"PUBLISH","topic":"t"}\n')
        self.assertEqual((status, out), (0, b"300400017400\n"))
        status, _, err = run(["--encode"], b"not json\n")
        self.assertEqual((status, err), (3, "mqdump: standard input: line 1: not valid JSON\n"))

    def test_encode_validates_unless_allow_invalid(self):
        broken = {
            '{"qos":3,"topic":"a"}': "PUBLISH with QoS 3 [MQTT-3.3.1-4]",
            '{"topic":"a/#"}': "wildcard character in a topic name [MQTT-3.3.2-2]",
            '{"qos":1,"packet_id":0,"topic":"a"}': "packet identifier 0 is not allowed [MQTT-2.3.1-1]",
            '{"topic":"a","properties":{"content-type":"x"}}': "properties exist only in MQTT 5.0",
        }
        for fields, rule in broken.items():
            with self.subTest(fields):
                js = ('{"type":"PUBLISH","version":"3.1.1",' + fields[1:] + "\n").encode()
                status, out, err = run(["--encode", "--hex"], js)
                self.assertEqual((status, out), (3, b""), err)
                self.assertIn(rule, err)
                self.assertIn("--allow-invalid", err)
                status, out, err = run(["--encode", "--hex", "--allow-invalid"], js)
                self.assertEqual(status, 0, err)
        # A typo is refused even with --allow-invalid: it would silently make another packet.
        status, _, err = run(["--encode", "--hex", "--allow-invalid"],
                             b'{"type":"PUBLISH","version":"5.0","qoss":1,"topic":"a"}\n')
        self.assertEqual(status, 3)
        self.assertIn('field "qoss": not a field of this packet', err)


class Failures(unittest.TestCase):
    def test_precise_error_and_exit_status(self):
        status, out, err = run(["-V", "5", BAD_TOPIC.hex()])
        self.assertEqual(status, 1)
        self.assertEqual(err, "mqdump: error: packet 1, offset 6 (input offset 6), topic name: "
                              "wildcard character in a topic name [MQTT-3.3.2-2]\n")

    def test_keep_going(self):
        stream = (PINGREQ + BAD_TOPIC + PINGREQ).hex()
        status, out, _ = run(["-V", "5", "--json", stream])
        self.assertEqual((status, out.count(b"\n")), (1, 1))
        status, out, err = run(["-V", "5", "--json", "--keep-going", stream])
        self.assertEqual(status, 1)
        self.assertEqual(out.count(b"\n"), 2)
        self.assertIn("packet 2, offset 6 (input offset 8)", err)

    def test_lenient_lists_every_broken_rule(self):
        # PUBLISH QoS 1, topic "a/#" (wildcard), packet identifier 0, payload "x"; then a PINGREQ
        stream = (bytes.fromhex("32080003612f2300007" "8") + PINGREQ).hex()
        status, out, err = run(["-V", "311", stream])
        self.assertEqual((status, err.count("error:")), (1, 1))
        status, out, err = run(["-V", "311", "--lenient", stream])
        self.assertEqual((status, err), (1, ""))
        text = out.decode()
        self.assertIn("violation: packet 1, offset 6 (input offset 6), topic name: wildcard character in a topic "
                      "name [MQTT-3.3.2-2]\n", text)
        self.assertIn("violation: packet 1, offset 7 (input offset 7), packet identifier: ", text)
        self.assertIn("packet 2: PINGREQ", text)
        status, out, _ = run(["-V", "311", "--lenient", "--json", stream])
        first, second = [json.loads(line) for line in out.decode().splitlines()]
        self.assertEqual((first["topic"], first["packet_id"], first["payload"]), ("a/#", 0, "x"))
        self.assertEqual([v["rule"] for v in first["violations"]], ["MQTT-3.3.2-2", "MQTT-2.3.1-1"])
        self.assertNotIn("violations", second)
        status, _, _ = run(["--lenient", PINGREQ.hex()])
        self.assertEqual(status, 0)

    def test_truncated_stream(self):
        status, _, err = run([CONNECT_311[:-3].hex()])
        self.assertEqual(status, 1)
        self.assertIn("packet 1", err)

    def test_garbage_never_crashes(self):
        rng = random.Random(20240601)
        for _ in range(100):
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
            for args in ([], ["--json"], ["-V", "5", "--keep-going"], ["--input", "raw", "-V", "311"]):
                status, _, err = run(args, data)
                self.assertIn(status, (0, 1, 3), f"input {data.hex()} args {args}: {err}")
                self.assertTrue(status == 0 or err.startswith("mqdump: "), err)
        for text in (b"hello world", b"{", b"0x", b"\xff\xfe", b"00000000: zz"):
            self.assertIn(run([], text)[0], (1, 3))
            self.assertIn(run(["--encode", "--hex"], text)[0], (3,))

    def test_usage(self):
        self.assertEqual(run(["--help"])[0], 0)
        self.assertEqual(run(["--bogus"])[0], 2)
        self.assertEqual(run(["--json", "--encode"])[0], 2)
        self.assertEqual(run(["--input", "nope", "c000"])[0], 2)

    def test_closed_pipe_exits_quietly(self):
        stream = PINGREQ.hex() * 50000
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write(stream)
        try:
            proc = subprocess.Popen([MQDUMP, "-V", "5", "-f", f.name], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            first = proc.stdout.readline()
            proc.stdout.close()
            _, err = proc.communicate(timeout=TIMEOUT)
            self.assertTrue(first.startswith(b"packet 1: PINGREQ"))
            self.assertEqual(err, b"")
            self.assertEqual(proc.returncode, 0)
        finally:
            os.unlink(f.name)

    def test_no_colour_in_pipes(self):
        _, out, _ = run([CONNECT_311.hex()])
        self.assertNotIn(b"\x1b[", out)


if __name__ == "__main__":
    MQDUMP = sys.argv.pop(1)
    unittest.main()
