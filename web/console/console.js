// tributary's web console: polls /api/v1/console/* every second.
"use strict";

const state = { sortKey: "mailbox", sortAsc: false, selected: null,
                actors: [], series: null,
                // Host GUID -> its last charts drill-down (open nodes only).
                charts: new Map() };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children)
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function num(x, digits) {
  if (x === null || x === undefined) return "–";
  if (typeof x !== "number") return String(x);
  return x.toLocaleString("en-US", { maximumFractionDigits: digits ?? 2 });
}

function since(t) {
  return t > 0 ? new Date(t * 1000).toISOString().replace(".000Z", "Z") : "–";
}

function duration(s) {
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m" + (s % 60) + "s";
  return Math.floor(s / 3600) + "h" + Math.floor((s % 3600) / 60) + "m";
}

async function getJSON(what, query) {
  const r = await fetch("/api/v1/console/" + what + (query || ""),
                        { cache: "no-store" });
  if (!r.ok) throw new Error(what + ": HTTP " + r.status);
  return r.json();
}

function fillRows(table, rows) {
  const body = table.tBodies[0];
  body.replaceChildren(...rows);
}

function renderStreams(s) {
  fillRows(document.getElementById("hosts"), s.hosts.map(h => {
    const tr = el("tr", { "data-guid": h.guid },
      el("td", {}, h.hostname), el("td", {}, h.guid),
      el("td", { class: "num" }, h.hops), el("td", {}, h.direction),
      el("td", {}, h.peer || "–"), el("td", {}, since(h.connected_since)),
      el("td", { class: "num bytes-in" }, num(h.bytes_in_per_s, 0)),
      el("td", { class: "num bytes-out" }, num(h.bytes_out_per_s, 0)),
      el("td", { class: "num samples" }, num(h.samples_per_s, 1)),
      el("td", { class: "num" }, h.compression_ratio === null ? "–"
         : num(h.compression_ratio) + "× " + h.compression),
      el("td", {}, h.replication.charts_pending + " charts, "
         + h.replication.seconds_behind + "s behind"),
      el("td", {}, h.last_disconnect || "–"));
    return tr;
  }));
  fillRows(document.getElementById("senders"), s.senders.map(x =>
    el("tr", {},
      el("td", {}, x.hostname), el("td", {}, x.destinations),
      el("td", {}, x.current || "–"), el("td", {}, x.state),
      el("td", { class: "num" }, num(x.buffer_used, 0) + " / "
         + num(x.buffer_size, 0)),
      el("td", { class: "num" }, x.reconnects),
      el("td", { class: "num" }, num(x.bytes_out_per_s, 0)),
      el("td", {}, x.last_reason || "–"))));
}

function renderTree(actors) {
  const children = new Map();
  const ids = new Set(actors.map(a => a.id));
  for (const a of actors) {
    const p = ids.has(a.parent) ? a.parent : 0;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(a);
  }
  function branch(parent) {
    const list = children.get(parent) || [];
    list.sort((a, b) => a.kind.localeCompare(b.kind)
                        || a.name.localeCompare(b.name));
    return list.map(a => {
      const li = el("li", { "data-id": a.id, "data-kind": a.kind },
        el("span", { class: "kind" }, a.kind + " "), a.name,
        a.restarts ? " (restarts " + a.restarts + ")" : "");
      const sub = branch(a.id);
      if (a.kind === "host") sub.push(chartsNode(a));
      if (sub.length) li.append(el("ul", {}, ...sub));
      return li;
    });
  }
  document.getElementById("tree").replaceChildren(...branch(0));
}

// A host's charts: one collapsed node; opening it asks the daemon for that
// host's chart actors (nothing is sampled per chart otherwise).
function chartsNode(host) {
  const guid = host.labels.guid || host.name;
  const open = state.charts.get(guid);
  const li = el("li", { class: "charts", "data-kind": "charts",
                        "data-host": guid },
    el("span", { class: "kind" }, (open ? "▾" : "▸") + " charts "),
    "(" + num(host.counters.charts, 0) + ")");
  li.firstChild.addEventListener("click", () => {
    if (state.charts.has(guid)) state.charts.delete(guid);
    else { state.charts.set(guid, null); drillDown(guid); }
    renderTree(state.actors);
  });
  if (open) {
    const items = open.actors.map(c => el("li", { "data-id": c.id,
                                                   "data-kind": "chart" },
      el("span", { class: "kind" }, "chart "), c.name,
      " — " + num(c.handled_per_s, 1) + " rows/s, mailbox " + c.mailbox));
    if (open.charts > open.actors.length)
      items.push(el("li", {}, "… first " + open.actors.length + " of "
                              + num(open.charts, 0)));
    li.append(el("ul", {}, ...items));
  }
  return li;
}

async function drillDown(guid) {
  const d = await getJSON("actors", "?host=" + encodeURIComponent(guid)
                                    + "&charts=1");
  if (!state.charts.has(guid)) return;
  state.charts.set(guid, d);
  renderTree(state.actors);
}

