// showctl page: a client of the native API (docs/api.md) over the page's own /api.
// Everything on screen comes from the engine's pushed state (no polling); a lost
// connection is shown and retried by itself. No build step: plain browser JavaScript.
"use strict";

const $ = (id) => document.getElementById(id);
const page = {
  ws: null, level: null, show: null, state: null, cues: {}, nextId: 1, retry: 500,
  refused: false, updates: 0, lastUpdate: 0, timer: null,
};
window.showctlPage = page; // for tests and the curious

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// ---------------------------------------------------------------- formatting

function len(t) {
  if (t === null || t === undefined) return "–";
  const sign = t < 0 ? "-" : "";
  let n = Math.round(Math.abs(t));
  const h = Math.floor(n / 3600); n -= h * 3600;
  const m = Math.floor(n / 60), s = n - m * 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${m}:${ss}`;
}
function delta(t) {
  if (t === null || t === undefined) return "–";
  if (Math.round(t) === 0) return "0:00";
  return (t > 0 ? "+" : "") + len(t);
}
function planTime(t, tod) {
  if (t === null || t === undefined) return "–";
  if (!tod) return "+" + len(t);
  t = ((Math.round(t) % 86400) + 86400) % 86400;
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  const hm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  return s ? `${hm}:${String(s).padStart(2, "0")}` : hm;
}
function lateClass(t) {
  if (t === null || t === undefined || Math.round(t) === 0) return "";
  return t > 0 ? "late" : "early";
}

// ---------------------------------------------------------------- connection

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  setConn("connecting…", "connecting");
  const ws = new WebSocket(`${proto}//${location.host}/api`);
  page.ws = ws;
  ws.onopen = () => {
    page.retry = 500;
    // patches: after the first state, only the cue rows that changed come (docs/api.md).
    const hello = { op: "hello", version: 1, lists: null, outputs: [], patches: true };
    const code = sessionStorage.getItem("showctl.passcode");
    if (code) hello.passcode = code;
    ws.send(JSON.stringify(hello));
  };
  ws.onmessage = (m) => receive(JSON.parse(m.data));
  ws.onclose = () => {
    if (page.ws !== ws) return;
    page.ws = null;
    if (page.refused) return;
    setConn("connection lost — reconnecting…", "lost");
    clearTimeout(page.timer);
    page.timer = setTimeout(connect, page.retry);
    page.retry = Math.min(page.retry * 2, 4000);
  };
}

function setConn(text, cls) {
  $("conn").textContent = text;
  document.body.classList.remove("connecting", "live", "lost", "refused");
  document.body.classList.add(cls);
}

function send(msg) {
  if (page.ws && page.ws.readyState === WebSocket.OPEN) {
    page.ws.send(JSON.stringify(msg));
    return true;
  }
  return false;
}

function receive(msg) {
  switch (msg.op) {
    case "welcome":
      page.level = msg.level;
      page.refused = false;
      $("login").hidden = true;
      $("main").hidden = false;
      setConn(`live · ${msg.level}`, "live");
      setShow(msg.show);
      setState(msg.state);
      break;
    case "state": setState(msg.state); break;
    case "show": setShow(msg.show); if (page.state) render(); break;
    case "result": result(msg); break;
    case "bye": bye(msg.reason || "disconnected"); break;
    default: break; // log lines and ops of newer engines: not shown here
  }
}

function bye(reason) {
  if (/passcode/.test(reason)) {
    page.refused = true;
    sessionStorage.removeItem("showctl.passcode");
    $("login-msg").textContent = reason === "wrong passcode"
      ? "Wrong passcode." : "This show needs a passcode.";
    $("login").hidden = false;
    $("main").hidden = true;
    setConn("passcode needed", "refused");
    $("passcode").focus();
  } else {
    setConn(`${reason} — reconnecting…`, "lost");
  }
}

// ---------------------------------------------------------------- show & state

