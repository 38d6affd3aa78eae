/**
 * A small SVG line chart: one series per line, linear axes from zero, a legend. No dependencies.
 */

export interface Series {
  label: string;
  points: readonly (readonly [number, number])[];
  color: string;
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 420;
  const m = { left: 64, right: 190, top: 40, bottom: 52 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.points);
  const xMax = niceCeil(Math.max(1, ...all.map((p) => p[0])));
  const yMax = niceCeil(Math.max(1e-9, ...all.map((p) => p[1])));
  const x = (v: number) => m.left + (v / xMax) * pw;
  const y = (v: number) => m.top + ph - (v / yMax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  );
  for (const t of ticks(yMax)) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of ticks(xMax)) {
    out.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#333"/>`,
      `<text x="${x(t)}" y="${m.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ")}"/>`,
    );
    for (const p of pts) out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = m.top + 8 + i * 18;
    out.push(
      `<line x1="${m.left + pw + 14}" x2="${m.left + pw + 38}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${m.left + pw + 44}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (f * p >= v) return f * p;
  return 10 * p;
}

function ticks(max: number): number[] {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + step / 1e6; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(3).replace(/\.?0+$/, "");
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
