/**
 * Audio files on a real pool: the shell backend's audio store, prompts and music on hold written
 * as fresh Import-CsRgsAudioFile steps and read back as audio file ids, through the cmdlet-level
 * fake agent as a real child process; and the gateway of `rgs serve --shell` over it.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { buildApp } from "../../backend/app";
import { parseTokens } from "../../backend/auth";
import { PoolGateway } from "../../backend/gateway";
import { HttpBackend } from "../../sdk/http-client";
import { SqliteStore } from "../../backend/store/sqlite";
import type { RgsObject } from "../../sdk/backend";
import { RgsError } from "../../sdk/errors";
import { exportProject } from "../../sdk/export/index";
import type { KindArgs } from "../../sdk/model/index";
import { AgentProcess, ShellBackend } from "../../sdk/shell/index";
import { wav, wma } from "../helpers/audio";
import { fakeAgentCommand, type FakeAgentCommand } from "../helpers/fake-agent/spawn";
import { randomTokens, tokenSpec } from "../helpers/service";

const POOL = "pool01.contoso.com";
const POOL2 = "pool02.contoso.com";
const SERVICE = `service:ApplicationServer:${POOL}`;

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

function start(): { fake: FakeAgentCommand; backend: ShellBackend; store: string } {
  const fake = fakeAgentCommand({ pools: [POOL, POOL2] });
  const store = join(dirname(fake.stateFile), "audio");
  return { fake, backend: connect(fake, store), store };
}

/** Another provider process on the same pool and, unless told otherwise, the same audio store. */
function connect(fake: FakeAgentCommand, store: string): ShellBackend {
  const backend = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 20_000, readyTimeoutMs: 30_000, audioStore: store });
  open.push(backend);
  return backend;
}

async function rgsError(p: Promise<unknown>): Promise<RgsError> {
  try {
    await p;
  } catch (e) {
    if (RgsError.isRgsError(e)) return e;
    throw e;
  }
  throw new Error("expected the call to fail with an RgsError");
}

function bodyOf<T extends RgsObject>(o: T): Record<string, unknown> {
  const { id: _i, identity: _d, etag: _e, ownerPool: _o, createdAt: _c, updatedAt: _u, ...body } = o;
  return body;
}

/** The pool's objects as the fake keeps them, past every cache. */
function poolState(fake: FakeAgentCommand): { objects: Record<string, any>[]; settings: Record<string, any> } {
  return JSON.parse(readFileSync(fake.stateFile, "utf8"));
}

const welcome = { fileName: "welcome.wav", contentType: "audio/wav", content: wav({ seconds: 0.5, tone: 1 }) };
const closed = { fileName: "closed.wma", contentType: "audio/x-ms-wma", content: wma({ seconds: 3 }) };
const hold = { fileName: "hold.wav", contentType: "audio/wav", content: wav({ seconds: 1, tone: 2, sampleRate: 16000 }) };

