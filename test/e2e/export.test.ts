/**
 * The round trip with the real Pulumi CLI: a service seeded with every kind and every field in two
 * pools, audio files (tiny WAV recordings) that prompts and a workflow's music on hold play, and one
 * pool's settings playing one as the default music on hold; `rgs export`, then `pulumi up` of the
 * exported program takes every object, audio file and the settings over without changing them;
 * `pulumi preview` then plans nothing, one edited field previews as that field, and destroying the
 * audio file the settings play puts the settings back at Lync's defaults before the file goes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../../cli/export";
import type { AudioFile, RgsObject, Settings } from "../../sdk/backend";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES } from "../../sdk/model/kind";
import { ROOT, selectStack, type Project, changedProperties } from "../helpers/pulumi";
import { startService, type RunningService } from "../helpers/service";
import { POOL_A, POOL_B, richAudio, richConfiguration, richSettings, seed } from "../unit/export-fixtures";

let service: RunningService;
let api: HttpBackend;
let project: Project;
let stack: Stack;
let before: Map<string, RgsObject>;
let audioBefore: Map<string, AudioFile>;
let settingsBefore: Map<string, Record<string, unknown>>;
let ids: Map<string, string>;

/** Every object of both pools by pool, kind and id. */
async function everything(): Promise<Map<string, RgsObject>> {
  const out = new Map<string, RgsObject>();
  for (const pool of [POOL_A, POOL_B]) {
    for (const kind of KIND_NAMES) {
      for (const o of (await api.list(pool, kind, { limit: 1000 })).items) out.set(`${pool}/${kind}/${o.id}`, o);
    }
  }
  return out;
}

/** An object without the fields that may move when it is written unchanged. */
function unchangedPart(o: RgsObject): Record<string, unknown> {
  const { etag: _etag, updatedAt: _updatedAt, ...rest } = o as RgsObject & Record<string, unknown>;
  return rest;
}

/** Every audio file of both pools by pool and id. */
async function everyAudioFile(): Promise<Map<string, AudioFile>> {
  const out = new Map<string, AudioFile>();
  for (const pool of [POOL_A, POOL_B]) for (const a of (await api.listAudioFiles(pool, { limit: 1000 })).items) out.set(`${pool}/${a.id}`, a);
  return out;
}

/** Each pool's settings, without their version. */
async function everySettings(): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const pool of [POOL_A, POOL_B]) {
    const { etag: _etag, updatedAt: _updatedAt, ...rest } = (await api.getSettings(pool)) as Settings;
    out.set(pool, rest);
  }
  return out;
}

// The stack's own resource, and pool A's settings: pool B keeps Lync's defaults, so it has none.
const STACK = 1;
const SETTINGS = 1;

function planned(events: EngineEvent[]) {
  return events
    .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.type.startsWith("pulumi-nodejs:dynamic/rgs:"))
    .map((e) => e.resourcePreEvent!.metadata);
}

