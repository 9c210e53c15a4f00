#!/usr/bin/env python3
"""ndfakechild.py - one fake Netdata 1.37.1 child, for handshake and refusal tests.

Connects to a parent on loopback, sends a STREAM request shaped like a real 1.37.1
child's, and reports the parent's reply. Optionally it then defines a few charts,
answers REPLAY_CHART with an empty replay and sends some BEGIN/SET/END rounds.

  ndfakechild.py --dest 127.0.0.1:PORT --key KEY [--guid G] [--hostname H] [--ver N]
                 [--reply-out FILE] [--charts N --dims D --iterations N --interval S]
                 [--replay-out FILE] [--raw-after FILE] [--raw-rounds FILE] [--hold S] [--timeout S]

Standard output, one item per line:
  reply: <python repr of every byte the parent sent before it closed or went quiet>
  closed: yes|no          (the parent closed the connection after its reply)
  granted: <caps>         (only for "Hit me baby, push them over with the version=<caps>")
  sent: <n> charts        (after the chart definitions)
  replay: <line>          (each REPLAY_CHART line from the parent)
  iterations: <n>         (BEGIN/SET/END rounds sent)
  after: <repr>           (any other bytes the parent sent later)

Exit status: 0 a reply arrived (whatever it said), 1 no reply / connection error,
2 --expect-accept given and the parent did not accept, 3 --charts given with
REPLICATION granted and not every chart got a REPLAY_CHART in time.

The default ver is 15352 (every 1.37.1 capability except COMPRESSION): this script
sends plain text and refuses a reply that grants compression.
Only loopback destinations are accepted.
"""
import argparse
import ipaddress
import socket
import sys
import time
import uuid

V1, V2, VN, VCAPS = 1 << 3, 1 << 4, 1 << 5, 1 << 6
HLABELS, CLAIM, CLABELS, COMPRESSION = 1 << 7, 1 << 8, 1 << 9, 1 << 10
FUNCTIONS, REPLICATION, BINARY = 1 << 11, 1 << 12, 1 << 13
ALL_CAPS = V1 | V2 | VN | VCAPS | HLABELS | CLAIM | CLABELS | COMPRESSION | FUNCTIONS | REPLICATION | BINARY
PROMPT = b"Hit me baby, push them over with the version="


