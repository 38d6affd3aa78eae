/**
 * The call-flow graph and its diagrams: golden Mermaid, DOT and SVG of Contoso's pool (reviewed by
 * eye as PNG), queue loops found, and, over generated pools, every simulated call ending in a
 * terminal action and every diagram holding every node a workflow reaches.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASSUMPTIONS } from "../../sdk/flow/assumptions";
import { toDot, toMermaid, toSvg } from "../../sdk/flow/diagram";
import { agentNodeId, buildGraph, groupNodeId, queueNodeId, workflowGraph } from "../../sdk/flow/graph";
import type { FlowObject, PoolObjects } from "../../sdk/flow/pool";
import { createSimulator, type AgentState, type CallerInput } from "../../sdk/flow/simulate";
import type { CallAction } from "../../sdk/model/call-action";
import { ROUTING_METHODS } from "../../sdk/model/agent-group";
import { contoso, PoolBuilder } from "./flow-fixtures";

const GOLDEN = join(__dirname, "golden");

/** Compares with the golden file; UPDATE_GOLDEN=1 writes it instead (then look at it before committing). */
function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`${name} did not exist and was written; review it and run again`);
    return;
  }
  expect(text, `${name} differs from the golden file; if the change is meant, run with UPDATE_GOLDEN=1 and review it`).toBe(readFileSync(file, "utf8"));
}

