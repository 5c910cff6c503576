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


def header(kind, generation=0):
    return b"MQDB" + struct.pack(">IBQ", 1, kind, generation)


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
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
