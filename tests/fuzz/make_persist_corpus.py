#!/usr/bin/env python3
"""Writes the seed corpus of persist_record_fuzz under
tests/fuzz/corpus/persist_record_fuzz/: small persistence files spelled out
from the format in lib/server/persist/record_codec.hpp, independently of
mq's encoder. Deterministic; run it again after changing it.
"""
import os
import shutil
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = "persist_record_fuzz"


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(b)) + b


def header(kind, generation=0, version=1):
    return b"MQDB" + struct.pack(">IBQ", version, kind, generation)


def end_marker(count):
    body = b"\0" + struct.pack(">Q", count)
    return struct.pack(">II", len(body), zlib.crc32(body)) + body


def flip(data, at):
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


def record(type_, fields):
    body = bytes([type_]) + fields
    return struct.pack(">II", len(body), zlib.crc32(body)) + body


def message(topic, payload, qos=1, retain=False, expiry=None, props=b""):
    flags = qos | (4 if retain else 0) | (8 if expiry is not None else 0)
    out = bytes([flags])
    if expiry is not None:
        out += struct.pack(">Q", expiry)
    return out + s(topic) + bytes([len(props)]) + props + struct.pack(">I", len(payload)) + payload


def main():
    folder = os.path.join(HERE, "corpus", TARGET)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    user_prop = bytes([0x26]) + s("k") + s("v")
    session = record(3, s("sub") + struct.pack(">IBB", 0xFFFFFFFF, 4, 1) + s("alice"))
    sub_add = record(5, s("sub") + s("t/#") + bytes([0x01]) + struct.pack(">I", 0))
    queued = record(7, s("sub") + struct.pack(">QBHH", 1, 1, 0, 0) + message("t/a", b"queued"))
    inflight = record(7, s("sub") + struct.pack(">QBHHI", 2, 2, 9, 1, 5) + message("t/b", b"flying", qos=2))
    files = {
        "snapshot-retained": header(0) + record(1, message("r/1", b"kept", retain=True, props=user_prop)),
        "snapshot-session": header(0, 3) + session + sub_add + queued + inflight +
        record(11, s("sub") + struct.pack(">H", 7)),
        "log-changes": header(1, 3) + session + record(8, s("sub") + struct.pack(">QH", 1, 10)) +
        record(9, s("sub") + struct.pack(">Q", 2)) + record(10, s("sub") + struct.pack(">Q", 1)) +
        record(6, s("sub") + s("t/#")) + record(12, s("sub") + struct.pack(">H", 7)) + record(2, s("r/1")) +
        record(4, s("sub")),
        "log-torn": header(1) + session + record(1, message("x", b"expiring", expiry=1_700_000_060_000))[:-3],
    }
    # Format version 2: snapshots close with an end marker; damage in the
    # middle of a file is followed by intact records the scanner resyncs to.
    retained = [record(1, message(f"r/{i}", b"v%d" % i, retain=True)) for i in range(4)]
    log_v2 = header(1, 3, 2) + session + b"".join(retained)
    first = len(header(1, 3, 2) + session)
    files.update({
        "snapshot-v2-closed": header(0, 3, 2) + session + sub_add + queued + end_marker(3),
        "snapshot-v2-cut-at-boundary": header(0, 3, 2) + session + sub_add,
        "snapshot-v2-wrong-count": header(0, 3, 2) + session + end_marker(5),
        "log-v2-flipped-mid": flip(log_v2, first + 12),
        "log-v2-bad-length-mid": log_v2[:first] + b"\x7f" + log_v2[first + 1:],
        "log-v2-zero-tail": log_v2 + bytes(64),
    })
    # Format version 3: a QoS 2 message held until PUBREL (type 13), restored
    # and then released or ended with its session.
    held = record(13, s("pub") + struct.pack(">H", 7) + message("t/h", b"held", qos=2, props=user_prop))
    pub = record(3, s("pub") + struct.pack(">IBB", 300, 5, 0))
    files.update({
        "snapshot-v3-held": header(0, 4, 3) + pub + held + end_marker(2),
        "log-v3-held-released": header(1, 4, 3) + pub + held + record(12, s("pub") + struct.pack(">H", 7)),
        "log-v3-held-session-deleted": header(1, 4, 3) + pub + held + record(4, s("pub")) + held,
    })
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
