/**
 * `npm run bench [-- --quick]`: the provider against the engine's floor (with the engine's default
 * checkpoints, then without them at three sizes), the service against its floors, the size of
 * state, agent requests per step through the shell backend, and the flow and export benchmarks.
 * Writes latest.json, summary.md, scaling.svg, agent-requests.json, flow.json and export.json to
 * bench/results, or to the directory --out names; --render writes summary.md and scaling.svg again
 * from the latest.json there.
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ENGINE_ENV, runEngineSides, SKIP_CHECKPOINTS_ENV, STEPS, type EngineRun, type ProviderName, type Step } from "./engine";
import { READ_OPS, runService, WRITE_OPS, type LoadResult, type StorageFloor } from "./service";
import { writeAgentRequests, type AgentRequestsResults } from "./agent-requests";
import { writeFlowBench, type FlowBenchResults } from "./flow";
import { runExportBench, type ExportBenchResults } from "./export";
import { renderSummary, scalingChart } from "./report";
import { pulumiBinDir } from "../test/helpers/pulumi";
import { startService } from "../test/helpers/service";

/** One table of engine runs: every step of every side at each count, the median of `rounds`. */
export interface EngineTable {
  counts: number[];
  env: Record<string, string>;
  rounds: number;
  runs: EngineRun[];
  /** pulumi-rgs over the floor at each count. */
  ratioByCount: Record<string, Record<Step, number>>;
}

export interface BenchResults {
  mode: "full" | "quick";
  startedAt: string;
  durationSeconds: number;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string; pulumi: string };
  engine: {
    /** The resource count the headline ratios are taken at. */
    count: number;
    counts: number[];
    /** The headline's environment: the engine's default checkpoints. */
    env: Record<string, string>;
    rounds: number;
    parallel: string;
    runs: EngineRun[];
    ratio: Record<Step, number>;
    ratioByCount: Record<string, Record<Step, number>>;
    /** The floor against a second floor stack in the same rounds as the headline: how far a ratio of two equal runs strays. */
    aa?: { count: number; ratio: Record<Step, number> };
    /** The second table: the engine writing state once at the end (PULUMI_SKIP_CHECKPOINTS), at several sizes. */
    skipCheckpoints?: EngineTable & { ratio: Record<Step, number> };
    /** How time grows with the count, from the skipped-checkpoint table (the headline's in a quick run). */
    scaling: Scaling;
  };
  service: {
    secondsPerRun: number;
    concurrencies: number[];
    load: LoadResult[];
    storageFloor: StorageFloor;
    /** At concurrency 8: this service's ops/s over the HTTP floor's; read and write are the slowest of their ops. */
    ratio: Record<string, number>;
    readP99Ms: number;
    writeP99Ms: number;
  };
  state: {
    bytesPerResource: number;
    /** The largest serialized provider of the three kinds. */
    providerBytes: number;
    providerBytesByKind: Record<string, number>;
    providerCopiesPerResource: number;
    fileBytes: number;
    resources: number;
    floorBytesPerResource: number;
    breakdown: Record<string, number>;
  };
  /** Agent requests per step through the shell backend (agent-requests.json). */
  agentRequests?: AgentRequestsResults;
  /** The call-flow benchmark (flow.json), when bench/flow.ts ran. */
  flow?: FlowBenchResults;
  /** rgs export (export.json), when bench/export.ts ran. */
  export?: ExportBenchResults;
  goals: Goal[];
}

export interface Goal {
  key: string;
  op: "<=" | ">=";
  target: number;
  value: number;
  met: boolean;
}

export interface Scaling {
  counts: number[];
  /** Seconds of each step (median of the rounds) of pulumi-rgs at each count. */
  seconds: Record<Step, number[]>;
  floorSeconds: Record<Step, number[]>;
  /** Least-squares fit seconds = fixed + perResource * count, per step. */
  fit: Record<Step, { fixed: number; perResource: number; r2: number }>;
  /**
   * Per-resource cost between the two largest counts over that between the two smallest: about 1
   * when time grows linearly, above 1 when each resource costs more in a larger stack.
   */
  marginalGrowth: Record<Step, number>;
  linear: boolean;
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    // Writes summary.md and scaling.svg again from the latest.json already there, without measuring.
    render: { type: "boolean", default: false },
  },
});
const quick = values.quick!;
const outDir = resolve(values.out ?? join(__dirname, "results"));

interface Plan {
  /** The headline (default checkpoints), with a second floor stack for the A/A ratio in the full run. */
  headline: { count: number; rounds: number; aa: boolean };
  /** The skipped-checkpoint table; none in a quick run. */
  skipped?: { counts: number[]; rounds: number };
  concurrencies: number[];
  seconds: number;
  settleMs: number;
  agentCounts: number[];
  exportCounts: number[];
  exportRuns: number;
}

