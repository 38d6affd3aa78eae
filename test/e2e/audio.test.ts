/**
 * Recordings through the real Pulumi CLI (examples/music-on-hold): AudioFile resources imported
 * once and referenced by prompts and music on hold, a preview that refuses a file Lync would not
 * play, unchanged audio that deploys nothing, changed audio that replaces its audio file and moves
 * its users to the new one, resources that share a recording, and a destroy that leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { ShellBackend } from "../../sdk/shell/index";
import { wav } from "../helpers/audio";
import { fakeAgentCommand, type FakeAgentCommand } from "../helpers/fake-agent/spawn";
import { startService, type RunningService } from "../helpers/service";
import { copyProject, selectStack, type Project } from "../helpers/pulumi";

const POOL = "pool01.contoso.com";

let service: RunningService;
let project: Project;
let stack: Stack;
let api: HttpBackend;
let goodbye: Buffer;

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const audioDir = () => join(project.dir, "audio");

function planned(events: EngineEvent[]) {
  return events
    .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.type.startsWith("pulumi-nodejs:dynamic/rgs:"))
    .map((e) => ({ op: e.resourcePreEvent!.metadata.op, type: e.resourcePreEvent!.metadata.type.replace("pulumi-nodejs:dynamic/rgs:", "") }));
}

async function audioFiles() {
  return (await api.listAudioFiles(POOL, { limit: 1000 })).items;
}

beforeAll(async () => {
  service = await startService({ pools: [POOL] });
  api = new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 });
  project = copyProject("examples/music-on-hold");
  goodbye = readFileSync(join(project.dir, "audio", "goodbye.wav"));
  stack = await selectStack(project, "dev");
  await stack.setConfig("rgs:endpoint", { value: service.url });
  // The example writes the pool's settings, which takes an admin.
  await stack.setConfig("rgs:token", { value: service.tokens.admin, secret: true });
  await stack.setConfig("rgs:pool", { value: POOL });
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("recordings with the Pulumi CLI", () => {
  it("imports each recording once and points the prompts and the music on hold at them", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(8); // three recordings, three objects, the settings and the stack
    const files = await audioFiles();
    const byName = Object.fromEntries(files.map((f) => [f.fileName, f]));
    expect(Object.keys(byName).sort()).toEqual(["Contoso hold music.wav", "goodbye.wav", "welcome.wav"]);
    for (const [name, file] of [["welcome.wav", "welcome.wav"], ["Contoso hold music.wav", "hold-music.wav"], ["goodbye.wav", "goodbye.wav"]]) {
      const bytes = readFileSync(join(audioDir(), file));
      expect(byName[name].sha256).toBe(sha(bytes));
      expect(await api.getAudioFileContent(POOL, byName[name].id)).toEqual(new Uint8Array(bytes));
    }
    expect(byName["welcome.wav"]).toMatchObject({ format: "wav", encoding: "pcm", channels: 1, sampleRate: 16000, bitsPerSample: 16, durationSeconds: 0.4 });
    expect(up.outputs.recordings.value).toEqual({
      welcome: byName["welcome.wav"].sha256,
      music: byName["Contoso hold music.wav"].sha256,
      goodbye: byName["goodbye.wav"].sha256,
    });

    const [workflow] = (await api.list(POOL, "workflows")).items;
    expect(workflow.customMusicOnHoldFileId).toBe(byName["Contoso hold music.wav"].id);
    expect(workflow.defaultAction?.prompt).toEqual({ audioFileId: byName["welcome.wav"].id, textToSpeech: "Welcome to Contoso." });
    const [queue] = (await api.list(POOL, "queues")).items;
    expect(queue.timeoutAction?.prompt?.audioFileId).toBe(byName["goodbye.wav"].id);
    expect(await api.getSettings(POOL)).toMatchObject({ agentRingbackGracePeriod: 30, disableCallContext: false, defaultMusicOnHoldFileId: byName["Contoso hold music.wav"].id });
  });

  it("plans nothing for unchanged recordings", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 8 });
  });

  it("replaces a changed recording and moves its user to the new audio file before deleting the old", async () => {
    const before = await audioFiles();
    const oldWelcome = before.find((f) => f.fileName === "welcome.wav")!;
    const bytes = wav({ sampleRate: 16000, seconds: 0.2, tone: 9 });
    writeFileSync(join(audioDir(), "welcome.wav"), bytes);

    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    expect(preview.changeSummary).toEqual({ same: 6, replace: 1, update: 1 });
    // The new audio file first, then its user moves to it, then the old one goes.
    const steps = planned(events)
      .filter((p) => p.op !== "same")
      .map((p) => `${p.op} ${p.type}`);
    expect([...steps].sort()).toEqual(["create-replacement AudioFile", "delete-replaced AudioFile", "replace AudioFile", "update Workflow"]);
    expect(steps.indexOf("create-replacement AudioFile")).toBeLessThan(steps.indexOf("update Workflow"));
    expect(steps.indexOf("update Workflow")).toBeLessThan(steps.indexOf("delete-replaced AudioFile"));

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 6, replace: 1, update: 1 });
    const after = await audioFiles();
    const newWelcome = after.find((f) => f.fileName === "welcome.wav")!;
    expect(newWelcome.sha256).toBe(sha(bytes));
    expect(after.some((f) => f.id === oldWelcome.id)).toBe(false);
    const [workflow] = (await api.list(POOL, "workflows")).items;
    expect(workflow.defaultAction?.prompt?.audioFileId).toBe(newWelcome.id);
    expect((await stack.preview()).changeSummary).toEqual({ same: 8 });
  });

  it("refuses at preview a recording Lync would not play, naming the file and what it found", async () => {
    writeFileSync(join(audioDir(), "goodbye.wav"), wav({ bitsPerSample: 24 }));
    const failed = await stack.preview().then(
      () => "",
      (e: Error) => e.message,
    );
    expect(failed).toMatch(/audio\/goodbye\.wav is a 24-bit WAV file; Lync plays 8-bit or 16-bit files only/);
    expect(failed).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("shares one audio file between resources with the same recording, and keeps it for the one left", async () => {
    const music = (await audioFiles()).find((f) => f.fileName === "Contoso hold music.wav")!;
    // goodbye takes music's bytes: both resources now hold one audio file.
    writeFileSync(join(audioDir(), "goodbye.wav"), readFileSync(join(audioDir(), "hold-music.wav")));
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 6, replace: 1, update: 1 });
    const [queue] = (await api.list(POOL, "queues")).items;
    expect(queue.timeoutAction?.prompt?.audioFileId).toBe(music.id);
    expect((await audioFiles()).map((f) => f.fileName).sort()).toEqual(["Contoso hold music.wav", "welcome.wav"]);

    // goodbye gets its own bytes back; its replacement lets go of music's file, which music still holds.
    writeFileSync(join(audioDir(), "goodbye.wav"), goodbye);
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 6, replace: 1, update: 1 });
    const files = await audioFiles();
    expect(files.map((f) => f.fileName).sort()).toEqual(["Contoso hold music.wav", "goodbye.wav", "welcome.wav"]);
    expect(files.find((f) => f.fileName === "Contoso hold music.wav")!.id).toBe(music.id);
    const [workflow] = (await api.list(POOL, "workflows")).items;
    expect(workflow.customMusicOnHoldFileId).toBe(music.id);
    expect((await stack.preview()).changeSummary).toEqual({ same: 8 });
  });

  it("finds settings changed outside Pulumi with refresh and puts them back with up", async () => {
    const s = await api.getSettings(POOL);
    await api.updateSettings(POOL, { agentRingbackGracePeriod: 90, defaultMusicOnHoldFileId: null }, s.etag);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 7, update: 1 });
    expect(await api.getSettings(POOL)).toMatchObject({ agentRingbackGracePeriod: 30, defaultMusicOnHoldFileId: s.defaultMusicOnHoldFileId });
  });

  it("deletes the recordings after their users on destroy, and puts Lync's default settings back", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await audioFiles()).toEqual([]);
    expect((await api.list(POOL, "workflows")).items).toEqual([]);
    expect(await api.getSettings(POOL)).toMatchObject({ agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null });
  });
});

describe.each(["rgs:shell", "rgs serve --shell"] as const)("recordings on a pool through %s", (route) => {
  let agent: FakeAgentCommand;
  let shellService: RunningService | undefined;
  let shellProject: Project;
  let shellStack: Stack;
  let store: string;
  // A second administrator's shell with its own audio store: it sees the pool, not our recordings.
  const outside = async <T>(read: (b: ShellBackend) => Promise<T>): Promise<T> => {
    const b = new ShellBackend({ command: agent.commandLine, env: agent.env, audioStore: join(shellProject.stateDir, "outside-audio") });
    try {
      return await read(b);
    } finally {
      await b.close();
    }
  };

  beforeAll(async () => {
    agent = fakeAgentCommand({ pools: [POOL] });
    shellProject = copyProject("examples/music-on-hold");
    store = join(shellProject.stateDir, "audio");
    if (route === "rgs serve --shell") {
      shellService = await startService({ pools: [POOL], shell: agent.commandLine, env: { ...agent.env, RGS_AUDIO_STORE: store } });
      shellStack = await selectStack(shellProject, "lab");
      await shellStack.setConfig("rgs:endpoint", { value: shellService.url });
      await shellStack.setConfig("rgs:token", { value: shellService.tokens.admin, secret: true });
    } else {
      shellStack = await selectStack(shellProject, "lab", { env: agent.env });
      await shellStack.setConfig("rgs:shell", { value: agent.commandLine });
      await shellStack.setConfig("rgs:audioStore", { value: store });
    }
    await shellStack.setConfig("rgs:pool", { value: POOL });
  }, 1_800_000);

  afterAll(async () => {
    await shellService?.stop();
    shellProject?.cleanup();
  });

  it("imports each recording into every prompt and music on hold that plays it, and plans nothing after", async () => {
    const up = await shellStack.up();
    expect(up.summary.resourceChanges?.create).toBe(8);
    // The pool holds imports only: each embedded where it plays, under the file name given.
    const [workflow] = await outside((b) => b.list(POOL, "workflows").then((p) => p.items));
    const raw = JSON.parse(readFileSync(agent.stateFile, "utf8")) as unknown;
    const names = JSON.stringify(raw).match(/"OriginalFileName":"[^"]+"/g) ?? [];
    expect([...new Set(names)].sort()).toEqual(['"OriginalFileName":"Contoso hold music.wav"', '"OriginalFileName":"goodbye.wav"', '"OriginalFileName":"welcome.wav"']);
    expect(workflow.customMusicOnHoldFileId).toMatch(/^[0-9a-f-]{36}$/);
    // Our own store names the imports by the recordings' ids.
    const ours = new ShellBackend({ command: agent.commandLine, env: agent.env, audioStore: store });
    try {
      const files = (await ours.listAudioFiles(POOL)).items;
      const music = files.find((f) => f.fileName === "Contoso hold music.wav")!;
      expect(music.sha256).toBe(sha(readFileSync(join(shellProject.dir, "audio", "hold-music.wav"))));
      const [w] = (await ours.list(POOL, "workflows")).items;
      expect(w.customMusicOnHoldFileId).toBe(music.id);
      expect((await ours.getSettings(POOL)).defaultMusicOnHoldFileId).toBe(music.id);
    } finally {
      await ours.close();
    }
    expect((await shellStack.preview()).changeSummary).toEqual({ same: 8 });
  });

  it("destroys the objects, puts the default settings back and forgets the recordings", async () => {
    const destroy = await shellStack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await outside((b) => b.list(POOL, "workflows").then((p) => p.items))).toEqual([]);
    expect(await outside((b) => b.getSettings(POOL))).toMatchObject({ agentRingbackGracePeriod: 60, defaultMusicOnHoldFileId: null });
  });
});
