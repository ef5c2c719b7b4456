# SPDX-License-Identifier: Apache-2.0
"""A minimal DNS client for tests: builds queries by hand, parses answers (A, SRV, PTR, CNAME, SOA)."""
import random
import socket
import struct

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "AAAA": 28, "SRV": 33, "ANY": 255}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def build_query(name, qtype="A", qid=None, edns=False):
    qid = random.randrange(65536) if qid is None else qid
    hdr = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".") if p) + b"\0"
    q += struct.pack(">HH", TYPES[qtype], 1)
    if edns:
        q += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    return qid, hdr + q


def read_name(msg, off):
    labels, jumped, end = [], False, None
    for _ in range(128):
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            continue
        if n == 0:
            off += 1
            break
        labels.append(msg[off + 1:off + 1 + n].decode())
        off += 1 + n
    return ".".join(labels), (end if end is not None else off)


def parse(msg):
    qid, flags, qd, an, ns, ar = struct.unpack(">HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(msg, off)
        off += 4
    out = {"id": qid, "rcode": RCODES.get(flags & 0xF, flags & 0xF), "aa": bool(flags & 0x400),
           "tc": bool(flags & 0x200), "answer": [], "authority": [], "additional": []}
    for sect, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for _ in range(count):
            name, off = read_name(msg, off)
            t, _c, ttl, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
            off += 10
            rd = msg[off:off + rdlen]
            if t == 1:
                val = socket.inet_ntoa(rd)
            elif t == 33:
                prio, weight, port = struct.unpack(">HHH", rd[:6])
                val = (prio, weight, port, read_name(msg, off + 6)[0])
            elif t in (2, 5, 12):
                val = read_name(msg, off)[0]
            elif t == 6:
                val = read_name(msg, off)[0]
            else:
                val = rd
            off += rdlen
            out[sect].append((name, t, val))
    return out


def query(port, name, qtype="A", tcp=False, host="127.0.0.1", timeout=2.0):
    """One query; returns the parsed reply or raises socket.timeout."""
    qid, q = build_query(name, qtype)
    if tcp:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(struct.pack(">H", len(q)) + q)
            ln = b""
            while len(ln) < 2:
                chunk = s.recv(2 - len(ln))
                if not chunk:
                    raise ConnectionError("closed")
                ln += chunk
            need, data = struct.unpack(">H", ln)[0], b""
            while len(data) < need:
                chunk = s.recv(need - len(data))
                if not chunk:
                    raise ConnectionError("closed")
                data += chunk
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(q, (host, port))
            data = s.recv(65535)
    r = parse(data)
    assert r["id"] == qid
    return r


def addrs(r):
    return sorted(v for _, t, v in r["answer"] if t == 1)


if __name__ == "__main__":
    # python3 dns_util.py HOST PORT NAME [TYPE [TIMEOUT [tcp]]]: print the reply as JSON (run inside a test netns).
    import json
    import sys
    try:
        rep = query(int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "A", host=sys.argv[1],
                    timeout=float(sys.argv[5]) if len(sys.argv) > 5 else 2.0,
                    tcp=len(sys.argv) > 6 and sys.argv[6] == "tcp")
    except OSError as e:
        print(json.dumps({"error": str(e)}))
        sys.exit(1)
    print(json.dumps({"rcode": rep["rcode"], "addrs": addrs(rep), "tc": rep["tc"]}))