const plan: Plan = quick
  ? { headline: { count: 30, rounds: 1, aa: false }, concurrencies: [1, 8, 32], seconds: 0.5, settleMs: 500, agentCounts: [10, 100], exportCounts: [100], exportRuns: 3 }
  : {
      headline: { count: 300, rounds: 3, aa: true },
      // One round per count: with the headline's three rounds and its A/A stack, three would take
      // the full run past half an hour on a shared two-core machine.
      skipped: { counts: [100, 300, 1000], rounds: 1 },
      concurrencies: [1, 8, 32],
      seconds: 3,
      settleMs: 1500,
      agentCounts: [10, 100, 1000],
      exportCounts: [100, 300, 1000],
      exportRuns: 5,
    };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const find = (runs: EngineRun[], provider: ProviderName, count: number, replica = 0) =>
  runs.find((r) => r.provider === provider && r.count === count && r.replica === replica)!;
const ratioOf = (a: EngineRun, b: EngineRun) => Object.fromEntries(STEPS.map((s) => [s, round(a.seconds[s] / b.seconds[s], 3)])) as Record<Step, number>;

async function main(): Promise<void> {
  if (values.render) {
    const results = JSON.parse(readFileSync(join(outDir, "latest.json"), "utf8")) as BenchResults;
    writeFileSync(join(outDir, "scaling.svg"), scalingChart(results));
    writeFileSync(join(outDir, "summary.md"), renderSummary(results, "scaling.svg"));
    log(`== wrote summary.md and scaling.svg to ${outDir} from its latest.json`);
    return;
  }
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const bin = pulumiBinDir();
  const pulumiVersion = execFileSync(join(bin, "pulumi"), ["version"], { encoding: "utf8" }).trim();

  log(`== service (${plan.seconds} s per run, concurrency ${plan.concurrencies.join(", ")})`);
  const svc = await runService({ concurrencies: plan.concurrencies, seconds: plan.seconds }, log);

  const h = plan.headline;
  const sides: ProviderName[] = h.aa ? ["rgs", "floor", "floor"] : ["rgs", "floor"];
  log(`== engine, default checkpoints: ${h.count} resources, ${sides.join(", ")}, ${h.rounds} round${h.rounds > 1 ? "s" : ""}`);
  const service = await startService({});
  let headlineRuns: EngineRun[];
  const skippedRuns: EngineRun[] = [];
  try {
    headlineRuns = await runEngineSides(h.count, service, log, { providers: sides, env: ENGINE_ENV, settleMs: plan.settleMs, rounds: h.rounds });
    if (plan.skipped) {
      for (const count of plan.skipped.counts) {
        log(`== engine, PULUMI_SKIP_CHECKPOINTS: ${count} resources, ${plan.skipped.rounds} rounds`);
        skippedRuns.push(...(await runEngineSides(count, service, log, { env: SKIP_CHECKPOINTS_ENV, settleMs: plan.settleMs, rounds: plan.skipped.rounds })));
      }
    }
  } finally {
    await service.stop();
  }

  log(`== agent requests per step through the shell backend (${plan.agentCounts.join(", ")} objects)`);
  const agentRequests = await writeAgentRequests(outDir, plan.agentCounts, log);

  let flow: FlowBenchResults | undefined;
  if (existsSync(join(__dirname, "flow.ts"))) {
    log("== call flows (bench/flow.ts)");
    flow = await writeFlowBench(outDir, quick);
    log(`  ${flow.simulate.callsPerSecond} simulated calls/s over ${flow.pool.objects} objects; a ${flow.draw.nodes}-node diagram in ${flow.draw.svgMs} ms`);
  }
  let exported: ExportBenchResults | undefined;
  if (existsSync(join(__dirname, "export.ts"))) {
    log(`== rgs export (bench/export.ts, ${plan.exportCounts.join(", ")} objects)`);
    exported = await runExportBench({ counts: plan.exportCounts, runs: plan.exportRuns, out: outDir });
    log(`  ${exported.results.map((r) => `${r.count}: ${r.seconds} s`).join(", ")}`);
  }

  const headline = find(headlineRuns, "rgs", h.count);
  const floorHeadline = find(headlineRuns, "floor", h.count);
  const table = plan.skipped;
  const at8 = (op: string) => svc.load.find((r) => r.op === op && r.concurrency === 8)!;
  const floor8 = at8("floor").opsPerSecond;
  const perOp = Object.fromEntries([...READ_OPS, ...WRITE_OPS].map((op) => [op, round(at8(op).opsPerSecond / floor8, 3)]));
  const serviceRatio: Record<string, number> = {
    read: Math.min(...READ_OPS.map((op) => perOp[op])),
    write: Math.min(...WRITE_OPS.map((op) => perOp[op])),
    ...perOp,
    writeVsStorageFloor: round(Math.min(...WRITE_OPS.map((op) => at8(op).opsPerSecond)) / svc.storage.insertsPerSecond, 3),
    writeVsStorageFloorBatched: round(Math.min(...WRITE_OPS.map((op) => at8(op).opsPerSecond)) / svc.storage.batchedInsertsPerSecond, 3),
  };

  const results: BenchResults = {
    mode: quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      pulumi: pulumiVersion,
    },
    engine: {
      count: h.count,
      counts: [h.count],
      env: ENGINE_ENV,
      rounds: h.rounds,
      parallel: "default (4 x GOMAXPROCS)",
      runs: headlineRuns,
      ratio: ratioOf(headline, floorHeadline),
      ratioByCount: { [String(h.count)]: ratioOf(headline, floorHeadline) },
      aa: h.aa ? { count: h.count, ratio: ratioOf(find(headlineRuns, "floor", h.count, 1), floorHeadline) } : undefined,
      skipCheckpoints: table
        ? {
            counts: table.counts,
            env: SKIP_CHECKPOINTS_ENV,
            rounds: table.rounds,
            runs: skippedRuns,
            ratio: ratioOf(find(skippedRuns, "rgs", table.counts.includes(h.count) ? h.count : table.counts[0]), find(skippedRuns, "floor", table.counts.includes(h.count) ? h.count : table.counts[0])),
            ratioByCount: Object.fromEntries(table.counts.map((c) => [String(c), ratioOf(find(skippedRuns, "rgs", c), find(skippedRuns, "floor", c))])),
          }
        : undefined,
      scaling: table ? scaling(skippedRuns, table.counts) : scaling(headlineRuns, [h.count]),
    },
    service: {
      secondsPerRun: plan.seconds,
      concurrencies: plan.concurrencies,
      load: svc.load,
      storageFloor: svc.storage,
      ratio: serviceRatio,
      readP99Ms: Math.max(...READ_OPS.map((op) => at8(op).p99Ms)),
      writeP99Ms: Math.max(...WRITE_OPS.map((op) => at8(op).p99Ms)),
    },
    state: {
      bytesPerResource: headline.state.bytesPerResource,
      providerBytes: Math.max(...Object.values(headline.state.providerBytes)),
      providerBytesByKind: headline.state.providerBytes,
      providerCopiesPerResource: headline.state.providerCopiesPerResource,
      fileBytes: headline.state.fileBytes,
      resources: headline.state.resources,
      floorBytesPerResource: floorHeadline.state.bytesPerResource,
      breakdown: headline.state.breakdown,
    },
    agentRequests,
    flow,
    export: exported,
    goals: [],
  };
  results.goals = goals(results);
  results.durationSeconds = round((Date.now() - started) / 1000, 1);

  writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, "scaling.svg"), scalingChart(results));
  writeFileSync(join(outDir, "summary.md"), renderSummary(results, "scaling.svg"));
  log(`== wrote latest.json, summary.md and scaling.svg to ${outDir} in ${results.durationSeconds} s`);
  for (const g of results.goals) log(`  ${g.met ? "met    " : "not met"} ${g.key} ${g.op} ${g.target}: ${g.value}`);
}

