/**
 * Part 1 of the benchmark: the same resource graph deployed with pulumi-rgs against a running
 * service and with a no-op dynamic provider (the engine's floor), through the real Pulumi CLI.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { copyProject, selectStack, type Project } from "../test/e2e/pulumi";
import type { RunningService } from "../test/helpers/service";

export type ProviderName = "rgs" | "floor";
export const STEPS = ["up", "noopPreview", "noopUp", "changeUp", "destroy"] as const;
export type Step = (typeof STEPS)[number];

export interface EngineRun {
  provider: ProviderName;
  /** Resources in the graph (the stack and the provider resources not counted). */
  count: number;
  /** Objects of each kind whose description the change step edits. */
  changedPerKind: number;
  /** Wall-clock seconds of each Automation API call, CLI and program start included. */
  seconds: Record<Step, number>;
  /** What the engine reported, to show each step did what it should. */
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
 * The environment every CLI run gets, recorded in the results. The stacks are thrown away, so the
 * engine writes state once at the end instead of the whole snapshot at each step
 * (PULUMI_SKIP_CHECKPOINTS): that keeps the run within its time on two cores and leaves out a
 * cost that grows with the square of the stack's size and is the same code for every provider.
 */
export const ENGINE_ENV = {
  PULUMI_SKIP_CHECKPOINTS: "true",
  PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
};

const POOL = "pool01.contoso.com";

/**
 * Deploys the graph of `count` resources with both providers, step by step: each step runs for one
 * provider and then the other (the order alternating), so a ratio compares runs seconds apart on a
 * machine whose load drifts.
 */
export async function runEnginePair(count: number, service: RunningService, log: (line: string) => void): Promise<EngineRun[]> {
  const changedPerKind = Math.max(1, Math.round(count / 3 / 10));
  const sides: { provider: ProviderName; project: Project; stack?: Stack; run: EngineRun }[] = (["rgs", "floor"] as const).map((provider) => ({
    provider,
    project: copyProject("bench/program"),
    run: { provider, count, changedPerKind, seconds: {}, summaries: {} } as EngineRun,
  }));
  try {
    for (const side of sides) {
      side.stack = await selectStack(side.project, `${side.provider}-${count}`, {
        env: { ...ENGINE_ENV, RGS_ENDPOINT: service.url, RGS_TOKEN: service.tokens.operator, RGS_POOL: POOL },
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
    for (const [i, step] of STEPS.entries()) {
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        if (step === "changeUp") await side.stack!.setConfig("bench:changed", { value: String(changedPerKind) });
        const t0 = process.hrtime.bigint();
        side.run.summaries[step] = await actions[step](side.stack!);
        side.run.seconds[step] = Number(process.hrtime.bigint() - t0) / 1e9;
        log(`  ${side.provider.padEnd(5)} n=${count} ${step.padEnd(11)} ${side.run.seconds[step].toFixed(2).padStart(7)} s  ${JSON.stringify(side.run.summaries[step])}`);
        if (step === "up") side.run.state = stateSize(side.project, side.stack!);
      }
    }
    for (const { run } of sides) {
      const { provider, summaries } = run;
      expect(summaries.up.create === count + 1, `${provider} up created ${JSON.stringify(summaries.up)}`);
      expect(summaries.noopPreview.same === count + 1, `${provider} no-op preview planned ${JSON.stringify(summaries.noopPreview)}`);
      expect(summaries.noopUp.same === count + 1, `${provider} no-op up did ${JSON.stringify(summaries.noopUp)}`);
      expect(summaries.changeUp.update === 3 * changedPerKind, `${provider} change up did ${JSON.stringify(summaries.changeUp)}`);
      expect(summaries.destroy.delete === count + 1, `${provider} destroy did ${JSON.stringify(summaries.destroy)}`);
    }
    return sides.map((s) => s.run);
  } finally {
    for (const side of sides) side.project.cleanup();
  }
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
  // The file is indented by four spaces, a resource's fields at depth three.
  const breakdown: Record<string, number> = {};
  for (const r of resources) {
    for (const [k, v] of Object.entries(r)) {
      const size = JSON.stringify(v, null, 4).replace(/\n/g, "\n            ").length + k.length + 16;
      if (k === "inputs" || k === "outputs") {
        const p = (v as Record<string, unknown>).__provider;
        const providerSize = typeof p === "string" ? JSON.stringify(p).length + "__provider".length + 20 : 0;
        breakdown.__provider = (breakdown.__provider ?? 0) + providerSize;
        breakdown[`${k} (without __provider)`] = (breakdown[`${k} (without __provider)`] ?? 0) + size - providerSize;
      } else {
        breakdown[k] = (breakdown[k] ?? 0) + size;
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