function us(x) {
  return x === null || x === undefined ? "–" : num(x, x < 10 ? 2 : 0);
}

function renderActors() {
  const table = document.getElementById("actors");
  const k = state.sortKey, dir = state.sortAsc ? 1 : -1;
  const rows = [...state.actors].sort((a, b) => {
    // Not measured (null) sorts below every number.
    const x = a[k] ?? -1, y = b[k] ?? -1;
    const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
    return dir * c || a.id - b.id;
  });
  for (const th of table.tHead.rows[0].cells) {
    th.classList.toggle("sorted", th.dataset.key === k);
    th.classList.toggle("asc", th.dataset.key === k && state.sortAsc);
  }
  fillRows(table, rows.map(a => {
    const tr = el("tr", { "data-id": a.id },
      el("td", {}, a.name), el("td", {}, a.kind),
      el("td", { class: "num" }, a.mailbox),
      el("td", { class: "num" }, num(a.handled_per_s, 1)),
      el("td", { class: "num p50" }, us(a.handling_p50_us)),
      el("td", { class: "num p99" }, us(a.handling_p99_us)),
      el("td", { class: "num" }, a.restarts),
      el("td", { class: "num" }, duration(a.uptime_s)));
    if (a.id === state.selected) tr.classList.add("selected");
    tr.addEventListener("click", () => { state.selected = a.id; renderActors(); });
    return tr;
  }));
  const d = state.actors.find(a => a.id === state.selected);
  document.getElementById("detail").hidden = !d;
  if (d) {
    document.getElementById("detail-name").textContent = d.kind + " " + d.name;
    document.getElementById("detail-body").textContent = JSON.stringify(
      { counters: d.counters, rates: d.rates, labels: d.labels }, null, 2);
  }
}

// One small plot: a polyline per series, y scaled to the maximum.
function plot(id, title, t, lines) {
  const w = 300, h = 90;
  let box = document.getElementById(id);
  if (!box) {
    box = el("div", { class: "plot", id });
    box.append(el("h4", {}, title), document.createElementNS(
      "http://www.w3.org/2000/svg", "svg"));
    document.getElementById("plots").append(box);
  }
  const svg = box.querySelector("svg");
  svg.setAttribute("width", w); svg.setAttribute("height", h);
  const now = t.length ? t[t.length - 1] : 0;
  let max = 0;
  for (const l of lines) for (const v of l.values) if (v > max) max = v;
  const ns = "http://www.w3.org/2000/svg";
  const shapes = lines.map((l, i) => {
    const pts = [];
    l.values.forEach((v, j) => {
      if (v === null) return;
      const x = w - (now - t[j]) * w / 300;
      const y = h - 4 - (max > 0 ? v / max : 0) * (h - 16);
      pts.push(x.toFixed(1) + "," + y.toFixed(1));
    });
    const p = document.createElementNS(ns, "polyline");
    p.setAttribute("points", pts.join(" "));
    p.setAttribute("fill", "none");
    p.setAttribute("stroke", ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a",
                              "#ef6c00"][i % 5]);
    return p;
  });
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", 4); label.setAttribute("y", 11);
  label.setAttribute("font-size", "10");
  label.textContent = "max " + num(max, 1);
  svg.replaceChildren(label, ...shapes);
  svg.dataset.points = t.length;
  svg.dataset.last = t.length ? t[t.length - 1] : 0;
}

function renderPlots(s) {
  const series = [{ key: "total", name: "total", data: s.total },
                  ...s.hosts.slice(0, 8).map(h => ({ key: h.guid, name: h.hostname, data: h }))];
  for (const [field, title] of [["samples_per_s", "samples/s"],
                                ["bytes_per_s", "bytes/s"],
                                ["mailbox", "mailbox depth"]])
    for (const x of series)
      plot("plot-" + field + "-" + x.key, title + " — " + x.name, s.t,
           [{ values: x.data[field] }]);
}

async function tick() {
  const status = document.getElementById("status");
  try {
    const [actors, streams, series] = await Promise.all([
      getJSON("actors"), getJSON("streams"), getJSON("series")]);
    state.actors = actors.actors;
    renderTree(actors.actors);
    // Open drill-downs refresh every 5 s (rows/s needs two).
    if (actors.now % 5 === 0)
      for (const guid of state.charts.keys()) drillDown(guid).catch(() => {});
    renderActors();
    renderStreams(streams);
    renderPlots(series);
    status.textContent = "updated " + since(actors.now);
    status.classList.remove("error");
  } catch (e) {
    status.textContent = "daemon unreachable: " + e.message;
    status.classList.add("error");
  }
}

for (const th of document.querySelectorAll("#actors th")) {
  th.addEventListener("click", () => {
    if (state.sortKey === th.dataset.key) state.sortAsc = !state.sortAsc;
    else { state.sortKey = th.dataset.key; state.sortAsc = th.dataset.key === "name"
                                                         || th.dataset.key === "kind"; }
    renderActors();
  });
}

tick();
setInterval(tick, 1000);
