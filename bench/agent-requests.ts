/**
 * Agent requests per step, counted rather than timed: the shell backend (sdk/shell) against the
 * cmdlet-level fake agent (test/helpers/fake-agent), N objects in one pool (agent groups, queues
 * and workflows, a third each, each queue serving an agent group and each workflow a queue).
 * Each step runs in a backend of its own, as each Pulumi run starts a provider process of its own
 * with a cold cache: create every object, refresh them all (every object read at once, as Pulumi
 * runs its steps in parallel), update a tenth of each kind, delete every object (workflows, then
 * queues, then agent groups, as a destroy does).
 *
 * Every request is counted twice: by the backend's counters and by the agent's request log, and
 * the two must agree. The bounds (issue 11): a refresh costs at most one list per kind plus one;
 * a create costs one write plus its name lookup, and the lookups are answered from one list per
 * kind; an update and a delete cost one request each, plus the lists that warm the cache.
 *
 *   node -r ts-node/register/transpile-only bench/agent-requests.ts [--quick] [--out DIR]
 *   countAgentRequests(n) from bench/main.ts and test/integration/shell-request-counts.test.ts
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { RgsObject } from "../sdk/backend";
import { KIND_NAMES, type KindName } from "../sdk/model/kind";
import { ShellBackend } from "../sdk/shell/index";
import { fakeAgentCommand } from "../test/helpers/fake-agent/spawn";

export const AGENT_STEPS = ["create", "refresh", "update", "delete"] as const;
export type AgentStep = (typeof AGENT_STEPS)[number];

export interface StepCount {
  /** Backend operations the step made (creates, gets, updates or deletes). */
  operations: number;
  /** Requests the agent received during the step (its log). */
  requests: number;
  /** The same, as the backend counted them; must equal `requests`. */
  backendRequests: number;
  /** Of `requests`, those that wrote (New-*, op update, Remove-*). */
  writes: number;
  /** Of `requests`, the whole-kind lists (Get-CsRgs<noun> -Identity service:…) and other reads. */
  reads: number;
  /** Requests per cmdlet, as the agent logged them. */
  byCmdlet: Record<string, number>;
  /** The most requests the step may cost. */
  bound: number;
  withinBound: boolean;
  requestsPerOperation: number;
}

export interface AgentRequestCounts {
  objects: number;
  pool: string;
  steps: Record<AgentStep, StepCount>;
}

export interface AgentRequestsResults {
  startedAt: string;
  counts: number[];
  results: AgentRequestCounts[];
  allWithinBounds: boolean;
}

const POOL = "pool01.contoso.com";
/** One list per kind, plus one request (the pools for the cross-pool URI check). */
const LIST_ALLOWANCE = KIND_NAMES.length + 1;

const isWrite = (r: { op: string; cmdlet: string | null }) => r.op === "update" || /^(New|Remove|Set)-/.test(r.cmdlet ?? "");

