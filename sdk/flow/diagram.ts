/**
 * Call-flow diagrams from the graph: Mermaid text for READMEs and pull requests, Graphviz DOT, and
 * SVG drawn by Graphviz compiled to WebAssembly (@viz-js/viz), so no browser or binary is needed.
 */
import { type EdgeKind, type FlowEdge, type FlowGraph, type NodeKind, queueNodeId } from "./graph";

export const DIAGRAM_FORMATS = ["mermaid", "svg", "dot"] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

interface NodeStyle {
  shape: string;
  style: string;
  fill: string;
  color: string;
}

const NODE_STYLE: Record<NodeKind, NodeStyle> = {
  workflow: { shape: "box", style: "rounded,filled,bold", fill: "#dbeafe", color: "#1e3a8a" },
  holiday: { shape: "box", style: "filled,diagonals", fill: "#fef3c7", color: "#92400e" },
  hours: { shape: "box", style: "filled,diagonals", fill: "#fef3c7", color: "#92400e" },
  question: { shape: "note", style: "filled", fill: "#ede9fe", color: "#5b21b6" },
  queue: { shape: "cylinder", style: "filled", fill: "#dcfce7", color: "#166534" },
  group: { shape: "box", style: "filled", fill: "#f1f5f9", color: "#334155" },
  agent: { shape: "box", style: "rounded", fill: "#ffffff", color: "#64748b" },
  end: { shape: "box", style: "rounded,filled", fill: "#e5e7eb", color: "#374151" },
  missing: { shape: "box", style: "dashed,filled", fill: "#fee2e2", color: "#b91c1c" },
};

const EDGE_STYLE: Partial<Record<EdgeKind, { color: string; style: string }>> = {
  overflow: { color: "#c2410c", style: "dashed" },
  timeout: { color: "#b45309", style: "dashed" },
  "no-answer": { color: "#9ca3af", style: "dotted" },
  "no-agents": { color: "#b91c1c", style: "dotted" },
  inactive: { color: "#b91c1c", style: "dotted" },
  closed: { color: "#6b7280", style: "solid" },
  holiday: { color: "#6b7280", style: "solid" },
  agent: { color: "#94a3b8", style: "solid" },
};

// Graphviz sizes boxes from the metrics of the fonts it knows; DejaVu Sans is among the widest, so
// labels fit whichever sans-serif the viewer has (the SVG lists Verdana, close in width, after it).
const FONT = "DejaVu Sans";
const SVG_FONTS = "DejaVu Sans,Verdana,Helvetica,Arial,sans-serif";

const LOOP_COLOR = "#dc2626";

/** The overflow and timeout edges that make up the graph's queue loops. */
function loopEdges(graph: FlowGraph): Set<FlowEdge> {
  const out = new Set<FlowEdge>();
  for (const c of graph.cycles) {
    c.queues.forEach((q, i) => {
      const from = queueNodeId(q.id);
      const to = queueNodeId(c.queues[(i + 1) % c.queues.length].id);
      const kind = c.via[i] === "overflowAction" ? "overflow" : "timeout";
      for (const e of graph.edges) if (e.from === from && e.to === to && e.kind === kind) out.add(e);
    });
  }
  return out;
}

// Graphviz reads backslash escapes (\n, \l, \N) in labels: user text's own backslashes are doubled.
function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

