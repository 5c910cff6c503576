#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under tests/fuzz/corpus/<target>/.

The packets are spelled out here from the MQTT 3.1.1 and 5.0 byte layouts,
independently of mq's encoder, one small valid packet of every type at every
protocol level. Run it again after changing it; the output is deterministic.

Input formats (they must match the fuzz targets):
  decode_fuzz:  [level selector] packet bytes
  framer_fuzz:  [level selector] [max packet size] [K] [K chunk sizes] stream
  dump_input_fuzz: [format selector: 0 auto, 1 raw, 2 hex, 3 base64] text
  broker_fuzz:  [config byte] operations (see broker_ops below)
  client_session_fuzz: [config byte] operations (see client_ops below)
  server_files_fuzz: [0 config, 1 ACL, 2 password file] text
  websocket_fuzz: [selector] [K] [K chunk sizes] stream (bit 3: HTTP head)
with level selector 0 -> 3.1, 1 -> 3.1.1, 2 -> 5.0, 3 -> none (taken mod 4),
max packet size 0 -> the framer's default, else that many bytes, and chunk
size byte b -> b + 1 bytes per feed, cycled (K = 0: the whole stream at once).
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
LEVEL_SELECTOR = {3: 0, 4: 1, 5: 2, None: 3}


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


def s(text):
    data = text.encode() if isinstance(text, str) else text
    return u16(len(data)) + data


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def props(*items):
    body = b"".join(items)
    return varint(len(body)) + body


# One property of each wire type, by identifier (MQTT 5.0 section 2.2.2.2).
def p_byte(pid, v):
    return bytes([pid, v])


def p_u16(pid, v):
    return bytes([pid]) + u16(v)


def p_u32(pid, v):
    return bytes([pid]) + u32(v)


def p_var(pid, v):
    return bytes([pid]) + varint(v)


def p_str(pid, v):
    return bytes([pid]) + s(v)


def p_user(k, v):
    return b"\x26" + s(k) + s(v)


def packets_for(level):
    """Valid packets of every type at `level` (3, 4 or 5), by name."""
    v5 = level == 5
    name = b"MQIsdp" if level == 3 else b"MQTT"
    pp = (lambda *items: props(*items)) if v5 else (lambda *items: b"")
    out = {}
    # CONNECT: clean start, will QoS 1 retained, username, password.
    flags = 0x02 | 0x04 | 0x08 | 0x20 | 0x80 | 0x40
    out["connect"] = packet(0x10, s(name) + bytes([level, flags]) + u16(30) +
                            pp(p_u32(0x11, 120), p_u16(0x21, 10), p_user("a", "1")) + s("client-1") +
                            pp(p_u32(0x18, 5), p_byte(0x01, 1), p_str(0x03, "text/plain")) +
                            s("will/t") + s(b"bye") + s("user") + s(b"\x00pw"))
    out["connect-minimal"] = packet(0x10, s(name) + bytes([level, 0x02]) + u16(0) + pp() + s("c"))
    # 3.1 has no session-present flag and no SUBACK failure code.
    out["connack"] = packet(0x20, bytes([0x00 if level == 3 else 0x01, 0x00]) + pp(p_u16(0x21, 20), p_byte(0x24, 1), p_str(0x12, "auto-1")))
    out["publish-qos0"] = packet(0x30, s("a/b") + pp() + b"hello")
    out["publish-qos1"] = packet(0x3B, s("a/b") + u16(7) +
                                 pp(p_byte(0x01, 1), p_u32(0x02, 60), p_str(0x08, "r/t"), p_str(0x09, b"\x01\x02"),
                                    p_var(0x0B, 300), p_u16(0x23, 1), p_user("k", "v"), p_user("k", "w")) + b"x")
    out["publish-qos2-empty"] = packet(0x34, s("a") + u16(65535) + pp())
    for kind, first in (("puback", 0x40), ("pubrec", 0x50), ("pubrel", 0x62), ("pubcomp", 0x70)):
        out[kind] = packet(first, u16(9))
        if v5:
            code = 0x92 if kind in ("pubrel", "pubcomp") else 0x10
            out[kind + "-reason"] = packet(first, u16(9) + bytes([code]))
            out[kind + "-props"] = packet(first, u16(9) + b"\x00" + props(p_str(0x1F, "ok"), p_user("x", "y")))
    out["subscribe"] = packet(0x82, u16(1) + pp(p_var(0x0B, 5)) + s("a/+") + bytes([0x01]) + s("b/#") +
                              bytes([0x2E if v5 else 0x02]))
    out["suback"] = packet(0x90, u16(1) + pp(p_str(0x1F, "r")) + bytes([0x00, 0x02, 0x01 if level == 3 else 0x80]))
    out["unsubscribe"] = packet(0xA2, u16(2) + pp(p_user("u", "p")) + s("a/+") + s("$share/g/c"))
    out["unsuback"] = packet(0xB0, u16(2) + (pp() + bytes([0x00, 0x11]) if v5 else b""))
    out["pingreq"] = packet(0xC0, b"")
    out["pingresp"] = packet(0xD0, b"")
    out["disconnect"] = packet(0xE0, b"")
    if v5:
        out["disconnect-reason"] = packet(0xE0, bytes([0x04]) + props(p_u32(0x11, 0), p_str(0x1C, "other")))
        out["auth"] = packet(0xF0, bytes([0x18]) + props(p_str(0x15, "SCRAM"), p_str(0x16, b"\x00\xff")))
        out["auth-empty"] = packet(0xF0, b"")
    return out


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def tcp_frame(payload, ipv6=False):
    """An Ethernet frame (IPv4) or a Linux cooked SLL2 frame (IPv6 with a
    hop-by-hop header) carrying `payload` from port 50000 to 1883."""
    tcp = bytes.fromhex("c350075b00000064000000005018ffff00000000") + payload
    if not ipv6:
        ip = bytes.fromhex("4500") + (20 + len(tcp)).to_bytes(2, "big") + bytes.fromhex("000140004006000"
                                                                                        "07f0000017f000001") + tcp
        return bytes(12) + b"\x08\x00" + ip
    hop = bytes.fromhex("0600000000000000")
    ip = (bytes.fromhex("60000000") + (len(hop) + len(tcp)).to_bytes(2, "big") + b"\x00\x40" + bytes(15) + b"\x01" +
          bytes(15) + b"\x01" + hop + tcp)
    return bytes.fromhex("86dd000000000001030400060000000000000000") + ip