describe("ShellBackend audio files", () => {
  it("imports recordings into the audio store, once per pool and content, without an agent request", async () => {
    const { backend, store } = start();
    const first = await backend.importAudioFile(POOL, welcome);
    expect(first.existing).toBe(false);
    expect(first.audioFile).toMatchObject({
      ownerPool: POOL,
      fileName: "welcome.wav",
      contentType: "audio/wav",
      format: "wav",
      size: welcome.content.length,
      encoding: "pcm",
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      durationSeconds: 0.5,
    });
    expect(first.audioFile.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.audioFile.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The same bytes under another name are the same audio file; in another pool, another one.
    const again = await backend.importAudioFile(POOL, { ...welcome, fileName: "hello.wav" });
    expect(again).toEqual({ audioFile: first.audioFile, existing: true });
    const elsewhere = await backend.importAudioFile(POOL2, welcome);
    expect(elsewhere.existing).toBe(false);
    expect(elsewhere.audioFile.id).not.toBe(first.audioFile.id);
    // A second machine with the same source file computes the same id in a store of its own.
    const { backend: machine2 } = start();
    expect((await machine2.importAudioFile(POOL, welcome)).audioFile.id).toBe(first.audioFile.id);

    const wmaFile = (await backend.importAudioFile(POOL, closed)).audioFile;
    expect(wmaFile).toMatchObject({ format: "wma", contentType: "audio/x-ms-wma", encoding: null, durationSeconds: 3 });
    // Oldest first; two uploads of the same millisecond come in the order of their ids.
    const all = (await backend.listAudioFiles(POOL)).items;
    expect(all.map((a) => a.id).sort()).toEqual([first.audioFile.id, wmaFile.id].sort());
    const page = await backend.listAudioFiles(POOL, { limit: 1 });
    expect(page.items).toEqual([all[0]]);
    const rest = await backend.listAudioFiles(POOL, { cursor: page.nextCursor! });
    expect(rest).toEqual({ items: [all[1]], nextCursor: null });
    expect(await backend.getAudioFile(POOL, first.audioFile.id.toUpperCase())).toEqual(first.audioFile);
    expect(Buffer.from((await backend.getAudioFileContent(POOL, wmaFile.id))!)).toEqual(Buffer.from(closed.content));
    expect(await backend.getAudioFile(POOL2, wmaFile.id)).toBeUndefined();
    expect(await backend.getAudioFileContent(POOL, "not-a-guid")).toBeUndefined();

    const bad = await rgsError(backend.importAudioFile(POOL, { fileName: "welcome.mp3", contentType: "audio/mpeg", content: welcome.content }));
    expect(bad.code).toBe("validation_failed");
    expect(bad.fieldProblems.map((p) => p.path)).toEqual(["Content-Type"]);
    const float = await rgsError(backend.importAudioFile(POOL, { ...welcome, content: wav({ formatTag: 3, bitsPerSample: 16 }) }));
    expect(float.fieldProblems).toEqual([{ path: "content", message: expect.stringMatching(/IEEE float; Lync plays LPCM, A-law or µ-law only/) }]);

    expect(backend.requests.total).toBe(0);
    expect(backend.agentStarts).toBe(0);

    // Owner-only, whatever the umask: the store, each pool's directory, each file.
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(store)).toBe(0o700);
    expect(mode(join(store, POOL))).toBe(0o700);
    const files = readdirSync(join(store, POOL));
    expect(files.sort()).toEqual([`${first.audioFile.sha256}.json`, `${first.audioFile.sha256}.wav`, `${wmaFile.sha256}.json`, `${wmaFile.sha256}.wma`].sort());
    for (const f of files) expect(mode(join(store, POOL, f))).toBe(0o600);
  });

  it("writes prompts, custom music on hold and the default music as imports, and reads them back as the audio files", async () => {
    const { fake, backend, store } = start();
    const w1 = (await backend.importAudioFile(POOL, welcome)).audioFile.id;
    const c1 = (await backend.importAudioFile(POOL, closed)).audioFile.id;
    const h1 = (await backend.importAudioFile(POOL, hold)).audioFile.id;
    const group = (await backend.create(POOL, "agent-groups", { name: "Tier 1", agentsByUri: ["sip:ann@contoso.com"] })).object;
    const queueBody: KindArgs["queues"] = {
      name: "Help Desk",
      agentGroupIds: [group.id],
      timeoutThreshold: 300,
      timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk@contoso.com", prompt: { textToSpeech: "Please leave a message.", audioFileId: c1 } },
    };
    const queue = (await backend.create(POOL, "queues", queueBody)).object;
    expect(queue.timeoutAction).toEqual(queueBody.timeoutAction);

    const ivr: KindArgs["workflows"] = {
      name: "Main Line",
      primaryUri: "sip:mainline@contoso.com",
      active: true,
      customMusicOnHoldFileId: h1,
      defaultAction: {
        action: "TransferToQuestion",
        prompt: { audioFileId: w1 },
        question: {
          prompt: { textToSpeech: "Press 1 for support.", audioFileId: w1 },
          answers: [{ dtmfResponse: "1", action: { action: "TransferToQueue", queueId: queue.id, prompt: { audioFileId: h1 } } }],
          noAnswerPrompt: { audioFileId: c1 },
        },
      },
      nonBusinessHoursAction: { action: "Terminate", prompt: { textToSpeech: "We are closed.", audioFileId: c1 } },
    };
    // A workflow without audio first, so the lists the checks read are at hand: the same one request each.
    await backend.create(POOL, "workflows", { name: "Text only", primaryUri: "sip:text@contoso.com", defaultAction: { action: "TransferToQueue", queueId: queue.id, prompt: { textToSpeech: "Hi" } } });
    fake.clearRequests();
    const before = backend.requests.total;
    const w = (await backend.create(POOL, "workflows", ivr)).object;
    // Six imports nested in one New-CsRgsWorkflow: no request of their own.
    expect(fake.requests()).toEqual([{ op: "run", cmdlet: "New-CsRgsWorkflow" }]);
    expect(backend.requests.total - before).toBe(1);
    expect(bodyOf(w)).toMatchObject({ ...ivr, customMusicOnHoldFileId: h1 });
    expect(w.defaultAction).toEqual(ivr.defaultAction);

    // Each use is an import of its own, of the recording's bytes under its file name.
    const live = poolState(fake).objects.find((o) => o.Name === "Main Line")!;
    const uses = [
      live.DefaultAction.Prompt.AudioFilePrompt,
      live.DefaultAction.Question.Prompt.AudioFilePrompt,
      live.DefaultAction.Question.AnswerList[0].Action.Prompt.AudioFilePrompt,
      live.DefaultAction.Question.NoAnswerPrompt.AudioFilePrompt,
      live.NonBusinessHoursAction.Prompt.AudioFilePrompt,
      live.CustomMusicOnHoldFile,
    ];
    expect(uses.map((u) => u.OriginalFileName)).toEqual(["welcome.wav", "welcome.wav", "hold.wav", "closed.wma", "closed.wma", "hold.wav"]);
    expect(new Set(uses.map((u) => u.UniqueName)).size).toBe(6);

    const settings = await backend.getSettings(POOL);
    expect(settings.defaultMusicOnHoldFileId).toBeNull();
    const s2 = await backend.updateSettings(POOL, { agentRingbackGracePeriod: 90, defaultMusicOnHoldFileId: h1 }, settings.etag);
    expect(s2).toMatchObject({ agentRingbackGracePeriod: 90, disableCallContext: false, defaultMusicOnHoldFileId: h1 });
    expect(poolState(fake).settings[POOL].DefaultMusicOnHoldFile).toMatchObject({ OriginalFileName: "hold.wav" });

    // Another provider process on the same store reads what the pool holds, not what the first cached.
    const other = connect(fake, store);
    expect(await other.get(POOL, "workflows", w.id)).toEqual(w);
    expect(await other.get(POOL, "queues", queue.id)).toEqual(queue);
    expect(await other.getSettings(POOL)).toEqual(s2);

    // A change elsewhere in the workflow leaves its imports alone; a changed prompt gets a fresh one.
    const w2 = await other.update(POOL, "workflows", w.id, { ...bodyOf(w), description: "Main line" } as never, w.etag);
    const afterDescription = poolState(fake).objects.find((o) => o.Name === "Main Line")!;
    expect(afterDescription.CustomMusicOnHoldFile.UniqueName).toBe(live.CustomMusicOnHoldFile.UniqueName);
    expect(afterDescription.DefaultAction).toEqual(live.DefaultAction);
    const changed = { ...bodyOf(w2), nonBusinessHoursAction: { action: "Terminate", prompt: { textToSpeech: "Closed for the day.", audioFileId: c1 } } };
    const w3 = await other.update(POOL, "workflows", w.id, changed as never, w2.etag);
    expect(w3.nonBusinessHoursAction).toEqual(changed.nonBusinessHoursAction);
    const afterPrompt = poolState(fake).objects.find((o) => o.Name === "Main Line")!;
    expect(afterPrompt.NonBusinessHoursAction.Prompt.AudioFilePrompt.UniqueName).not.toBe(live.NonBusinessHoursAction.Prompt.AudioFilePrompt.UniqueName);
    expect(afterPrompt.CustomMusicOnHoldFile.UniqueName).toBe(live.CustomMusicOnHoldFile.UniqueName);
    // No change at all writes nothing.
    fake.clearRequests();
    expect(await other.update(POOL, "workflows", w.id, bodyOf(w3) as never, w3.etag)).toEqual(w3);
    expect(fake.requests()).toEqual([]);
    expect(await connect(fake, store).get(POOL, "workflows", w.id)).toEqual(w3);

    // Music on hold replaced and removed.
    const w4 = await other.update(POOL, "workflows", w.id, { ...bodyOf(w3), customMusicOnHoldFileId: w1 } as never, w3.etag);
    expect(w4.customMusicOnHoldFileId).toBe(w1);
    const w5 = await other.update(POOL, "workflows", w.id, { ...bodyOf(w4), customMusicOnHoldFileId: null } as never, w4.etag);
    expect(w5.customMusicOnHoldFileId).toBeNull();
    expect(poolState(fake).objects.find((o) => o.Name === "Main Line")!.CustomMusicOnHoldFile).toBeNull();
    const s3 = await other.updateSettings(POOL, { agentRingbackGracePeriod: 90 });
    expect(s3.defaultMusicOnHoldFileId).toBeNull();
  });

  it("refuses an audio file the store does not hold, naming the path, before anything is written", async () => {
    const { fake, backend } = start();
    const queue = (await backend.create(POOL, "queues", { name: "Q" })).object;
    const elsewhere = (await backend.importAudioFile(POOL2, welcome)).audioFile.id;
    const missing = "0b5f6a3e-2d7c-4a9e-9f1b-3c8d2e4f5a6b";
    fake.clearRequests();
    const e = await rgsError(
      backend.create(POOL, "workflows", {
        name: "W",
        primaryUri: "sip:w@contoso.com",
        customMusicOnHoldFileId: elsewhere,
        defaultAction: { action: "TransferToQueue", queueId: queue.id, prompt: { textToSpeech: "Hi", audioFileId: missing } },
      }),
    );
    expect(e.code).toBe("reference_not_found");
    expect(e.fieldProblems).toEqual([
      { path: "defaultAction.prompt.audioFileId", message: `no audio file with id ${missing} in pool ${POOL}` },
      { path: "customMusicOnHoldFileId", message: `no audio file with id ${elsewhere} in pool ${POOL}` },
    ]);
    expect(fake.requests().filter((r) => r.cmdlet?.startsWith("New-"))).toEqual([]);
    const s = await rgsError(backend.updateSettings(POOL, { defaultMusicOnHoldFileId: missing }));
    expect(s.code).toBe("reference_not_found");
    expect(s.fieldProblems.map((p) => p.path)).toEqual(["defaultMusicOnHoldFileId"]);
  });

  it("refuses to delete an audio file while a prompt, music on hold or the settings play it", async () => {
    const { backend } = start();
    const a = (await backend.importAudioFile(POOL, welcome)).audioFile;
    const b = (await backend.importAudioFile(POOL, hold)).audioFile;
    const queue = (await backend.create(POOL, "queues", { name: "Q", overflowThreshold: 5, overflowAction: { action: "Terminate", prompt: { audioFileId: a.id } } })).object;
    const w = (await backend.create(POOL, "workflows", { name: "W", primaryUri: "sip:w@contoso.com", customMusicOnHoldFileId: a.id })).object;
    await backend.updateSettings(POOL, { defaultMusicOnHoldFileId: a.id });

    const e = await rgsError(backend.deleteAudioFile(POOL, a.id));
    expect(e.code).toBe("in_use");
    expect(e.referencedBy).toEqual([
      { kind: "queues", id: queue.id, name: "Q" },
      { kind: "workflows", id: w.id, name: "W" },
      { kind: "settings", id: POOL, name: "settings" },
    ]);
    expect(e.message).toContain("queue 'Q' (overflowAction.prompt.audioFileId)");
    expect(await backend.deleteAudioFile(POOL, b.id)).toBe(true);
    expect(await backend.deleteAudioFile(POOL, b.id)).toBe(false);
    expect(await backend.getAudioFile(POOL, b.id)).toBeUndefined();

    await backend.update(POOL, "queues", queue.id, { name: "Q" }, queue.etag);
    await backend.update(POOL, "workflows", w.id, { name: "W", primaryUri: "sip:w@contoso.com" }, w.etag);
    expect((await rgsError(backend.deleteAudioFile(POOL, a.id))).referencedBy.map((r) => r.kind)).toEqual(["settings"]);
    await backend.updateSettings(POOL, {});
    expect(await backend.deleteAudioFile(POOL, a.id)).toBe(true);
    expect((await backend.listAudioFiles(POOL)).items).toEqual([]);
  });

  it("reads an import made outside Pulumi as a stable id of no audio file, keeps it while it is unchanged, and says what to do to change it", async () => {
    const { fake, backend, store } = start();
    const queue = (await backend.create(POOL, "queues", { name: "Q" })).object;
    // As the Configuration Tool would: recordings imported for one workflow and for the settings.
    const admin = new AgentProcess({ command: fake.commandLine, env: fake.env, timeoutMs: 20_000, readyTimeoutMs: 30_000 });
    open.push(admin);
    const audio = (name: string) => ({
      step: { cmdlet: "Import-CsRgsAudioFile", params: { Identity: SERVICE, FileName: name, Content: { bytes: Buffer.from(welcome.content).toString("base64") } } },
    });
    const action = {
      step: { cmdlet: "New-CsRgsCallAction", params: { Action: "TransferToQueue", QueueID: queue.identity, Prompt: { step: { cmdlet: "New-CsRgsPrompt", params: { AudioFilePrompt: audio("welcome.wav") } } } } },
    };
    await admin.request({ op: "run", step: { cmdlet: "New-CsRgsWorkflow", params: { Parent: SERVICE, Name: "Recorded", PrimaryUri: "sip:recorded@contoso.com", DefaultAction: action, CustomMusicOnHoldFile: audio("music.wav") } } }, "write");
    await admin.request({ op: "run", step: { cmdlet: "Set-CsRgsConfiguration", params: { Identity: SERVICE, DefaultMusicOnHoldFile: audio("default.wav") } } }, "write");

    const w = (await backend.findByName(POOL, "workflows", "Recorded"))!;
    const promptId = w.defaultAction!.prompt!.audioFileId!;
    expect(promptId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(w.customMusicOnHoldFileId).toMatch(/^[0-9a-f-]{36}$/);
    expect(w.customMusicOnHoldFileId).not.toBe(promptId);
    // The same on every refresh and on every machine, even one whose store holds the same bytes.
    const { backend: machine2 } = start();
    const uploaded = (await machine2.importAudioFile(POOL, welcome)).audioFile.id;
    expect(uploaded).not.toBe(promptId);
    const elsewhere = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 20_000, readyTimeoutMs: 30_000, audioStore: join(dirname(fake.stateFile), "other-store") });
    open.push(elsewhere);
    expect(await elsewhere.get(POOL, "workflows", w.id)).toEqual(w);
    expect(await connect(fake, store).get(POOL, "workflows", w.id)).toEqual(w);
    expect(await backend.getAudioFile(POOL, promptId)).toBeUndefined();
    const settings = await backend.getSettings(POOL);
    expect(settings.defaultMusicOnHoldFileId).toMatch(/^[0-9a-f-]{36}$/);

    // Unchanged, it stays as the pool has it while the rest changes (as `adopt: true` of an export does).
    const w2 = await backend.update(POOL, "workflows", w.id, { ...bodyOf(w), description: "Recorded greeting" } as never, w.etag);
    expect(bodyOf(w2)).toEqual({ ...bodyOf(w), description: "Recorded greeting" });
    const s2 = await backend.updateSettings(POOL, { agentRingbackGracePeriod: 120, defaultMusicOnHoldFileId: settings.defaultMusicOnHoldFileId }, settings.etag);
    expect(s2).toMatchObject({ agentRingbackGracePeriod: 120, defaultMusicOnHoldFileId: settings.defaultMusicOnHoldFileId });

    // Rewriting the prompt would need a new import of bytes the store does not have.
    const e = await rgsError(
      backend.update(POOL, "workflows", w.id, { ...bodyOf(w2), defaultAction: { ...w2.defaultAction!, prompt: { textToSpeech: "Hello", audioFileId: promptId } } } as never, w2.etag),
    );
    expect(e.code).toBe("reference_not_found");
    expect(e.fieldProblems).toEqual([{ path: "defaultAction.prompt.audioFileId", message: expect.stringContaining("its recording is not in the audio store (imported outside Pulumi") }]);
    // Replacing it with an uploaded recording works, and reads back as that recording.
    const mine = (await backend.importAudioFile(POOL, welcome)).audioFile.id;
    const w3 = await backend.update(POOL, "workflows", w.id, { ...bodyOf(w2), defaultAction: { ...w2.defaultAction!, prompt: { audioFileId: mine } } } as never, w2.etag);
    expect(w3.defaultAction!.prompt).toEqual({ audioFileId: mine });
    expect((await connect(fake, store).get(POOL, "workflows", w.id))!.defaultAction!.prompt).toEqual({ audioFileId: mine });
  });

  it("exports a pool whose prompts play both an uploaded recording and an import made outside Pulumi", async () => {
    const { fake, backend } = start();
    const mine = (await backend.importAudioFile(POOL, closed)).audioFile;
    await backend.create(POOL, "queues", { name: "Q", timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { audioFileId: mine.id } } });
    const admin = new AgentProcess({ command: fake.commandLine, env: fake.env, timeoutMs: 20_000, readyTimeoutMs: 30_000 });
    open.push(admin);
    const music = { step: { cmdlet: "Import-CsRgsAudioFile", params: { Identity: SERVICE, FileName: "music.wav", Content: { bytes: Buffer.from(hold.content).toString("base64") } } } };
    await admin.request({ op: "run", step: { cmdlet: "New-CsRgsWorkflow", params: { Parent: SERVICE, Name: "Music", PrimaryUri: "sip:music@contoso.com", CustomMusicOnHoldFile: music } } }, "write");
    const foreign = (await backend.findByName(POOL, "workflows", "Music"))!.customMusicOnHoldFileId!;

    const result = await exportProject(backend, {
      project: "lab",
      stack: "lab",
      pools: [POOL],
      versions: { pulumiRgs: "0.0.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.0" },
    });
    expect(Object.values(result.assets).map((b) => Buffer.from(b))).toEqual([Buffer.from(closed.content)]);
    expect(result.snapshot.audioFiles!.map((a) => a.id)).toEqual([mine.id]);
    expect(Object.values(result.files).join("\n")).toContain(foreign);
    expect(result.warnings.map((w) => w.path)).toContain("customMusicOnHoldFileId");
  });

  it("recognises its own imports after the agent lost the answer of the write that made them", async () => {
    const { fake, backend, store } = start();
    const a = (await backend.importAudioFile(POOL, welcome)).audioFile.id;
    const queue = (await backend.create(POOL, "queues", { name: "Q" })).object;
    fake.setFaults([{ when: "New-CsRgsWorkflow", fault: "lose-answer" }]);
    const body: KindArgs["workflows"] = { name: "W", primaryUri: "sip:w@contoso.com", customMusicOnHoldFileId: a, defaultAction: { action: "TransferToQueue", queueId: queue.id, prompt: { audioFileId: a } } };
    const created = await backend.create(POOL, "workflows", body);
    expect(created.replayed).toBe(false);
    expect(bodyOf(created.object)).toMatchObject(body);
    expect(poolState(fake).objects.filter((o) => o.Name === "W")).toHaveLength(1);
    expect(await connect(fake, store).get(POOL, "workflows", created.object.id)).toEqual(created.object);
  });
});

