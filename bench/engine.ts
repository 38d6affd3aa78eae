/**
 * Part 1 of the benchmark: the same resource graph deployed with pulumi-rgs against a running
 * service and with a no-op dynamic provider (the engine's floor), through the real Pulumi CLI.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { copyProject, selectStack, type Project } from "../test/helpers/pulumi";
import type { RunningService } from "../test/helpers/service";

export type ProviderName = "rgs" | "floor";
export const STEPS = ["up", "noopPreview", "noopUp", "changeUp", "destroy"] as const;
export type Step = (typeof STEPS)[number];

export interface EngineRun {
  provider: ProviderName;
  /** Which of two sides with the same provider (the A/A run): 0 or 1. */
  replica: number;
  /** Resources in the graph (the stack and the provider resources not counted). */
  count: number;
  /** Objects of each kind whose description the change step edits. */
  changedPerKind: number;
  /** Wall-clock seconds of each Automation API call, CLI and program start included: the median of `samples`. */
  seconds: Record<Step, number>;
  /** Every timing of a step, one per round (the whole life: up, no-op preview, no-op up, change, destroy). */
  samples: Record<Step, number[]>;
  /** What the engine reported in the last round, to show each step did what it should. */
  summaries: Record<Step, Record<string, number>>;
  state: StateSize;
}

export interface StateSize {
  /** Size of the stack's checkpoint file after the first up. */
  fileBytes: number;
  resources: number;
  /** fileBytes / resources. */
  bytesPerResource: number;
  /** Length of each kind's serialized provider (__provider) text. */
  providerBytes: Record<string, number>;
  /** Copies of __provider stored per resource (inputs and outputs). */
  providerCopiesPerResource: number;
  /** Bytes per resource of each part of a resource's entry, as the file writes it (indented). */
  breakdown: Record<string, number>;
}

/**
 * The environment of the headline runs, recorded in the results: what a user has (the engine
 * writes the whole snapshot as each step starts and ends, and keeps a backup of each update),
 * with the program transpiled only, as the test helpers run it.
 */
export const ENGINE_ENV: Record<string, string> = {
  PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "false",
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
};

/**
 * The second table's environment: the engine writes state once at the end instead of the whole
 * snapshot at each step, and no backup. It leaves out a cost that grows with the square of the
 * stack's size, which is the same engine code for every provider, so per-resource costs show.
 */
export const SKIP_CHECKPOINTS_ENV: Record<string, string> = {
  PULUMI_SKIP_CHECKPOINTS: "true",
  PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
};

const POOL = "pool01.contoso.com";
const SETTLE_MS = 1500;

export interface EngineOptions {
  /** The sides, each deployed in a stack of its own; two of one provider make an A/A pair. */
  providers?: readonly ProviderName[];
  env?: Record<string, string>;
  settleMs?: number;
  /** Whole lives of the stack, each step timed once per round; the median is kept. */
  rounds?: number;
}

/**
 * Deploys the graph of `count` resources with each side, step by step: each step runs for every
 * side one right after the other, the order rotating from step to step, so a ratio compares runs
 * seconds apart on a machine whose load drifts.
 */