def tshark_x(frame):
    """`frame` as tshark -x prints it."""
    return "".join(f"{i:04x}  " + " ".join(f"{c:02x}" for c in frame[i:i + 16]).ljust(49) +
                   "".join(chr(c) if 32 <= c < 127 else "." for c in frame[i:i + 16]) + "\n"
                   for i in range(0, len(frame), 16))


def dump_inputs(pkt):
    """The same packet in the shapes mqdump reads, by name."""
    hexes = [f"{b:02x}" for b in pkt]
    lines = [pkt[i:i + 16] for i in range(0, len(pkt), 16)]
    xxd = "".join(f"{i * 16:08x}: " + " ".join(bytes(l[j:j + 2]).hex() for j in range(0, len(l), 2)) + "  " +
                  "".join(chr(c) if 32 <= c < 127 else "." for c in l) + "\n" for i, l in enumerate(lines))
    hexdump = "".join(f"{i * 16:08x}  " + " ".join(f"{c:02x}" for c in l) + "  |" +
                      "".join(chr(c) if 32 <= c < 127 else "." for c in l) + "|\n" for i, l in enumerate(lines))
    return {
        "auto-hex": (0, "".join(hexes)),
        "auto-spaced-hex": (0, " ".join(hexes) + "\n"),
        "auto-colon-hex": (0, ":".join(hexes)),
        "auto-c-array": (0, "{" + ", ".join("0x" + h for h in hexes) + "};"),
        "auto-xxd": (0, xxd),
        "auto-hexdump-c": (0, hexdump),
        "auto-base64": (0, __import__("base64").b64encode(pkt).decode()),
        "auto-binary": (0, pkt),
        "raw": (1, pkt),
        "hex-escaped": (2, "".join("\\x" + h for h in hexes)),
        "auto-tshark-frames": (0, tshark_x(tcp_frame(pkt)) + "\n" + tshark_x(tcp_frame(pkt, ipv6=True))),
        "base64-wrapped": (3, __import__("base64").b64encode(pkt * 3).decode()[:40] + "\n" +
                           __import__("base64").b64encode(pkt * 3).decode()[40:]),
    }


def broker_ops(*steps):
    """broker_fuzz operations: ("open", slot), ("drop", slot), ("wait", quarter
    seconds), ("flush",), ("backlog", slot) (toggles), or (slot, bytes) sent
    in chunks of at most 256."""
    out = bytearray()
    for step in steps:
        if step[0] == "open":
            out.append(0x00 | step[1])
        elif step[0] == "drop":
            out.append(0x40 | step[1])
        elif step[0] == "wait":
            out += bytes([0x60, step[1]])
        elif step[0] == "flush":
            out.append(0x80)
        elif step[0] == "backlog":
            out.append(0xA0 | step[1])
        else:
            slot, data = step
            for i in range(0, len(data), 256):
                chunk = data[i:i + 256]
                out += bytes([0x20 | slot, len(chunk) - 1]) + chunk
    return bytes(out)


