/**
 * `rgs export` at 100, 300 and 1,000 objects: the Response Group service (`rgs serve`, a real
 * process on SQLite) holds one pool per size, shaped like a deployment (agent groups, queues
 * chained in pairs, split-shift hours, holiday sets, IVR workflows, a one-second recording per 100
 * objects played as welcome and music on hold); each export reads its pool over HTTP, the
 * recordings' bytes included, generates the program and writes the project, recordings included.
 * Writes bench/results/export.json.
 *
 *   node -r ts-node/register/transpile-only bench/export.ts [--quick] [--out <dir>]
 *
 * Goal: 1,000 objects in 2 s or less, time growing linearly with the count.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Backend } from "../sdk/backend";
import { buildProject, readSnapshot } from "../sdk/export/index";
import { HttpBackend } from "../sdk/http-client";
import type { KindName } from "../sdk/model/kind";
import { startService } from "../test/helpers/service";

export interface ExportRun {
  count: number;
  /** Median of the runs, and each phase's median. */
  seconds: number;
  readSeconds: number;
  generateSeconds: number;
  writeSeconds: number;
  runs: number[];
  /** Bytes of every module of the program. */
  programBytes: number;
  modules: number;
  /** Recordings exported, and their bytes. */
  audioFiles: number;
  audioBytes: number;
}

export interface ExportBenchResults {
  startedAt: string;
  machine: { cores: number; cpu: string; node: string };
  runsPerCount: number;
  counts: number[];
  results: ExportRun[];
  /** Least-squares fit seconds = fixed + perObject * count. */
  fit: { fixed: number; perObject: number; r2: number };
  /** Per-object cost between the two largest counts over that between the two smallest; about 1 when linear. */
  growth: number;
  goal: { key: "export-1000-seconds"; op: "<="; target: number; value: number; met: boolean };
}

export interface ExportBenchOptions {
  counts?: number[];
  runs?: number;
  /** Directory for export.json; default bench/results. */
  out?: string;
}

const GOAL_SECONDS = 2;

