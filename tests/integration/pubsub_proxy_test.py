#!/usr/bin/python3
"""mqpub and mqsub --proxy socks5h://... through a tiny SOCKS5 server (in this
process) to mqbroker: the proxy is asked for the broker by name, with and
without a user name and password; a refusing proxy, bad credentials and a
bad URL end with clear messages and statuses 3 and 2.

The proxy and mqbroker listen on port 0; every process has a timeout.
Nothing sleeps.

Usage: pubsub_proxy_test.py mqpub mqsub mqbroker
"""
import os
import socket
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqbroker_test  # noqa: E402  (Broker: mqbroker on port 0)

MQPUB = MQSUB = None
TIMEOUT = 20


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


class Socks5Proxy:
    """RFC 1928 CONNECT with an optional user and password (RFC 1929);
    records each request's (address type, host, port) and relays bytes.
    `refuse` answers every CONNECT with that reply code."""

    def __init__(self, user=None, password=None, refuse=0):
        self.user, self.password, self.refuse = user, password, refuse
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.threads = []
        self.closing = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closing:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self.serve, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def serve(self, conn):
        conn.settimeout(TIMEOUT)
        with conn:
            try:
                version, n = read_exact(conn, 2)
                methods = read_exact(conn, n)
                wanted = 2 if self.user else 0
                if version != 5 or wanted not in methods:
                    conn.sendall(b"\x05\xff")
                    return
                conn.sendall(bytes([5, wanted]))
                if wanted == 2:
                    _, ulen = read_exact(conn, 2)
                    user = read_exact(conn, ulen)
                    plen = read_exact(conn, 1)[0]
                    password = read_exact(conn, plen)
                    ok = (user.decode(), password.decode()) == (self.user, self.password)
                    conn.sendall(b"\x01" + (b"\x00" if ok else b"\x01"))
                    if not ok:
                        return
                _, command, _, atyp = read_exact(conn, 4)
                if atyp == 3:
                    host = read_exact(conn, read_exact(conn, 1)[0]).decode()
                else:
                    host = socket.inet_ntop(socket.AF_INET if atyp == 1 else socket.AF_INET6,
                                            read_exact(conn, 4 if atyp == 1 else 16))
                port = int.from_bytes(read_exact(conn, 2), "big")
                self.requests.append((atyp, host, port))
                if self.refuse or command != 1:
                    conn.sendall(bytes([5, self.refuse or 7, 0, 1, 0, 0, 0, 0, 0, 0]))
                    return
                upstream = socket.create_connection((host, port), timeout=TIMEOUT)
                conn.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + upstream.getsockname()[1].to_bytes(2, "big"))
                self.relay(conn, upstream)
            except OSError:
                pass

    @staticmethod
    def relay(a, b):
        def pump(src, dst):
            try:
                while chunk := src.recv(65536):
                    dst.sendall(chunk)
            except OSError:
                pass
            for s in (dst, src):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        t = threading.Thread(target=pump, args=(b, a), daemon=True)
        t.start()
        pump(a, b)
        t.join(TIMEOUT)
        b.close()

    def close(self):
        self.closing = True
        self.sock.close()
        for t in self.threads:
            t.join(TIMEOUT)


def run(args):
    p = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


class ProxyTest(unittest.TestCase):
    def setUp(self):
        self.broker = mqbroker_test.Broker(["-p", "0"])
        self.port = self.broker.port()

    def tearDown(self):
        self.broker.stop()

    def test_publish_and_subscribe_through_the_proxy(self):
        proxy = Socks5Proxy()
        try:
            url = f"socks5h://127.0.0.1:{proxy.port}"
            code, _, err = run([MQPUB, "-h", "localhost", "-p", str(self.port), "--proxy", url, "-t", "px/a",
                                "-m", "through", "-r", "-q", "1"])
            self.assertEqual(code, 0, err)
            code, out, err = run([MQSUB, "-h", "127.0.0.1", "-p", str(self.port), "--proxy", url, "-t", "px/a",
                                  "-C", "1", "-v"])
            self.assertEqual((code, out), (0, "px/a through\n"), err)
        finally:
            proxy.close()
        # The broker's name went to the proxy as a name (ATYP 3), an address as an address.
        self.assertEqual(proxy.requests, [(3, "localhost", self.port), (1, "127.0.0.1", self.port)])

    def test_user_and_password(self):
        proxy = Socks5Proxy(user="us er", password="p:w")
        try:
            base = [MQPUB, "-h", "localhost", "-p", str(self.port), "-t", "px/b", "-m", "x", "--proxy"]
            code, _, err = run(base + [f"socks5h://us%20er:p%3Aw@127.0.0.1:{proxy.port}"])
            self.assertEqual(code, 0, err)
            code, _, err = run(base + [f"socks5h://us%20er:wrong@127.0.0.1:{proxy.port}"])
            self.assertEqual(code, 3, err)
            self.assertIn("the SOCKS5 proxy refused the user name or password", err)
            code, _, err = run(base + [f"socks5h://127.0.0.1:{proxy.port}"])
            self.assertEqual(code, 3, err)
            self.assertIn("the SOCKS5 proxy asks for a user name and password", err)
        finally:
            proxy.close()

    def test_a_refusing_proxy_and_bad_urls(self):
        proxy = Socks5Proxy(refuse=5)
        try:
            code, _, err = run([MQPUB, "-h", "localhost", "-p", str(self.port), "-t", "px/c", "-m", "x",
                                "--proxy", f"socks5h://127.0.0.1:{proxy.port}"])
        finally:
            proxy.close()
        self.assertEqual(code, 3, err)
        self.assertIn(f"the SOCKS5 proxy could not connect to localhost:{self.port}: connection refused", err)
        for url, text in (("socks5://127.0.0.1:1080", "use socks5h://"), ("http://proxy:3128", "not a socks5h://"),
                          ("socks5h://host:99999", "bad proxy port")):
            with self.subTest(url=url):
                code, _, err = run([MQPUB, "-t", "a", "-m", "x", "--proxy", url])
                self.assertEqual(code, 2, err)
                self.assertIn(text, err)


if __name__ == "__main__":
    MQPUB, MQSUB, mqbroker_test.MQBROKER = sys.argv[1:4]
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
