#!/usr/bin/env python3
"""ndflood.py - a hostile but well-formed 1.37.1 child, for the hardening tests.

Connects to a parent on loopback with the STREAM request of ndfakechild.py
(plain text, no REPLICATION: nothing to answer), defines charts, then:

  --flood SECONDS   sends valid BEGIN/SET/END rows of its charts as fast as the
                    socket takes them, for SECONDS
  --hold SECONDS    stays connected (reading and discarding) for SECONDS

  ndflood.py --dest 127.0.0.1:PORT --key KEY [--guid G] [--hostname H]
             [--charts N] [--dims D] [--flood S] [--hold S]

Standard output, one item per line:
  granted: <caps>
  defined: <n> charts
  flooded: <bytes> bytes <rows> rows in <s> seconds   (with --flood)
  closed: yes                                          (the parent closed)
Exit status: 0 done, 1 no connection or refused, 2 the parent closed early.
Only loopback destinations are accepted.
"""
import argparse
import os
import socket
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndfakechild as nd  # noqa: E402


def out(key, value):
    print("%s: %s" % (key, value), flush=True)


def definitions(charts, dims):
    text = []
    for c in range(charts):
        text.append('CHART "flood.c%d" "" "Flood chart %d" "units" "flood" "flood.c%d" "line" %d 1 "" "ndflood" "flood"\n'
                    % (c, c, c, 100000 + c))
        for d in range(dims):
            text.append('DIMENSION "d%d" "d%d" "absolute" 1 1 ""\n' % (d, d))
    return "".join(text).encode()


def row_block(charts, dims, target=1 << 20):
    """About `target` bytes of complete rows, every chart once per round."""
    body, rows, size = [], 0, 0
    i = 0
    while size < target:
        for c in range(charts):
            s = ['BEGIN "flood.c%d" 1000000\n' % c]
            for d in range(dims):
                s.append('SET "d%d" = %d\n' % (d, 1000 * c + d + i))
            s.append("END\n")
            t = "".join(s)
            body.append(t)
            size += len(t)
            rows += 1
        i += 1
    return "".join(body).encode(), rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dest", required=True, type=nd.loopback_dest)
    ap.add_argument("--key", required=True)
    ap.add_argument("--guid", default=None)
    ap.add_argument("--hostname", default="flood-child")
    ap.add_argument("--charts", type=int, default=10)
    ap.add_argument("--dims", type=int, default=10)
    ap.add_argument("--flood", type=float, default=0.0)
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()
    a.guid = a.guid or str(uuid.uuid4())
    a.ver = nd.ALL_CAPS & ~nd.COMPRESSION & ~nd.REPLICATION
    a.param = []
    try:
        sock = socket.create_connection(a.dest, timeout=a.timeout)
        sock.sendall(nd.build_request(a))
    except OSError as e:
        out("error", "connect/send: %s" % e)
        return 1
    reply, _ = nd.read_reply(sock, a.timeout, 0.5)
    if not (reply.startswith(nd.PROMPT) and reply[len(nd.PROMPT):].isdigit()):
        out("error", "refused: %r" % reply)
        return 1
    out("granted", int(reply[len(nd.PROMPT):]))
    try:
        sock.settimeout(a.timeout * 6)
        sock.sendall(definitions(a.charts, a.dims))
        out("defined", "%d charts" % a.charts)
        if a.flood > 0:
            block, rows = row_block(a.charts, a.dims)
            sent = n = 0
            t0 = time.monotonic()
            while time.monotonic() - t0 < a.flood:
                sock.sendall(block)
                sent += len(block)
                n += rows
            out("flooded", "%d bytes %d rows in %.1f seconds" % (sent, n, time.monotonic() - t0))
    except OSError as e:
        out("error", "send: %s" % e)
        out("closed", "yes")
        return 2
    lines = nd.Lines(sock)
    end = time.monotonic() + a.hold
    while time.monotonic() < end and not lines.closed:
        lines.poll(min(1.0, end - time.monotonic()))
    if lines.closed:
        out("closed", "yes")
        return 2
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