def broker_sessions():
    """Whole conversations of several clients with the broker, by name."""
    out = {}
    for level in (4, 5):
        p = packets_for(level)
        v5 = level == 5
        pp = (lambda *items: props(*items)) if v5 else (lambda *items: b"")
        connect = lambda cid, flags=0x02, extra=b"": packet(
            0x10, s(b"MQTT") + bytes([level, flags]) + u16(10) + pp(*([p_u16(0x22, 5), p_u32(0x11, 30)] if v5 else [])) +
            s(cid) + extra)
        sub = packet(0x82, u16(1) + pp(p_var(0x0B, 7)) + s("a/+") + bytes([0x02]) + s("r/#") + bytes([0x01]))
        pub0 = packet(0x30, s("a/b") + pp() + b"zero")
        pub1 = packet(0x32, s("a/b") + u16(5) + pp(p_u32(0x02, 60)) + b"one")
        pub2 = packet(0x34, s("a/c") + u16(6) + pp() + b"two")
        retained = packet(0x31, s("r/x") + pp() + b"kept")
        alias = packet(0x30, s("a/d") + props(p_u16(0x23, 1)) + b"al") if v5 else pub0
        by_alias = packet(0x30, s("") + props(p_u16(0x23, 1)) + b"al2") if v5 else pub0
        unsub = packet(0xA2, u16(2) + pp() + s("a/+"))
        will = connect("w", 0x02 | 0x04 | 0x08, pp(p_u32(0x18, 1)) + s("a/will") + s(b"gone"))
        out[f"v{level}-pubsub"] = broker_ops(
            ("open", 0), (0, connect("sub")), ("open", 1), (1, connect("pub")), ("flush",), (0, sub), ("flush",),
            (1, retained + pub0 + pub1 + pub2), ("flush",), (1, packet(0x62, u16(6))), (0, packet(0x40, u16(1))),
            ("flush",), ("backlog", 0), (1, pub0 + pub1), ("flush",), ("backlog", 0), ("flush",),
            (0, packet(0x50, u16(2))), ("flush",), (0, packet(0x70, u16(2))), (1, alias + by_alias),
            (0, unsub + p["pingreq"]), ("flush",), ("wait", 20), (1, p["disconnect"]), ("flush",))
        out[f"v{level}-will-and-timeouts"] = broker_ops(
            ("open", 0), (0, connect("sub")), (0, sub), ("open", 2), (2, will), ("flush",), ("drop", 2),
            ("wait", 8), ("flush",), ("open", 3), ("wait", 60), ("flush",), ("wait", 200), ("flush",))
        out[f"v{level}-persistent-resume"] = broker_ops(
            ("open", 0), (0, connect("keep", 0x00)), (0, sub), ("flush",), ("drop", 0), ("open", 1),
            (1, connect("pub")), (1, pub1 + pub2 + retained), ("flush",), ("open", 0), (0, connect("keep", 0x00)),
            ("flush",), (0, packet(0x40, u16(1))), ("flush",))
        out[f"v{level}-bytewise-connect"] = broker_ops(*[(0, bytes([b])) for b in connect("slow")], ("flush",))
        out[f"v{level}-garbage-after-connect"] = broker_ops(
            ("open", 0), (0, connect("g")), (0, bytes([0x36, 0x03, 0x00, 0x01, 0x23])), ("flush",))
        if v5:
            # Method "X" of the fuzzer's picky authorizer: a challenge, then re-authentication.
            auth = lambda code, data: packet(0xF0, bytes([code]) + props(p_str(0x15, "X"), p_str(0x16, data)))
            out["v5-enhanced-auth"] = broker_ops(
                ("open", 0), (0, packet(0x10, s(b"MQTT") + bytes([5, 0x02]) + u16(10) +
                                        props(p_str(0x15, "X"), p_str(0x16, "2"), p_u32(0x27, 40)) + s("x"))),
                ("flush",), (0, auth(0x18, "c")), ("flush",), (0, sub), (0, auth(0x19, "2")), ("flush",),
                (0, auth(0x18, "c")), ("flush",), (0, auth(0x19, "3")), ("flush",))
    return out


