"""Headless Chromium driven over the DevTools protocol on
--remote-debugging-pipe (file descriptors 3 and 4, NUL-separated JSON), so
nothing beyond Debian's chromium package and Python is needed. Used by
console_browser.py and dashboard_browser.py.
"""
import json
import os
import subprocess
import time


class Browser:
    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        # (the preexec runs before subprocess closes the fds not kept)
        def fds():
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--remote-debugging-pipe",
             "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking",
             # Only loopback: Netdata's dashboard also asks outside hosts.
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--user-data-dir=" + profile, "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=open(profile + ".log", "w"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Page:
    """Script evaluation in one attached page (session) of a Browser."""

    def __init__(self, browser, session, fail):
        self.browser, self.session, self.fail = browser, session, fail

    def js(self, expr):
        r = self.browser.call("Runtime.evaluate",
                              {"expression": expr, "returnByValue": True},
                              session=self.session)
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait_for(self, what, expr, seconds=30):
        """Polls expr until it is truthy; fails after `seconds`."""
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.js(expr)
                if last:
                    return last
            except RuntimeError as e:
                last = str(e)
            time.sleep(0.25)
        self.fail("%s (after %d s; last: %r)" % (what, seconds, last))
