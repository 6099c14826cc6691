// The board explorer's page: levers on the left, the streamed answer on the right.
// Every change starts a new answer and aborts the one it replaces; the address holds the
// settings, so a what-if can be bookmarked and shared.
"use strict";

const state = { levers: [], baseline: {}, replications: 0, controller: null, timer: null, started: 0 };
const $ = (id) => document.getElementById(id);

function fieldId(path) {
  return "lever-" + path.replace(/[^A-Za-z0-9]/g, "-");
}

function format(x, unit) {
  if (x === null || x === undefined || !isFinite(x)) return "n/a";
  switch (unit) {
    case "days": return x.toFixed(1) + " days";
    case "share": return (100 * x).toFixed(1) + "%";
    case "pounds": return "£" + Math.round(x).toLocaleString("en-GB");
    default: return x.toFixed(1);
  }
}

function text(tag, content, cls) {
  const e = document.createElement(tag);
  if (content !== undefined) e.textContent = content;
  if (cls) e.className = cls;
  return e;
}

// ---- levers -----------------------------------------------------------------------

function buildLevers(data) {
  state.levers = data.levers;
  state.replications = data.replications;
  const form = $("levers");
  $("levers-loading").remove();
  const groups = new Map();
  for (const lever of data.levers) {
    state.baseline[lever.path] = lever.value;
    if (!groups.has(lever.group)) {
      const fs = document.createElement("fieldset");
      fs.appendChild(text("legend", lever.group));
      groups.set(lever.group, fs);
    }
    groups.get(lever.group).appendChild(leverField(lever));
  }
  const runs = {
    path: "replications", label: "Simulated runs for each answer", group: "Runs", kind: "int",
    min: data.min_replications, max: data.max_replications, step: 10, value: data.replications, unit: "runs",
  };
  state.baseline.replications = data.replications;
  const fs = document.createElement("fieldset");
  fs.appendChild(text("legend", "Runs"));
  fs.appendChild(leverField(runs));
  groups.set("Runs", fs);
  const buttons = form.querySelector(".buttons");
  for (const fs of groups.values()) form.insertBefore(fs, buttons);
}

function leverField(lever) {
  const box = text("div", undefined, "lever");
  const id = fieldId(lever.path);
  const label = text("label", lever.label);
  label.htmlFor = id;
  box.appendChild(label);
  let input;
  if (lever.kind === "choice") {
    input = document.createElement("select");
    for (const c of lever.choices) {
      const o = text("option", c);
      o.value = c;
      input.appendChild(o);
    }
    input.value = lever.value;
  } else if (lever.kind === "bool") {
    input = document.createElement("input");
    input.type = "checkbox";
    input.checked = !!lever.value;
  } else {
    input = document.createElement("input");
    input.type = "number";
    input.min = lever.min;
    input.max = lever.max;
    input.step = lever.step;
    input.value = lever.value;
    input.inputMode = lever.kind === "int" ? "numeric" : "decimal";
  }
  input.id = id;
  input.dataset.path = lever.path;
  const problem = text("p", "", "field-problem");
  problem.id = id + "-problem";
  problem.hidden = true;
  input.setAttribute("aria-describedby", problem.id);
  input.addEventListener("input", changed);
  input.addEventListener("change", changed);
  box.appendChild(input);
  if (lever.kind !== "bool") {
    const unit = lever.unit === "posts" && lever.value === 1 ? "post" : lever.unit;
    const was = unit === "£" ? "£" + lever.value.toLocaleString("en-GB")
      : lever.value + (unit && unit !== "×" ? " " + unit : "");
    box.appendChild(text("span", "scenario: " + was, "was"));
  }
  box.appendChild(problem);
  return box;
}

function leverOf(path) {
  return state.levers.find((l) => l.path === path) ||
    (path === "replications" ? { kind: "int", min: 20, max: 2000 } : null);
}