def loopback_dest(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError("refusing non-loopback destination %r" % text)
    return host, int(port)


def out(key, value):
    print("%s: %s" % (key, value), flush=True)


def build_request(a):
    """The request a 1.37.1 child sends, fields in the same order (see
    tests/data/netdata-1.37.1/child-request*.txt)."""
    params = [
        ("key", a.key), ("hostname", a.hostname), ("registry_hostname", a.hostname),
        ("machine_guid", a.guid), ("update_every", "1"), ("os", "linux"),
        ("timezone", "Etc/UTC"), ("abbrev_timezone", "UTC"), ("utc_offset", "0"),
        ("hops", "1"), ("ml_capable", "0"), ("ml_enabled", "0"), ("mc_version", "0"),
        ("tags", ""),
    ]
    if a.ver is not None:
        params.append(("ver", str(a.ver)))
    params += [("NETDATA_SYSTEM_OS_NAME", "unknown"), ("NETDATA_HOST_IS_K8S_NODE", "false"),
               ("NETDATA_SYSTEM_KERNEL_NAME", "Linux"), ("NETDATA_SYSTEM_ARCHITECTURE", "x86_64"),
               ("NETDATA_PROTOCOL_VERSION", "1.1")]
    for extra in a.param:
        k, _, v = extra.partition("=")
        params = [(pk, pv) for pk, pv in params if pk != k] + [(k, v)]
    query = "&".join("%s=%s" % kv for kv in params)
    return ("STREAM %s HTTP/1.1\r\nUser-Agent: netdata/v1.37.1\r\nAccept: */*\r\n\r\n" % query).encode()


def read_reply(sock, first_wait, quiet):
    """Bytes until the peer closes, or `quiet` seconds pass without more data
    (after the first byte; up to `first_wait` seconds for it). -> (bytes, closed)"""
    data = b""
    deadline = time.monotonic() + first_wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data, False
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, False
        except ConnectionError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
        deadline = time.monotonic() + quiet


class Lines:
    """Line reader over the parent -> child direction."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.closed = False

    def poll(self, timeout):
        """Complete lines that arrive within timeout (may be none)."""
        if not self.closed:
            self.sock.settimeout(max(timeout, 0.001))
            try:
                chunk = self.sock.recv(65536)
                if chunk:
                    self.buf += chunk
                else:
                    self.closed = True
            except socket.timeout:
                pass
            except ConnectionError:
                self.closed = True
        *lines, self.buf = self.buf.split(b"\n")
        return lines


def chart_definitions(a, caps, now):
    text = []
    for c in range(a.charts):
        text.append('CHART "fake.c%d" "" "Fake chart %d" "units" "fake" "fake.c%d" "line" %d 1 "" "ndfakechild" "fake"\n'
                    % (c, c, c, 100000 + c))
        for d in range(a.dims):
            text.append('DIMENSION "d%d" "d%d" "absolute" 1 1 ""\n' % (d, d))
        if caps & REPLICATION:
            text.append("CHART_DEFINITION_END %d %d %d\n" % (now, now, now))
    return "".join(text).encode()


def empty_replay(line, now):
    """Answer 'REPLAY_CHART "id" "true|false" after before' with no history."""
    words = line.replace(b"'", b'"').split()
    chart = words[1].strip(b'"')  # bytes: a chart id need not be UTF-8
    after, before = int(words[3].strip(b'"')), int(words[4].strip(b'"'))
    return b'RBEGIN "%s"\nREND 1 %d %d true %d %d %d\n' % (chart, now, now, after, before, now)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dest", required=True, type=loopback_dest, help="parent HOST:PORT (loopback)")
    ap.add_argument("--key", required=True, help="API key")
    ap.add_argument("--guid", default=None, help="machine GUID (default random)")
    ap.add_argument("--hostname", default="fake-child")
    ap.add_argument("--ver", type=int, default=ALL_CAPS & ~COMPRESSION,
                    help="ver= capability bitmap (default 15352); -1 = leave ver out")
    ap.add_argument("--param", action="append", default=[], metavar="K=V",
                    help="add or replace one request field (repeatable)")
    ap.add_argument("--request-file", help="send this file verbatim as the request instead")
    ap.add_argument("--reply-out", help="write the raw reply bytes here")
    ap.add_argument("--expect-accept", action="store_true")
    ap.add_argument("--charts", type=int, default=0, help="charts to define after an accepted handshake")
    ap.add_argument("--dims", type=int, default=2, help="dimensions per chart")
    ap.add_argument("--iterations", type=int, default=0, help="BEGIN/SET/END rounds")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    ap.add_argument("--no-replay-answer", action="store_true", help="read REPLAY_CHART, do not answer")
    ap.add_argument("--replay-out", help="write every byte the parent sent after its reply here")
    ap.add_argument("--raw-after", help="send this file's bytes verbatim after the chart definitions")
    ap.add_argument("--raw-rounds", help="with --iterations: also send this file's bytes verbatim every round")
    ap.add_argument("--hold", type=float, default=0.0, help="seconds to stay connected at the end")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for each wait")
    a = ap.parse_args()
    if a.guid is None:
        a.guid = str(uuid.uuid4())
    if a.ver < 0:
        a.ver = None

    request = open(a.request_file, "rb").read() if a.request_file else build_request(a)
    try:
        sock = socket.create_connection(a.dest, timeout=a.timeout)
        sock.sendall(request)
    except OSError as e:
        out("error", "connect/send: %s" % e)
        return 1
    reply, closed = read_reply(sock, a.timeout, 0.5)
    if a.reply_out:
        with open(a.reply_out, "wb") as f:
            f.write(reply)
    out("reply", repr(reply))
    out("closed", "yes" if closed else "no")
    if not reply:
        return 1
    accepted = reply.startswith(PROMPT) and reply[len(PROMPT):].isdigit()
    if not accepted:
        sock.close()
        return 2 if a.expect_accept else 0
    caps = int(reply[len(PROMPT):])
    out("granted", caps)
    if caps & COMPRESSION:
        out("error", "the parent granted COMPRESSION; this fake child only speaks plain text")
        sock.close()
        return 2

    # read_reply left a short timeout on the socket: big sends need the full bound
    sock.settimeout(a.timeout)
    after = open(a.replay_out, "wb") if a.replay_out else None
    lines = Lines(sock)
    status = 0

    def handle(batch, answer):
        for ln in batch:
            if after:
                after.write(ln + b"\n")
            if ln.startswith(b"REPLAY_CHART "):
                out("replay", ln.decode(errors="replace"))
                if answer:
                    sock.sendall(empty_replay(ln, int(time.time())))
                    replays[0] += 1
                seen[0] += 1
            elif ln:
                out("after", repr(ln))

    seen, replays = [0], [0]
    if a.charts:
        sock.sendall(chart_definitions(a, caps, int(time.time())))
        out("sent", "%d charts" % a.charts)
        if caps & REPLICATION:
            deadline = time.monotonic() + a.timeout
            while seen[0] < a.charts and time.monotonic() < deadline and not lines.closed:
                handle(lines.poll(deadline - time.monotonic()), not a.no_replay_answer)
            if seen[0] < a.charts:
                out("error", "%d of %d charts got REPLAY_CHART" % (seen[0], a.charts))
                status = 3
    if a.raw_after:
        try:
            sock.sendall(open(a.raw_after, "rb").read())
            out("sent", "raw %s" % a.raw_after)
        except OSError as e:
            out("error", "send: %s" % e)
    done = 0
    next_round = time.monotonic()
    raw_round = open(a.raw_rounds, "rb").read() if a.raw_rounds else b""
    for i in range(a.iterations if a.charts or raw_round else 0):
        while time.monotonic() < next_round:
            handle(lines.poll(next_round - time.monotonic()), not a.no_replay_answer)
        next_round += a.interval
        body = []
        for c in range(a.charts):
            body.append('BEGIN "fake.c%d" %d\n' % (c, 0 if i == 0 else int(a.interval * 1e6)))
            for d in range(a.dims):
                body.append('SET "d%d" = %d\n' % (d, 1000 * c + 10 * d + i))
            body.append("END\n")
        try:
            sock.sendall("".join(body).encode() + raw_round)
        except OSError as e:
            out("error", "send: %s" % e)
            break
        done += 1
    if a.iterations and (a.charts or raw_round):
        out("iterations", done)
    hold_end = time.monotonic() + a.hold
    while time.monotonic() < hold_end and not lines.closed:
        handle(lines.poll(hold_end - time.monotonic()), not a.no_replay_answer)
    if lines.closed:
        out("closed", "yes")
    if after:
        after.close()
    sock.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
