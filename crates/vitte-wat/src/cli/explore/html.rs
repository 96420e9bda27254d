//! The explorer page: one self-contained HTML file, inline CSS and script,
//! no network, no external resource. The data is embedded as JSON in a
//! `<script type="application/json">` element (never executed) and the
//! script builds the DOM from it with `textContent` only, so nothing of the
//! `.vir` (an untrusted input) is ever parsed as HTML or run. A function's
//! columns and CFG are built when it is opened: 1,000 functions load fast.

use super::model::Page;

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
         bytes it became are highlighted. Open a function to see its columns and CFG.</p>\
         <p id=\"totals\"></p></header>\n<main id=\"funcs\"></main>\n"
    ));
    out.push_str("<script type=\"application/json\" id=\"data\">");
    out.push_str(&script_safe(&data));
    out.push_str("</script>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// Text for HTML content or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
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
const rendered = new Map();
function render(i) {
  if (rendered.has(i)) return rendered.get(i);
  const f = DATA.funcs[i];
  const blocks = blockOfLine(f);
  const cols = el("div", "cols");
  const ir = el("div", "col ir"); ir.appendChild(el("h2", "", "IR"));
  for (const l of f.ir) {
    const d = el("div", "l" + (l.inst ? " inst" : "") + (l.dead ? " dead" : ""));
    if (l.via.length) d.title = "no code of its own: computed by the code of line " + l.via.join(", ");
    else if (l.dead) d.title = "unreachable: no code";
    d.dataset.l = l.n;
    d.appendChild(el("span", "n", String(l.n)));
    d.appendChild(document.createTextNode(l.text));
    d.style.background = colour(l.b);
    ir.appendChild(d);
  }
  const wat = el("div", "col wat"); wat.appendChild(el("h2", "", "WAT"));
  f.wat.forEach((w, k) => {
    const d = el("div", "l" + (w.l ? "" : " nolink"), w.text);
    if (w.l) { d.dataset.l = w.l; d.style.background = colour(blocks.has(w.l) ? blocks.get(w.l) : -1); }
    d.dataset.w = k;
    wat.appendChild(d);
  });
  const bin = el("div", "col bin"); bin.appendChild(el("h2", "", "binary: offset, bytes"));
  for (const o of f.ops) {
    let text = o.off.toString(16).padStart(6, "0") + "  " + o.hex.padEnd(12);
    if (o.w >= 0) text += "  " + f.wat[o.w].text.trim();
    const d = el("div", "l" + (o.l ? "" : " nolink"), text);
    if (o.l) { d.dataset.l = o.l; d.style.background = colour(blocks.has(o.l) ? blocks.get(o.l) : -1); }
    bin.appendChild(d);
  }
  const side = el("div", "col side"); side.appendChild(el("h2", "", "CFG"));
  side.appendChild(drawCfg(f, i));
  side.appendChild(el("h2", "", "locals"));
  for (const l of f.locals) side.appendChild(el("div", "locals", l));
  cols.append(ir, wat, bin, side);
  cols.addEventListener("mouseover", (ev) => {
    const t = ev.target.closest("[data-l]");
    if (t) select(i, Number(t.dataset.l));
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
  const W = 150, H = 22, GAP = 14, LEFT = 40, RIGHT = 60;
  const rows = f.cfg.blocks.length;
  const svg = document.createElementNS(SVGNS, "svg");
  const width = LEFT + W + RIGHT, height = Math.max(1, rows) * (H + GAP) + GAP;
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
const main = document.getElementById("funcs");
const details = [];
let total = 0;
DATA.funcs.forEach((f, i) => {
  total += f.size;
  const d = el("details", "fn");
  d.id = "fn-" + i;
  const s = el("summary", "", "@" + f.name);
  s.appendChild(el("span", "meta", f.size + " bytes, " + f.cfg.blocks.length + " blocks, " + f.locals.length + " params and locals"));
  d.appendChild(s);
  d.addEventListener("toggle", () => { if (d.open && !d.querySelector(".cols")) d.appendChild(render(i)); });
  details.push(d);
});
main.append(...details);
document.getElementById("totals").textContent =
  DATA.file + " (" + DATA.target + "): " + DATA.funcs.length + " functions, " + total + " bytes of code";
// #select=NAME:LINE opens @NAME and highlights LINE as hovering it would.
function fromFragment() {
  const m = /^#select=(.*):(\d+)$/.exec(location.hash);
  if (!m) return;
  const name = decodeURIComponent(m[1]);
  const i = DATA.funcs.findIndex((f) => f.name === name);
  if (i < 0) { console.warn("no function " + name); return; }
  const d = details[i];
  if (!d.querySelector(".cols")) d.appendChild(render(i));
  d.open = true;
  select(i, Number(m[2]));
  d.scrollIntoView();
}
window.addEventListener("hashchange", fromFragment);
fromFragment();
"##;