function setShow(show) {
  page.show = show;
  page.cues = {};
  const outputs = show.outputs || {};
  const firstDmx = Object.entries(outputs).find(([, o]) => o.kind === "dmx");
  // an output's department: the one it names (department: sound), else its own name —
  // as showctl.model.show.Show.department says
  const deptOf = (name) => (outputs[name] && outputs[name].department) || name;
  const walk = (list, cues) => {
    for (const c of cues) {
      let out = c.output || c.artnet || null;
      if (c.type === "light" && !out && firstDmx) out = firstDmx[0];
      const dept = out ? deptOf(out) : null;
      page.cues[`${list}\u0000${c.number}`] = { notes: c.notes || "", dept, type: c.type };
      if (c.cues) walk(list, c.cues);
    }
  };
  for (const [name, cl] of Object.entries(show.cuelists || {})) walk(name, cl.cues || []);
  $("title").textContent = (show.show && show.show.title) || "showctl";
  document.title = $("title").textContent;
  const sel = $("dept"), keep = sel.value;
  sel.replaceChildren(el("option", "", "all"));
  sel.firstChild.value = "";
  const depts = [...new Set(Object.keys(outputs).map(deptOf))];
  for (const name of depts) {
    const o = el("option", "", name);
    o.value = name;
    sel.appendChild(o);
  }
  sel.value = depts.includes(keep) ? keep : "";
}

function cueInfo(list, number) {
  return page.cues[`${list}\u0000${number}`] || { notes: "", dept: null, type: "" };
}

function setState(state) {
  const before = page.state ? page.state.lists : {};
  for (const [name, lv] of Object.entries(state.lists || {})) {
    const patch = lv.rows_patch;
    if (!patch) continue;
    const had = before[name] ? before[name].rows || [] : [];
    const rows = had.slice(0, patch.length);
    for (const [i, row] of patch.set) rows[i] = row;
    if (rows.length !== patch.length || rows.includes(undefined)) {
      // Not the rows the engine thinks we have: ask for the whole state again.
      if (page.ws) page.ws.send(JSON.stringify({ op: "state", whole: true }));
      return;
    }
    lv.rows = rows;
    delete lv.rows_patch;
  }
  page.state = state;
  render();
  page.updates += 1;
  page.lastUpdate = Date.now();
}

function render() {
  const s = page.state;
  $("clock").textContent = s.elapsed === null || s.elapsed === undefined ? "–" : len(s.elapsed);
  renderShowFile(s.show_file);
  renderSchedule(s.schedule);
  renderCues(s);
  renderRemote(s);
}

// Hot reload's news of the show file (docs/live.md): a refused save's problems, a file
// changed under unsaved console edits, a reload waiting for the running cues.
function renderShowFile(sf) {
  const box = $("showfile");
  let text = "";
  let wait = false;
  if (sf && sf.problems && sf.problems.length) {
    const more = sf.problems.length > 3 ? `\n… ${sf.problems.length - 3} more` : "";
    text = "Show file refused — the show runs the last good version:\n"
      + sf.problems.slice(0, 3).join("\n") + more;
  } else if (sf && sf.conflict) {
    text = "Show file changed on disk while the console has unsaved edits";
  } else if (sf && sf.pending) {
    text = `Reload waits for the running cues (${sf.pending})`;
    wait = true;
  }
  box.hidden = !text;
  box.classList.toggle("wait", wait);
  if (box.textContent !== text) box.textContent = text;
}