describe("diagrams of Contoso's pool (golden)", () => {
  const c = contoso();
  const graph = buildGraph(c.objects);
  const main = workflowGraph(graph, c.mainLine.id);
  const help = workflowGraph(graph, c.helpDesk.id);

  it("Main Line as Mermaid, DOT and SVG", async () => {
    golden("main-line.mmd", toMermaid(main));
    golden("main-line.dot", toDot(main, "Main Line"));
    golden("main-line.svg", await toSvg(main, "Main Line"));
  });

  it("Help Desk and the whole pool as SVG", async () => {
    golden("help-desk.svg", await toSvg(help, "Help Desk"));
    golden("pool.svg", await toSvg(graph, "pool01.contoso.com"));
  });

  it("a pool's hard cases: an inactive workflow, a queue loop, a queue without agents, a distribution list, a missing queue", async () => {
    const b = new PoolBuilder();
    const dl = b.add("agent-groups", { name: "Sales List", routingMethod: "Parallel", distributionGroupAddress: "sales@contoso.com" });
    const empty = b.add("agent-groups", { name: "Nobody Yet" });
    const a = b.add("queues", { name: "Sales", agentGroupIds: [dl.id], timeoutThreshold: 60 });
    const back = b.add("queues", { name: "Sales Backup", agentGroupIds: [empty.id], overflowThreshold: 0, overflowAction: { action: "TransferToQueue", queueId: a.id } });
    a.timeoutAction = { action: "TransferToQueue", queueId: back.id };
    b.add("workflows", {
      name: "Old Sales",
      primaryUri: "sip:old-sales@contoso.com",
      active: false,
      defaultAction: {
        action: "TransferToQuestion",
        question: {
          prompt: { textToSpeech: "Press 1 for sales, 2 for the old queue." },
          answers: [
            { dtmfResponse: "1", action: { action: "TransferToQueue", queueId: a.id } },
            { dtmfResponse: "2", action: { action: "TransferToQueue", queueId: "0000dead-0000-4000-8000-000000000000" } },
          ],
        },
      },
    });
    golden("hard-cases.svg", await toSvg(buildGraph(b.objects), "hard cases"));
  });

  it("draws the same SVG twice", async () => {
    expect(await toSvg(main)).toBe(await toSvg(main));
  });

  it("labels legibly: prompts shortened, keys on edges, hours summarized", () => {
    const dot = toDot(main);
    expect(dot).toContain('label="Department\\n\\"For billing press 1 or say billing. For…\\""');
    expect(dot).toMatch(/-> queue_\S+ \[label="2 \/ say support"/);
    expect(dot).toContain("Mon-Thu 09:00-17:00\\nFri 09:00-12:00, 13:00-18:00");
    expect(dot).toContain('label="timeout 120 s"');
    expect(dot).toContain('label="overflow > 10 calls"');
  });

  it("keeps only what the workflow reaches", () => {
    expect(help.nodes.map((n) => n.label[0])).not.toContain("Queue Billing");
    expect(help.nodes.map((n) => n.label[0])).toContain("Queue Support");
  });

  it("escapes quotes, backslashes and markup in names", () => {
    const b = new PoolBuilder();
    const g = b.add("agent-groups", { name: 'Tier "1" \\ <b>#1</b> | x', agentsByUri: ["sip:a@contoso.com"] });
    const q = b.add("queues", { name: "Q\\n", agentGroupIds: [g.id], timeoutThreshold: 30 });
    b.add("workflows", { name: "W", primaryUri: "sip:w@contoso.com", defaultAction: { action: "TransferToQueue", queueId: q.id } });
    const gr = buildGraph(b.objects);
    const dot = toDot(gr);
    expect(dot).toContain('label="Tier \\"1\\" \\\\ <b>#1</b> | x\\nParallel, 20 s"');
    expect(dot).toContain('label="Queue Q\\\\n"');
    expect(toMermaid(gr)).toContain('[["Tier #quot;1#quot; \\ #lt;b#gt;#35;1#lt;/b#gt; #124; x<br/>Parallel, 20 s"]]');
  });
});

describe("queue loops", () => {
  it("finds loops through overflow and timeout, once each", () => {
    const b = new PoolBuilder();
    const g = b.add("agent-groups", { name: "G", agentsByUri: ["sip:a@contoso.com"] });
    const q = ["A", "B", "C", "D"].map((name) => b.add("queues", { name, agentGroupIds: [g.id], timeoutThreshold: 10, overflowThreshold: 1 }));
    const to = (i: number): CallAction => ({ action: "TransferToQueue", queueId: q[i].id });
    q[0].timeoutAction = to(1) as QueueAction;
    q[1].overflowAction = to(0) as QueueAction;
    q[1].timeoutAction = to(2) as QueueAction;
    q[2].timeoutAction = to(2) as QueueAction;
    q[3].timeoutAction = to(0) as QueueAction;
    const cycles = buildGraph(b.objects).cycles.map((c) => c.queues.map((x) => x.name).join(">") + ":" + c.via.join(","));
    expect(cycles).toEqual(["A>B:timeoutAction,overflowAction", "C:timeoutAction"]);
  });

  it("ignores an overflow action that never runs (no threshold)", () => {
    const b = new PoolBuilder();
    const g = b.add("agent-groups", { name: "G", agentsByUri: ["sip:a@contoso.com"] });
    const a = b.add("queues", { name: "A", agentGroupIds: [g.id] });
    a.overflowAction = { action: "TransferToQueue", queueId: a.id };
    expect(buildGraph(b.objects).cycles).toEqual([]);
  });
});

// Generated pools: names with characters diagrams must escape, references between every kind.
const NAMES = ["Sales", 'Say "hi"', "Back\\slash", "<Desk>", "#1 Team", "Über Café", "a | b", "x"];
const KEYS = ["0", "1", "2", "3", "9", "*", "#"] as const;

type ActionSpec = { t: "end"; kind: number } | { t: "queue"; i: number } | { t: "none" };
const actionSpec = fc.oneof(
  fc.record({ t: fc.constant("end" as const), kind: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant("queue" as const), i: fc.nat() }),
  fc.record({ t: fc.constant("none" as const) }),
);
interface TreeSpec {
  answers: { key: number; voice: boolean; to: ActionSpec | TreeSpec }[];
}
const tree: fc.Memo<TreeSpec> = fc.memo((n) =>
  fc.record({
    answers: fc.array(fc.record({ key: fc.nat({ max: KEYS.length - 1 }), voice: fc.boolean(), to: n > 1 ? fc.oneof(actionSpec, tree(n - 1)) : actionSpec }), { minLength: 1, maxLength: 3 }),
  }),
);

const poolSpec = fc.record({
  groups: fc.array(
    fc.record({ method: fc.constantFrom(...ROUTING_METHODS), alert: fc.integer({ min: 10, max: 250 }), agents: fc.integer({ min: 0, max: 3 }), dl: fc.boolean(), formal: fc.boolean() }),
    { maxLength: 4 },
  ),
  queues: fc.array(
    fc.record({
      groups: fc.array(fc.nat(), { maxLength: 3 }),
      timeout: fc.option(fc.integer({ min: 10, max: 400 })),
      overflow: fc.option(fc.integer({ min: 0, max: 3 })),
      oldest: fc.boolean(),
      onTimeout: actionSpec,
      onOverflow: actionSpec,
    }),
    { minLength: 1, maxLength: 5 },
  ),
  workflows: fc.array(
    fc.record({
      active: fc.boolean(),
      zone: fc.constantFrom("UTC", "W. Europe Standard Time", "Pacific Standard Time", "AUS Eastern Standard Time"),
      hours: fc.option(fc.array(fc.tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 23 })), { minLength: 7, maxLength: 7 })),
      holiday: fc.option(fc.tuple(fc.integer({ min: 1, max: 360 }), fc.integer({ min: 1, max: 72 }))),
      closed: actionSpec,
      ivr: fc.option(tree(3)),
      queue: fc.nat(),
      welcome: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const END_ACTIONS = [
  { action: "Terminate" as const },
  { action: "TransferToUri" as const, uri: "sip:op@contoso.com" },
  { action: "TransferToVoicemailUri" as const, uri: "sip:vm@contoso.com" },
  { action: "TransferToPSTN" as const, uri: "sip:+14255550100@contoso.com" },
];

type PoolSpec = typeof poolSpec extends fc.Arbitrary<infer T> ? T : never;
type QueueAction = FlowObject<"queues">["timeoutAction"];
type ClosedAction = FlowObject<"workflows">["holidayAction"];

function buildPool(spec: PoolSpec): PoolObjects {
  const b = new PoolBuilder();
  const groups = spec.groups.map((g, i) =>
    b.add("agent-groups", {
      name: `${NAMES[i % NAMES.length]} G${i}`,
      routingMethod: g.method,
      agentAlertTime: g.alert,
      participationPolicy: g.formal ? "Formal" : "Informal",
      ...(g.dl && g.agents > 0 ? { distributionGroupAddress: `dl${i}@contoso.com` } : { agentsByUri: Array.from({ length: g.agents }, (_, k) => `sip:agent${(i + k) % 5}@contoso.com`) }),
    }),
  );
  const queues = spec.queues.map((q, i) =>
    b.add("queues", {
      name: `${NAMES[(i + 3) % NAMES.length]} Q${i}`,
      agentGroupIds: groups.length === 0 ? [] : [...new Set(q.groups.map((n) => groups[n % groups.length].id))],
      timeoutThreshold: q.timeout,
      overflowThreshold: q.overflow,
      overflowCandidate: q.oldest ? "OldestCall" : "NewestCall",
    }),
  );
  const action = (a: ActionSpec, closedOnly = false): CallAction | null => {
    if (a.t === "none") return null;
    if (a.t === "queue" && !closedOnly) return { action: "TransferToQueue", queueId: queues[a.i % queues.length].id };
    return END_ACTIONS[a.t === "end" ? a.kind : 0];
  };
  spec.queues.forEach((q, i) => {
    queues[i].timeoutAction = action(q.onTimeout) as QueueAction;
    queues[i].overflowAction = action(q.onOverflow) as QueueAction;
  });
  const question = (t: TreeSpec, depth: number): CallAction => {
    const seen = new Set<string>();
    const answers = t.answers.flatMap((a) => {
      const key = KEYS[a.key];
      if (seen.has(key)) return [];
      seen.add(key);
      const to = "answers" in a.to ? question(a.to, depth + 1) : (action(a.to) ?? END_ACTIONS[0]);
      return [{ dtmfResponse: key, ...(a.voice ? { voiceResponses: [`option ${key}`] } : {}), action: to }];
    });
    return { action: "TransferToQuestion", question: { name: `${NAMES[depth]} level ${depth}`, prompt: { textToSpeech: `Choose ${"a very long option ".repeat(depth + 1)}` }, answers } };
  };
  spec.workflows.forEach((w, i) => {
    const hours = w.hours
      ? b.add("hours-of-business", {
          name: `Hours ${i}`,
          ...Object.fromEntries(
            (["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const).flatMap((d, k) => {
              const [o, cl] = w.hours![k];
              return o < cl ? [[`${d}Hours1`, { openTime: `${String(o).padStart(2, "0")}:00`, closeTime: `${String(cl).padStart(2, "0")}:00` }]] : [];
            }),
          ),
        })
      : undefined;
    const holidays = w.holiday
      ? b.add("holiday-sets", {
          name: `Holidays ${i}`,
          holidays: [
            {
              name: "Day off",
              startDate: new Date(Date.UTC(2026, 0, w.holiday[0])).toISOString().slice(0, 19),
              endDate: new Date(Date.UTC(2026, 0, w.holiday[0]) + w.holiday[1] * 3_600_000).toISOString().slice(0, 19),
            },
          ],
        })
      : undefined;
    const base = w.ivr ? question(w.ivr, 1) : { action: "TransferToQueue" as const, queueId: queues[w.queue % queues.length].id };
    b.add("workflows", {
      name: `${NAMES[(i + 5) % NAMES.length].replace(/[<>]/g, "")} W${i}`,
      primaryUri: `sip:w${i}@contoso.com`,
      active: w.active,
      timeZone: w.zone,
      businessHoursId: hours?.id ?? null,
      holidaySetIds: holidays ? [holidays.id] : [],
      nonBusinessHoursAction: action(w.closed, true) as ClosedAction,
      holidayAction: action(w.closed, true) as ClosedAction,
      defaultAction: { ...base, ...(w.welcome ? { prompt: { textToSpeech: "Welcome" } } : {}) } as never,
    });
  });
  return b.objects;
}

const callSpec = fc.record({
  day: fc.integer({ min: 0, max: 364 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  inputs: fc.array(fc.oneof(fc.constantFrom(...KEYS).map((key): CallerInput => ({ kind: "dtmf", key })), fc.constantFrom(...KEYS).map((k): CallerInput => ({ kind: "voice", phrase: `Option ${k}` }))), { maxLength: 8 }),
  states: fc.array(fc.constantFrom<AgentState>("available", "busy", "offline"), { minLength: 7, maxLength: 7 }),
  queueCalls: fc.integer({ min: 0, max: 4 }),
  welcome: fc.constantFrom("always-first" as const, "business-hours-only" as const),
  noEligible: fc.constantFrom("wall-clock" as const, "never-checked" as const),
});

/** What a workflow reaches, walked from the objects themselves rather than from the graph. */
function reachedObjects(objects: PoolObjects, w: FlowObject<"workflows">): { queues: Set<string>; groups: Set<string>; agents: Set<string> } {
  const out = { queues: new Set<string>(), groups: new Set<string>(), agents: new Set<string>() };
  const visit = (a: CallAction | null | undefined): void => {
    if (!a) return;
    if (a.action === "TransferToQuestion") a.question!.answers.forEach((x) => visit(x.action));
    if (a.action !== "TransferToQueue" || out.queues.has(a.queueId!)) return;
    const q = objects.queues.find((x) => x.id === a.queueId)!;
    out.queues.add(q.id);
    for (const gid of q.agentGroupIds) {
      const g = objects["agent-groups"].find((x) => x.id === gid)!;
      out.groups.add(g.id);
      for (const uri of g.distributionGroupAddress ? [g.distributionGroupAddress] : g.agentsByUri) out.agents.add(uri);
    }
    if (q.overflowThreshold !== null) visit(q.overflowAction);
    if (q.timeoutThreshold !== null) visit(q.timeoutAction);
  };
  visit(w.defaultAction);
  return out;
}

describe("properties over generated pools", () => {
  it("every simulated call ends in a terminal action", () => {
    fc.assert(
      fc.property(poolSpec, fc.array(callSpec, { minLength: 1, maxLength: 4 }), (spec, calls) => {
        const objects = buildPool(spec);
        const run = createSimulator(objects);
        const agents = [...new Set(objects["agent-groups"].flatMap((g) => (g.distributionGroupAddress ? [g.distributionGroupAddress] : g.agentsByUri)))];
        for (const w of objects.workflows) {
          for (const call of calls) {
            const s = run({
              workflow: w.name,
              at: new Date(Date.UTC(2026, 0, 1 + call.day, 0, call.minute)),
              inputs: call.inputs,
              agents: Object.fromEntries(agents.map((a, i) => [a, call.states[i % call.states.length]])),
              queueCalls: call.queueCalls,
              choices: { welcomePlacement: call.welcome, timeoutWhenNoEligibleAgent: call.noEligible },
            });
            const o = s.outcome;
            switch (o.result) {
              case "answered":
                expect(o.action).toBe("TransferToQueue");
                expect(o.agent).toBeDefined();
                expect(o.queue).toBeDefined();
                break;
              case "waiting":
              case "loop":
                expect(o.action).toBe("TransferToQueue");
                expect(o.queue).toBeDefined();
                break;
              case "transferred":
                expect(["TransferToUri", "TransferToVoicemailUri", "TransferToPSTN"]).toContain(o.action);
                expect(o.uri).toMatch(/^sip:/);
                break;
              case "disconnected":
                expect(o.action).toBe("Terminate");
                break;
              default:
                throw new Error(`not a terminal result: ${JSON.stringify(o)}`);
            }
            expect(s.steps.at(-1)?.kind).toBe("end");
            expect(s.steps.length).toBeLessThan(200);
            for (const a of s.assumptions) expect(Object.keys(ASSUMPTIONS)).toContain(a.name);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("every diagram contains every node its workflow reaches", () => {
    fc.assert(
      fc.property(poolSpec, (spec) => {
        const objects = buildPool(spec);
        const graph = buildGraph(objects);
        for (const w of objects.workflows) {
          const g = workflowGraph(graph, w.id);
          const dot = toDot(g);
          const mermaid = toMermaid(g);
          const reached = reachedObjects(objects, w);
          const ids = [...[...reached.queues].map(queueNodeId), ...[...reached.groups].map(groupNodeId), ...[...reached.agents].map(agentNodeId)];
          for (const id of ids) expect(dot, id).toMatch(new RegExp(`^  ${id} \\[`, "m"));
          for (const q of reached.queues) {
            const name = objects.queues.find((x) => x.id === q)!.name;
            expect(mermaid).toContain(`Queue ${name.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\|/g, "#124;")}`);
          }
          // One Mermaid node line and one DOT node line for each node of the graph, one edge line each per edge.
          expect(mermaid.split("\n").filter((l) => /^ {2}n\d+[[({>]/.test(l))).toHaveLength(g.nodes.length);
          expect(dot.split("\n").filter((l) => / -> /.test(l))).toHaveLength(g.edges.length);
          expect(mermaid.split("\n").filter((l) => / -\.?->/.test(l))).toHaveLength(g.edges.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("every SVG has a node for every node its workflow reaches", async () => {
    await fc.assert(
      fc.asyncProperty(poolSpec, async (spec) => {
        const objects = buildPool(spec);
        const graph = buildGraph(objects);
        for (const w of objects.workflows) {
          const g = workflowGraph(graph, w.id);
          const svg = await toSvg(g);
          for (const n of g.nodes) expect(svg, n.id).toContain(`<title>${n.id}</title>`);
          const reached = reachedObjects(objects, w);
          for (const q of reached.queues) expect(svg).toContain(`<title>${queueNodeId(q)}</title>`);
        }
      }),
      { numRuns: 15 },
    );
  });
});
