#!/usr/bin/env python3
"""The fastest a publisher can be against a given broker (pub_bench.sh row).

Reads lines from stdin like `mosquitto_pub -l`, encodes every PUBLISH up
front (MQTT 3.1.1), connects, and hands the broker the bytes as fast as its
socket takes them: one sendall at QoS 0; at QoS 1 as many packets in flight
as there are packet identifiers, each PUBACK freeing one. It ends with
DISCONNECT once the kernel took everything (QoS 0, as mqpub and
mosquitto_pub do) or everything was acknowledged (QoS 1). No real client
does less per message, so its times bound what any publisher can reach on
this broker (they include Python's start and the encoding, about 0.1 s).

  pub_ceiling.py PORT TOPIC QOS < lines
"""
import selectors
import socket
import struct
import sys


def remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first, body):
    return bytes([first]) + remaining_length(len(body)) + body


def utf8(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            sys.exit("pub_ceiling: the broker closed the connection")
        data += chunk
    return data


def main():
    port, topic, qos = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    if qos not in (0, 1):
        sys.exit("pub_ceiling: QoS 0 or 1")
    lines = sys.stdin.buffer.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    name = utf8(topic)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # CONNECT: MQTT 3.1.1, clean session, keep alive 60, empty client id.
    sock.sendall(packet(0x10, utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + utf8("")))
    connack = read_exactly(sock, 4)
    if connack[0] != 0x20 or connack[3] != 0:
        sys.exit(f"pub_ceiling: refused: {connack.hex()}")
    if qos == 0:
        sock.sendall(b"".join(packet(0x30, name + line) for line in lines))
    else:
        send_all_qos1(sock, name, lines)
    sock.sendall(bytes([0xE0, 0]))
    sock.close()


def send_all_qos1(sock, name, lines):
    free = list(range(65535, 0, -1))
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    out = bytearray()
    inbuf = b""
    next_line = 0
    acked = 0
    while acked < len(lines):
        while free and next_line < len(lines) and len(out) < (1 << 20):
            out += packet(0x32, name + struct.pack("!H", free.pop()) + lines[next_line])
            next_line += 1
        for _, events in sel.select():
            if events & selectors.EVENT_WRITE and out:
                try:
                    del out[:sock.send(out)]
                except BlockingIOError:
                    pass
            if events & selectors.EVENT_READ:
                chunk = sock.recv(1 << 16)
                if not chunk:
                    sys.exit("pub_ceiling: the broker closed the connection")
                inbuf += chunk
                whole = len(inbuf) - len(inbuf) % 4
                for pos in range(0, whole, 4):  # PUBACK: 40 02 id id
                    if inbuf[pos] != 0x40 or inbuf[pos + 1] != 2:
                        sys.exit(f"pub_ceiling: unexpected packet {inbuf[pos:pos + 4].hex()}")
                    free.append(struct.unpack_from("!H", inbuf, pos + 2)[0])
                acked += whole // 4
                inbuf = inbuf[whole:]
        sel.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if out else 0))
    sock.setblocking(True)


main()
