#!/usr/bin/env python3
"""ndrelay.py - loopback TCP relay for streaming tests (tee, fan-out).

  ndrelay.py --listen 127.0.0.1:0 --port-file F --upstream 127.0.0.1:P
             [--upstream2 127.0.0.1:Q] [--tee DIR] [--max-conns N] [--duration S]

Each accepted connection (the child) gets its own connection to --upstream (the
parent); bytes flow both ways unchanged, and a half-close in one direction is
passed on. With --upstream2 the child's bytes are also sent, unchanged and in
order, to a second parent; that parent's replies are read and discarded (only
teed), so the child only ever talks to the first one. Use it to feed one real
child stream into a real Netdata parent and a tributary parent at once; both
must answer the handshake with the same capabilities for the comparison to mean
anything. A slow or failing second upstream never stalls the first one.

--tee DIR writes, for connection N (1, 2, ...): DIR/N.c2p (child -> parents),
DIR/N.p2c (upstream -> child), DIR/N.p2c2 (upstream2 -> nowhere), unbuffered.
--listen port 0 lets the kernel choose; the port goes to --port-file (written
once the socket listens) and to stdout. The relay exits after --max-conns
connections have finished, after --duration seconds, or on SIGTERM/SIGINT.
Only loopback addresses are accepted.
"""
import argparse
import ipaddress
import os
import queue
import signal
import socket
import sys
import threading
import time


