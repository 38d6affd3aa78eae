/**
 * Where one step's time goes: runs the benchmark's graph up to a step with the Automation API,
 * then that step through the CLI with every Node process under `--cpu-prof` (the program and the
 * dynamic provider's process) and the engine under `--profiling` (Go's CPU profile), and writes a
 * summary per provider: CPU per process, and the functions and packages that used it.
 *
 *   node -r ts-node/register/transpile-only bench/profile.ts --step destroy [--count 300]
 *        [--provider rgs,floor] [--skip-checkpoints] [--out bench/results/profiles]
 *
 * The raw profiles stay in a temporary directory, named in the summary.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ENGINE_ENV, SKIP_CHECKPOINTS_ENV, STEPS, type ProviderName, type Step } from "./engine";
import { copyProject, pulumiBinDir, selectStack } from "../test/helpers/pulumi";
import { startService } from "../test/helpers/service";

const POOL = "pool01.contoso.com";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface ProcessSummary {
  file: string;
  role: string;
  wallMs: number;
  busyMs: number;
  /** Time the profiler spent writing itself out, left out of busyMs. */
  profilerMs: number;
  byArea: Record<string, number>;
  top: { fn: string; ms: number }[];
  allAreas: Record<string, number>;
  allFns: Record<string, number>;
}

/** The package or part of Node a script belongs to. */
function area(url: string, fn: string): string {
  if (url === "") return fn.startsWith("(") ? fn : "(native)";
  if (url.startsWith("node:")) return "node";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes("/dist/")) return "pulumi-rgs (dist)";
  return basename(url);
}