describe("PoolGateway audio files (rgs serve --shell)", () => {
  function gateway(): { gw: PoolGateway; backend: ShellBackend } {
    const { fake, backend } = start();
    const gw = new PoolGateway(backend, new SqliteStore({ file: join(dirname(fake.stateFile), "rgs.db") }));
    open.push(gw);
    return { gw, backend };
  }

  it("answers 201 for a new recording and 200 for the same bytes, serves it back, and refuses as the service does", async () => {
    const { gw } = gateway();
    const created = await gw.importAudioFile(POOL, { contentType: "audio/wav", fileName: "welcome.wav", content: welcome.content });
    expect(created.status).toBe(201);
    const again = await gw.importAudioFile(POOL.toUpperCase(), { contentType: "audio/x-wav", fileName: "again.wav", content: welcome.content });
    expect(again).toEqual({ status: 200, body: created.body });
    expect(await gw.getAudioFile(POOL, created.body.id)).toEqual(created.body);
    const { view, content } = await gw.getAudioFileContent(POOL, created.body.id);
    expect(view).toEqual(created.body);
    expect(Buffer.from(content)).toEqual(Buffer.from(welcome.content));
    expect((await gw.listAudioFiles(POOL, { limit: 10 })).items).toEqual([created.body]);

    const missing = await rgsError(gw.importAudioFile(POOL, { contentType: undefined, fileName: undefined, content: welcome.content }));
    expect(missing.code).toBe("validation_failed");
    expect(missing.fieldProblems.map((p) => p.path)).toEqual(["Content-Type", "X-File-Name"]);
    expect((await rgsError(gw.importAudioFile("nowhere.contoso.com", { contentType: "audio/wav", fileName: "a.wav", content: welcome.content }))).code).toBe("not_found");
    expect((await rgsError(gw.listAudioFiles("nowhere.contoso.com", { limit: 10 }))).code).toBe("not_found");
    expect((await rgsError(gw.getAudioFile(POOL2, created.body.id))).code).toBe("not_found");

    await gw.createObject(POOL, "queues", { name: "Q", timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { audioFileId: created.body.id } } });
    const inUse = await rgsError(gw.deleteAudioFile(POOL, created.body.id));
    expect(inUse.code).toBe("in_use");
    expect(inUse.referencedBy.map((r) => r.name)).toEqual(["Q"]);
    const unused = (await gw.importAudioFile(POOL, { contentType: "audio/wav", fileName: "hold.wav", content: hold.content })).body;
    await gw.deleteAudioFile(POOL, unused.id);
    expect((await rgsError(gw.deleteAudioFile(POOL, unused.id))).code).toBe("not_found");
    expect((await rgsError(gw.getAudioFileContent(POOL, unused.id))).code).toBe("not_found");
  });
});

