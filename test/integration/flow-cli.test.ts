/**
 * rgs simulate, diagram, lint and diff as real processes against a real service (rgs serve on
 * SQLite), and against export files: the token only from RGS_TOKEN, exit codes 0, 1 and 2.
 * Build first: npx tsc -p tsconfig.json.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES } from "../../sdk/model/index";
import type { PoolObjects } from "../../sdk/flow/pool";
import { readPool } from "../../cli/source";
import { ShellBackend } from "../../sdk/shell/index";
import { fakeAgentCommand } from "../helpers/fake-agent/spawn";
import { makeTempDir, removeDir, startService, type RunningService } from "../helpers/service";
import type { Simulation } from "../../sdk/flow/simulate";
import { wav } from "../unit/export-fixtures";
import { contoso } from "../unit/flow-fixtures";

const DIST = resolve(__dirname, "../../dist/cli");
const POOL = "pool01.contoso.com";

let service: RunningService;
let dir: string;
let exported: string;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs dist/cli/<command>.js, or with command "rgs", the rgs command itself (dist/cli/main.js). */
function rgs(command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const file = join(DIST, `${command === "rgs" ? "main" : command}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing; run npx tsc -p tsconfig.json first`);
  const childEnv: Record<string, string | undefined> = { ...process.env, RGS_TOKEN: service.tokens.reader, ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [file, ...args], { env: childEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", rej);
    child.once("exit", (status) => {
      clearTimeout(timer);
      res({ status, stdout, stderr });
    });
  });
}

/** Creates the fixture's objects in the service, in dependency order, with the service's ids. */
async function seed(backend: HttpBackend | ShellBackend, objects: PoolObjects): Promise<void> {
  const ids = new Map<string, string>();
  for (const kind of KIND_NAMES) {
    for (const o of objects[kind]) {
      const { id, ...body } = o as { id: string };
      const json = JSON.stringify(body).replace(/"(00000000-0000-4000-8000-\d{12})"/g, (m, old: string) => JSON.stringify(ids.get(old) ?? old));
      const created = await backend.create(POOL, kind, JSON.parse(json));
      ids.set(id, created.object.id);
    }
  }
}

beforeAll(async () => {
  service = await startService({ pools: [POOL] });
  dir = makeTempDir("rgs-flow-cli-");
  const backend = new HttpBackend({ endpoint: service.url, token: service.tokens.operator });
  await seed(backend, contoso().objects);
  exported = join(dir, "before.json");
  writeFileSync(exported, JSON.stringify(await readPool(backend, POOL), null, 2));
  await backend.close();
});

afterAll(async () => {
  await service?.stop();
  if (dir) removeDir(dir);
});