def client_ops(*steps):
    """client_session_fuzz operations: ("wait", quarter seconds),
    ("publish"|"subscribe"|"unsubscribe"|"reconnect", arg 0..31), or bytes
    from the server in chunks of at most 256."""
    kinds = {"publish": 2, "subscribe": 3, "unsubscribe": 4, "reconnect": 5}
    out = bytearray()
    for step in steps:
        if isinstance(step, bytes):
            for i in range(0, len(step), 256):
                chunk = step[i:i + 256]
                out += bytes([0x00, len(chunk) - 1]) + chunk
        elif step[0] == "wait":
            out += bytes([0x20, step[1]])
        else:
            out.append(kinds[step[0]] << 5 | step[1])
    return bytes(out)


def client_sessions():
    """Conversations of the client session with a scripted server, by name.
    The config byte's low bits pick the level: 0 3.1, 1 3.1.1, 2 5.0."""
    out = {}
    for level, sel in ((3, 0), (4, 1), (5, 2)):
        v5 = level == 5
        pp = (lambda *items: props(*items)) if v5 else (lambda *items: b"")
        connack = packet(0x20, b"\x00\x00" + pp(p_u16(0x21, 2), p_u16(0x22, 2), p_str(0x12, "given"), p_u16(0x13, 5)))
        sub_ok = packet(0x90, u16(1) + pp() + b"\x01")
        pub1 = packet(0x32, s("a/b") + u16(9) + pp(p_u16(0x23, 1)) + b"in")
        pub2 = packet(0x34, s("a/b") + u16(10) + pp() + b"in2")
        out[f"v{level}-session"] = bytes([sel | 0x04]) + client_ops(
            connack, ("subscribe", 0), sub_ok, ("publish", 0x04), packet(0x40, u16(2)), ("publish", 0x08),
            packet(0x50, u16(3)), packet(0x70, u16(3)), pub1, pub2, packet(0x62, u16(10)), ("wait", 40),
            packet(0xD0, b""), ("unsubscribe", 0), packet(0xB0, u16(4) + (pp() + b"\x00" if v5 else b"")))
        out[f"v{level}-resume"] = bytes([sel | 0x40 | 0x80]) + client_ops(
            connack, ("publish", 0x05), ("publish", 0x09), ("reconnect", 0), packet(0x20, b"\x01\x00" + pp()),
            packet(0x40, u16(1)), packet(0x50, u16(2)), ("reconnect", 1))
        out[f"v{level}-refused"] = bytes([sel]) + client_ops(packet(0x20, b"\x00" + (b"\x87" + pp() if v5 else b"\x05")))
        out[f"v{level}-timeouts"] = bytes([sel | 0x04]) + client_ops(connack, ("wait", 60), ("wait", 60))
    out["v5-server-disconnect"] = bytes([0x2a]) + client_ops(
        packet(0x20, b"\x00\x00" + props(p_u16(0x22, 3), p_u32(0x27, 100))), packet(0x30, s("x") + props(p_u16(0x23, 3))),
        packet(0x30, s("") + props(p_u16(0x23, 3)) + b"again"), packet(0xE0, b"\x8b" + props(p_str(0x1F, "bye"))))
    out["v5-auth"] = bytes([0x02]) + client_ops(packet(0xF0, b"\x18" + props(p_str(0x15, "SCRAM"), p_str(0x16, b"c"))))
    return out


def pbkdf2_entry(user, password, salt, rounds):
    import base64
    import hashlib
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds)
    return f"{user}:$7${rounds}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}\n"


def sha512_entry(user, password, salt):
    import base64
    import hashlib
    digest = hashlib.sha512(password.encode() + salt).digest()
    return f"{user}:$6${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}\n"


def server_files():
    """Configuration, ACL and password file texts, by name."""
    return {
        "config-listeners": (0, "# broker\nlistener 1883 127.0.0.1\nmax_inflight_messages 20\n"
                                "listener 0 ::1\nprotocol websockets\nallow_anonymous false\n"
                                "password_file /nonexistent/pw\nacl_file /nonexistent/acl\n"),
        "config-tls": (0, "per_listener_settings true\nlistener 8883\ncertfile /c.pem\nkeyfile /k.pem\n"
                          "cafile /ca.pem\nrequire_certificate true\nuse_identity_as_username true\n"
                          "tls_version tlsv1.2\n"),
        "config-limits": (0, "max_connections 10\nmax_packet_size 1000\nmax_queued_messages 5\n"
                             "max_queued_bytes 100\nmessage_size_limit 50\nmax_keepalive 60\nsys_interval 0\n"
                             "retain_available false\npersistence false\nlog_type all\n"),
        "config-bad": (0, "listener 1883\nmax_inflight_messages x\n"),
        "acl-all-forms": (1, "# comment\ntopic read $SYS/#\ntopic public/#\n\nuser alice\ntopic write a/#\n"
                             "topic deny a/secret\nuser bob\ntopic readwrite b/+/c\n"
                             "pattern read u/%u/#\npattern write c/%c\npattern deny u/%u/private\n"),
        "acl-bad": (1, "user\ntopic sideways x\n"),
        "passwords": (2, pbkdf2_entry("alice", "password", b"0123456789ab", 101) +
                         "# comment\n\n" + sha512_entry("bob", "secret", b"salty") +
                         pbkdf2_entry("carol", "x", b"abcdefghijkl", 1000)),
        "passwords-bad": (2, "alice:$7$0$$\nbob\n"),
    }