function valueOf(input) {
  const lever = leverOf(input.dataset.path);
  if (lever.kind === "bool") return input.checked;
  if (lever.kind === "choice") return input.value;
  return input.value.trim() === "" ? NaN : Number(input.value);
}

// A field's problem shown beside it; null clears it.
function showProblem(path, message) {
  const input = $(fieldId(path));
  if (!input) return false;
  const p = $(fieldId(path) + "-problem");
  p.textContent = message || "";
  p.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
  return true;
}

// The settings that differ from the scenario, each checked; null when one is not valid.
function settings() {
  const out = {};
  let ok = true;
  for (const input of document.querySelectorAll("[data-path]")) {
    const path = input.dataset.path;
    const lever = leverOf(path);
    const v = valueOf(input);
    let problem = null;
    if (lever.kind === "int" || lever.kind === "number") {
      if (!isFinite(v)) problem = "Enter a number from " + lever.min + " to " + lever.max + ".";
      else if (v < lever.min || v > lever.max) problem = "Must be from " + lever.min + " to " + lever.max + ".";
      else if (lever.kind === "int" && !Number.isInteger(v)) problem = "Must be a whole number.";
    }
    showProblem(path, problem);
    input.closest(".lever").classList.toggle("changed", path !== "replications" && v !== state.baseline[path] && !problem);
    if (problem) ok = false;
    else if (v !== state.baseline[path]) out[path] = v;
  }
  return ok ? out : null;
}

function toAddress(s) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) q.set(k, String(v));
  const query = q.toString();
  history.replaceState(null, "", query ? "?" + query : location.pathname);
}

function fromAddress() {
  const q = new URLSearchParams(location.search);
  for (const [path, raw] of q.entries()) {
    const input = $(fieldId(path));
    const lever = leverOf(path);
    if (!input || !lever) continue;
    if (lever.kind === "bool") input.checked = raw === "true";
    else input.value = raw;
  }
}

function changed() {
  clearTimeout(state.timer);
  state.timer = setTimeout(ask, 120);
}

// ---- the answer ---------------------------------------------------------------------

function request(s) {
  const body = { settings: {} };
  for (const [k, v] of Object.entries(s)) {
    if (k === "replications") body.replications = v;
    else body.settings[k] = v;
  }
  return body;
}

async function ask() {
  const s = settings();
  if (!s) {
    $("status").textContent = "A lever has a value it cannot take: see the message beside it.";
    document.body.dataset.answer = "invalid";
    return;
  }
  toAddress(s);
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  state.started = performance.now();
  state.first = null;
  $("request-problem").hidden = true;
  $("status").textContent = "Running…";
  document.body.dataset.answer = "running";
  let response;
  try {
    response = await fetch("/api/answer", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request(s)),
      signal: controller.signal,
    });
  } catch (e) {
    if (controller.signal.aborted) return;
    return failed("The server did not answer: " + e.message);
  }
  if (!response.ok) return problems(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).replace(/^ /, "");
        }
        if (event === "answer" && controller === state.controller) show(JSON.parse(data));
        else if (event === "failed") failed(data);
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) failed("The answer stopped: " + e.message);
  }
}

async function problems(response) {
  let body = {};
  try { body = await response.json(); } catch (e) { /* not JSON */ }
  let general = [];
  for (const p of body.problems || []) {
    if (!p.field || !showProblem(p.field, p.message)) general.push(p.message);
  }
  if (body.error) general.push(body.error);
  if (general.length) failed(general.join(" "));
  else $("status").textContent = "A lever has a value the scenario cannot take: see the message beside it.";
  document.body.dataset.answer = "refused";
}

function failed(message) {
  const box = $("request-problem");
  box.textContent = message;
  box.hidden = false;
  $("status").textContent = "No answer for these settings.";
  document.body.dataset.answer = "failed";
}