describe("audio files over HTTP in front of a pool (the routes, the gateway and the shell backend)", () => {
  it("uploads, plays, reads back, serves and deletes a recording as the service's API does", async () => {
    const { fake, backend, store } = start();
    const tokens = randomTokens();
    const app = buildApp({
      configuration: new PoolGateway(backend, new SqliteStore({ file: join(dirname(fake.stateFile), "rgs.db") })),
      tokens: parseTokens(tokenSpec(tokens)),
      log: () => undefined,
    });
    await app.fastify.listen({ host: "127.0.0.1", port: 0 });
    open.push({ close: async () => (await app.fastify.close(), await app.configuration.close()) });
    const client = new HttpBackend({ endpoint: `http://127.0.0.1:${(app.fastify.server.address() as AddressInfo).port}`, token: tokens.admin });

    const uploaded = await client.importAudioFile(POOL, { fileName: "Begrüßung.wav", contentType: "audio/wav", content: welcome.content });
    expect(uploaded.existing).toBe(false);
    expect(uploaded.audioFile.fileName).toBe("Begrüßung.wav");
    expect(await client.importAudioFile(POOL, { fileName: "again.wav", contentType: "audio/wav", content: welcome.content })).toEqual({ audioFile: uploaded.audioFile, existing: true });
    const id = uploaded.audioFile.id;
    const q = (await client.create(POOL, "queues", { name: "Q", timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { textToSpeech: "Bye", audioFileId: id } } })).object;
    expect(q.timeoutAction).toEqual({ action: "Terminate", prompt: { textToSpeech: "Bye", audioFileId: id } });
    const s = await client.getSettings(POOL);
    expect((await client.updateSettings(POOL, { defaultMusicOnHoldFileId: id }, s.etag)).defaultMusicOnHoldFileId).toBe(id);
    // The pool holds imports of the recording under the name it was uploaded with.
    const live = poolState(fake);
    expect(live.objects.find((o) => o.Name === "Q")!.TimeoutAction.Prompt.AudioFilePrompt.OriginalFileName).toBe("Begrüßung.wav");
    expect(live.settings[POOL].DefaultMusicOnHoldFile.OriginalFileName).toBe("Begrüßung.wav");
    expect(await connect(fake, store).get(POOL, "queues", q.id)).toEqual(await client.get(POOL, "queues", q.id));

    expect(Buffer.from((await client.getAudioFileContent(POOL, id))!)).toEqual(Buffer.from(welcome.content));
    expect((await client.listAudioFiles(POOL)).items).toEqual([uploaded.audioFile]);
    const inUse = await rgsError(client.deleteAudioFile(POOL, id));
    expect(inUse.code).toBe("in_use");
    expect(inUse.referencedBy.map((r) => r.kind)).toEqual(["queues", "settings"]);
    const bad = await rgsError(client.importAudioFile(POOL, { fileName: "noise.wav", contentType: "audio/wav", content: wav({ bitsPerSample: 24 }) }));
    expect(bad.code).toBe("validation_failed");
    expect(bad.fieldProblems.map((p) => p.path)).toEqual(["content"]);
    const missing = await rgsError(client.create(POOL, "queues", { name: "R", timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { audioFileId: "0b5f6a3e-2d7c-4a9e-9f1b-3c8d2e4f5a6b" } } }));
    expect(missing.code).toBe("reference_not_found");
    expect(missing.fieldProblems.map((p) => p.path)).toEqual(["timeoutAction.prompt.audioFileId"]);

    await client.update(POOL, "queues", q.id, { name: "Q" }, q.etag);
    await client.updateSettings(POOL, {});
    expect(await client.deleteAudioFile(POOL, id)).toBe(true);
    expect(await client.getAudioFile(POOL, id)).toBeUndefined();
  });
});

