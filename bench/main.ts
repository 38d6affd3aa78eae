/**
 * `npm run bench [-- --quick]`: the provider against the engine's floor, the service against its
 * floors, the size of state, and how deploy time grows with the number of resources. Writes
 * latest.json, summary.md and scaling.svg to bench/results, or to the directory --out names;
 * --render writes the last two again from the latest.json there.
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ENGINE_ENV, runEnginePair, STEPS, type EngineRun, type Step } from "./engine";
import { READ_OPS, runService, WRITE_OPS, type LoadResult, type StorageFloor } from "./service";
import { renderSummary, scalingChart } from "./report";
import { pulumiBinDir } from "../test/helpers/pulumi";
import { startService } from "../test/helpers/service";

export interface BenchResults {
  mode: "full" | "quick";
  startedAt: string;
  durationSeconds: number;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string; pulumi: string };
  engine: {
    /** The resource count the headline ratios are taken at. */
    count: number;
    counts: number[];
    env: Record<string, string>;
    parallel: string;
    runs: EngineRun[];
    ratio: Record<Step, number>;
    ratioByCount: Record<string, Record<Step, number>>;
    scaling: Scaling;
    /** The floor against itself (full run): how far a ratio of two equal runs strays. */
    aa?: { count: number; ratio: Record<Step, number>; runs: EngineRun[] };
    /** pulumi-rgs over the floor with the engine writing the whole snapshot at each step (full run). */
    withCheckpoints?: { count: number; env: Record<string, string>; ratio: Record<Step, number>; runs: EngineRun[] };
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
  /** Seconds of each step of run 1 (pulumi-rgs) at each count. */
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

const plan = quick
  ? { counts: [30], headline: 30, concurrencies: [1, 8, 32], seconds: 0.5, settleMs: 500, aaCount: 0, checkpointsCount: 0, previewRepeats: 1 }
  : { counts: [100, 300, 1000], headline: 300, concurrencies: [1, 8, 32], seconds: 3, settleMs: 1500, aaCount: 100, checkpointsCount: 300, previewRepeats: 3 };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

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

  log(`== engine (${plan.counts.join(", ")} resources; pulumi-rgs and the no-op floor)`);
  const runs: EngineRun[] = [];
  const service = await startService({});
  let aa: EngineRun[] = [];
  let checkpointed: EngineRun[] = [];
  try {
    for (const count of plan.counts) runs.push(...(await runEnginePair(count, service, log, { settleMs: plan.settleMs, previewRepeats: plan.previewRepeats })));
    if (plan.aaCount > 0) {
      log(`== engine A/A: the floor against itself at ${plan.aaCount} resources, the noise in a ratio`);
      aa = await runEnginePair(plan.aaCount, service, log, { providers: ["floor", "floor"], settleMs: plan.settleMs, previewRepeats: plan.previewRepeats });
    }
    if (plan.checkpointsCount > 0) {
      log(`== engine with the engine's default checkpoints (a full snapshot written at each step), ${plan.checkpointsCount} resources`);
      checkpointed = await runEnginePair(plan.checkpointsCount, service, log, { env: { PULUMI_SKIP_CHECKPOINTS: "false" }, settleMs: plan.settleMs });
    }
  } finally {
    await service.stop();
  }

  const ratioOf = (a: EngineRun, b: EngineRun) => Object.fromEntries(STEPS.map((s) => [s, round(a.seconds[s] / b.seconds[s], 3)])) as Record<Step, number>;
  const ratioAt = (count: number) =>
    ratioOf(runs.find((r) => r.provider === "rgs" && r.count === count)!, runs.find((r) => r.provider === "floor" && r.count === count)!);
  const headline = runs.find((r) => r.provider === "rgs" && r.count === plan.headline)!;
  const floorHeadline = runs.find((r) => r.provider === "floor" && r.count === plan.headline)!;

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
      count: plan.headline,
      counts: plan.counts,
      env: ENGINE_ENV,
      parallel: "default (4 x GOMAXPROCS)",
      runs,
      ratio: ratioAt(plan.headline),
      ratioByCount: Object.fromEntries(plan.counts.map((c) => [String(c), ratioAt(c)])),
      scaling: scaling(runs, plan.counts),
      aa: aa.length === 2 ? { count: plan.aaCount, ratio: ratioOf(aa[0], aa[1]), runs: aa } : undefined,
      withCheckpoints:
        checkpointed.length === 2
          ? { count: plan.checkpointsCount, env: { PULUMI_SKIP_CHECKPOINTS: "false" }, ratio: ratioOf(checkpointed[0], checkpointed[1]), runs: checkpointed }
          : undefined,
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
  const secondsOf = (provider: string) =>
    Object.fromEntries(STEPS.map((s) => [s, counts.map((c) => runs.find((r) => r.provider === provider && r.count === c)!.seconds[s])])) as Record<
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
