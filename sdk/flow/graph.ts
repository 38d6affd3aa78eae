/**
 * The call-flow graph of a pool: workflow → holiday check → business hours → IVR questions and
 * answers → queues → agent groups → agents, with overflow and timeout edges, and the queue loops
 * those edges make.
 */
import type { CallAction, Question } from "../model/call-action";
import type { KindName } from "../model/kind";
import { answerText, endText, promptText, shorten } from "./labels";
import { indexPool, type FlowObject, type PoolIndex, type PoolObjects } from "./pool";
import { summarizeHours } from "./time";

export type NodeKind = "workflow" | "holiday" | "hours" | "question" | "queue" | "group" | "agent" | "end" | "missing";

export interface FlowNode {
  /** Stable, and safe as a Graphviz and Mermaid id. */
  id: string;
  kind: NodeKind;
  /** Lines of the label, short enough to read in a diagram. */
  label: string[];
  /** The object the node stands for. */
  object?: { kind: KindName; id: string; name: string; field?: string };
  /** A workflow that takes no calls. */
  inactive?: boolean;
}

export type EdgeKind =
  | "inactive"
  | "next"
  | "holiday"
  | "open"
  | "closed"
  | "answer"
  | "no-answer"
  | "queue"
  | "no-agents"
  | "overflow"
  | "timeout"
  | "group"
  | "agent";

export interface FlowEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

/** A loop of queues through their overflow and timeout actions, in the order the call goes round. */
export interface QueueCycle {
  queues: { id: string; name: string }[];
  /** The field of each queue that leads to the next one. */
  via: ("overflowAction" | "timeoutAction")[];
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** The node of each workflow, by workflow id. */
  workflows: Map<string, string>;
  cycles: QueueCycle[];
}

// FNV-1a: short ids for values (URIs, targets) that are not safe as ids themselves.
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, "_");
}

export function workflowNodeId(id: string): string {
  return `wf_${safe(id.toLowerCase())}`;
}
export function queueNodeId(id: string): string {
  return `queue_${safe(id.toLowerCase())}`;
}
export function groupNodeId(id: string): string {
  return `group_${safe(id.toLowerCase())}`;
}
export function agentNodeId(uri: string): string {
  return `agent_${safe(uri.replace(/^sip:/i, "").toLowerCase()).slice(0, 40)}_${hash(uri.toLowerCase())}`;
}

class Builder {
  readonly nodes = new Map<string, FlowNode>();
  readonly edges: FlowEdge[] = [];
  private readonly edgeKeys = new Set<string>();

  constructor(readonly index: PoolIndex) {}

  node(n: FlowNode): string {
    if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
    return n.id;
  }

