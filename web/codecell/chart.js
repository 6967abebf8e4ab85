// The chart a cell's `plot(xs, ys)` draws (web/codecell/cellrun.py collects the numbers): a small
// SVG line chart with its axes' ranges written on it, named for screen readers, with the numbers
// themselves in a table under a "Data" disclosure. It scales to the cell's width.

const SVG = "http://www.w3.org/2000/svg";
const W = 480, H = 220;
const PAD = { left: 64, right: 16, top: 26, bottom: 44 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A short number: 3 significant digits, exponent form when it is huge or tiny. */
export function short(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

function range(values) {
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  return [lo, hi];
}

/** A <figure> with the chart of one plot() call: {xs, ys, title, xLabel, yLabel}. */
export function chart({ xs, ys, title, xLabel, yLabel }) {
  const [x0, x1] = range(xs), [y0, y1] = range(ys);
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const name = `${title ? `${title}: ` : ""}line chart of ${ys.length} points, ${xLabel} from ${short(Math.min(...xs))} ` +
    `to ${short(Math.max(...xs))}, ${yLabel} from ${short(Math.min(...ys))} to ${short(Math.max(...ys))}`;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": name, class: "chart" });
  root.append(svg("title", {}, name));
  const axes = svg("g", { class: "axes" });
  axes.append(svg("line", { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
              svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom }));
  const label = (x, y, text, anchor) => axes.append(svg("text", { x, y, "text-anchor": anchor }, text));
  label(PAD.left, H - PAD.bottom + 16, short(x0), "middle");
  label(W - PAD.right, H - PAD.bottom + 16, short(x1), "end");
  label((PAD.left + W - PAD.right) / 2, H - 6, xLabel, "middle");
  label(PAD.left - 6, H - PAD.bottom, short(y0), "end");
  label(PAD.left - 6, PAD.top + 4, short(y1), "end");
  label(PAD.left, PAD.top - 8, yLabel, "start");
  if (y0 < 0 && y1 > 0) {
    axes.append(svg("line", { x1: PAD.left, y1: sy(0), x2: W - PAD.right, y2: sy(0), class: "zero" }));
  }
  const points = xs.map((x, i) => `${sx(x).toFixed(1)},${sy(ys[i]).toFixed(1)}`).join(" ");
  root.append(axes, svg("polyline", { points, class: "line" }));
  if (xs.length <= 60) {
    const dots = svg("g", { class: "dots" });
    xs.forEach((x, i) => dots.append(svg("circle", { cx: sx(x).toFixed(1), cy: sy(ys[i]).toFixed(1), r: 3 })));
    root.append(dots);
  }
  const figure = document.createElement("figure");
  figure.className = "plot";
  if (title) {
    const caption = document.createElement("figcaption");
    caption.textContent = title;
    figure.append(caption);
  }
  figure.append(root, dataTable(xs, ys, xLabel, yLabel));
  return figure;
}

function dataTable(xs, ys, xLabel, yLabel) {
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = `Data (${xs.length} points)`;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const text of [xLabel, yLabel]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  xs.slice(0, 200).forEach((x, i) => {
    const row = body.insertRow();
    row.insertCell().textContent = short(x);
    row.insertCell().textContent = short(ys[i]);
  });
  details.append(summary, table);
  return details;
}