/** Creates, refreshes, updates and deletes `n` objects in one pool, counting the agent requests of each step. */
export async function countAgentRequests(n: number): Promise<AgentRequestCounts> {
  const fake = fakeAgentCommand({ pools: [POOL] });
  const perKind = Math.ceil(n / 3);
  const plan: { kind: KindName; index: number }[] = [];
  for (let i = 0; i < perKind && plan.length < n; i++) plan.push({ kind: "agent-groups", index: i });
  for (let i = 0; i < perKind && plan.length < n; i++) plan.push({ kind: "queues", index: i });
  for (let i = 0; plan.length < n; i++) plan.push({ kind: "workflows", index: i });
  const made = new Map<KindName, RgsObject[]>(KIND_NAMES.map((k) => [k, []]));
  const body = (kind: KindName, i: number, changed = false): Record<string, unknown> => {
    const description = changed ? `Counted object ${i}, changed` : `Counted object ${i}`;
    const groups = made.get("agent-groups")!;
    const queues = made.get("queues")!;
    if (kind === "agent-groups") return { name: `Counted Group ${i}`, description, routingMethod: "LongestIdle", agentsByUri: [`sip:agent${i}@contoso.com`] };
    if (kind === "queues") return { name: `Counted Queue ${i}`, description, agentGroupIds: groups.length > 0 ? [groups[i % groups.length].id] : [] };
    return {
      name: `Counted Workflow ${i}`,
      description,
      primaryUri: `sip:counted-${i}@contoso.com`,
      ...(queues.length > 0 ? { defaultAction: { action: "TransferToQueue", queueId: queues[i % queues.length].id } } : {}),
    };
  };

  const steps = {} as Record<AgentStep, StepCount>;
  const step = async (name: AgentStep, bound: (operations: number) => number, work: (b: ShellBackend) => Promise<number>) => {
    // A backend of its own: a Pulumi run's provider process, whose cache starts cold.
    const backend = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 60_000, readyTimeoutMs: 60_000 });
    try {
      await backend.ping();
      fake.clearRequests();
      const before = backend.requests.total;
      const operations = await work(backend);
      const logged = fake.requests();
      const byCmdlet: Record<string, number> = {};
      for (const r of logged) byCmdlet[r.cmdlet ?? r.op] = (byCmdlet[r.cmdlet ?? r.op] ?? 0) + 1;
      const writes = logged.filter(isWrite).length;
      const limit = bound(operations);
      steps[name] = {
        operations,
        requests: logged.length,
        backendRequests: backend.requests.total - before,
        writes,
        reads: logged.length - writes,
        byCmdlet,
        bound: limit,
        withinBound: logged.length <= limit,
        requestsPerOperation: Math.round((logged.length / Math.max(1, operations)) * 1000) / 1000,
      };
    } finally {
      await backend.close();
    }
  };

  // The backend unrefs an idle agent and its start-up, so that they keep no process alive; outside
  // a test runner nothing else would hold this one open while the agent starts.
  const hold = setInterval(() => undefined, 1_000);
  try {
    // In order, as a deployment makes them: each object waits for those it references.
    await step("create", (ops) => ops + LIST_ALLOWANCE, async (b) => {
      for (const { kind, index } of plan) made.get(kind)!.push((await b.create(POOL, kind, body(kind, index) as never)).object);
      return plan.length;
    });
    const all = [...made.entries()].flatMap(([kind, objects]) => objects.map((o) => ({ kind, o })));
    await step("refresh", () => LIST_ALLOWANCE, async (b) => {
      const read = await Promise.all(all.map(({ kind, o }) => b.get(POOL, kind, o.id)));
      const missing = read.filter((r) => r === undefined).length;
      if (missing > 0) throw new Error(`the refresh of ${all.length} objects found ${missing} missing`);
      return all.length;
    });
    await step("update", (ops) => ops + LIST_ALLOWANCE, async (b) => {
      let ops = 0;
      for (const [kind, objects] of made) {
        const some = objects.slice(0, Math.max(objects.length > 0 ? 1 : 0, Math.round(objects.length / 10)));
        // Pulumi updates the changed objects of a run in parallel.
        await Promise.all(
          some.map(async (o) => {
            const index = Number(/(\d+)$/.exec(o.name)![1]);
            const updated = await b.update(POOL, kind, o.id, body(kind, index, true) as never, o.etag);
            objects[objects.indexOf(o)] = updated;
            ops++;
          }),
        );
      }
      return ops;
    });
    await step("delete", (ops) => ops + LIST_ALLOWANCE, async (b) => {
      let ops = 0;
      for (const kind of ["workflows", "queues", "agent-groups"] as const) {
        // Pulumi deletes what nothing depends on in parallel; a kind waits for the kinds that use it.
        const gone = await Promise.all(made.get(kind)!.map((o) => b.delete(POOL, kind, o.id)));
        if (gone.some((g) => !g)) throw new Error(`a delete of ${kind} found the object missing`);
        ops += gone.length;
      }
      return ops;
    });
  } finally {
    clearInterval(hold);
    rmSync(dirname(fake.stateFile), { recursive: true, force: true });
  }
  for (const [name, s] of Object.entries(steps)) {
    if (s.requests !== s.backendRequests) throw new Error(`${name} of ${n}: the agent logged ${s.requests} requests, the backend counted ${s.backendRequests}`);
  }
  return { objects: n, pool: POOL, steps };
}

/** Counts each of `counts` and writes agent-requests.json to `outDir`. */
export async function writeAgentRequests(outDir: string, counts: readonly number[], log: (line: string) => void = () => undefined): Promise<AgentRequestsResults> {
  const startedAt = new Date().toISOString();
  const results: AgentRequestCounts[] = [];
  for (const n of counts) {
    const r = await countAgentRequests(n);
    results.push(r);
    log(`  N=${n}: ${AGENT_STEPS.map((s) => `${s} ${r.steps[s].requests} (${r.steps[s].operations} ops, bound ${r.steps[s].bound})`).join(", ")}`);
  }
  const out: AgentRequestsResults = {
    startedAt,
    counts: [...counts],
    results,
    allWithinBounds: results.every((r) => AGENT_STEPS.every((s) => r.steps[s].withinBound)),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "agent-requests.json"), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(__dirname, "results"));
  writeAgentRequests(outDir, values.quick ? [10, 100] : [10, 100, 1000], (l) => process.stdout.write(`${l}\n`)).then(
    (r) => {
      process.stdout.write(`agent requests: ${r.allWithinBounds ? "every step within its bound" : "a step over its bound"}; wrote ${join(outDir, "agent-requests.json")}\n`);
      process.exit(r.allWithinBounds ? 0 : 1);
    },
    (e: unknown) => {
      process.stderr.write(`agent-requests: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