beforeAll(async () => {
  service = await startService({ pools: [POOL_A, POOL_B] });
  api = new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 });
  ids = await seed(api, richConfiguration(), richAudio(), richSettings());
  before = await everything();
  audioBefore = await everyAudioFile();
  settingsBefore = await everySettings();

  const base = mkdtempSync(join(tmpdir(), "rgs-e2e-export-"));
  const dir = join(base, "contoso-rgs");
  const stateDir = join(base, "state");
  mkdirSync(stateDir);
  vi.stubEnv("RGS_TOKEN", service.tokens.reader);
  const code = await run(["--out", dir, "--endpoint", service.url, "--stack", "dev", "--format", "json"]);
  vi.unstubAllEnvs();
  expect(code).toBe(0);
  // The project resolves pulumi-rgs and @pulumi/pulumi as an installed project would: from this repository's node_modules.
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  project = { dir, stateDir, passphrase: "e2e-passphrase", cleanup: () => rmSync(base, { recursive: true, force: true }) };
  stack = await selectStack(project, "dev");
  // Writing settings needs an admin's token.
  await stack.setConfig("rgs:token", { value: service.tokens.admin, secret: true });
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("an exported program with the Pulumi CLI", () => {
  it("was exported with every object and audio file of both pools and the stack's endpoint and pool", () => {
    const program = readFileSync(join(project.dir, "index.ts"), "utf8");
    expect(audioBefore.size).toBe(richAudio().length);
    expect(program.match(/new rgs\./g)).toHaveLength(before.size + audioBefore.size + SETTINGS);
    expect(program.match(/new rgs\.AudioFile\(/g)).toHaveLength(audioBefore.size);
    // The prompt and the music on hold play the recordings they played in the service.
    const hunt = [...before.values()].find((o) => o.name === "Help Desk" && (o as RgsObject<"workflows">).primaryUri === "sip:helpdesk@contoso.com") as RgsObject<"workflows">;
    expect(hunt.customMusicOnHoldFileId).toBe(ids.get("hold"));
    expect(hunt.defaultAction?.prompt?.audioFileId).toBe(ids.get("welcome"));
    expect(program).toContain("customMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id");
    expect(settingsBefore.get(POOL_A)!.defaultMusicOnHoldFileId).toBe(ids.get("hold"));
    expect(program).toContain(`new rgs.ServiceSettings("settings-pool01-contoso-com", {\n    agentRingbackGracePeriod: 45,\n    disableCallContext: true,\n    defaultMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id,\n    pool: "${POOL_A}"\n});`);
    expect(readFileSync(join(project.dir, "Pulumi.dev.yaml"), "utf8")).toContain(`rgs:endpoint: "${service.url}"`);
  });

  it("takes every object, audio file and the settings over with pulumi up and changes none of them", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: before.size + audioBefore.size + SETTINGS + STACK });
    expect(await everySettings()).toEqual(settingsBefore);
    const after = await everything();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, was] of before) expect(unchangedPart(after.get(key)!), key).toEqual(unchangedPart(was));
    // The same audio files, by id, hash and file name: importing the exported bytes found each one.
    expect(await everyAudioFile()).toEqual(audioBefore);
    const state = (await stack.exportStack()).deployment as { resources: { type: string; id?: string; outputs?: { sha256?: string; fileName?: string } }[] };
    const audio = state.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/rgs:AudioFile");
    expect(audio.map((r) => [r.id, r.outputs?.sha256, r.outputs?.fileName]).sort()).toEqual(
      [...audioBefore.values()].map((a) => [a.id, a.sha256, a.fileName]).sort(),
    );
  });

  it("plans no change on the next preview", async () => {
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    expect(preview.changeSummary).toEqual({ same: before.size + audioBefore.size + SETTINGS + STACK });
    expect(planned(events).every((m) => m.op === "same")).toBe(true);
  });

  it("previews one edited field as an update of that field alone", async () => {
    const file = join(project.dir, "index.ts");
    const text = readFileSync(file, "utf8");
    expect(text.split("timeoutThreshold: 300").length).toBe(2);
    writeFileSync(file, text.replace("timeoutThreshold: 300", "timeoutThreshold: 240"));
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e), diff: true });
    expect(preview.changeSummary).toEqual({ same: before.size + audioBefore.size + SETTINGS + STACK - 1, update: 1 });
    const updates = planned(events).filter((m) => m.op === "update");
    expect(updates.map((m) => m.type)).toEqual(["pulumi-nodejs:dynamic/rgs:Queue"]);
    expect(updates[0].urn).toMatch(/::help-desk$/);
    expect(changedProperties(preview.stdout)).toEqual(["timeoutThreshold"]);
    expect(preview.stdout).toContain("timeoutThreshold : 300 => 240");
    // A preview writes nothing.
    const key = [...before.keys()].find((k) => k.startsWith(`${POOL_A}/queues/`) && before.get(k)!.name === "Help Desk")!;
    expect(((await everything()).get(key) as RgsObject<"queues">).timeoutThreshold).toBe(300);
  });

  it("destroys the audio file the settings play as default music on hold, the settings put back at Lync's defaults first", async () => {
    const state = (await stack.exportStack()).deployment as { resources: { urn: string; type: string; id?: string }[] };
    const hold = state.resources.find((r) => r.type === "pulumi-nodejs:dynamic/rgs:AudioFile" && r.id === ids.get("hold"))!;
    const events: EngineEvent[] = [];
    // The audio file and what plays it: the settings and the workflow whose music on hold it is.
    const destroy = await stack.destroy({ target: [hold.urn], targetDependents: true, onEvent: (e) => events.push(e) });
    expect(destroy.summary.result).toBe("succeeded");
    const deleted = planned(events).filter((m) => m.op === "delete");
    expect(deleted.map((m) => m.type.replace("pulumi-nodejs:dynamic/rgs:", "")).sort()).toEqual(["AudioFile", "ServiceSettings", "Workflow"]);
    const audio = await everyAudioFile();
    expect([...audio.keys()].sort()).toEqual([...audioBefore.keys()].filter((k) => k !== `${POOL_A}/${ids.get("hold")}`).sort());
    const defaults = { agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null };
    expect(await everySettings()).toEqual(new Map([POOL_A, POOL_B].map((pool) => [pool, { ...settingsBefore.get(pool), ...defaults }])));
  });
});