function goals(r: BenchResults): Goal[] {
  const g = (key: string, value: number, op: "<=" | ">=", target: number): Goal => ({
    key,
    op,
    target,
    value,
    met: op === "<=" ? value <= target : value >= target,
  });
  return [
    g("engine.ratio.up", r.engine.ratio.up, "<=", 1.15),
    g("engine.ratio.noopPreview", r.engine.ratio.noopPreview, "<=", 1.1),
    g("engine.ratio.destroy", r.engine.ratio.destroy, "<=", 1.15),
    g("service.ratio.read", r.service.ratio.read, ">=", 0.6),
    g("service.ratio.write", r.service.ratio.write, ">=", 0.25),
    g("service.readP99Ms", r.service.readP99Ms, "<=", 10),
    g("state.bytesPerResource", r.state.bytesPerResource, "<=", 6144),
  ];
}

function scaling(runs: EngineRun[], counts: number[]): Scaling {
  const secondsOf = (provider: ProviderName) =>
    Object.fromEntries(STEPS.map((s) => [s, counts.map((c) => find(runs, provider, c).seconds[s])])) as Record<
      Step,
      number[]
    >;
  const seconds = secondsOf("rgs");
  const fit = {} as Scaling["fit"];
  const marginalGrowth = {} as Scaling["marginalGrowth"];
  for (const s of STEPS) {
    fit[s] = linearFit(counts, seconds[s]);
    const n = counts.length;
    if (n < 2) {
      marginalGrowth[s] = 1;
      continue;
    }
    const first = (seconds[s][1] - seconds[s][0]) / (counts[1] - counts[0]);
    const last = (seconds[s][n - 1] - seconds[s][n - 2]) / (counts[n - 1] - counts[n - 2]);
    marginalGrowth[s] = round(last / first, 2);
  }
  // Linear when a straight line fits a step, or one more resource costs no more (within a third) in
  // the largest stacks than in the smallest. The marginal ratio alone is noisy: it divides by the
  // difference of two runs 200 resources apart.
  const linear = counts.length >= 3 && STEPS.every((s) => fit[s].r2 >= 0.98 || marginalGrowth[s] <= 1.33);
  return { counts, seconds, floorSeconds: secondsOf("floor"), fit, marginalGrowth, linear };
}

function linearFit(xs: number[], ys: number[]): { fixed: number; perResource: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const r2 = sxx === 0 || syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { fixed: round(my - slope * mx, 3), perResource: round(slope, 5), r2: round(r2, 4) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
