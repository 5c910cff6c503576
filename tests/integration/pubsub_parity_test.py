#!/usr/bin/python3
"""Every option of mosquitto_pub, mosquitto_rr and mosquitto_sub (read from
their own --help) has a row in the MOSQUITTO COMPATIBILITY section of
mqpub(1) and mqsub(1): same, different with the reason, or missing with the
reason.

Usage: pubsub_parity_test.py mqpub mqsub
"""
import re
import subprocess
import sys
import unittest

MQPUB = MQSUB = None
TIMEOUT = 20
OPTION = re.compile(r"(?<![\w-])(-[A-Za-z]|--[a-z][a-z0-9-]+)(?![\w-])")


def mosquitto_options(tool):
    p = subprocess.run([tool, "--help"], capture_output=True, timeout=TIMEOUT)
    text = (p.stdout + p.stderr).decode()
    return set(OPTION.findall(text))


def compatibility_rows(ours):
    man = subprocess.run([ours, "--generate-docs", "man"], capture_output=True, timeout=TIMEOUT, check=True)
    text = man.stdout.decode()
    section = text.split('.SH "MOSQUITTO COMPATIBILITY"', 1)[1].split("\n.SH ", 1)[0]
    rows = {}
    for line in section.replace("\\-", "-").splitlines():
        m = re.match(r"(-[A-Za-z]|--[a-z][a-z0-9-]+)\s+(\S.*)", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


class ParityTest(unittest.TestCase):
    def test_every_mosquitto_option_is_in_the_table(self):
        for theirs, ours in (("mosquitto_pub", MQPUB), ("mosquitto_sub", MQSUB), ("mosquitto_rr", MQPUB)):
            with self.subTest(theirs):
                options = mosquitto_options(theirs)
                self.assertGreater(len(options), 40, options)  # the help was read
                rows = compatibility_rows(ours)
                self.assertEqual(sorted(options - rows.keys()), [], f"options of {theirs} missing from the table")
                for option, what in rows.items():
                    self.assertRegex(what, r"^(same|different|missing|not needed)", option)

    def test_options_said_to_be_the_same_exist(self):
        for ours in (MQPUB, MQSUB):
            help_text = subprocess.run([ours, "--help"], capture_output=True, timeout=TIMEOUT).stdout.decode()
            for option, what in compatibility_rows(ours).items():
                if what.startswith("same"):
                    with self.subTest(ours=ours, option=option):
                        self.assertRegex(help_text, rf"(?<![\w-]){re.escape(option)}(?![\w-])")


if __name__ == "__main__":
    MQPUB, MQSUB = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