function summarizeNode(file: string): ProcessSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const byArea: Record<string, number> = {};
  const byFn = new Map<string, number>();
  let busy = 0;
  let profilerMs = 0;
  let role = "other";
  for (const n of p.nodes) {
    if (n.callFrame.url.includes("cmd/dynamic-provider")) role = "provider process";
    else if (n.callFrame.url.includes("cmd/run") && role === "other") role = "program";
  }
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === "(idle)") continue;
    // The profiler's own work: the inspector writing out each piece of this very profile.
    if (functionName === "dispatch" && url === "") {
      profilerMs += ms;
      continue;
    }
    busy += ms;
    const a = area(url, functionName);
    byArea[a] = (byArea[a] ?? 0) + ms;
    const key = `${functionName || "(anonymous)"} ${url ? `${a}:${basename(url)}:${lineNumber + 1}` : ""}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  const round = (x: number) => Math.round(x);
  return {
    file: basename(file),
    role,
    wallMs: round((p.endTime - p.startTime) / 1000),
    busyMs: round(busy),
    profilerMs: round(profilerMs),
    byArea: Object.fromEntries(Object.entries(byArea).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v)])),
    top: [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, ms]) => ({ fn, ms: round(ms) })),
    allAreas: byArea,
    allFns: Object.fromEntries(byFn),
  };
}

/** The summary of one run's raw profiles: each Node process, then the engine. */
function summarizeDir(dir: string): string[] {
  const out: string[] = [];
  const byPid = new Map<string, string[]>();
  for (const f of readdirSync(join(dir, "node")).filter((f) => f.endsWith(".cpuprofile"))) {
    const pid = f.split("-")[0];
    byPid.set(pid, [...(byPid.get(pid) ?? []), join(dir, "node", f)]);
  }
  const nodes = [...byPid.entries()]
    .map(([pid, files]) => merge(pid, files.map(summarizeNode)))
    .filter((s) => s.role !== "other" || s.busyMs > 200);
  for (const s of nodes.sort((a, b) => b.busyMs - a.busyMs)) {
    out.push(`### Node, ${s.role} (${s.file}): ${s.busyMs} ms busy of ${s.wallMs} ms`, "");
    out.push("by package: " + Object.entries(s.byArea).map(([k, v]) => `${k} ${Math.round(v)}`).join(", "), "");
    for (const t of s.top) out.push(`    ${String(Math.round(t.ms)).padStart(6)} ms  ${t.fn}`);
    out.push("");
  }
  const engineCpu = readdirSync(dir).find((f) => f.startsWith("engine") && f.endsWith(".cpu"));
  if (engineCpu) {
    let top = "";
    try {
      top = execFileSync("go", ["tool", "pprof", "-top", "-nodecount=25", join(dir, engineCpu)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch (e) {
      top = `go tool pprof failed: ${(e as Error).message}`;
    }
    out.push(`### the engine (Go, ${engineCpu})`, "", ...top.split("\n").map((l) => `    ${l}`), "");
    try {
      const cum = execFileSync("go", ["tool", "pprof", "-top", "-cum", "-nodecount=40", join(dir, engineCpu)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      out.push("cumulative:", "", ...cum.split("\n").map((l) => `    ${l}`), "");
    } catch {
      // the flat table is there
    }
  }
  return out;
}

/** Node's CPU profiler from inside the process, written in pieces: <pid>-<n>.cpuprofile. */
const PRELOAD = `"use strict";
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");
const dir = __DIR__;
const session = new inspector.Session();
session.connect();
let piece = 0;
const start = () => { session.post("Profiler.enable"); session.post("Profiler.start"); };
const flush = () => session.post("Profiler.stop", (err, r) => {
  if (!err && r && r.profile) fs.writeFileSync(path.join(dir, process.pid + "-" + piece++ + ".cpuprofile"), JSON.stringify(r.profile));
});
start();
setInterval(() => { flush(); start(); }, 2000).unref();
process.on("exit", flush);
`;

/** The pieces of one process's profile as one summary. */
function merge(pid: string, parts: ProcessSummary[]): ProcessSummary {
  const byArea: Record<string, number> = {};
  const byFn = new Map<string, number>();
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.allAreas)) byArea[k] = (byArea[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.allFns)) byFn.set(k, (byFn.get(k) ?? 0) + v);
  }
  const role = parts.find((p) => p.role !== "other")?.role ?? "other";
  return {
    file: `pid ${pid}, ${parts.length} piece${parts.length > 1 ? "s" : ""}`,
    role,
    wallMs: parts.reduce((a, p) => a + p.wallMs, 0),
    busyMs: parts.reduce((a, p) => a + p.busyMs, 0),
    profilerMs: parts.reduce((a, p) => a + p.profilerMs, 0),
    byArea: Object.fromEntries(Object.entries(byArea).sort((a, b) => b[1] - a[1]).slice(0, 12)),
    top: [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, ms]) => ({ fn, ms })),
    allAreas: byArea,
    allFns: Object.fromEntries(byFn),
  };
}

