/**
 * The call-flow benchmark: simulated calls per second over a pool of 1,000 objects, and the time
 * to draw a 50-node flow (Graphviz WebAssembly, first draw and warm), plus the graph, lint and
 * Mermaid it builds on. Writes bench/results/flow.json, or <out>/flow.json with --out.
 *
 *   node -r ts-node/register/transpile-only bench/flow.ts [--quick] [--out DIR]
 *   runFlowBench({ quick }) from bench/main.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { buildGraph, workflowGraph } from "../sdk/flow/graph";
import { toMermaid, toSvg } from "../sdk/flow/diagram";
import { lintPool } from "../sdk/flow/lint";
import { emptyPool, type FlowObject, type PoolObjects } from "../sdk/flow/pool";
import { createSimulator, type AgentState, type Call } from "../sdk/flow/simulate";
import { KINDS, type KindArgs, type KindName } from "../sdk/model/index";

export interface FlowBenchResults {
  mode: "full" | "quick";
  startedAt: string;
  machine: { cores: number; cpu: string; node: string };
  pool: { objects: number; byKind: Record<KindName, number> };
  simulate: { calls: number; seconds: number; callsPerSecond: number; indexMs: number };
  draw: {
    nodes: number;
    edges: number;
    /** The first SVG of the process, loading Graphviz's WebAssembly included. */
    firstSvgMs: number;
    /** Median of the warm draws. */
    svgMs: number;
    mermaidMs: number;
    draws: number;
  };
  /** Whole-pool passes over the 1,000 objects. */
  pool1000: { graphMs: number; lintMs: number };
}