function attrs(a: Record<string, string | undefined>): string {
  const parts = Object.entries(a).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${dotString(v)}`]));
  return parts.length === 0 ? "" : ` [${parts.join(", ")}]`;
}

/** The graph in Graphviz's DOT language, left to right. */
export function toDot(graph: FlowGraph, title = "call flow"): string {
  const lines = [
    `digraph ${dotString(title)} {`,
    `  graph${attrs({ rankdir: "LR", fontname: FONT, fontsize: "11", nodesep: "0.25", ranksep: "0.45", bgcolor: "white", pad: "0.2" })};`,
    `  node${attrs({ fontname: FONT, fontsize: "10", margin: "0.2,0.08" })};`,
    `  edge${attrs({ fontname: FONT, fontsize: "9", color: "#475569", arrowsize: "0.7" })};`,
  ];
  for (const n of graph.nodes) {
    const s = NODE_STYLE[n.kind];
    lines.push(
      `  ${n.id}${attrs({
        label: n.label.join("\n"),
        shape: s.shape,
        style: n.inactive ? `${s.style},dashed` : s.style,
        fillcolor: s.fill,
        color: s.color,
        fontsize: n.kind === "agent" ? "9" : undefined,
        class: n.inactive ? `${n.kind} inactive` : n.kind,
      })};`,
    );
  }
  const looping = loopEdges(graph);
  for (const e of graph.edges) {
    const s = EDGE_STYLE[e.kind];
    const loop = looping.has(e);
    lines.push(
      `  ${e.from} -> ${e.to}${attrs({
        label: loop ? `${e.label}\n(loop)` : e.label,
        color: loop ? LOOP_COLOR : s?.color,
        fontcolor: loop ? LOOP_COLOR : s?.color,
        style: s?.style,
        penwidth: loop ? "2" : undefined,
        class: loop ? `${e.kind} loop` : e.kind,
      })};`,
    );
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function mermaidText(s: string): string {
  return s
    .replace(/#/g, "#35;")
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/\r?\n/g, "<br/>");
}

const MERMAID_SHAPE: Record<NodeKind, [string, string]> = {
  workflow: ["([", "])"],
  holiday: ["{{", "}}"],
  hours: ["{{", "}}"],
  question: ["[/", "/]"],
  queue: ["[(", ")]"],
  group: ["[[", "]]"],
  agent: ["(", ")"],
  end: [">", "]"],
  missing: ["[", "]"],
};

/** The graph as a Mermaid flowchart, for READMEs and pull requests. */
export function toMermaid(graph: FlowGraph): string {
  // Short ids keep the text readable; Mermaid ids such as "end" or "o…" would also read as keywords or edge heads.
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const mid = (id: string) => ids.get(id) ?? `n_${id}`;
  const looping = loopEdges(graph);
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) {
    const [open, close] = MERMAID_SHAPE[n.kind];
    lines.push(`  ${mid(n.id)}${open}"${mermaidText(n.label.join("\n"))}"${close}`);
  }
  for (const e of graph.edges) {
    const dashed = e.kind === "overflow" || e.kind === "timeout" || e.kind === "no-answer" || e.kind === "no-agents" || e.kind === "inactive";
    const arrow = dashed ? "-.->" : "-->";
    const label = looping.has(e) ? `${e.label}\n(loop)` : e.label;
    lines.push(`  ${mid(e.from)} ${arrow}${label ? `|"${mermaidText(label)}"|` : ""} ${mid(e.to)}`);
  }
  const used = new Set(graph.nodes.map((n) => n.kind));
  for (const kind of Object.keys(NODE_STYLE) as NodeKind[]) {
    if (!used.has(kind)) continue;
    const s = NODE_STYLE[kind];
    lines.push(`  classDef k_${kind} fill:${s.fill},stroke:${s.color}${s.style.includes("dashed") ? ",stroke-dasharray:4" : ""}`);
    lines.push(`  class ${graph.nodes.filter((n) => n.kind === kind).map((n) => mid(n.id)).join(",")} k_${kind}`);
  }
  return `${lines.join("\n")}\n`;
}

type VizInstance = { renderString(input: string, options: { format: string; engine?: string }): string };
let viz: Promise<VizInstance> | undefined;

function instance(): Promise<VizInstance> {
  // Loaded on first use: the WebAssembly module takes some 20 ms to start and most commands never draw.
  viz ??= import("@viz-js/viz").then((m) => m.instance() as Promise<VizInstance>);
  return viz;
}

/** The graph drawn as SVG by Graphviz. */
export async function toSvg(graph: FlowGraph, title?: string): Promise<string> {
  const v = await instance();
  return v.renderString(toDot(graph, title), { format: "svg", engine: "dot" }).replace(/font-family="DejaVu Sans[^"]*"/g, `font-family="${SVG_FONTS}"`);
}

/** The graph in one of the diagram formats. */
export async function drawDiagram(graph: FlowGraph, format: DiagramFormat, title?: string): Promise<string> {
  switch (format) {
    case "mermaid":
      return toMermaid(graph);
    case "dot":
      return toDot(graph, title);
    case "svg":
      return toSvg(graph, title);
  }
}
