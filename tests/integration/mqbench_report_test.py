#!/usr/bin/python3
"""Opens mqbench's HTML report in a real headless browser (Debian's
chromium) and checks that it draws its plots without a script error, that
user text stays text, and that the page fetches nothing from the network.

The report comes from mq_report_sample (tests/bench/report_sample.cpp), which
writes it from a synthetic run. The page marks <body> with data-rendered="ok",
data-plots and data-elements when done, and counts script errors in
data-errors (see lib/bench/report_page.hpp).

Usage: mqbench_report_test.py /path/to/mq_report_sample [unittest options]
Exits 77 (skipped) when no chromium is installed.
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SAMPLE = None
CHROMIUM = None
TIMEOUT = 90  # seconds for one browser run; a shared 2-core machine is slow to start it


class Page(html.parser.HTMLParser):
    """The parts of the rendered DOM the tests look at."""

    def __init__(self, text):
        super().__init__()
        self.body = {}
        self.errors = ""
        self.cells = []
        self.headings = []
        self.tags = []
        self._in = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "pre" and a.get("id") == "errors":
            self._in = "errors"
        elif tag == "td":
            self._in = "td"
            self.cells.append("")
        elif tag == "h2":
            self._in = "h2"
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("pre", "td", "h2"):
            self._in = None

    def handle_data(self, data):
        if self._in == "errors":
            self.errors += data
        elif self._in == "td":
            self.cells[-1] += data
        elif self._in == "h2":
            self.headings[-1] += data


def render(path):
    """The DOM chromium holds after running the page's scripts."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
             "--dump-dom", "--virtual-time-budget=5000", "file://" + os.path.abspath(path)],
            capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    dom = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or "<body" not in dom:
        raise AssertionError(f"chromium exited {proc.returncode}:\n{proc.stderr.decode('utf-8', 'replace')[-2000:]}")
    return Page(dom)


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, *args):
        path = os.path.join(self.dir.name, name)
        proc = subprocess.run([SAMPLE, path, *args], capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return path

    def test_plots_render_without_errors(self):
        page = render(self.write("report.html"))
        self.assertEqual(page.errors, "")
        self.assertNotIn("data-errors", page.body)
        self.assertEqual(page.body.get("data-rendered"), "ok")
        self.assertEqual(page.body.get("data-plots"), "3")  # throughput, latency over time, distribution
        # 3 throughput lines of 30 points, 6 latency lines of 30: lines and points.
        self.assertGreaterEqual(int(page.body.get("data-elements", "0")), 3 * 31 + 6 * 31)
        self.assertGreaterEqual(page.tags.count("path"), 10)
        self.assertEqual(page.tags.count("svg"), 3)

    def test_user_text_stays_text(self):
        page = render(self.write("report.html"))
        # The sample's topic setting holds markup: it is a cell's text, not elements.
        self.assertIn("bench/</script><b>%i", page.cells)
        self.assertNotIn("b", page.tags)

    def test_a_run_that_measured_nothing_renders(self):
        page = render(self.write("empty.html", "empty"))
        self.assertEqual(page.errors, "")
        self.assertEqual(page.body.get("data-rendered"), "ok")
        self.assertEqual(page.body.get("data-plots"), "0")  # each plot says "no data"

    def test_a_connection_run_plots_connections(self):
        page = render(self.write("conn.html", "conn"))
        self.assertEqual(page.errors, "")
        self.assertEqual(page.body.get("data-rendered"), "ok")
        # Connections per second and the connect latency distribution; no
        # message latency over time to draw.
        self.assertEqual(page.body.get("data-plots"), "2")
        self.assertIn("Latency distribution (connect to CONNACK)", page.headings)

    def test_a_script_error_is_caught(self):
        # The check above can fail: the same page with a broken script
        # records the error and never marks itself rendered.
        path = self.write("report.html")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        broken = text.replace("var data = JSON.parse(", "no_such_function();\nvar data = JSON.parse(", 1)
        self.assertNotEqual(broken, text)
        bad = os.path.join(self.dir.name, "broken.html")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(broken)
        page = render(bad)
        self.assertIn("no_such_function", page.errors)
        self.assertEqual(page.body.get("data-errors"), "1")
        self.assertNotIn("data-rendered", page.body)

    def test_no_network_fetches(self):
        with open(self.write("report.html"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("default-src 'none'", text)  # the page's own CSP forbids any fetch
        for pattern in (r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import", r"fetch\(", r"XMLHttpRequest"):
            self.assertIsNone(re.search(pattern, text), pattern)
        urls = set(re.findall(r"https?://[^\s'\"]+", text))
        self.assertEqual(urls, {"http://www.w3.org/2000/svg"})  # the SVG namespace name, never fetched


if __name__ == "__main__":
    SAMPLE = sys.argv.pop(1)
    CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
    if CHROMIUM is None:
        print("skipped: no chromium installed (Debian package chromium; .ci/deps installs it)")
        sys.exit(77)
    unittest.main()
