#!/usr/bin/env python3
"""Loads Netdata's own dashboard (its web files served by a tributary parent)
in headless Chromium (devtools_pipe.py): the parent's page names the parent
and its /api/v1/info lists the streamed child; the child's page (/host/<child>/) draws
system.cpu with a legend that keeps moving (live data); every API call the
dashboard makes is answered below 400.

usage: dashboard_browser.py PARENT_URL PARENT_HOSTNAME CHILD_HOSTNAME PROFILE_DIR
Exits 0 when every check passed, 1 with a message otherwise.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devtools_pipe import Browser, Page  # noqa: E402

base, parent, child, profile = sys.argv[1:5]
base = base.rstrip("/")


def fail(why):
    print("dashboard_browser: FAIL: " + why, file=sys.stderr)
    sys.exit(1)


b = Browser(profile)
try:
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = b.call("Target.attachToTarget",
               {"targetId": target, "flatten": True})["sessionId"]
    for method in ("Runtime.enable", "Log.enable", "Page.enable",
                   "Network.enable"):
        b.call(method, session=s)

    page = Page(b, s, fail)
    js, wait_for = page.js, page.wait_for

    b.call("Page.navigate", {"url": base + "/"}, session=s)
    wait_for("the dashboard names the parent",
             "document.body.innerText.includes(%s)" % json.dumps(parent))
    # The dashboard's node list comes from /api/v1/info's mirrored_hosts
    # (its side bar is not rendered headless): ask it from the page.
    wait_for("the page's /api/v1/info lists the streamed child", """
      (() => { const x = new XMLHttpRequest();
               x.open('GET', '/api/v1/info', false); x.send();
               return JSON.parse(x.responseText).mirrored_hosts.includes(%s); })()"""
             % json.dumps(child))

    b.call("Page.navigate", {"url": base + "/host/" + child + "/#menu_system"},
           session=s)
    legend = """
      (() => { const c = document.querySelector('#chart_system_cpu');
               if (!c || !c.querySelector('canvas')) return false;
               const t = c.innerText;
               return /\\buser\\s+[0-9.]+/.test(t) ? t : false; })()"""
    first = wait_for("the child's system.cpu is drawn with a legend of values",
                     legend, 40)
    wait_for("the child's system.cpu legend moves on (live data)",
             "(%s) !== %s" % (legend, json.dumps(first)), 20)
    print("dashboard_browser: system.cpu legend: %s"
          % " ".join(js(legend).split())[:200])

    bad = []
    for e in b.events:
        if e.get("method") != "Network.responseReceived":
            continue
        r = e["params"]["response"]
        if r["url"].startswith(base) and "/api/" in r["url"] and r["status"] >= 400:
            bad.append("%s %s" % (r["status"], r["url"]))
    if bad:
        fail("API calls failed: %s" % "; ".join(bad[:10]))
    errors = [e for e in b.events if e.get("method") == "Runtime.exceptionThrown"]
    if errors:
        fail("exceptions in the page: %s" % json.dumps(errors)[:2000])
    print("dashboard_browser: ok")
finally:
    b.close()
