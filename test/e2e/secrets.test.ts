/**
 * Where the token goes, in each way of passing it: no state file, checkpoint backup or history
 * entry of the file backend holds it in plaintext, and a token in plain stack config is refused
 * before anything is written.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, selectStack, stateFilesText, type Project } from "../helpers/pulumi";
import { startService, type RunningService } from "../helpers/service";

let service: RunningService;
const projects: Project[] = [];

// Backups on, unlike the other e2e stacks: they are files a person could read too.
const withBackups = { PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "false" };

beforeAll(async () => {
  service = await startService({ pools: ["pool01.contoso.com"] });
}, 120_000);

afterAll(async () => {
  await service?.stop();
  for (const p of projects) p.cleanup();
});

function project(): Project {
  const p = copyProject("quickstart");
  projects.push(p);
  return p;
}

describe("the token", () => {
  it("set with --secret is ciphertext in every state file and backup", async () => {
    const p = project();
    const stack = await selectStack(p, "secret", { env: withBackups });
    await stack.setConfig("rgs:endpoint", { value: service.url });
    await stack.setConfig("rgs:token", { value: service.tokens.operator, secret: true });
    await stack.up();
    await stack.destroy();
    const text = stateFilesText(p);
    expect(text).toContain("pulumi-nodejs:dynamic/rgs:Workflow");
    expect(text).not.toContain(service.tokens.operator);
    expect(readFileSync(join(p.dir, "Pulumi.secret.yaml"), "utf8")).not.toContain(service.tokens.operator);
  });

  it("from RGS_TOKEN reaches neither state nor config", async () => {
    const p = project();
    const stack = await selectStack(p, "env", { env: { ...withBackups, RGS_TOKEN: service.tokens.operator } });
    await stack.setConfig("rgs:endpoint", { value: service.url });
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    await stack.destroy();
    expect(stateFilesText(p)).not.toContain(service.tokens.operator);
    expect(readFileSync(join(p.dir, "Pulumi.env.yaml"), "utf8")).not.toContain(service.tokens.operator);
  });

  it("in plain stack config is refused before any resource is registered, with how to set it", async () => {
    const p = project();
    const stack = await selectStack(p, "plain", { env: withBackups });
    await stack.setConfig("rgs:endpoint", { value: service.url });
    await stack.setConfig("rgs:token", { value: service.tokens.operator, secret: false });
    const err = await stack.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/rgs:token is set in plain stack config/);
    expect(err?.message).toContain("pulumi config set --secret rgs:token");
    expect(err?.message).toContain("RGS_TOKEN");
    expect(err?.message).not.toContain(service.tokens.operator);
    // Nothing of the program's objects reached the service or the state.
    const state = await stack.exportStack();
    const types = (state.deployment.resources ?? []).map((r: { type: string }) => r.type);
    expect(types.filter((t: string) => t.startsWith("pulumi-nodejs:dynamic/rgs:"))).toEqual([]);
    // The CLI itself records the stack config with each update's history entry; the state, its
    // checkpoints and backups hold no resource, so no copy of the token.
    const holding = filesContaining(p.stateDir, service.tokens.operator);
    expect(holding.length).toBeGreaterThan(0);
    expect(holding.every((f) => /^\.pulumi\/history\/.*\.history\.json$/.test(f)), holding.join(", ")).toBe(true);
  });
});

function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (readFileSync(f, "utf8").includes(needle)) out.push(relative(dir, f));
    }
  };
  walk(dir);
  return out;
}
