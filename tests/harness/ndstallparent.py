#!/usr/bin/env python3
"""ndstallparent.py - a "parent" that accepts the STREAM handshake, then stops reading.

    ndstallparent.py --listen 127.0.0.1:0 --port-file F --status F
                     [--ver 11200] [--rcvbuf 4096] [--read-flag FILE] [--key K]
                     [--never-read TEXT]

Every connection: reads the child's STREAM request (up to the blank line), answers
"Hit me baby, push them over with the version=VER" (no compression bit, so the stream
stays plain text) and then reads nothing while FILE (--read-flag) does not exist: the
child's data piles up in the kernel (the listening socket, and so every accepted one,
has SO_RCVBUF = --rcvbuf) and then in the child's own buffer. Once FILE exists every
connection is read normally and its BEGIN lines are counted; removing FILE again
stalls every connection again. A connection whose request line contains TEXT
(--never-read, e.g. "hostname=stuck-") is never read, flag or not.

The default --ver 11200 is 15296 (what a 1.37.1 parent answers a non-compressing
1.37.1 child) without REPLICATION: a replicating child sends no rows for a chart
until the parent's REPLAY_CHART, which a non-reading parent never sends.

--status F is rewritten (atomically) about every 0.2 s with one JSON object:
  {"flag": bool, "conns": [{"id", "after_flag", "request", "begins", "bytes", "open"}]}
where after_flag says the connection was accepted once FILE existed.
Loopback listen addresses only. stdlib only.
"""
import argparse
import ipaddress
import json
import os
import socket
import sys
import threading
import time

LOCK = threading.Lock()
CONNS = []


def flag_set(path):
    return bool(path) and os.path.exists(path)


def write_status(path, flag):
    with LOCK:
        data = {"flag": flag, "conns": [dict(c) for c in CONNS]}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def serve(sock, rec, args):
    try:
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                break
            req += chunk
        head, _, rest = req.partition(b"\r\n\r\n")
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        with LOCK:
            rec["request"] = first[:200]
        if args.key and ("key=%s" % args.key) not in first:
            sock.sendall(b"You are not permitted to access this. Check the logs for more info.")
            return
        sock.sendall(("Hit me baby, push them over with the version=%d" % args.ver).encode())
        never = bool(args.never_read) and args.never_read in first
        # stall: read nothing until the flag file appears
        while never or not flag_set(args.read_flag):
            time.sleep(0.05)
        buf = rest
        while True:
            while not flag_set(args.read_flag):  # the flag was removed: stall again
                time.sleep(0.05)
            lines = buf.split(b"\n")
            buf = lines.pop()
            n = sum(1 for l in lines if l.startswith(b"BEGIN "))
            with LOCK:
                rec["begins"] += n
            chunk = sock.recv(65536)
            if not chunk:
                break
            with LOCK:
                rec["bytes"] += len(chunk)
            buf += chunk
    except OSError as e:
        with LOCK:
            rec["error"] = str(e)
    finally:
        with LOCK:
            rec["open"] = False
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--ver", type=int, default=11200)
    ap.add_argument("--rcvbuf", type=int, default=4096)
    ap.add_argument("--read-flag", default="")
    ap.add_argument("--key", default="")
    ap.add_argument("--never-read", default="")
    args = ap.parse_args()

    host, _, port = args.listen.rpartition(":")
    host = host.strip("[]")
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("ndstallparent: refusing non-loopback listen address %s" % host)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # set before listen(): accepted sockets inherit it, and the window stays small
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    ls.bind((host, int(port)))
    ls.listen(16)
    ls.settimeout(0.2)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.replace(tmp, args.port_file)
    print("listening on %s:%d rcvbuf %d" % (host, ls.getsockname()[1],
          ls.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)), flush=True)

    next_id = 0
    last = 0.0
    while True:
        try:
            s, peer = ls.accept()
        except socket.timeout:
            s = None
        if s is not None:
            next_id += 1
            rec = {"id": next_id, "after_flag": flag_set(args.read_flag), "request": "",
                   "begins": 0, "bytes": 0, "open": True}
            with LOCK:
                CONNS.append(rec)
            print("conn %d from %s (after_flag %s)" % (next_id, peer, rec["after_flag"]), flush=True)
            threading.Thread(target=serve, args=(s, rec, args), daemon=True).start()
        now = time.monotonic()
        if now - last >= 0.2:
            write_status(args.status, flag_set(args.read_flag))
            last = now


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