  edge(from: string, to: string, kind: EdgeKind, label?: string): void {
    const key = `${from}>${to}>${kind}>${label ?? ""}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push({ from, to, kind, ...(label ? { label } : {}) });
  }

  end(action: Pick<CallAction, "action" | "uri">): string {
    const text = endText(action);
    return this.node({ id: `end_${hash(`${action.action}|${action.uri ?? ""}`)}`, kind: "end", label: [text] });
  }

  /** A Disconnect of its own for each node that leads there, so the diagram has no long edges to one shared end. */
  disconnect(from: string): string {
    return this.node({ id: `${from}__end`, kind: "end", label: ["Disconnect"] });
  }

  /** The node an action leads to, building what lies behind it. */
  target(action: CallAction | null, owner: { kind: KindName; id: string; name: string }, path: string, from: string): string {
    if (action === null) return this.disconnect(from);
    switch (action.action) {
      case "TransferToQueue":
        return this.queue(action.queueId!);
      case "TransferToQuestion":
        return this.question(action.question!, owner, `${path}.question`);
      case "Terminate":
        return this.disconnect(from);
      default:
        return this.end(action);
    }
  }

  question(q: Question, owner: { kind: KindName; id: string; name: string }, path: string): string {
    const id = `${workflowNodeId(owner.id)}__${safe(path.replace(/defaultAction\.|question\.|answers\.|action\./g, (m) => m[0]))}`;
    if (this.nodes.has(id)) return id;
    const label = [q.name ?? "Question", promptText(q.prompt, 48, this.index.audioName) ?? ""].filter((l) => l !== "");
    this.node({ id, kind: "question", label, object: { ...owner, field: path } });
    q.answers.forEach((a, i) => {
      const to = this.target(a.action, owner, `${path}.answers.${i}.action`, id);
      const prompt = a.action.prompt ? `\n${promptText(a.action.prompt, 24, this.index.audioName)}` : "";
      this.edge(id, to, "answer", `${answerText(a)}${prompt}`);
    });
    this.edge(id, this.disconnect(id), "no-answer", "5 failed attempts");
    return id;
  }

  queue(queueId: string): string {
    const q = this.index.queue(queueId);
    if (!q) return this.node({ id: `missing_${safe(queueId)}`, kind: "missing", label: ["missing queue", queueId] });
    const id = queueNodeId(q.id);
    if (this.nodes.has(id)) return id;
    const lines = [`Queue ${q.name}`];
    if (q.timeoutThreshold === null) lines.push("no timeout");
    this.node({ id, kind: "queue", label: lines, object: { kind: "queues", id: q.id, name: q.name } });
    let staffed = 0;
    q.agentGroupIds.forEach((gid, i) => {
      const g = this.index.agentGroup(gid);
      const to = g ? this.group(g) : this.node({ id: `missing_${safe(gid)}`, kind: "missing", label: ["missing agent group", gid] });
      if (g && (g.agentsByUri.length > 0 || g.distributionGroupAddress !== null)) staffed++;
      this.edge(id, to, "group", q.agentGroupIds.length > 1 ? `${i + 1}` : undefined);
    });
    if (staffed === 0) this.edge(id, this.disconnect(id), "no-agents", "no agents");
    if (q.overflowThreshold !== null) {
      const to = this.target(q.overflowAction, { kind: "queues", id: q.id, name: q.name }, "overflowAction", id);
      const prompt = q.overflowAction?.prompt ? `\n${promptText(q.overflowAction.prompt, 24, this.index.audioName)}` : "";
      this.edge(id, to, "overflow", `overflow > ${q.overflowThreshold} calls${q.overflowCandidate === "OldestCall" ? " (oldest)" : ""}${prompt}`);
    }
    if (q.timeoutThreshold !== null) {
      const to = this.target(q.timeoutAction, { kind: "queues", id: q.id, name: q.name }, "timeoutAction", id);
      const prompt = q.timeoutAction?.prompt ? `\n${promptText(q.timeoutAction.prompt, 24, this.index.audioName)}` : "";
      this.edge(id, to, "timeout", `timeout ${q.timeoutThreshold} s${prompt}`);
    }
    return id;
  }

  group(g: FlowObject<"agent-groups">): string {
    const id = groupNodeId(g.id);
    if (this.nodes.has(id)) return id;
    const formal = g.participationPolicy === "Formal" ? ", formal" : "";
    this.node({ id, kind: "group", label: [g.name, `${g.routingMethod}, ${g.agentAlertTime} s${formal}`], object: { kind: "agent-groups", id: g.id, name: g.name } });
    if (g.distributionGroupAddress !== null) {
      const a = this.node({ id: agentNodeId(g.distributionGroupAddress), kind: "agent", label: [`list ${g.distributionGroupAddress}`] });
      this.edge(id, a, "agent");
    }
    g.agentsByUri.forEach((uri, i) => {
      const a = this.node({ id: agentNodeId(uri), kind: "agent", label: [uri.replace(/^sip:/i, "")] });
      this.edge(id, a, "agent", g.routingMethod === "Serial" ? `${i + 1}` : undefined);
    });
    return id;
  }

  workflow(w: FlowObject<"workflows">): string {
    const id = workflowNodeId(w.id);
    const wref = { kind: "workflows" as const, id: w.id, name: w.name };
    const lines = [w.name, w.primaryUri.replace(/^sip:/i, "")];
    if (w.lineUri) lines.push(w.lineUri);
    const welcome = promptText(w.defaultAction?.prompt, 36, this.index.audioName);
    if (welcome) lines.push(`welcome ${welcome}`);
    if (w.customMusicOnHoldFileId != null) lines.push(`hold ♪ ${this.index.audioName(w.customMusicOnHoldFileId)}`);
    if (!w.active) lines.push("inactive");
    this.node({ id, kind: "workflow", label: lines, object: wref, ...(w.active ? {} : { inactive: true }) });
    if (!w.active) this.edge(id, this.node({ id: "end_not_in_service", kind: "end", label: ["Not in service"] }), "inactive", "inactive");

    let from = id;
    let kind: EdgeKind = "next";
    let label: string | undefined;
    const sets = w.holidaySetIds.map((sid) => this.index.holidaySet(sid));
    if (w.holidaySetIds.length > 0) {
      const hid = `${id}__holiday`;
      const names = sets.map((s, i) => (s ? s.name : `missing ${w.holidaySetIds[i]}`));
      const last = sets.flatMap((s) => s?.holidays.map((h) => h.endDate) ?? []).sort().at(-1);
      this.node({ id: hid, kind: "holiday", label: ["Holiday?", shorten(names.join(", "), 40), ...(last ? [`until ${last.slice(0, 10)}`] : [])], object: { ...wref, field: "holidaySetIds" } });
      this.edge(from, hid, kind, label);
      this.edge(hid, this.target(w.holidayAction, wref, "holidayAction", hid), "holiday", this.labelWith("holiday", w.holidayAction));
      from = hid;
      kind = "next";
      label = "no";
    }
    if (w.businessHoursId !== null) {
      const h = this.index.hours(w.businessHoursId);
      const oid = `${id}__hours`;
      const text = h ? summarizeHours(h).split("; ") : [`missing ${w.businessHoursId}`];
      this.node({ id: oid, kind: "hours", label: ["Open?", ...(h ? [h.name] : []), ...text], object: { ...wref, field: "businessHoursId" } });
      this.edge(from, oid, kind, label);
      this.edge(oid, this.target(w.nonBusinessHoursAction, wref, "nonBusinessHoursAction", oid), "closed", this.labelWith("closed", w.nonBusinessHoursAction));
      from = oid;
      kind = "open";
      label = "open";
    }
    if (w.defaultAction) this.edge(from, this.target(w.defaultAction, wref, "defaultAction", from), kind, label);
    return id;
  }

  private labelWith(word: string, action: CallAction | null): string {
    return action?.prompt ? `${word}\n${promptText(action.prompt, 24, this.index.audioName)}` : word;
  }
}

/** The call-flow graph of every workflow of a pool, and of every queue whether a workflow reaches it or not. */
export function buildGraph(objects: PoolObjects): FlowGraph {
  const index = indexPool(objects);
  const b = new Builder(index);
  const workflows = new Map<string, string>();
  for (const w of objects.workflows) workflows.set(w.id, b.workflow(w));
  for (const q of objects.queues) b.queue(q.id);
  return { nodes: [...b.nodes.values()], edges: b.edges, workflows, cycles: queueCycles(index) };
}

/** The ids of every node reachable from the given ones. */
export function reachable(graph: FlowGraph, from: readonly string[]): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = out.get(e.from);
    if (list) list.push(e.to);
    else out.set(e.from, [e.to]);
  }
  const seen = new Set<string>(from);
  const stack = [...from];
  while (stack.length > 0) {
    for (const next of out.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** The part of a graph reachable from one workflow. */
export function workflowGraph(graph: FlowGraph, workflowId: string): FlowGraph {
  const start = graph.workflows.get(workflowId);
  if (start === undefined) return { nodes: [], edges: [], workflows: new Map(), cycles: [] };
  const keep = reachable(graph, [start]);
  const queues = new Set(graph.nodes.filter((n) => keep.has(n.id) && n.kind === "queue").map((n) => n.object!.id));
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from)),
    workflows: new Map([[workflowId, start]]),
    cycles: graph.cycles.filter((c) => c.queues.some((q) => queues.has(q.id))),
  };
}

function queueCycles(index: PoolIndex): QueueCycle[] {
  const next = new Map<string, { to: string; via: "overflowAction" | "timeoutAction" }[]>();
  for (const q of index.objects.queues) {
    const list: { to: string; via: "overflowAction" | "timeoutAction" }[] = [];
    if (q.overflowThreshold !== null && q.overflowAction?.action === "TransferToQueue") list.push({ to: q.overflowAction.queueId!.toLowerCase(), via: "overflowAction" });
    if (q.timeoutThreshold !== null && q.timeoutAction?.action === "TransferToQueue") list.push({ to: q.timeoutAction.queueId!.toLowerCase(), via: "timeoutAction" });
    next.set(q.id.toLowerCase(), list);
  }
  const cycles: QueueCycle[] = [];
  const seenCycles = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const path: { id: string; via?: "overflowAction" | "timeoutAction" }[] = [];
  const visit = (id: string): void => {
    state.set(id, "open");
    path.push({ id });
    for (const e of next.get(id) ?? []) {
      path[path.length - 1].via = e.via;
      if (state.get(e.to) === "open") {
        const start = path.findIndex((p) => p.id === e.to);
        const loop = path.slice(start);
        const key = loop.map((p) => p.id).sort().join(",");
        if (!seenCycles.has(key)) {
          seenCycles.add(key);
          cycles.push({
            queues: loop.map((p) => {
              const q = index.queue(p.id)!;
              return { id: q.id, name: q.name };
            }),
            via: loop.map((p) => p.via!),
          });
        }
      } else if (state.get(e.to) === undefined && next.has(e.to)) {
        visit(e.to);
      }
    }
    path.pop();
    state.set(id, "done");
  };
  for (const id of next.keys()) if (!state.has(id)) visit(id);
  return cycles;
}