function builder() {
  const objects = emptyPool("bench.contoso.com");
  let n = 0;
  const add = <K extends KindName>(kind: K, body: KindArgs[K]): FlowObject<K> => {
    n++;
    const o = { ...(KINDS[kind].schema.parse(body) as object), id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` } as FlowObject<K>;
    (objects[kind] as unknown as FlowObject<K>[]).push(o);
    return o;
  };
  return { objects, add };
}

const METHODS = ["LongestIdle", "Parallel", "RoundRobin", "Serial", "Attendant"] as const;

/** 1,000 objects: 300 agent groups, 300 queues, 100 hours, 100 holiday sets, 200 workflows (half IVR). */
export function pool1000(): PoolObjects {
  const { objects, add } = builder();
  const groups = Array.from({ length: 300 }, (_, i) =>
    add("agent-groups", { name: `Group ${i}`, routingMethod: METHODS[i % 5], agentAlertTime: 15 + (i % 4) * 5, agentsByUri: Array.from({ length: 4 }, (_, k) => `sip:agent${(i * 4 + k) % 600}@contoso.com`) }),
  );
  const queues: FlowObject<"queues">[] = [];
  for (let i = 0; i < 300; i++) {
    queues.push(
      add("queues", {
        name: `Queue ${i}`,
        agentGroupIds: [groups[i].id, groups[(i + 1) % 300].id],
        timeoutThreshold: 60 + (i % 5) * 30,
        timeoutAction: i > 0 && i % 3 === 0 ? { action: "TransferToQueue", queueId: queues[i - 1].id } : { action: "TransferToVoicemailUri", uri: `sip:vm${i}@contoso.com` },
        overflowThreshold: i % 4 === 0 ? 5 : null,
        overflowAction: i % 4 === 0 ? { action: "TransferToPSTN", uri: "sip:+14255550100@contoso.com" } : null,
      }),
    );
  }
  const hours = Array.from({ length: 100 }, (_, i) =>
    add("hours-of-business", {
      name: `Hours ${i}`,
      ...Object.fromEntries(["monday", "tuesday", "wednesday", "thursday", "friday"].map((d) => [`${d}Hours1`, { openTime: `0${7 + (i % 3)}:00`, closeTime: "17:00" }])),
    }),
  );
  const sets = Array.from({ length: 100 }, (_, i) =>
    add("holiday-sets", {
      name: `Holidays ${i}`,
      holidays: Array.from({ length: 10 }, (_, k) => {
        const start = new Date(Date.UTC(2026, 0, 1 + k * 30 + (i % 7)));
        return { name: `Day ${k}`, startDate: start.toISOString().slice(0, 19), endDate: new Date(start.getTime() + 86_400_000).toISOString().slice(0, 19) };
      }),
    }),
  );
  const zones = ["W. Europe Standard Time", "Pacific Standard Time", "UTC", "Tokyo Standard Time"];
  for (let i = 0; i < 200; i++) {
    const q = (k: number) => ({ action: "TransferToQueue" as const, queueId: queues[(i + k) % 300].id });
    add("workflows", {
      name: `Workflow ${i}`,
      primaryUri: `sip:wf${i}@contoso.com`,
      active: true,
      timeZone: zones[i % 4],
      businessHoursId: hours[i % 100].id,
      holidaySetIds: [sets[i % 100].id],
      nonBusinessHoursAction: { action: "TransferToVoicemailUri", uri: `sip:closed${i}@contoso.com` },
      holidayAction: { action: "Terminate" },
      defaultAction:
        i % 2 === 0
          ? { ...q(0), prompt: { textToSpeech: "Welcome." } }
          : {
              action: "TransferToQuestion",
              prompt: { textToSpeech: "Welcome." },
              question: {
                name: "Menu",
                prompt: { textToSpeech: "Press 1, 2 or 3." },
                answers: [
                  { dtmfResponse: "1", voiceResponses: ["sales"], action: q(1) },
                  { dtmfResponse: "2", action: q(2) },
                  { dtmfResponse: "3", action: { action: "TransferToQuestion", question: { prompt: { textToSpeech: "Press 1 or 2." }, answers: [{ dtmfResponse: "1", action: q(3) }, { dtmfResponse: "2", action: q(4) }] } } },
                ],
              },
            },
    });
  }
  return objects;
}

/** One IVR whose flow has 50 nodes: two levels of questions, five queues of two agent groups each. */
export function flow50(): { objects: PoolObjects; workflowId: string } {
  const { objects, add } = builder();
  const queue = (i: number) => {
    const agents = (k: number) => [`sip:a${i}${k}@contoso.com`, `sip:b${i}${k}@contoso.com`, ...(i + k === 0 ? ["sip:c00@contoso.com"] : [])];
    const groups = [0, 1].map((k) => add("agent-groups", { name: `Team ${i}.${k}`, routingMethod: METHODS[(i + k) % 5], agentsByUri: agents(k) }));
    return add("queues", { name: `Queue ${i}`, agentGroupIds: groups.map((g) => g.id), timeoutThreshold: 120, timeoutAction: { action: "TransferToVoicemailUri", uri: `sip:vm${i}@contoso.com` } });
  };
  const queues = Array.from({ length: 5 }, (_, i) => queue(i));
  const hours = add("hours-of-business", { name: "Office", mondayHours1: { openTime: "08:00", closeTime: "17:00" }, fridayHours1: { openTime: "08:00", closeTime: "15:00" } });
  const to = (i: number) => ({ action: "TransferToQueue" as const, queueId: queues[i].id });
  const w = add("workflows", {
    name: "Fifty",
    primaryUri: "sip:fifty@contoso.com",
    active: true,
    businessHoursId: hours.id,
    nonBusinessHoursAction: { action: "TransferToVoicemailUri", uri: "sip:closed@contoso.com" },
    defaultAction: {
      action: "TransferToQuestion",
      prompt: { textToSpeech: "Welcome to Contoso, thank you for calling." },
      question: {
        name: "Main menu",
        prompt: { textToSpeech: "For sales press 1, for support press 2, for billing press 3, for anything else press 4." },
        answers: [
          { dtmfResponse: "1", action: to(0) },
          { dtmfResponse: "2", action: { action: "TransferToQuestion", question: { name: "Support", prompt: { textToSpeech: "Hardware 1, software 2." }, answers: [{ dtmfResponse: "1", action: to(1) }, { dtmfResponse: "2", action: to(2) }] } } },
          { dtmfResponse: "3", action: to(3) },
          { dtmfResponse: "4", action: { action: "TransferToQuestion", question: { name: "Other", prompt: { textToSpeech: "Reception 1, message 2." }, answers: [{ dtmfResponse: "1", action: to(4) }, { dtmfResponse: "2", action: { action: "TransferToVoicemailUri", uri: "sip:closed@contoso.com" } }] } } },
        ],
      },
    },
  });
  return { objects, workflowId: w.id };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function runFlowBench(options: { quick?: boolean } = {}): Promise<FlowBenchResults> {
  const quick = options.quick ?? false;
  const startedAt = new Date().toISOString();

  // The first draw of the process pays for Graphviz's WebAssembly; it is measured before anything else warms the process.
  const fifty = flow50();
  const g50 = workflowGraph(buildGraph(fifty.objects), fifty.workflowId);
  let t = performance.now();
  await toSvg(g50);
  const firstSvgMs = performance.now() - t;
  const draws = quick ? 5 : 30;
  const svgTimes: number[] = [];
  const mermaidTimes: number[] = [];
  for (let i = 0; i < draws; i++) {
    t = performance.now();
    await toSvg(g50);
    svgTimes.push(performance.now() - t);
    t = performance.now();
    toMermaid(g50);
    mermaidTimes.push(performance.now() - t);
  }

  const objects = pool1000();
  t = performance.now();
  const run = createSimulator(objects);
  const indexMs = performance.now() - t;
  const agents = [...new Set(objects["agent-groups"].flatMap((g) => g.agentsByUri))];
  const states: AgentState[] = ["available", "busy", "offline"];
  const calls: Call[] = Array.from({ length: 500 }, (_, i) => ({
    workflow: `Workflow ${(i * 7) % 200}`,
    at: new Date(Date.UTC(2026, 0, 1) + ((i * 7_919_311) % (365 * 86_400)) * 1000),
    inputs: [{ kind: "dtmf" as const, key: String((i % 4) + 1) }, { kind: "dtmf" as const, key: String((i % 2) + 1) }],
    // As `--agents` gives them: the presence of a few agents; the others are available.
    agents: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [agents[(i * 13 + k * 7) % agents.length], states[(k + i) % 3]])),
    queueCalls: i % 7,
  }));
  for (const c of calls.slice(0, 50)) run(c);
  const budgetMs = quick ? 500 : 3000;
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    run(calls[done % calls.length]);
    done++;
  }
  const seconds = (performance.now() - start) / 1000;

  t = performance.now();
  buildGraph(objects);
  const graphMs = performance.now() - t;
  t = performance.now();
  lintPool(objects, { now: new Date("2026-06-01T00:00:00Z") });
  const lintMs = performance.now() - t;

  const byKind = Object.fromEntries(Object.entries(objects).filter(([k]) => k !== "pool").map(([k, v]) => [k, (v as unknown[]).length])) as Record<KindName, number>;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    mode: quick ? "quick" : "full",
    startedAt,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version },
    pool: { objects: Object.values(byKind).reduce((a, b) => a + b, 0), byKind },
    simulate: { calls: done, seconds: round(seconds), callsPerSecond: Math.round(done / seconds), indexMs: round(indexMs) },
    draw: { nodes: g50.nodes.length, edges: g50.edges.length, firstSvgMs: round(firstSvgMs), svgMs: round(median(svgTimes)), mermaidMs: round(median(mermaidTimes)), draws },
    pool1000: { graphMs: round(graphMs), lintMs: round(lintMs) },
  };
}

/** Runs the benchmark and writes flow.json into `outDir`. */
export async function writeFlowBench(outDir: string, quick: boolean): Promise<FlowBenchResults> {
  const results = await runFlowBench({ quick });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "flow.json"), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(__dirname, "results"));
  void writeFlowBench(outDir, values.quick!).then((r) => {
    process.stdout.write(
      `${r.simulate.callsPerSecond} simulated calls/s over ${r.pool.objects} objects; a ${r.draw.nodes}-node flow draws in ${r.draw.svgMs} ms (first ${r.draw.firstSvgMs} ms); ${join(outDir, "flow.json")}\n`,
    );
  });
}
