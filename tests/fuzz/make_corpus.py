#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under tests/fuzz/corpus/<target>/.

The packets are spelled out here from the MQTT 3.1.1 and 5.0 byte layouts,
independently of mq's encoder, one small valid packet of every type at every
protocol level. Run it again after changing it; the output is deterministic.

Input formats (they must match the fuzz targets):
  decode_fuzz:  [level selector] packet bytes
  framer_fuzz:  [level selector] [max packet size] [K] [K chunk sizes] stream
  dump_input_fuzz: [format selector: 0 auto, 1 raw, 2 hex, 3 base64] text
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
        "base64-wrapped": (3, __import__("base64").b64encode(pkt * 3).decode()[:40] + "\n" +
                           __import__("base64").b64encode(pkt * 3).decode()[40:]),
    }


def main():
    for target in ("decode_fuzz", "framer_fuzz", "dump_input_fuzz"):
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


if __name__ == "__main__":
    main()