def ws_frame(opcode, payload, fin=True, mask=None):
    head = bytes([(0x80 if fin else 0) | opcode])
    m = 0x80 if mask else 0
    if len(payload) < 126:
        head += bytes([m | len(payload)])
    elif len(payload) < 65536:
        head += bytes([m | 126]) + u16(len(payload))
    else:
        head += bytes([m | 127]) + struct.pack(">Q", len(payload))
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += mask
    return head + payload


def websocket_streams():
    """Frame streams and HTTP heads, by name: (selector, chunk sizes, stream)."""
    connect = packets_for(4)["connect"]
    mask = b"\x12\x34\x56\x78"
    frames = lambda m: (ws_frame(2, connect, mask=m) + ws_frame(9, b"ping", mask=m) +
                        ws_frame(2, connect[:5], fin=False, mask=m) + ws_frame(0, connect[5:], mask=m) +
                        ws_frame(10, b"", mask=m) + ws_frame(2, bytes(300), mask=m) +
                        ws_frame(8, u16(1000) + b"done", mask=m))
    request = ("GET /mqtt HTTP/1.1\r\nHost: broker:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: mqtt\r\n\r\n").encode()
    response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n").encode()
    return {
        "server-masked-whole": (0x01, b"", frames(mask)),
        "server-masked-bytewise": (0x01, b"\x00", frames(mask)),
        "client-unmasked-chunks": (0x00, b"\x02\x10\x00", frames(None)),
        "server-small-limit": (0x03, b"\x07", frames(mask)),
        "server-text-allowed": (0x05, b"", ws_frame(1, b"text", mask=mask) + ws_frame(8, b"", mask=mask)),
        "upgrade-request": (0x08, b"", request),
        "upgrade-response": (0x08, b"", response),
    }


def main():
    for target in ("decode_fuzz", "framer_fuzz", "dump_input_fuzz", "broker_fuzz", "client_session_fuzz",
                   "server_files_fuzz", "websocket_fuzz"):
        shutil.rmtree(os.path.join(HERE, "corpus", target), ignore_errors=True)
    for level in (3, 4, 5):
        pkts = packets_for(level)
        for name, data in pkts.items():
            write("decode_fuzz", f"v{level}-{name}", bytes([LEVEL_SELECTOR[level]]) + data)
            if name.startswith(("connect", "ping")):
                write("decode_fuzz", f"none-v{level}-{name}", bytes([LEVEL_SELECTOR[None]]) + data)
        stream = b"".join(pkts.values())
        sel = LEVEL_SELECTOR[level]
        write("framer_fuzz", f"v{level}-whole", bytes([sel, 0, 0]) + stream)
        write("framer_fuzz", f"v{level}-bytewise", bytes([sel, 0, 1, 0]) + stream)
        write("framer_fuzz", f"v{level}-chunks", bytes([sel, 0, 3, 6, 1, 40]) + stream)
        write("framer_fuzz", f"v{level}-capped", bytes([sel, 64, 1, 15]) + stream)
    for name, (sel, text) in dump_inputs(packets_for(5)["publish-qos1"]).items():
        data = text.encode() if isinstance(text, str) else text
        write("dump_input_fuzz", name, bytes([sel]) + data)
    for config, tag in ((0x00, "plain"), (0x01, "sys"), (0x02, "small-limits"), (0x04, "picky-auth"),
                        (0x08, "features-off"), (0x30, "few-connections-short-timers")):
        for name, data in broker_sessions().items():
            if tag == "plain" or name.endswith("pubsub") or (tag == "picky-auth" and name.endswith("auth")):
                write("broker_fuzz", f"{tag}-{name}", bytes([config]) + data)
    for name, data in client_sessions().items():
        write("client_session_fuzz", name, data)
    for name, (sel, text) in server_files().items():
        write("server_files_fuzz", name, bytes([sel]) + text.encode())
    for name, (sel, chunks, stream) in websocket_streams().items():
        write("websocket_fuzz", name, bytes([sel, len(chunks)]) + chunks + stream)


if __name__ == "__main__":
    main()