function renderSchedule(sc) {
  $("ros-none").hidden = !!sc;
  const over = $("ros-over");
  if (!sc) {
    over.textContent = "–";
    over.className = "over";
    $("ros-over-word").textContent = "run of show";
    $("ros-table").tBodies[0].replaceChildren();
    return;
  }
  over.textContent = delta(sc.over);
  const cls = lateClass(sc.over);
  over.className = "over " + (cls || (sc.over === null ? "" : "ontime"));
  $("ros-over-word").textContent = sc.over === null ? "not started"
    : cls === "late" ? "behind" : cls === "early" ? "ahead" : "on time";
  const segs = sc.segments || [];
  const cur = sc.current === null ? null : segs[sc.current];
  $("ros-current").textContent = cur ? cur.name : "not started";
  $("ros-elapsed").textContent = len(sc.elapsed);
  const rem = $("ros-remaining");
  rem.textContent = len(sc.remaining);
  rem.className = sc.remaining !== null && sc.remaining < 0 ? "late" : "";
  const nx = sc.next === null ? null : segs[sc.next];
  $("ros-next").textContent = nx ? nx.name : "—";
  $("ros-next-at").textContent = nx ? planTime(nx.planned_start, sc.time_of_day) : "–";
  const nin = $("ros-next-in");
  nin.textContent = !nx ? "–" : sc.next_in !== null && sc.next_in < 0
    ? `overdue ${len(-sc.next_in)}` : len(sc.next_in);
  nin.className = nx && sc.next_in !== null && sc.next_in < 0 ? "late" : "";
  const body = $("ros-table").tBodies[0];
  const rows = segs.map((g) => {
    const tr = el("tr", g.state);
    const dl = g.length_delta !== null ? g.length_delta : g.start_delta;
    const cells = [g.name, planTime(g.planned_start, sc.time_of_day), len(g.planned_length),
      planTime(g.actual_start, sc.time_of_day), len(g.actual_length), delta(dl)];
    cells.forEach((c, i) => {
      const td = el("td", i === 5 ? lateClass(dl) : "", c);
      tr.appendChild(td);
    });
    return tr;
  });
  body.replaceChildren(...rows);
}

function runCount(r) {
  if (r.prewait_left !== null && r.prewait_left !== undefined) return ["pre", r.prewait_left];
  if (r.remaining !== null && r.remaining !== undefined) return ["", r.remaining];
  if (r.postwait_left !== null && r.postwait_left !== undefined) return ["post", r.postwait_left];
  return ["", null];
}

function renderCues(s) {
  const dept = $("dept").value;
  const wanted = (list, number) => !dept || cueInfo(list, number).dept === dept;
  const out = [];
  for (const name of s.list_names && s.list_names.length ? s.list_names : Object.keys(s.lists)) {
    const lv = s.lists[name];
    if (!lv) continue;
    const box = el("div", "list");
    box.dataset.list = name;
    box.appendChild(el("h2", "", name));
    const rows = (lv.rows || []).filter((r) => r.navigable);
    const at = rows.findIndex((r) => r.number === lv.playhead);
    // the standby cue; with a department: the next cue of it from the playhead on
    let sb = at >= 0 ? rows[at] : null;
    let label = "standby";
    if (dept && sb && !wanted(name, sb.number)) {
      const all = lv.rows || [];
      const from = all.findIndex((r) => r.number === lv.playhead);
      sb = all.slice(from).find((r) => wanted(name, r.number)) || null;
      label = `next ${dept} cue`;
    }
    const card = el("div", "card standby");
    card.appendChild(el("div", "label", label));
    if (sb) {
      const info = cueInfo(name, sb.number);
      const line = el("div", "cue");
      line.appendChild(el("span", "num", sb.number));
      line.appendChild(document.createTextNode(" " + (sb.name || sb.type)));
      if (info.dept) line.appendChild(el("span", "dept", info.dept));
      card.appendChild(line);
      card.appendChild(el("div", "notes", info.notes));
      card.dataset.cue = sb.number;
    } else {
      card.appendChild(el("div", "cue muted", "end of list"));
      card.dataset.cue = "";
    }
    box.appendChild(card);
    const runs = (s.running || []).filter((r) => r.list === name && wanted(name, r.number));
    const rc = el("div", "card running");
    rc.appendChild(el("div", "label", runs.length ? "running" : "nothing running"));
    for (const r of runs) {
      const [what, left] = runCount(r);
      const row = el("div", "run" + (r.paused ? " paused" : ""));
      row.dataset.cue = r.number;
      row.appendChild(el("span", "", `${r.number} ${r.name}${what ? " · " + what : ""}`));
      const bar = el("div", "bar"), fill = el("div");
      if (r.duration && r.elapsed !== null) {
        fill.style.width = `${Math.min(100, (100 * r.elapsed) / r.duration)}%`;
      }
      bar.appendChild(fill);
      row.appendChild(bar);
      row.appendChild(el("span", "count", left === null ? "" : len(Math.ceil(left))));
      rc.appendChild(row);
    }
    box.appendChild(rc);
    const ln = el("div", "lastnext");
    const before = rows.slice(0, at >= 0 ? at : rows.length).filter((r) => wanted(name, r.number));
    const after = at >= 0 ? rows.slice(at + 1).filter((r) => wanted(name, r.number)) : [];
    const last = before[before.length - 1], next = after[0];
    ln.appendChild(el("span", "last", "last: " + (last ? `${last.number} ${last.name}` : "–")));
    ln.appendChild(el("span", "next", "next: " + (next ? `${next.number} ${next.name}` : "–")));
    box.appendChild(ln);
    out.push(box);
  }
  $("lists").replaceChildren(...out);
}