/** Runs the benchmark and writes export.json; answers the results. */
export async function runExportBench(options: ExportBenchOptions = {}): Promise<ExportBenchResults> {
  const counts = options.counts ?? [100, 300, 1000];
  const runs = options.runs ?? 9;
  const pools = counts.map((n) => `bench${n}.contoso.com`);
  const service = await startService({ pools });
  const scratch = mkdtempSync(join(tmpdir(), "rgs-bench-export-"));
  try {
    const admin = new HttpBackend({ endpoint: service.url, token: service.tokens.admin });
    for (let i = 0; i < counts.length; i++) await seedLarge(admin, pools[i], counts[i]);
    const reader = new HttpBackend({ endpoint: service.url, token: service.tokens.reader });
    const results: ExportRun[] = [];
    for (let i = 0; i < counts.length; i++) {
      // One run first that is not counted: the service's and this process's code paths warm up.
      await exportOnce(reader, pools[i], join(scratch, "warm"));
      const samples: Phases[] = [];
      for (let r = 0; r < runs; r++) samples.push(await exportOnce(reader, pools[i], join(scratch, `n${counts[i]}-${r}`)));
      const med = (f: (p: Phases) => number) => median(samples.map(f));
      results.push({
        count: counts[i],
        seconds: med((p) => p.read + p.generate + p.write),
        readSeconds: med((p) => p.read),
        generateSeconds: med((p) => p.generate),
        writeSeconds: med((p) => p.write),
        runs: samples.map((p) => round(p.read + p.generate + p.write)),
        programBytes: samples[0].bytes,
        modules: samples[0].modules,
        audioFiles: samples[0].audioFiles,
        audioBytes: samples[0].audioBytes,
      });
    }
    const fit = leastSquares(results.map((r) => [r.count, r.seconds]));
    const perObject = (a: ExportRun, b: ExportRun) => (b.seconds - a.seconds) / (b.count - a.count);
    const growth = results.length >= 3 ? perObject(results[results.length - 2], results[results.length - 1]) / perObject(results[0], results[1]) : 1;
    const at1000 = results.find((r) => r.count === 1000) ?? results[results.length - 1];
    const out: ExportBenchResults = {
      startedAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version },
      runsPerCount: runs,
      counts,
      results: results.map((r) => ({ ...r, seconds: round(r.seconds), readSeconds: round(r.readSeconds), generateSeconds: round(r.generateSeconds), writeSeconds: round(r.writeSeconds) })),
      fit: { fixed: round(fit.fixed), perObject: Number(fit.perObject.toPrecision(3)), r2: round(fit.r2) },
      growth: round(growth),
      goal: { key: "export-1000-seconds", op: "<=", target: GOAL_SECONDS, value: round(at1000.seconds), met: at1000.seconds <= GOAL_SECONDS },
    };
    const dir = resolve(options.out ?? join(__dirname, "results"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "export.json"), `${JSON.stringify(out, null, 2)}\n`);
    return out;
  } finally {
    await service.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface Phases {
  read: number;
  generate: number;
  write: number;
  bytes: number;
  modules: number;
  audioFiles: number;
  audioBytes: number;
}

async function exportOnce(backend: Backend, pool: string, dir: string): Promise<Phases> {
  const t0 = performance.now();
  const snapshot = await readSnapshot(backend, { pools: [pool] });
  const t1 = performance.now();
  const { files, assets } = buildProject(snapshot, {
    project: "bench",
    stack: "dev",
    endpoint: "http://127.0.0.1:8080",
    json: true,
    versions: { pulumiRgs: "0.0.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.43" },
  });
  const t2 = performance.now();
  for (const [name, content] of [...Object.entries(files), ...Object.entries(assets)]) {
    const file = join(dir, ...name.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const t3 = performance.now();
  const modules = Object.keys(files).filter((f) => f.endsWith(".ts"));
  const bytes = modules.reduce((sum, f) => sum + Buffer.byteLength(files[f]), 0);
  const audioBytes = Object.values(assets).reduce((sum, a) => sum + a.length, 0);
  return { read: (t1 - t0) / 1000, generate: (t2 - t1) / 1000, write: (t3 - t2) / 1000, bytes, modules: modules.length, audioFiles: Object.keys(assets).length, audioBytes };
}

/** One second of a tone, 16-bit PCM mono at 8000 Hz (16 kB), different for each `n`. */
function recording(n: number): Uint8Array {
  const rate = 8000;
  const b = Buffer.alloc(44 + rate * 2);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(36 + rate * 2, 4);
  b.write("WAVEfmt ", 8, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36, "ascii");
  b.writeUInt32LE(rate * 2, 40);
  for (let i = 0; i < rate; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * (220 + n) * i) / rate)), 44 + i * 2);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** `n` objects in a pool: a fifth each of agent groups, queues (every second one timing out to the one before), hours, holiday sets, and IVR workflows. */
async function seedLarge(backend: Backend, pool: string, n: number): Promise<void> {
  const each = Math.max(1, Math.floor(n / 5));
  const ids = new Map<string, string>();
  const create = async (kind: KindName, key: string, body: Record<string, unknown>) => {
    ids.set(key, (await backend.create(pool, kind, body as never)).object.id);
  };
  const range = (k: number) => Array.from({ length: k }, (_v, i) => i);
  const recordings = Math.max(1, Math.floor(n / 100));
  await inParallel(range(recordings), async (i) => {
    ids.set(`a${i}`, (await backend.importAudioFile(pool, { fileName: `line ${i}.wav`, contentType: "audio/wav", content: recording(i) })).audioFile.id);
  });
  await inParallel(range(each), (i) => create("agent-groups", `g${i}`, { name: `Group ${i}`, routingMethod: "RoundRobin", agentsByUri: [`sip:agent${i}@contoso.com`] }));
  const queue = (i: number) => ({
    name: `Queue ${i}`,
    agentGroupIds: [ids.get(`g${i}`)],
    ...(i % 2 === 1 ? { timeoutThreshold: 60, timeoutAction: { action: "TransferToQueue", queueId: ids.get(`q${i - 1}`) } } : {}),
  });
  await inParallel(range(each).filter((i) => i % 2 === 0), (i) => create("queues", `q${i}`, queue(i)));
  await inParallel(range(each).filter((i) => i % 2 === 1), (i) => create("queues", `q${i}`, queue(i)));
  await inParallel(range(each), (i) =>
    create("hours-of-business", `h${i}`, {
      name: `Hours ${i}`,
      mondayHours1: { openTime: "08:00", closeTime: "12:00" },
      mondayHours2: { openTime: "13:00", closeTime: "17:00" },
      fridayHours1: { openTime: "08:00", closeTime: "15:00" },
    }),
  );
  await inParallel(range(each), (i) =>
    create("holiday-sets", `s${i}`, { name: `Holidays ${i}`, holidays: [{ name: "New Year", startDate: "2026-01-01T00:00:00", endDate: "2026-01-02T00:00:00" }] }),
  );
  await inParallel(range(n - 4 * each), (i) =>
    create("workflows", `w${i}`, {
      name: `Workflow ${i}`,
      primaryUri: `sip:flow${i}@${pool}`,
      active: true,
      timeZone: "Eastern Standard Time",
      businessHoursId: ids.get(`h${i % each}`),
      holidaySetIds: [ids.get(`s${i % each}`)],
      defaultAction: {
        action: "TransferToQuestion",
        prompt: { textToSpeech: `Welcome to line ${i}.`, audioFileId: ids.get(`a${i % recordings}`) },
        question: {
          prompt: { textToSpeech: "For sales press 1, to leave press 2." },
          answers: [
            { dtmfResponse: "1", action: { action: "TransferToQueue", queueId: ids.get(`q${i % each}`) } },
            { dtmfResponse: "2", action: { action: "Terminate" } },
          ],
        },
      },
      holidayAction: { action: "Terminate", prompt: { textToSpeech: "We are closed today." } },
      customMusicOnHoldFileId: ids.get(`a${(i + 1) % recordings}`),
    }),
  );
}

async function inParallel<T>(items: readonly T[], f: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await f(items[next++]);
    }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function leastSquares(points: [number, number][]): { fixed: number; perObject: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const perObject = sxx === 0 ? 0 : sxy / sxx;
  const fixed = my - perObject * mx;
  const ssTot = points.reduce((a, [, y]) => a + (y - my) ** 2, 0);
  const ssRes = points.reduce((a, [x, y]) => a + (y - (fixed + perObject * x)) ** 2, 0);
  return { fixed, perObject, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: "boolean" }, out: { type: "string" } } });
  runExportBench(values.quick ? { counts: [30, 60, 100], runs: 2, out: values.out } : { out: values.out }).then(
    (r) => {
      for (const x of r.results) process.stdout.write(`export ${x.count} objects: ${x.seconds} s (read ${x.readSeconds}, generate ${x.generateSeconds}, write ${x.writeSeconds})\n`);
      process.stdout.write(`fit ${r.fit.fixed} s + ${r.fit.perObject} s/object (r² ${r.fit.r2}); growth ${r.growth}; goal ≤ ${r.goal.target} s: ${r.goal.met ? "met" : "not met"}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`bench/export: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