export async function runEngineSides(count: number, service: RunningService, log: (line: string) => void, options: EngineOptions = {}): Promise<EngineRun[]> {
  const providers = options.providers ?? ["rgs", "floor"];
  const env = { ...SKIP_CHECKPOINTS_ENV, ...options.env };
  const rounds = options.rounds ?? 3;
  const changedPerKind = Math.max(1, Math.round(count / 3 / 10));
  const seen = new Map<ProviderName, number>();
  const sides: { provider: ProviderName; project: Project; stack?: Stack; run: EngineRun }[] = providers.map((provider) => {
    const replica = seen.get(provider) ?? 0;
    seen.set(provider, replica + 1);
    return {
      provider,
      project: copyProject("bench/program"),
      run: { provider, replica, count, changedPerKind, seconds: {}, samples: {}, summaries: {} } as EngineRun,
    };
  });
  const label = (run: EngineRun) => `${run.provider}${run.replica > 0 ? `#${run.replica + 1}` : ""}`;
  try {
    for (const side of sides) {
      side.stack = await selectStack(side.project, `${label(side.run).replace("#", "-")}-${count}`, {
        env: { ...env, RGS_ENDPOINT: service.url, RGS_TOKEN: service.tokens.operator, RGS_POOL: POOL },
      });
      await side.stack.setAllConfig({
        "bench:provider": { value: side.provider },
        "bench:count": { value: String(count) },
        "bench:changed": { value: "0" },
      });
    }
    const actions: Record<Step, (stack: Stack) => Promise<Record<string, number>>> = {
      up: async (stack) => changes(await stack.up()),
      noopPreview: async (stack) => (await stack.preview()).changeSummary as Record<string, number>,
      noopUp: async (stack) => changes(await stack.up()),
      changeUp: async (stack) => changes(await stack.up()),
      destroy: async (stack) => changes(await stack.destroy()),
    };
    let turn = 0;
    for (let round = 0; round < rounds; round++) {
      for (const step of STEPS) {
        const shift = turn++ % sides.length;
        const order = [...sides.slice(shift), ...sides.slice(0, shift)];
        for (const side of order) {
          if (step === "up") await side.stack!.setConfig("bench:changed", { value: "0" });
          if (step === "changeUp") await side.stack!.setConfig("bench:changed", { value: String(changedPerKind) });
          // The processes of the run before take a moment to go away; the run timed first in a pair
          // was 5-14% slower without this pause.
          await new Promise((res) => setTimeout(res, options.settleMs ?? SETTLE_MS));
          const t0 = process.hrtime.bigint();
          side.run.summaries[step] = await actions[step](side.stack!);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          (side.run.samples[step] ??= []).push(seconds);
          side.run.seconds[step] = median(side.run.samples[step]);
          log(`  ${label(side.run).padEnd(7)} n=${count} r${round + 1} ${step.padEnd(11)} ${seconds.toFixed(2).padStart(7)} s  ${JSON.stringify(side.run.summaries[step])}`);
          if (step === "up" && round === 0) side.run.state = stateSize(side.project, side.stack!);
        }
      }
      for (const { run } of sides) {
        const { summaries } = run;
        const who = `${label(run)} round ${round + 1}`;
        expect(summaries.up.create === count + 1, `${who} up created ${JSON.stringify(summaries.up)}`);
        expect(summaries.noopPreview.same === count + 1, `${who} no-op preview planned ${JSON.stringify(summaries.noopPreview)}`);
        expect(summaries.noopUp.same === count + 1, `${who} no-op up did ${JSON.stringify(summaries.noopUp)}`);
        expect(summaries.changeUp.update === 3 * changedPerKind, `${who} change up did ${JSON.stringify(summaries.changeUp)}`);
        expect(summaries.destroy.delete === count + 1, `${who} destroy did ${JSON.stringify(summaries.destroy)}`);
      }
    }
    return sides.map((s) => s.run);
  } finally {
    for (const side of sides) side.project.cleanup();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function changes(r: { summary: { resourceChanges?: Record<string, number> } }): Record<string, number> {
  return r.summary.resourceChanges ?? {};
}

function expect(ok: boolean, message: string): void {
  if (!ok) throw new Error(`benchmark step did not do what it should: ${message}`);
}

interface CheckpointResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Reads the file backend's checkpoint of the stack. */
function stateSize(project: Project, stack: Stack): StateSize {
  const file = findFile(join(project.stateDir, ".pulumi", "stacks"), `${stack.name}.json`);
  const text = readFileSync(file, "utf8");
  const resources = ((JSON.parse(text) as { checkpoint: { latest: { resources: CheckpointResource[] } } }).checkpoint.latest.resources ?? []).filter(
    (r) => r.type.startsWith("pulumi-nodejs:dynamic/rgs:"),
  );
  const providerBytes: Record<string, number> = {};
  let copies = 0;
  for (const r of resources) {
    const kind = r.type.split(":").pop()!;
    for (const bag of [r.inputs, r.outputs]) {
      const p = bag?.__provider;
      if (typeof p === "string") {
        providerBytes[kind] = p.length;
        copies++;
      }
    }
  }
  // What each part adds to a resource's entry as the file writes it: a resource's fields sit four
  // levels deep (checkpoint, latest, resources, the entry), indented as the file indents them.
  const unit = (/\n( *)"urn": "urn:pulumi:/.exec(text)?.[1].length ?? 0) / 4;
  const indented = (v: unknown) => JSON.stringify(v, null, unit).replace(/\n/g, `\n${" ".repeat(3 * unit)}`).length;
  const breakdown: Record<string, number> = {};
  const add = (k: string, n: number) => (breakdown[k] = (breakdown[k] ?? 0) + n);
  for (const r of resources) {
    const whole = indented(r);
    for (const k of Object.keys(r)) {
      const without: Record<string, unknown> = { ...r };
      delete without[k];
      const part = whole - indented(without);
      const bag = (r as unknown as Record<string, unknown>)[k] as Record<string, unknown> | undefined;
      if ((k === "inputs" || k === "outputs") && bag && typeof bag.__provider === "string") {
        const { __provider: _provider, ...rest } = bag;
        const provider = whole - indented({ ...r, [k]: rest });
        add("__provider (inputs and outputs)", provider);
        add(`${k} without __provider`, part - provider);
      } else {
        add(k, part);
      }
    }
  }
  for (const k of Object.keys(breakdown)) breakdown[k] = Math.round(breakdown[k] / resources.length);
  const fileBytes = statSync(file).size;
  return {
    fileBytes,
    resources: resources.length,
    bytesPerResource: Math.round(fileBytes / resources.length),
    providerBytes,
    providerCopiesPerResource: copies / resources.length,
    breakdown,
  };
}

function findFile(dir: string, name: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const found = findFileOrUndefined(p, name);
      if (found) return found;
    } else if (e.name === name) {
      return p;
    }
  }
  throw new Error(`no ${name} under ${dir}`);
}

function findFileOrUndefined(dir: string, name: string): string | undefined {
  try {
    return findFile(dir, name);
  } catch {
    return undefined;
  }
}