function renderRemote(s) {
  const ok = page.level === "control" || page.level === "edit";
  $("remote-on").hidden = !ok;
  $("remote-off").hidden = ok;
  if (!ok) return;
  const sel = $("remote-list");
  const names = s.list_names && s.list_names.length ? s.list_names : Object.keys(s.lists);
  if (sel.options.length !== names.length || [...sel.options].some((o, i) => o.value !== names[i])) {
    const keep = sel.value;
    sel.replaceChildren(...names.map((n) => { const o = el("option", "", n); o.value = n; return o; }));
    if (names.includes(keep)) sel.value = keep;
  }
  const lv = s.lists[sel.value] || s.lists[names[0]];
  if (!lv) return;
  const row = (lv.rows || []).find((r) => r.number === lv.playhead);
  $("remote-standby").textContent = lv.playhead === null ? "standby: end of list"
    : `standby: ${lv.playhead} ${row ? row.name : ""}`;
  const go = $("btn-go");
  const wait = lv.go_wait || 0;
  go.disabled = wait > 0 || lv.playhead === null || s.mode !== "show";
  $("go-guard").textContent = wait > 0 ? `GO guard: ${wait.toFixed(1)} s` : "";
  go.classList.toggle("guarded", wait > 0);
}

// ---------------------------------------------------------------- commands

const pending = {};

function command(verb, args) {
  const id = page.nextId++;
  pending[id] = verb;
  const sent = send({ op: "cmd", id, verb, args: args || {} });
  const msg = $("remote-msg");
  msg.className = sent ? "msg" : "msg bad";
  msg.textContent = sent ? `${verb}…` : "not connected";
}

function result(msg) {
  const verb = pending[msg.id];
  delete pending[msg.id];
  if (verb === undefined) return;
  const box = $("remote-msg");
  box.className = msg.ok ? "msg" : "msg bad";
  box.textContent = msg.message || (msg.ok ? verb : `${verb} refused`);
}

function setup() {
  for (const b of document.querySelectorAll("nav button")) {
    b.addEventListener("click", () => {
      for (const x of document.querySelectorAll("nav button")) x.classList.toggle("on", x === b);
      for (const t of document.querySelectorAll(".tab")) t.classList.toggle("on", t.id === b.dataset.tab);
    });
  }
  $("dept").addEventListener("change", () => page.state && render());
  $("remote-list").addEventListener("change", () => page.state && render());
  const list = () => ({ list: $("remote-list").value || null });
  $("btn-go").addEventListener("click", () => command("go", list()));
  $("btn-back").addEventListener("click", () => command("back", list()));
  $("btn-stop").addEventListener("click", () => command("stop", {}));
  $("btn-panic").addEventListener("click", () => command("panic", {}));
  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem("showctl.passcode", $("passcode").value);
    page.refused = false;
    if (page.ws) page.ws.close();
    connect();
  });
  connect();
}

document.addEventListener("DOMContentLoaded", setup);
