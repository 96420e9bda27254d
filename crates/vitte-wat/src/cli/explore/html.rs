//! The explorer page: one self-contained HTML file, inline CSS and script,
//! no network, no external resource. The data is embedded as JSON in a
//! `<script type="application/json">` element (never executed) and the
//! script builds the DOM from it with `textContent` only, so nothing of the
//! `.vir` (an untrusted input) is ever parsed as HTML or run. A function's
//! columns, CFG and pass view are built when it is opened: 1,000 functions
//! load fast (the page writes its load time on `<body>` as `data-load-ms`
//! for bench/explore-page.sh). `#select=`, `#block=` and `#pass=` in the
//! address apply the same code paths as hovering and clicking, which
//! tests/browser/explore.sh relies on.

use super::model::Page;
use vitte_runtime::profile::xml_escape as escape;

/// The page for `page`. Deterministic: the same data gives the same bytes.
pub fn write(page: &Page) -> String {
    let data = serde_json::to_string(page).expect("the page's data serializes");
    let title = escape(&format!("vitte-wat explore {}", page.file));
    let mut out = String::with_capacity(data.len() + SCRIPT.len() + STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    ));
    out.push_str(&format!(
        "<header><h1>{title}</h1><p>Hover or click a line: the IR line, the WAT and the \
         bytes it became are highlighted; hover a CFG block: its lines. Open a function to \
         see its columns, its CFG (loops dashed red, the lowering's blocks, loops and ifs as \
         brackets) and its WAT after each pass.</p>\
         <p id=\"totals\"></p></header>\n<main id=\"funcs\"></main>\n"
    ));
    out.push_str("<script type=\"application/json\" id=\"data\">");
    out.push_str(&script_safe(&data));
    out.push_str("</script>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// JSON that cannot end its `<script>` element: `<`, `>` and `&` occur in
/// JSON only inside strings, where their `\u` escapes mean the same, so
/// `</script>` or `<!--` in an IR name stays data.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

const STYLE: &str = r#"
body{font:13px/1.35 system-ui,sans-serif;margin:0;color:#111;background:#fafafa}
header{padding:6px 12px;background:#eef;border-bottom:1px solid #ccd}
h1{font-size:15px;margin:2px 0}
header p{margin:2px 0}
details.fn{border-bottom:1px solid #ddd;background:#fff}
details.fn>summary{cursor:pointer;padding:3px 12px;font-family:monospace}
.meta{color:#555;font-family:sans-serif;margin-left:8px}
.cols{display:grid;grid-template-columns:minmax(200px,1fr) minmax(240px,1.2fr) minmax(220px,1fr) auto;gap:6px;padding:6px}
.col{border:1px solid #ccc;background:#fff;overflow:auto;max-height:80vh}
.col h2{font-size:12px;margin:0;padding:2px 6px;background:#eee;position:sticky;top:0}
.l{font-family:monospace;white-space:pre;padding:0 6px;cursor:default}
.l .n{color:#888;display:inline-block;min-width:3.5em}
.l.hl{outline:2px solid #d40;background:#ffd54f!important}
.l.nolink{color:#777}
.l.dead{text-decoration:line-through;color:#777}
.locals{font-family:monospace;padding:2px 6px;color:#444}
svg .node rect{fill:#fff;stroke:#555}
svg .node.header rect{stroke:#c00;stroke-width:2}
svg .node.hl rect{stroke:#d40;stroke-width:3}
svg .node text{font:11px monospace}
svg .edge{fill:none;stroke:#555}
svg .edge.back{stroke:#c00;stroke-dasharray:4 2}
svg .nest{fill:none;stroke-width:2}
svg .nest.k0{stroke:#888}svg .nest.k1{stroke:#c00}svg .nest.k2{stroke:#27c}
.l.hot{font-weight:bold}
.passes{grid-column:1/-1;border:1px solid #ccc;background:#fff}
.passes h2{font-size:12px;margin:0;padding:2px 6px;background:#eee}
.stages{padding:4px 6px;display:flex;flex-wrap:wrap;gap:4px}
.stages button{font:12px monospace;border:1px solid #aac;background:#f4f4ff;border-radius:3px;padding:1px 6px;cursor:pointer}
.stages button.same{color:#888;border-color:#ddd;background:#fafafa}
.stages button.on{background:#335;color:#fff}
.what{margin:2px 6px;color:#444}
.stagecols{display:grid;grid-template-columns:1fr 1fr;gap:6px;padding:0 6px 6px}
.stagecols .col{max-height:60vh}
.diff .add{background:#dfd}.diff .del{background:#fdd}
"#;

const SCRIPT: &str = r##"
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const SVGNS = "http://www.w3.org/2000/svg";
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function colour(b) { return b < 0 ? "" : "hsl(" + ((b * 67) % 360) + ",70%,93%)"; }
// The block of each IR line of a function, to colour the WAT and the bytes.
function blockOfLine(f) {
  const m = new Map();
  for (const l of f.ir) m.set(l.n, l.b);
  return m;
}
// With --profile: each IR line's self samples, and the shading of a line
// (a bar on its left as wide as its share, the block colour kept).
function samplesOfLine(f) {
  const m = new Map();
  for (const l of f.ir) if (l.s) m.set(l.n, l.s);
  return m;
}
function heat(d, s) {
  if (!s || !DATA.samples) return;
  const share = s / DATA.samples;
  d.classList.add("hot");
  d.dataset.share = (100 * share).toFixed(1);
  d.style.boxShadow = "inset " + Math.max(3, Math.round(share * 80)) + "px 0 0 rgba(220,40,0," + (0.35 + 0.6 * share).toFixed(2) + ")";
  d.title = (d.title ? d.title + "; " : "") + s + " of " + DATA.samples + " samples (" + d.dataset.share + "%)";
}
const rendered = new Map();
function render(i) {
  if (rendered.has(i)) return rendered.get(i);
  const f = DATA.funcs[i];
  const blocks = blockOfLine(f);
  const cols = el("div", "cols");
  const ir = el("div", "col ir"); ir.appendChild(el("h2", "", "IR"));
  const samples = samplesOfLine(f);
  for (const l of f.ir) {
    const d = el("div", "l" + (l.inst ? " inst" : "") + (l.dead ? " dead" : ""));
    if (l.via.length) d.title = "no code of its own: computed by the code of line " + l.via.join(", ");
    else if (l.dead) d.title = "unreachable: no code";
    d.dataset.l = l.n;
    d.appendChild(el("span", "n", String(l.n)));
    d.appendChild(document.createTextNode(l.text));
    d.style.background = colour(l.b);
    heat(d, samples.get(l.n));
    ir.appendChild(d);
  }
  const wat = el("div", "col wat"); wat.appendChild(el("h2", "", "WAT"));
  f.wat.forEach((w, k) => {
    const d = el("div", "l" + (w.l ? "" : " nolink"), w.text);
    if (w.l) { d.dataset.l = w.l; d.style.background = colour(blocks.has(w.l) ? blocks.get(w.l) : -1); heat(d, samples.get(w.l)); }
    d.dataset.w = k;
    wat.appendChild(d);
  });
  const bin = el("div", "col bin"); bin.appendChild(el("h2", "", "binary: offset, bytes"));
  for (const o of f.ops) {
    let text = o.off.toString(16).padStart(6, "0") + "  " + o.hex.padEnd(12);
    if (o.w >= 0) text += "  " + f.wat[o.w].text.trim();
    const d = el("div", "l" + (o.l ? "" : " nolink"), text);
    if (o.l) { d.dataset.l = o.l; d.style.background = colour(blocks.has(o.l) ? blocks.get(o.l) : -1); heat(d, samples.get(o.l)); }
    bin.appendChild(d);
  }
  const side = el("div", "col side"); side.appendChild(el("h2", "", "CFG"));
  side.appendChild(drawCfg(f, i));
  side.appendChild(el("h2", "", "locals"));
  for (const l of f.locals) side.appendChild(el("div", "locals", l));
  cols.append(ir, wat, bin, side);
  if (DATA.passes.length) cols.appendChild(passPanel(i));
  cols.addEventListener("mouseover", (ev) => {
    const t = ev.target.closest("[data-l]");
    if (t) { select(i, Number(t.dataset.l)); return; }
    const g = ev.target.closest("[data-b]");
    if (g) selectBlock(i, Number(g.dataset.b));
  });
  cols.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-l]");
    if (t) { select(i, Number(t.dataset.l)); history.replaceState(null, "", "#select=" + encodeURIComponent(f.name) + ":" + t.dataset.l); }
  });
  rendered.set(i, cols);
  return cols;
}
// One row per block (reverse postorder), forward edges on the right, back
// edges (loops) dashed red on the left; loop headers have a red border.
function drawCfg(f, i) {
  const W = 150, H = 22, GAP = 14, LEFT = 40, RIGHT = 60, STEP = 7;
  const rows = f.cfg.blocks.length;
  const svg = document.createElementNS(SVGNS, "svg");
  const depth = f.cfg.nest.reduce((m, n) => Math.max(m, n[1] + 1), 0);
  const width = LEFT + W + RIGHT + depth * STEP + 8, height = Math.max(1, rows) * (H + GAP) + GAP;
  svg.setAttribute("width", width); svg.setAttribute("height", height);
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  const y = (b) => GAP + f.cfg.blocks[b].row * (H + GAP);
  // An arrowhead for the edges' ends, its id unique to the function.
  const marker = document.createElementNS(SVGNS, "marker");
  marker.id = "arrow-" + i;
  for (const [k, v] of [["viewBox", "0 0 6 6"], ["refX", "6"], ["refY", "3"], ["markerWidth", "6"], ["markerHeight", "6"], ["orient", "auto"]]) marker.setAttribute(k, v);
  const head = document.createElementNS(SVGNS, "path");
  head.setAttribute("d", "M0 0 L6 3 L0 6 z");
  marker.appendChild(head);
  const defs = document.createElementNS(SVGNS, "defs");
  defs.appendChild(marker);
  svg.appendChild(defs);
  f.cfg.edges.forEach(([a, b, back], k) => {
    const p = document.createElementNS(SVGNS, "path");
    const ya = y(a) + H / 2, yb = y(b) + H / 2;
    let d;
    if (back) {
      const x = LEFT - 8 - (k % 4) * 6;
      d = "M" + LEFT + " " + ya + " C" + x + " " + ya + " " + x + " " + yb + " " + LEFT + " " + yb;
    } else if (f.cfg.blocks[b].row === f.cfg.blocks[a].row + 1) {
      d = "M" + (LEFT + W / 2) + " " + (y(a) + H) + " L" + (LEFT + W / 2) + " " + y(b);
    } else {
      const x = LEFT + W + 10 + (k % 5) * 9;
      d = "M" + (LEFT + W) + " " + ya + " C" + x + " " + ya + " " + x + " " + yb + " " + (LEFT + W) + " " + yb;
    }
    p.setAttribute("d", d);
    p.setAttribute("class", "edge" + (back ? " back" : ""));
    p.setAttribute("marker-end", "url(#arrow-" + i + ")");
    svg.appendChild(p);
  });
  f.cfg.blocks.forEach((b, k) => {
    const g = document.createElementNS(SVGNS, "g");
    g.setAttribute("class", "node" + (b.header ? " header" : ""));
    g.dataset.b = k;
    const r = document.createElementNS(SVGNS, "rect");
    r.setAttribute("x", LEFT); r.setAttribute("y", y(k));
    r.setAttribute("width", W); r.setAttribute("height", H); r.setAttribute("rx", 3);
    r.style.fill = colour(k);
    const t = document.createElementNS(SVGNS, "text");
    t.setAttribute("x", LEFT + 5); t.setAttribute("y", y(k) + 15);
    t.textContent = b.name + (b.header ? "  (loop)" : "");
    g.append(r, t);
    svg.appendChild(g);
  });
  // The lowering's structure: each block, loop and if a bracket over the
  // rows of the IR blocks inside it, the outermost leftmost.
  const names = ["block", "loop", "if"];
  for (const [kind, d, first, last] of f.cfg.nest) {
    const x = LEFT + W + RIGHT + d * STEP, top = GAP + first * (H + GAP) - 3, bottom = GAP + last * (H + GAP) + H + 3 - d;
    const p = document.createElementNS(SVGNS, "path");
    p.setAttribute("d", "M" + (x + 4) + " " + top + " H" + x + " V" + bottom + " H" + (x + 4));
    p.setAttribute("class", "nest k" + kind);
    const t = document.createElementNS(SVGNS, "title");
    t.textContent = names[kind] + " (WAT), depth " + d;
    p.appendChild(t);
    svg.appendChild(p);
  }
  return svg;
}
// The one highlight code path: hover, click and the #select= fragment.
let current = null;
function select(i, line) {
  if (current) for (const e of current) e.classList.remove("hl");
  const cols = render(i);
  const f = DATA.funcs[i];
  // A line without code of its own also lights the code computing it.
  const ir = f.ir.find((l) => l.n === line) || { b: -1, via: [] };
  current = [];
  for (const n of [line].concat(ir.via)) current.push(...cols.querySelectorAll('[data-l="' + n + '"]'));
  const b = ir.b;
  if (b >= 0) current.push(cols.querySelector('svg .node[data-b="' + b + '"]'));
  for (const e of current) e.classList.add("hl");
}
// Hovering a CFG block: its node, its IR lines and what they became.
function selectBlock(i, b) {
  if (current) for (const e of current) e.classList.remove("hl");
  const cols = render(i);
  const f = DATA.funcs[i];
  current = [];
  const node = cols.querySelector('svg .node[data-b="' + b + '"]');
  if (node) current.push(node);
  for (const l of f.ir) {
    if (l.b !== b) continue;
    for (const n of [l.n].concat(l.via)) current.push(...cols.querySelectorAll('[data-l="' + n + '"]'));
  }
  for (const e of current) e.classList.add("hl");
}
// The pass view: a button per stage, then the function's IR (IR-to-IR
// passes) and WAT after it, with what the pass changed marked.
function applySteps(old, steps, rows) {
  const out = [];
  let at = 0;
  for (const s of steps) {
    if (typeof s === "string") { out.push(s); if (rows) rows.push(["add", s]); continue; }
    const run = old.slice(at, at + Math.abs(s));
    at += run.length;
    if (s > 0) out.push(...run);
    if (rows) for (const t of run) rows.push([s > 0 ? "" : "del", t]);
  }
  return out;
}
function changes(steps) {
  let n = 0;
  for (const s of steps) n += typeof s === "string" ? 1 : s < 0 ? -s : 0;
  return n;
}
function passPanel(i) {
  const f = DATA.funcs[i];
  const panel = el("div", "passes");
  panel.appendChild(el("h2", "", "after each pass (what it changed: - removed, + added)"));
  const bar = el("div", "stages");
  DATA.passes.forEach((p, k) => {
    const st = f.stages[k];
    const n = changes(st.wat) + changes(st.ir);
    const prev = k ? f.stages[k - 1].size : st.size;
    const delta = st.size - prev;
    const b = el("button", "stage" + (k && !n ? " same" : ""), p.name + " " + st.size + "B" + (delta ? " (" + (delta > 0 ? "+" : "") + delta + ")" : ""));
    b.dataset.k = k;
    b.title = (p.what || (k ? "always runs" : "the plain lowering: structured control flow, every value in a local")) + (k ? "; " + n + " lines changed" : "");
    bar.appendChild(b);
  });
  bar.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (b) showStage(i, Number(b.dataset.k));
  });
  panel.append(bar, el("p", "what"), el("div", "stagecols"));
  showStage(i, DATA.passes.length - 1, panel);
  return panel;
}
function showStage(i, k, panel) {
  panel = panel || render(i).querySelector(".passes");
  if (!panel || !DATA.passes[k]) { console.warn("no pass " + k); return; }
  const f = DATA.funcs[i], p = DATA.passes[k];
  panel.dataset.stage = k;
  for (const b of panel.querySelectorAll(".stages button")) b.classList.toggle("on", Number(b.dataset.k) === k);
  let ir = [], wat = [];
  const irRows = [], watRows = [];
  for (let s = 0; s <= k; s++) {
    if (DATA.passes[s].ir) ir = applySteps(ir, f.stages[s].ir, s === k ? irRows : null);
    wat = applySteps(wat, f.stages[s].wat, s === k ? watRows : null);
  }
  panel.querySelector(".what").textContent = p.name + ": " + (p.what || (k ? "always runs" : "the plain lowering")) + "; " + f.stages[k].size + " bytes";
  const box = panel.querySelector(".stagecols");
  box.textContent = "";
  const column = (title, rows) => {
    const c = el("div", "col diff"); c.appendChild(el("h2", "", title));
    for (const [cls, t] of rows) c.appendChild(el("div", "l" + (cls ? " " + cls : ""), (cls === "add" ? "+ " : cls === "del" ? "- " : "  ") + t));
    return c;
  };
  box.appendChild(p.ir ? column("IR after " + p.name, irRows) : column("IR: unchanged by a lowering pass", ir.map((t) => ["", t])));
  box.appendChild(column("WAT after " + p.name, watRows));
}
const main = document.getElementById("funcs");
const details = [];
let total = 0;
DATA.funcs.forEach((f, i) => {
  total += f.size;
  const d = el("details", "fn");
  d.id = "fn-" + i;
  const s = el("summary", "", "@" + f.name);
  let meta = f.size + " bytes, " + f.cfg.blocks.length + " blocks, " + f.locals.length + " params and locals";
  if (DATA.samples) meta += ", " + (100 * f.ir.reduce((n, l) => n + l.s, 0) / DATA.samples).toFixed(1) + "% of the samples";
  s.appendChild(el("span", "meta", meta));
  d.appendChild(s);
  d.addEventListener("toggle", () => { if (d.open && !d.querySelector(".cols")) d.appendChild(render(i)); });
  details.push(d);
});
main.append(...details);
document.getElementById("totals").textContent =
  DATA.file + " (" + DATA.target + "): " + DATA.funcs.length + " functions, " + total + " bytes of code";
// #select=NAME:LINE opens @NAME and highlights LINE as hovering it would;
// #block=NAME:B as hovering its CFG block B; #pass=NAME:K shows stage K
// as clicking its button would. Several, joined by `&`, apply in order.
function fromFragment() {
  for (const part of location.hash.replace(/^#/, "").split("&")) {
    const m = /^(select|block|pass)=(.*):(\d+)$/.exec(part);
    if (!m) continue;
    const name = decodeURIComponent(m[2]);
    const i = DATA.funcs.findIndex((f) => f.name === name);
    if (i < 0) { console.warn("no function " + name); continue; }
    const d = details[i];
    if (!d.querySelector(".cols")) d.appendChild(render(i));
    d.open = true;
    const n = Number(m[3]);
    if (m[1] === "select") select(i, n);
    else if (m[1] === "block") selectBlock(i, n);
    else showStage(i, n);
    d.scrollIntoView();
  }
}
// How long the page took to open (the data parsed, the list built and
// laid out), for bench/explore-page.sh.
void main.offsetHeight;
document.body.dataset.loadMs = Math.round(performance.now());
window.addEventListener("hashchange", fromFragment);
fromFragment();
"##;
