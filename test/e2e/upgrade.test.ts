/**
 * A stack deployed by release 0.1, as its state and its service's database were left: today's
 * service opens the old database, today's program previews no change, and the shims that release
 * serialized into state (which refresh and destroy run) work against today's provider host.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES } from "../../sdk/model/kind";
import { ROOT, selectStack, type Project } from "../helpers/pulumi";
import { startService, type RunningService } from "../helpers/service";

const FIXTURE = resolve(__dirname, "fixtures/release-0.1");
const TOKEN = "fixture-operator-token-0123456789abcdef";
const POOL = "pool01.contoso.com";

let service: RunningService;
let project: Project;
let stack: Stack;
let api: HttpBackend;

async function objects(): Promise<Record<string, unknown>[]> {
  const out = [];
  for (const kind of KIND_NAMES) out.push(...(await api.list(POOL, kind, { limit: 1000 })).items);
  return out;
}

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), "rgs-upgrade-"));
  const dataDir = join(base, "data");
  mkdirSync(dataDir);
  cpSync(join(FIXTURE, "rgs.db"), join(dataDir, "rgs.db"));
  service = await startService({ pools: [POOL], dataDir, tokens: { admin: TOKEN, operator: `${TOKEN}-operator`, reader: `${TOKEN}-reader` } });
  api = new HttpBackend({ endpoint: service.url, token: TOKEN, maxRetries: 0 });

  const dir = join(base, "program");
  mkdirSync(dir);
  for (const f of ["Pulumi.yaml", "Pulumi.legacy.yaml", "quickstart.ts", "tsconfig.json"]) cpSync(join(FIXTURE, f), join(dir, f));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "rgs-upgrade-program", private: true }));
  const stateDir = join(base, "state");
  mkdirSync(stateDir);
  project = { dir, stateDir, passphrase: "fixture", cleanup: () => rmSync(base, { recursive: true, force: true }) };
  // The endpoint in the old stack config names a port long gone; the environment wins over it.
  stack = await selectStack(project, "legacy", { env: { RGS_ENDPOINT: service.url } });
  await stack.importStack(JSON.parse(readFileSync(join(FIXTURE, "state.json"), "utf8")));
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("a stack deployed by release 0.1", () => {
  it("holds shims of that release in its state", async () => {
    const state = await stack.exportStack();
    const shims = (state.deployment.resources as { inputs?: { __provider?: string } }[]).map((r) => r.inputs?.__provider).filter(Boolean);
    expect(shims).toHaveLength(5);
    for (const s of shims) expect(s).toContain('require("pulumi-rgs/provider-host").call(kind, method, args)');
  });

  it("is read back by today's service, and refresh through the old shims finds no drift", async () => {
    expect((await objects()).map((o) => o.name).sort()).toEqual(["Help Desk", "Help Desk", "Help Desk Tier 1", "Holidays 2026", "Office hours"]);
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(refresh.summary.resourceChanges).toEqual({ same: 6 });
  });

  it("previews no change with today's provider", async () => {
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ same: 6 });
  });

  it("is destroyed through the old shims, deleting every object", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await objects()).toEqual([]);
  });
});