def loopback(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError("refusing non-loopback address %r" % text)
    return host, int(port)


def log(msg):
    print(msg, flush=True)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def connect(addr):
    s = socket.socket(family(addr[0]), socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(addr)
    s.settimeout(None)
    return s


def shut(sock, how):
    try:
        sock.shutdown(how)
    except OSError:
        pass


class Conn:
    def __init__(self, n, child, args):
        self.n = n
        self.child = child
        self.args = args
        self.counts = {"c2p": 0, "p2c": 0, "p2c2": 0}
        self.reply2 = b""  # what upstream2 answered first, for the log
        self.tee = {}
        if args.tee:
            for d in self.counts:
                self.tee[d] = open(os.path.join(args.tee, "%d.%s" % (n, d)), "wb", buffering=0)
        self.up = connect(args.upstream)
        self.up2 = None
        self.q2 = None
        if args.upstream2:
            try:
                self.up2 = connect(args.upstream2)
                self.q2 = queue.Queue()
            except OSError as e:
                log("conn %d: upstream2 unreachable (%s); relaying to upstream only" % (n, e))

    def record(self, d, data):
        if d == "p2c2" and self.counts[d] < 200:
            self.reply2 += data[:200]
        self.counts[d] += len(data)
        f = self.tee.get(d)
        if f:
            f.write(data)

    def pump(self, src, dst, d):
        """src -> dst (dst None = discard); on EOF half-close dst."""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                self.record(d, data)
                if d == "c2p" and self.q2 is not None:
                    self.q2.put(data)
                if dst is not None:
                    dst.sendall(data)
        except OSError:
            # reset: drop both ends of this direction hard
            shut(src, socket.SHUT_RDWR)
        if d == "c2p" and self.q2 is not None:
            self.q2.put(None)
        if dst is not None:
            shut(dst, socket.SHUT_WR)

    def send_up2(self, data, request_first):
        """Writes `data` to upstream2. With `request_first`, the STREAM
        request alone goes first and the rest once upstream2 answered it (or
        after 15 s): a Netdata parent answers 400 to a request followed by
        more bytes in the same read, which a queue that fell behind (or a
        resend) would otherwise produce."""
        if request_first:
            end = data.find(b"\r\n\r\n")
            if end >= 0:
                self.up2.sendall(data[:end + 4])
                deadline = time.monotonic() + 15
                while self.counts["p2c2"] == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
                data = data[end + 4:]
        if data:
            self.up2.sendall(data)

    def feed_up2(self):
        """Child bytes -> upstream2, from the queue, never blocking the child.

        A real Netdata parent has been seen to reset a fresh connection before
        reading the request, and to answer 400 when the request and the
        stream's first bytes came in one read (send_up2 now keeps them
        apart). What upstream2 answers is discarded
        anyway, so while the child's bytes so far are kept (the first 16 MB),
        a failed upstream2 gets a new connection and all of them, up to three
        times: it still sees the whole stream from the STREAM request on."""
        alive = True
        retries = 0
        sent = bytearray()  # child bytes so far, while they fit
        head = bytearray()  # child bytes until the request is complete
        while True:
            data = self.q2.get()
            if data is None:
                break
            if not alive:
                continue
            if sent is not None and len(sent) < (16 << 20):
                sent += data
            else:
                sent = None
            try:
                if head is not None:
                    head += data
                    if b"\r\n\r\n" not in head:
                        continue
                    data, head = bytes(head), None
                    self.send_up2(data, True)
                else:
                    self.send_up2(data, False)
            except OSError as e:
                if retries < 3 and sent is not None:
                    retries += 1
                    log("conn %d: upstream2 send failed (%s) after it answered %r; reconnecting (%d of 3)"
                        % (self.n, e, bytes(self.reply2[:120]), retries))
                    self.counts["p2c2"] = 0
                    self.reply2 = b""
                    try:
                        shut(self.up2, socket.SHUT_RDWR)
                        self.up2.close()
                        self.up2 = connect(self.args.upstream2)
                        threading.Thread(target=self.pump, args=(self.up2, None, "p2c2"),
                                         daemon=True).start()
                        self.send_up2(bytes(sent), True)
                        continue
                    except OSError as e2:
                        e = e2
                log("conn %d: upstream2 send failed (%s); continuing with upstream only" % (self.n, e))
                alive = False
        shut(self.up2, socket.SHUT_WR)

    def run(self):
        threads = [threading.Thread(target=self.pump, args=(self.child, self.up, "c2p"), daemon=True),
                   threading.Thread(target=self.pump, args=(self.up, self.child, "p2c"), daemon=True)]
        if self.up2 is not None:
            threads.append(threading.Thread(target=self.feed_up2, daemon=True))
            threads.append(threading.Thread(target=self.pump, args=(self.up2, None, "p2c2"), daemon=True))
        for t in threads:
            t.start()
        # done when child and upstream have both finished; upstream2 gets 2 s more
        threads[0].join()
        threads[1].join()
        for t in threads[2:]:
            t.join(2)
        for s in (self.child, self.up, self.up2):
            if s is not None:
                shut(s, socket.SHUT_RDWR)
                s.close()
        for f in self.tee.values():
            f.close()
        log("conn %d closed: c2p %d bytes, p2c %d bytes, p2c2 %d bytes"
            % (self.n, self.counts["c2p"], self.counts["p2c"], self.counts["p2c2"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", required=True, type=loopback)
    ap.add_argument("--upstream", required=True, type=loopback)
    ap.add_argument("--upstream2", type=loopback)
    ap.add_argument("--port-file")
    ap.add_argument("--tee")
    ap.add_argument("--max-conns", type=int, default=0, help="0 = unlimited")
    ap.add_argument("--duration", type=float, default=0, help="0 = until signalled")
    a = ap.parse_args()
    if a.tee:
        os.makedirs(a.tee, exist_ok=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    srv = socket.socket(family(a.listen[0]), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(a.listen)
    srv.listen(8)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)
    log("listening on %s:%d -> %s:%d%s" % (a.listen[0], port, a.upstream[0], a.upstream[1],
                                            " + %s:%d" % a.upstream2 if a.upstream2 else ""))
    t_end = time.monotonic() + a.duration if a.duration else None
    workers = []
    accepted = 0
    while not stop.is_set():
        if t_end is not None and time.monotonic() >= t_end:
            break
        if a.max_conns and accepted >= a.max_conns:
            if all(not w.is_alive() for w in workers):
                break
            time.sleep(0.2)
            continue
        try:
            child, peer = srv.accept()
        except socket.timeout:
            continue
        accepted += 1
        try:
            conn = Conn(accepted, child, a)
        except OSError as e:
            log("conn %d from %s:%d: upstream unreachable (%s)" % (accepted, peer[0], peer[1], e))
            child.close()
            continue
        log("conn %d from %s:%d" % (accepted, peer[0], peer[1]))
        w = threading.Thread(target=conn.run, daemon=True)
        w.start()
        workers.append(w)
    srv.close()
    log("relay exits after %d connection(s)" % accepted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