describe("rgs serve --shell", () => {
  it("keeps the audio store in <data>/audio and says so when it starts listening", async () => {
    const fake = fakeAgentCommand();
    const data = join(dirname(fake.stateFile), "data");
    const tokens = randomTokens();
    const env: Record<string, string | undefined> = { ...process.env, ...fake.env, RGS_TOKENS: tokenSpec(tokens), TS_NODE_PROJECT: join(__dirname, "../../tsconfig.json") };
    delete env.RGS_AUDIO_STORE;
    const main = join(__dirname, "../../cli/main.ts");
    const child = spawn(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), main, "serve", "--port", "0", "--data", data, "--shell", fake.commandLine], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise((res) => child.once("exit", res));
    open.push({ close: async () => (child.kill("SIGTERM"), void (await exited)) });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const listening = await new Promise<Record<string, string>>((res, rej) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        out += c;
        const line = out.split("\n").find((l) => l.includes('"listening"'));
        if (line) res(JSON.parse(line));
      });
      child.once("exit", (code) => rej(new Error(`rgs serve exited (${code}) before listening: ${stderr}`)));
    });
    expect(listening.audioStore).toBe(join(data, "audio"));
    const client = new HttpBackend({ endpoint: `http://${listening.address.replace(/^http:\/\//, "")}`, token: tokens.operator });
    const { audioFile } = await client.importAudioFile(POOL, welcome);
    expect(statSync(join(data, "audio", POOL, `${audioFile.sha256}.wav`)).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, "audio")).mode & 0o777).toBe(0o700);
  }, 60_000);
});