describe("rgs simulate against the service", () => {
  it("answers Friday 17:05, key 2, as JSON with Lync's action names", async () => {
    const r = await rgs("simulate", ["--endpoint", service.url, "--pool", POOL, "--workflow", "Main Line", "--at", "2026-12-04T17:05", "--press", "2", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toMatchObject({ action: "TransferToQueue", result: "answered", queue: { name: "Support", id: expect.stringMatching(/^[0-9a-f-]{36}$/) }, agent: "sip:alice@contoso.com" });
    expect(out.local).toMatchObject({ zone: "Europe/Berlin", wall: "2026-12-04T17:05:00" });
    expect(out.steps.length).toBeGreaterThan(5);
    expect(out.assumptions.map((a: { name: string; evidence: string }) => `${a.name}:${a.evidence}`)).toEqual(
      expect.arrayContaining(["welcomePlacement:practitioner", "windowsZoneAsIana:inferred", "groupsInOrder:doc"]),
    );
  });

  it("follows --press and --say in the order given, with agents busy and a timeout", async () => {
    const r = await rgs("simulate", [
      "--endpoint", service.url, "--uri", "sip:main@contoso.com", "--at", "2026-12-03T10:00:00Z",
      "--say", "something else", "--press", "3", "--press", "1", "--agents", "sip:frank@contoso.com=busy", "--json",
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.steps.map((s: { text: string }) => s.text)).toEqual(
      expect.arrayContaining(['the caller says "something else", which answers nothing (accepted: 1 / say billing | invoice, 2 / say support, 3)', "the caller presses 3: answer Other", "the caller presses 1: answer Reception"]),
    );
    expect(out.outcome).toMatchObject({ action: "Terminate", queue: { name: "Front Desk" } });
    expect(out.steps.find((s: { kind: string }) => s.kind === "timeout").queueSeconds).toBe(60);
  });

  it("prints steps, the outcome and the assumptions as text, with the DST note for a repeated local time", async () => {
    const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "help desk", "--at", "2026-11-01T01:30", "--tz", "Pacific Standard Time", "--no-agents"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("note: 2026-11-01T01:30 happens twice in America/Los_Angeles (clocks go back); the first is taken, 2026-11-01T08:30:00.000Z");
    expect(r.stdout).toMatch(/outcome: TransferToVoicemailUri sip:helpdesk-vm@contoso.com \(transferred\)/);
    expect(r.stdout).toMatch(/timeoutWallClock \[assumption\]: /);
  });

  it("overflows with --queue-calls at the threshold", async () => {
    const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Help Desk", "--queue-calls", "Support=10", "--json"]);
    expect(JSON.parse(r.stdout).outcome).toMatchObject({ action: "TransferToPSTN", uri: "sip:+4930123456@contoso.com" });
  });

  it("reads an export file the same way", async () => {
    const r = await rgs("simulate", ["--file", exported, "--workflow", "Main Line", "--at", "2026-12-25T10:00:00Z", "--json"], { RGS_TOKEN: undefined });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).outcome).toMatchObject({ action: "Terminate", result: "disconnected" });
  });

  it.each([
    ["no workflow", ["--endpoint", "URL"], /name the workflow with --workflow NAME or --uri sip:/],
    ["a key that is not one", ["--endpoint", "URL", "--workflow", "Main Line", "--press", "12"], /--press must be one keypad key, 0-9, \* or # \(got '12'\)/],
    ["an agent state that is not one", ["--endpoint", "URL", "--workflow", "Main Line", "--agents", "sip:a@contoso.com=away"], /must be one of available, busy, offline \(got 'away'\)/],
    ["an unknown assumption", ["--endpoint", "URL", "--workflow", "Main Line", "--assume", "speed=fast"], /'speed' is not a choice; the choices are welcomePlacement/],
    ["--tz with an instant", ["--endpoint", "URL", "--workflow", "Main Line", "--at", "2026-12-04T17:05Z", "--tz", "UTC"], /already carries its offset/],
    ["a token on the command line", ["--endpoint", "URL", "--workflow", "Main Line", "--token", "hunter2"], /a token is never taken from the command line/],
    ["an unknown option", ["--endpoint", "URL", "--wrokflow", "Main Line"], /Unknown option '--wrokflow'/],
  ])("exits 2 with the usage on %s", async (_what, args, message) => {
    const r = await rgs("simulate", args.map((a) => (a === "URL" ? service.url : a)));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("usage: rgs simulate");
    expect(r.stderr).not.toContain("hunter2");
  });

  it("exits 2 without RGS_TOKEN, and 1 with a token the service refuses, never printing it", async () => {
    const none = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Main Line"], { RGS_TOKEN: undefined });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/RGS_TOKEN is not set/);
    const bad = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Main Line"], { RGS_TOKEN: "tok-wrong-hunter2" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^rgs simulate: /);
    expect(`${bad.stdout}${bad.stderr}`).not.toContain("hunter2");
  });

  it("exits 1 naming the workflows there are when none matches", async () => {
    const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Sales"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no workflow named 'Sales' in pool pool01\.contoso\.com; there are 'Main Line' \(sip:main@contoso\.com\), 'Help Desk'/);
  });
});

describe("through the rgs command", () => {
  it("dispatches simulate, diagram, lint and diff, with their exit codes", async () => {
    const help = await rgs("rgs", ["simulate", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: rgs simulate/);
    const strict = await rgs("rgs", ["lint", "--endpoint", service.url, "--now", "2027-02-01T00:00:00Z", "--strict"]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("[holidays-past]");
    const bad = await rgs("rgs", ["diagram", "--endpoint", service.url, "--workflow", "Main Line", "--format", "gif"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage: rgs diagram");
    const diff = await rgs("rgs", ["diff", exported, exported]);
    expect(diff.stdout).toBe("no changes\n");
  });
});

describe("rgs diagram", () => {
  it("writes a workflow's SVG to --out, and its Mermaid and DOT to standard output", async () => {
    const out = join(dir, "main.svg");
    const svg = await rgs("diagram", ["--endpoint", service.url, "--workflow", "Main Line", "--format", "svg", "--out", out]);
    expect(svg.status).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toMatch(/^<\?xml/);
    for (const label of ["Main Line", "Queue Support", "Queue Billing", "Queue Front Desk", "alice@contoso.com", "timeout 120 s"]) expect(text).toContain(label);
    const mermaid = await rgs("diagram", ["--endpoint", service.url, "--workflow", "sip:helpdesk@contoso.com"]);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toContain('[("Queue Support")]');
    expect(mermaid.stdout).not.toContain("Queue Billing");
    const dot = await rgs("diagram", ["--file", exported, "--pool", POOL, "--format", "dot"], { RGS_TOKEN: undefined });
    expect(dot.stdout).toMatch(/^digraph "pool01\.contoso\.com" \{/);
    expect(dot.stdout).toContain("Queue Billing");
  });

  it("exits 2 on a format that is not one, or with nothing to draw", async () => {
    const r = await rgs("diagram", ["--endpoint", service.url, "--workflow", "Main Line", "--format", "png"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of mermaid, svg, dot \(got 'png'\)/);
    expect((await rgs("diagram", ["--endpoint", service.url])).status).toBe(2);
  });
});

describe("rgs lint", () => {
  it("warns and exits 0, or 1 with --strict", async () => {
    const r = await rgs("lint", ["--endpoint", service.url, "--now", "2027-02-01T00:00:00Z"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("warning: holiday set 'Holidays 2026' holidays: every holiday is in the past");
    const strict = await rgs("lint", ["--endpoint", service.url, "--now", "2027-02-01T00:00:00Z", "--strict", "--json"]);
    expect(strict.status).toBe(1);
    expect(JSON.parse(strict.stdout)).toEqual([expect.objectContaining({ rule: "holidays-past", field: "holidays", object: expect.objectContaining({ kind: "holiday-sets", name: "Holidays 2026" }) })]);
    const clean = await rgs("lint", ["--endpoint", service.url, "--now", "2026-06-01T00:00:00Z", "--strict"]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe("no warnings for pool01.contoso.com\n");
  });
});

describe("rgs diff", () => {
  it("describes what an edit in the service changes, against the export taken before", async () => {
    const backend = new HttpBackend({ endpoint: service.url, token: service.tokens.operator });
    const office = await backend.findByName(POOL, "hours-of-business", "Office");
    const { id, identity, etag, ownerPool, createdAt, updatedAt, ...body } = office!;
    void [id, identity, ownerPool, createdAt, updatedAt];
    await backend.update(POOL, "hours-of-business", office!.id, { ...body, fridayHours2: { openTime: "13:00", closeTime: "17:00" } }, etag);
    const main = (await backend.findByName(POOL, "workflows", "Main Line"))!;
    const billing = (await backend.findByName(POOL, "queues", "Billing"))!;
    const { id: wid, identity: wi, etag: we, ownerPool: wo, createdAt: wc, updatedAt: wu, ...wbody } = main;
    void [wi, wo, wc, wu];
    wbody.defaultAction!.question!.answers[1].action.queueId = billing.id;
    await backend.update(POOL, "workflows", wid, wbody, we);
    await backend.close();

    const r = await rgs("diff", [exported, service.url, "--pool", POOL]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("Office (Main Line): closes 17:00 on Fridays (was 18:00)\nMain Line: key 2 now goes to queue Billing (was Support)\n");
    const same = await rgs("diff", [exported, exported], { RGS_TOKEN: undefined });
    expect(same.stdout).toBe("no changes\n");
  });

  it("exits 2 without two configurations, and 1 on a file that is not an export", async () => {
    expect((await rgs("diff", [exported])).status).toBe(2);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ pool: POOL, queues: [{ id: "q1", name: "Q", timeoutThreshold: 5 }], tables: [] }));
    const r = await rgs("diff", [exported, bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is not a valid export: 2 problems");
    expect(r.stderr).toContain("queues.0.timeoutThreshold: must be from 10 to 65535 seconds, or null for no timeout (got 5)");
    expect(r.stderr).toContain("tables: is not a kind");
  });
});

describe("a Pulumi program before it is deployed (--program, under Pulumi's mocks)", () => {
  const example = resolve(__dirname, "../../examples/hunt-group");

  /** A copy of the hunt-group example with one edit, resolving packages from this repository. */
  function editedCopy(edit: (source: string) => string): string {
    const copy = join(dir, `program-${Math.random().toString(36).slice(2)}`);
    mkdirSync(copy);
    for (const f of ["Pulumi.yaml", "index.ts"]) writeFileSync(join(copy, f), f === "index.ts" ? edit(readFileSync(join(example, f), "utf8")) : readFileSync(join(example, f)));
    symlinkSync(resolve(__dirname, "../../node_modules"), join(copy, "node_modules"), "dir");
    return copy;
  }

  it("simulates a call into the declared objects", async () => {
    const r = await rgs("simulate", ["--program", example, "--pool", POOL, "--workflow", "Sales", "--at", "2026-12-03T18:00:00Z", "--json"], { RGS_TOKEN: undefined });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.workflow).toMatchObject({ name: "Sales", primaryUri: "sip:sales@contoso.com" });
    expect(out.outcome).toMatchObject({ action: "TransferToQueue", result: "answered", queue: { name: "Sales" } });
  });

  it("diffs a program against an edited copy of it", async () => {
    const copy = editedCopy((s) => s.replace("timeoutThreshold: 300,", "timeoutThreshold: 240,"));
    const r = await rgs("diff", [example, copy, "--pool", POOL], { RGS_TOKEN: undefined });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("Sales: times out after 240 s (was 300 s)\n");
  });

  it("exits 1 naming the field when the program declares an object that is not valid", async () => {
    const copy = editedCopy((s) => s.replace("agentAlertTime: 15,", "agentAlertTime: 5,"));
    const r = await rgs("lint", ["--program", copy, "--pool", POOL], { RGS_TOKEN: undefined });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/first-line\.agentAlertTime: must be from 10 to 600 seconds \(got 5\)/);
  });
});

describe("a real pool through the Management Shell agent (--shell, the fake agent)", () => {
  it("simulates and draws from the pool's objects as the cmdlets return them", async () => {
    const fake = fakeAgentCommand({ pools: [POOL] });
    const backend = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 60_000 });
    try {
      await seed(backend, contoso().objects);
    } finally {
      await backend.close();
    }
    const env = { ...fake.env, RGS_TOKEN: undefined };
    const r = await rgs("simulate", ["--shell", fake.commandLine, "--workflow", "Main Line", "--at", "2026-12-04T17:05", "--press", "1", "--json"], env);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).outcome).toMatchObject({ action: "TransferToQueue", result: "answered", queue: { name: "Billing" }, agent: "sip:dave@contoso.com" });
    const d = await rgs("diagram", ["--shell", fake.commandLine, "--pool", POOL, "--format", "dot"], env);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("Queue Front Desk");
  });
});

describe("audio files: prompts by file name and the music a waiting caller hears", () => {
  const welcome = wav([0, 1200, 2400, 1200, 0, -1200]);
  const hold = wav([0, 8000, 16000, 8000, 0, -8000, -16000]);
  let ids: { welcome: string; hold: string };

  beforeAll(async () => {
    const backend = new HttpBackend({ endpoint: service.url, token: service.tokens.operator });
    const w = await backend.importAudioFile(POOL, { fileName: "welcome.wav", contentType: "audio/wav", content: welcome });
    const h = await backend.importAudioFile(POOL, { fileName: "hold.wav", contentType: "audio/wav", content: hold });
    ids = { welcome: w.audioFile.id, hold: h.audioFile.id };
    const g = await backend.create(POOL, "agent-groups", { name: "Audio Agents", agentsByUri: ["sip:amy@contoso.com"] });
    const q = await backend.create(POOL, "queues", { name: "Audio Queue", agentGroupIds: [g.object.id], timeoutThreshold: 60, timeoutAction: { action: "Terminate" } });
    await backend.create(POOL, "workflows", {
      name: "Audio Line",
      primaryUri: "sip:audio@contoso.com",
      active: true,
      customMusicOnHoldFileId: ids.hold,
      defaultAction: { action: "TransferToQueue", queueId: q.object.id, prompt: { audioFileId: ids.welcome } },
    });
    await backend.close();
  });

  it("simulates from the service with the recordings' names and the workflow's music on hold", async () => {
    const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Audio Line", "--at", "2026-12-03T10:00:00Z", "--agents", "sip:amy@contoso.com=busy", "--json"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Simulation;
    expect(out.steps.map((s) => s.text)).toContain("plays the welcome message: ♪ welcome.wav");
    expect(out.steps.find((s) => s.kind === "music")).toMatchObject({ music: { source: "workflow", audioFileId: ids.hold, fileName: "hold.wav" } });
    const text = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Audio Line", "--at", "2026-12-03T10:00:00Z"]);
    expect(text.stdout).toContain("while it waits, the caller hears ♪ hold.wav, the workflow's music on hold");
    expect(text.stdout).toContain("musicOnHold [doc]: a waiting caller hears the workflow's custom music on hold");
  });

  it("lints and draws from the service, and reads the same from an export file written by readPool", async () => {
    const lint = await rgs("lint", ["--endpoint", service.url]);
    expect(lint.stdout).toContain("warning: workflow 'Audio Line' defaultAction.prompt: the prompt plays ♪ welcome.wav and has no textToSpeech");
    expect(lint.stdout).toContain("[audio-without-text]");
    const d = await rgs("diagram", ["--endpoint", service.url, "--workflow", "Audio Line", "--format", "mermaid"]);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("welcome ♪ welcome.wav");
    expect(d.stdout).toContain("hold ♪ hold.wav");
    const backend = new HttpBackend({ endpoint: service.url, token: service.tokens.reader });
    const file = join(dir, "audio.json");
    writeFileSync(file, JSON.stringify(await readPool(backend, POOL)));
    await backend.close();
    const r = await rgs("simulate", ["--file", file, "--workflow", "Audio Line", "--at", "2026-12-03T10:00:00Z", "--json"], { RGS_TOKEN: undefined });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Simulation;
    expect(out.steps.find((s) => s.kind === "music")?.text).toBe("while it waits, the caller hears ♪ hold.wav, the workflow's music on hold");
  });

  it("plays the pool's default music from the service's settings to a workflow that names none", async () => {
    const admin = new HttpBackend({ endpoint: service.url, token: service.tokens.admin });
    await admin.updateSettings(POOL, { defaultMusicOnHoldFileId: ids.hold });
    try {
      const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Help Desk", "--at", "2026-12-03T10:00:00Z", "--json"]);
      expect(r.stderr).toBe("");
      expect((JSON.parse(r.stdout) as Simulation).steps.find((s) => s.kind === "music")).toMatchObject({
        text: "while it waits, the caller hears ♪ hold.wav, the pool's default music on hold (the workflow names none)",
        music: { source: "pool-default", audioFileId: ids.hold, fileName: "hold.wav" },
      });
    } finally {
      await admin.updateSettings(POOL, { defaultMusicOnHoldFileId: null });
      await admin.close();
    }
    const r = await rgs("simulate", ["--endpoint", service.url, "--workflow", "Help Desk", "--at", "2026-12-03T10:00:00Z", "--json"]);
    expect((JSON.parse(r.stdout) as Simulation).steps.find((s) => s.kind === "music")?.music).toEqual({ source: "server" });
  });

  it("names the recordings a program declares as rgs.AudioFile, by file name, and reads its rgs.ServiceSettings, under Pulumi's mocks", async () => {
    const program = join(dir, "audio-program");
    mkdirSync(join(program, "audio"), { recursive: true });
    writeFileSync(join(program, "audio", "greeting.wav"), welcome);
    writeFileSync(join(program, "Pulumi.yaml"), "name: audio-program\nruntime: nodejs\n");
    writeFileSync(
      join(program, "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import * as rgs from "pulumi-rgs";',
        'const greeting = new rgs.AudioFile("greeting", { source: new pulumi.asset.FileAsset("audio/greeting.wav"), fileName: "Greeting.wav" });',
        'const g = new rgs.AgentGroup("g", { name: "G", agentsByUri: ["sip:amy@contoso.com"] });',
        'const q = new rgs.Queue("q", { name: "Q", agentGroupIds: [g.id], timeoutThreshold: 60, timeoutAction: { action: "Terminate" } });',
        'new rgs.Workflow("w", { name: "W", primaryUri: "sip:w@contoso.com", active: true, customMusicOnHoldFileId: greeting.id,',
        '  defaultAction: { action: "TransferToQueue", queueId: q.id, prompt: { audioFileId: greeting.id, textToSpeech: "Hello." } } });',
        'new rgs.Workflow("w2", { name: "W2", primaryUri: "sip:w2@contoso.com", active: true, defaultAction: { action: "TransferToQueue", queueId: q.id } });',
        'new rgs.ServiceSettings("settings", { defaultMusicOnHoldFileId: greeting.id });',
        "",
      ].join("\n"),
    );
    symlinkSync(resolve(__dirname, "../../node_modules"), join(program, "node_modules"), "dir");
    const r = await rgs("simulate", ["--program", program, "--pool", POOL, "--workflow", "W", "--at", "2026-12-03T10:00:00Z", "--agents", "sip:amy@contoso.com=busy", "--json"], { RGS_TOKEN: undefined });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Simulation;
    expect(out.steps.map((s) => s.text)).toContain('plays the welcome message: ♪ Greeting.wav ("Hello.")');
    expect(out.steps.find((s) => s.kind === "music")?.music).toMatchObject({ source: "workflow", fileName: "Greeting.wav" });
    const byDefault = await rgs("simulate", ["--program", program, "--pool", POOL, "--workflow", "W2", "--at", "2026-12-03T10:00:00Z", "--json"], { RGS_TOKEN: undefined });
    expect(byDefault.stderr).toBe("");
    expect((JSON.parse(byDefault.stdout) as Simulation).steps.find((s) => s.kind === "music")?.text).toBe(
      "while it waits, the caller hears ♪ Greeting.wav, the pool's default music on hold (the workflow names none)",
    );
  });
});
