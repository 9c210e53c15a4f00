#!/usr/bin/env python3
"""Loads tributary's web console in headless Chromium (devtools_pipe.py) and
checks it as a user would see it.

usage: console_browser.py URL CHILD_HOSTNAME PROFILE_DIR
Exits 0 when every check passed, 1 with a message otherwise.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devtools_pipe import Browser, Page  # noqa: E402

url, child, profile = sys.argv[1], sys.argv[2], sys.argv[3]


def fail(why):
    print("console_browser: FAIL: " + why, file=sys.stderr)
    sys.exit(1)


b = Browser(profile)
try:
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = b.call("Target.attachToTarget",
               {"targetId": target, "flatten": True})["sessionId"]
    b.call("Runtime.enable", session=s)
    b.call("Log.enable", session=s)
    b.call("Page.enable", session=s)
    b.call("Page.navigate", {"url": url}, session=s)

    page = Page(b, s, fail)
    js, wait_for = page.js, page.wait_for

    child_q = json.dumps(child)
    # The tree: registry -> host <child> with its collapsed charts, and
    # registry -> listener -> connection -> receiver.
    wait_for("the tree shows the child under the registry with its charts", """
      (() => {
        const reg = document.querySelector('#tree > li[data-kind=registry]');
        if (!reg) return false;
        for (const h of reg.querySelectorAll(':scope > ul > li[data-kind=host]'))
          if (h.textContent.includes(%s)
              && h.querySelector(':scope > ul > li[data-kind=charts]'))
            return true;
        return false;
      })()""" % child_q)
    wait_for("the tree shows a listener with a connection and its receiver", """
      !!document.querySelector('#tree > li[data-kind=registry] > ul > '
        + 'li[data-kind=listener] > ul > li[data-kind=connection] > ul > '
        + 'li[data-kind=receiver]')""")
    # The stream table: the child's row with samples/s above zero.
    samples = wait_for("the child's host row shows samples/s above zero", """
      (() => {
        for (const tr of document.querySelectorAll('#hosts tbody tr'))
          if (tr.cells[0].textContent === %s) {
            const v = parseFloat(tr.querySelector('.samples').textContent.replace(/,/g, ''));
            return v > 0 ? v : false;
          }
        return false;
      })()""" % child_q)
    print("console_browser: child samples/s %s" % samples)
    # A plot gets new points.
    first = wait_for("the total samples/s plot has points", """
      (() => { const s = document.querySelector('#plot-samples_per_s-total svg');
               return s && +s.dataset.points > 0 ? +s.dataset.last : false; })()""")
    wait_for("the total samples/s plot gets a newer point", """
      (() => { const s = document.querySelector('#plot-samples_per_s-total svg');
               return s && +s.dataset.last > %d; })()""" % first, 15)
    wait_for("the child has its own plot", """
      [...document.querySelectorAll('.plot h4')].some(h => h.textContent.includes(%s))"""
             % child_q)
    # Sorting: by kind, ascending, then descending.
    order = js("""
      (() => { document.querySelector('#actors th[data-key=kind]').click();
               return [...document.querySelectorAll('#actors tbody tr')]
                        .map(r => r.cells[1].textContent); })()""")
    if order != sorted(order):
        fail("sorting by kind gives %r" % order)
    order = js("""
      (() => { document.querySelector('#actors th[data-key=kind]').click();
               return [...document.querySelectorAll('#actors tbody tr')]
                        .map(r => r.cells[1].textContent); })()""")
    if order != sorted(order, reverse=True):
        fail("sorting by kind again gives %r" % order)
    # Handling time: the child's host row has p50 and p99 numbers.
    p = wait_for("the child's host row shows handling p50/p99", """
      (() => {
        for (const tr of document.querySelectorAll('#actors tbody tr'))
          if (tr.cells[0].textContent === %s && tr.cells[1].textContent === 'host') {
            const p50 = parseFloat(tr.querySelector('.p50').textContent);
            const p99 = parseFloat(tr.querySelector('.p99').textContent);
            return p50 > 0 && p99 >= p50 ? [p50, p99] : false;
          }
        return false;
      })()""" % child_q, 20)
    print("console_browser: child host handling p50 %s us, p99 %s us" % tuple(p))
    # Sorting by p99: descending first, then ascending ("–" is unmeasured,
    # below every number).
    p99_order = """
      (() => { document.querySelector('#actors th[data-key=handling_p99_us]').click();
               return [...document.querySelectorAll('#actors tbody tr')]
                        .map(r => r.querySelector('.p99').textContent)
                        .map(t => t === '–' ? -1 : parseFloat(t.replace(/,/g, ''))); })()"""
    order = js(p99_order)
    if order != sorted(order, reverse=True) or not any(v > 0 for v in order):
        fail("sorting by p99 gives %r" % order)
    order = js(p99_order)
    if order != sorted(order):
        fail("sorting by p99 again gives %r" % order)
    # The child's charts: a collapsed node whose drill-down lists them.
    js("""(() => {
      for (const h of document.querySelectorAll('#tree li[data-kind=host]'))
        if (h.textContent.includes(%s))
          h.querySelector(':scope > ul > li[data-kind=charts] > span').click();
    })()""" % child_q)
    charts = wait_for("the child's charts drill-down lists its chart actors", """
      (() => {
        for (const h of document.querySelectorAll('#tree li[data-kind=host]'))
          if (h.textContent.includes(%s)) {
            const c = h.querySelectorAll(
              ':scope > ul > li[data-kind=charts] > ul > li[data-kind=chart]');
            return c.length > 0 ? c.length : false;
          }
        return false;
      })()""" % child_q, 15)
    print("console_browser: child's charts drill-down shows %s charts" % charts)
    # Drill-down: click the child's receiver row.
    js("""[...document.querySelectorAll('#actors tbody tr')]
            .find(r => r.cells[1].textContent === 'receiver').click()""")
    wait_for("the drill-down shows the receiver's counters",
             "!document.getElementById('detail').hidden && "
             "document.getElementById('detail-body').textContent.includes('text_bytes')",
             5)
    errors = [e for e in b.events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled"
                  and e["params"].get("type") == "error")
              or (e.get("method") == "Log.entryAdded"
                  and e["params"]["entry"].get("level") == "error")]
    if errors:
        fail("errors in the page: %s" % json.dumps(errors)[:2000])
    print("console_browser: ok")
finally:
    b.close()