function show(a) {
  const t = (performance.now() - state.started) / 1000;
  if (state.first === null) state.first = t;
  const cards = $("cards");
  cards.replaceChildren();
  for (const c of a.cards) {
    const card = text("div", undefined, "card" + (c.distinguishable ? " real" : ""));
    card.dataset.key = c.key;
    card.appendChild(text("div", c.label, "label"));
    const values = text("div", undefined, "values");
    values.appendChild(text("span", format(c.base, c.unit), "base"));
    values.appendChild(text("span", "→", "arrow"));
    values.appendChild(text("span", format(c.what_if, c.unit), "what-if"));
    values.setAttribute("aria-label", "scenario " + format(c.base, c.unit) + ", what-if " + format(c.what_if, c.unit));
    card.appendChild(values);
    card.appendChild(text("div", "What-if against the scenario: " + c.words, "words"));
    cards.appendChild(card);
  }
  const body = $("areas").querySelector("tbody");
  body.replaceChildren();
  for (const c of a.areas) {
    const tr = document.createElement("tr");
    const th = text("th", c.label.replace(/^Mean wait, /, ""));
    th.scope = "row";
    tr.appendChild(th);
    tr.appendChild(text("td", format(c.base, c.unit), "n"));
    tr.appendChild(text("td", format(c.what_if, c.unit), "n"));
    tr.appendChild(text("td", c.words));
    body.appendChild(tr);
  }
  if (a.pictures.length) {
    const box = $("pictures");
    box.replaceChildren();
    a.pictures.forEach((p, i) => {
      const fig = document.createElement("figure");
      const svg = new DOMParser().parseFromString(p.svg, "image/svg+xml").documentElement;
      svg.setAttribute("role", "img");
      const title = svg.querySelector("title");
      if (title) svg.setAttribute("aria-label", title.textContent);
      fig.appendChild(document.importNode(svg, true));
      const cap = document.createElement("figcaption");
      cap.textContent = p.caption;
      fig.appendChild(cap);
      const desc = svg.querySelector("desc");
      if (desc) {
        const d = document.createElement("details");
        d.className = "numbers";
        d.appendChild(text("summary", "The numbers behind this picture"));
        const ul = document.createElement("ul");
        for (const line of desc.textContent.trim().split("\n")) ul.appendChild(text("li", line));
        d.appendChild(ul);
        fig.appendChild(d);
      }
      box.appendChild(fig);
    });
  }
  const settled = a.done;
  $("status").textContent = settled
    ? `Settled: ${a.replications} runs of each (seed ${a.seed}); first answer in ${state.first.toFixed(2)} s, settled in ${t.toFixed(2)} s.`
    : `${a.replications} of ${a.total} runs so far; the intervals narrow as more finish…`;
  document.body.dataset.answer = settled ? "settled" : "running";
  document.body.dataset.replications = a.replications;
  document.body.dataset.firstSeconds = state.first.toFixed(3);
  document.body.dataset.settledSeconds = settled ? t.toFixed(3) : "";
}

// ---- downloads ----------------------------------------------------------------------

async function download(url, name) {
  const s = settings();
  if (!s) return failed("A lever has a value it cannot take: see the message beside it.");
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request(s)),
  });
  if (!response.ok) return problems(response);
  const blob = await response.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function start() {
  let data;
  try {
    data = await (await fetch("/api/levers")).json();
  } catch (e) {
    return failed("The levers could not be loaded: " + e.message);
  }
  buildLevers(data);
  fromAddress();
  $("reset").addEventListener("click", () => {
    history.replaceState(null, "", location.pathname);
    for (const input of document.querySelectorAll("[data-path]")) {
      const v = state.baseline[input.dataset.path];
      if (input.type === "checkbox") input.checked = !!v;
      else input.value = v;
    }
    ask();
  });
  $("download-scenario").addEventListener("click", () => download("/api/scenario", "what-if.toml"));
  $("download-report").addEventListener("click", () => download("/api/report", "what-if-report.html"));
  ask();
}

document.addEventListener("DOMContentLoaded", start);