async function profileOne(provider: ProviderName, step: Step, count: number, env: Record<string, string>, rawDir: string): Promise<string> {
  const service = await startService({});
  const project = copyProject("bench/program");
  const lines: string[] = [];
  try {
    const stack = await selectStack(project, `${provider}-${count}`, { env: { ...env, RGS_ENDPOINT: service.url, RGS_TOKEN: service.tokens.operator, RGS_POOL: POOL } });
    await stack.setAllConfig({ "bench:provider": { value: provider }, "bench:count": { value: String(count) }, "bench:changed": { value: "0" } });
    const before = STEPS.slice(0, STEPS.indexOf(step));
    for (const s of before) {
      if (s === "up" || s === "noopUp" || s === "changeUp") {
        if (s === "changeUp") await stack.setConfig("bench:changed", { value: String(Math.max(1, Math.round(count / 30))) });
        await stack.up();
      }
    }
    if (step === "changeUp") await stack.setConfig("bench:changed", { value: String(Math.max(1, Math.round(count / 30))) });
    const dir = join(rawDir, `${provider}-${step}-${count}`);
    mkdirSync(join(dir, "node"), { recursive: true });
    const args =
      step === "noopPreview"
        ? ["preview"]
        : step === "destroy"
          ? ["destroy", "--yes", "--skip-preview"]
          : ["up", "--yes", "--skip-preview"];
    const ws = stack.workspace as LocalWorkspace;
    // Node refuses --cpu-prof in NODE_OPTIONS, and --cpu-prof writes its profile only on a clean
    // exit, which the engine does not give the provider process: a `node` ahead of the real one on
    // PATH (the program and the provider process are started as `node`) preloads a profiler that
    // writes what it has every two seconds and at exit.
    const shim = join(dir, "bin");
    mkdirSync(shim);
    writeFileSync(join(shim, "profiler.js"), PRELOAD.replace("__DIR__", JSON.stringify(join(dir, "node"))));
    writeFileSync(join(shim, "node"), `#!/bin/sh\nexec ${process.execPath} --require ${join(shim, "profiler.js")} "$@"\n`, { mode: 0o755 });
    const cliEnv = {
      ...process.env,
      ...ws.envVars,
      ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}),
      PATH: `${shim}:${ws.envVars.PATH ?? process.env.PATH}`,
    };
    const t0 = process.hrtime.bigint();
    try {
      execFileSync(join(pulumiBinDir(), "pulumi"), [...args, "--non-interactive", "--stack", stack.name, "--profiling", join(dir, "engine")], {
        cwd: project.dir,
        env: cliEnv,
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 28,
      });
    } catch (e) {
      const out = e as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`pulumi ${args[0]} failed:\n${out.stdout?.toString().slice(-3000)}\n${out.stderr?.toString().slice(-3000)}`);
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    lines.push(`## ${provider}: ${step} of ${count} resources, ${wall.toFixed(2)} s wall clock`, "", `raw profiles: ${dir}`, "");
    lines.push(...summarizeDir(dir));
    if (step !== "destroy") await stack.destroy();
  } finally {
    project.cleanup();
    await service.stop();
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      step: { type: "string", default: "destroy" },
      count: { type: "string", default: "300" },
      provider: { type: "string", default: "rgs,floor" },
      "skip-checkpoints": { type: "boolean", default: false },
      out: { type: "string" },
      // Summarizes the raw profiles of an earlier run again: <raw dir>/<provider>-<step>-<count>.
      from: { type: "string" },
    },
  });
  const step = values.step as Step;
  if (!STEPS.includes(step)) throw new Error(`--step must be one of ${STEPS.join(", ")}, not ${values.step}`);
  const count = Number(values.count);
  const env = values["skip-checkpoints"] ? SKIP_CHECKPOINTS_ENV : ENGINE_ENV;
  const outDir = resolve(values.out ?? join(__dirname, "results", "profiles"));
  const rawDir = values.from ?? mkdtempSync(join(tmpdir(), "rgs-bench-profile-"));
  mkdirSync(outDir, { recursive: true });
  const parts = [
    `# Profile of \`${step}\`, ${count} resources, ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`,
    "",
    `Taken ${new Date().toISOString()} by \`bench/profile.ts\`. CPU, not wall clock: on a shared machine the CPU a process used is steadier than the time it took.`,
    "",
  ];
  for (const provider of values.provider!.split(",") as ProviderName[]) {
    if (values.from) {
      const dir = join(rawDir, `${provider}-${step}-${count}`);
      parts.push([`## ${provider}: ${step} of ${count} resources (summarized again)`, "", `raw profiles: ${dir}`, "", ...summarizeDir(dir)].join("\n"));
      continue;
    }
    process.stdout.write(`profiling ${provider} ${step} at ${count}\n`);
    parts.push(await profileOne(provider, step, count, env, rawDir));
  }
  const file = join(outDir, `${step}-${count}${values["skip-checkpoints"] ? "-skip-checkpoints" : ""}.md`);
  writeFileSync(file, `${parts.join("\n")}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`profile: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
