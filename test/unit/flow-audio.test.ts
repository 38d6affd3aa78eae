/**
 * Audio files in call flows: prompts named by the file they play where the source knows the
 * pool's audio files, the music a waiting caller hears and where it comes from, the semantic diff
 * of recordings and music on hold, the lint rules of audio prompts, and export files that carry
 * audio files and settings.
 */
import { describe, expect, it } from "vitest";
import { parseExport } from "../../cli/source";
import { describeChanges, formatChange } from "../../sdk/flow/describe";
import { buildGraph, workflowGraph } from "../../sdk/flow/graph";
import { promptText } from "../../sdk/flow/labels";
import { formatWarning, lintPool } from "../../sdk/flow/lint";
import type { PoolObjects } from "../../sdk/flow/pool";
import { simulate, type Simulation } from "../../sdk/flow/simulate";
import { PoolBuilder } from "./flow-fixtures";

const WELCOME = "aaaaaaaa-0000-4000-8000-000000000001";
const HOLD = "aaaaaaaa-0000-4000-8000-000000000002";
const POOL_MUSIC = "aaaaaaaa-0000-4000-8000-000000000003";
const GONE = "aaaaaaaa-0000-4000-8000-0000000000ff";
const NOW = new Date("2027-03-01T10:00:00Z");

/** A hunt group whose welcome plays a recording, with a second queue it times out to, and an IVR. */
function pool(options: { audio?: boolean; settings?: string | null; music?: string | null; welcomeText?: boolean } = {}) {
  const b = new PoolBuilder();
  const g = b.add("agent-groups", { name: "Tier 1", agentAlertTime: 30, agentsByUri: ["sip:alice@contoso.com"] });
  const later = b.add("queues", { name: "Later", agentGroupIds: [g.id], timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { audioFileId: GONE } } });
  const first = b.add("queues", { name: "First", agentGroupIds: [g.id], timeoutThreshold: 30, timeoutAction: { action: "TransferToQueue", queueId: later.id } });
  const hunt = b.add("workflows", {
    name: "Help Desk",
    primaryUri: "sip:helpdesk@contoso.com",
    active: true,
    customMusicOnHoldFileId: options.music === undefined ? HOLD : options.music,
    defaultAction: {
      action: "TransferToQueue",
      queueId: first.id,
      prompt: options.welcomeText === false ? { audioFileId: WELCOME } : { audioFileId: WELCOME, textToSpeech: "Welcome to the help desk." },
    },
  });
  const ivr = b.add("workflows", {
    name: "Main Line",
    primaryUri: "sip:main@contoso.com",
    active: true,
    defaultAction: {
      action: "TransferToQuestion",
      question: { prompt: { audioFileId: WELCOME }, answers: [{ dtmfResponse: "1", action: { action: "TransferToQueue", queueId: first.id } }] },
    },
  });
  if (options.audio !== false) {
    b.objects.audioFiles = [
      { id: WELCOME.toUpperCase(), fileName: "welcome.wav", sha256: "11".repeat(32) },
      { id: HOLD, fileName: "hold.wav", sha256: "22".repeat(32) },
      { id: POOL_MUSIC, fileName: "contoso-music.wma", sha256: "33".repeat(32) },
    ];
  }
  if (options.settings !== undefined) b.objects.settings = { defaultMusicOnHoldFileId: options.settings };
  return { objects: b.objects, g, first, later, hunt, ivr };
}

const helpDesk = (objects: PoolObjects, agents: "available" | "offline" = "offline"): Simulation =>
  simulate(objects, { workflow: "Help Desk", at: NOW, agents: { "sip:alice@contoso.com": agents === "available" ? "available" : "busy" } });
const music = (s: Simulation) => s.steps.filter((st) => st.kind === "music");
const names = (s: Simulation) => s.assumptions.map((a) => a.name);

describe("a prompt that plays an audio file", () => {
  it("is named by the file it plays when the pool's audio files are known, else by its id", () => {
    const prompt = { audioFileId: WELCOME, textToSpeech: "Welcome." };
    expect(promptText(prompt, 60, (id) => (id === WELCOME ? "welcome.wav" : id))).toBe('♪ welcome.wav ("Welcome.")');
    expect(promptText(prompt)).toBe(`♪ ${WELCOME} ("Welcome.")`);
    expect(promptText({ audioFileId: WELCOME })).toBe(`♪ ${WELCOME}`);
  });

  it("plays as ♪ welcome.wav in a simulation, the id matched without regard to case, with the text as its fallback", () => {
    const s = helpDesk(pool().objects, "available");
    expect(s.steps.map((st) => st.text)).toContain('plays the welcome message: ♪ welcome.wav ("Welcome to the help desk.")');
    expect(names(s)).toContain("audioFileBeforeText");
    const unknown = helpDesk(pool({ audio: false }).objects, "available");
    expect(unknown.steps.map((st) => st.text)).toContain(`plays the welcome message: ♪ ${WELCOME} ("Welcome to the help desk.")`);
  });

  it("speaks the text in place of a file the pool does not have, and says so", () => {
    const { objects } = pool();
    objects.audioFiles = objects.audioFiles!.filter((a) => a.fileName !== "welcome.wav");
    const s = helpDesk(objects, "available");
    expect(s.steps.map((st) => st.text)).toContain(`plays the welcome message: "Welcome to the help desk.", the text in place of audio file ${WELCOME}, which is not in the pool`);
    expect(names(s)).toContain("audioFileBeforeText");
    const silent = pool({ welcomeText: false }).objects;
    silent.audioFiles = [];
    expect(helpDesk(silent, "available").steps.map((st) => st.text)).toContain(
      `plays the welcome message: nothing: audio file ${WELCOME} is not in the pool, and the prompt has no text to speak in its place`,
    );
  });

  it("lints and simulates a workflow stored before music on hold existed, which has no customMusicOnHoldFileId", () => {
    const { objects } = pool();
    delete (objects.workflows[0] as { customMusicOnHoldFileId?: unknown }).customMusicOnHoldFileId;
    expect(lintPool(objects, { now: NOW }).filter((x) => x.field === "customMusicOnHoldFileId")).toEqual([]);
    expect(music(helpDesk(objects))[0].music).toEqual({ source: "pool-default-unknown" });
  });

  it("names a question asked by a recording after its file", () => {
    const s = simulate(pool().objects, { workflow: "Main Line", at: NOW, inputs: [{ kind: "dtmf", key: "1" }] });
    expect(s.steps.find((st) => st.kind === "question")).toMatchObject({ text: "asks ♪ welcome.wav: ♪ welcome.wav" });
    expect(s.outcome.result).toBe("answered");
  });

  it("is drawn as ♪ welcome.wav, and the workflow's music on hold with it", () => {
    const { objects, hunt, ivr } = pool();
    const graph = buildGraph(objects);
    const wf = workflowGraph(graph, hunt.id).nodes.find((n) => n.kind === "workflow")!;
    expect(wf.label).toEqual(["Help Desk", "helpdesk@contoso.com", 'welcome ♪ welcome.wav ("Welcome to the help desk.")', "hold ♪ hold.wav"]);
    const question = workflowGraph(graph, ivr.id).nodes.find((n) => n.kind === "question")!;
    expect(question.label).toEqual(["Question", "♪ welcome.wav"]);
    const timeout = graph.edges.find((e) => e.kind === "timeout" && e.label?.includes("60 s"))!;
    expect(timeout.label).toBe(`timeout 60 s\n♪ ${GONE} (missing)`);
    expect(buildGraph(pool({ audio: false }).objects).nodes.find((n) => n.id === wf.id)!.label.at(-1)).toBe(`hold ♪ ${HOLD}`);
  });
});

describe("music on hold in a simulation", () => {
  it("is the workflow's own audio file when it names one, whatever the pool's default", () => {
    const s = helpDesk(pool({ settings: POOL_MUSIC }).objects);
    expect(music(s)[0]).toMatchObject({
      text: "while it waits, the caller hears ♪ hold.wav, the workflow's music on hold",
      object: { kind: "workflows", name: "Help Desk", field: "customMusicOnHoldFileId" },
      music: { source: "workflow", audioFileId: HOLD, fileName: "hold.wav" },
      queueSeconds: 0,
    });
    expect(s.assumptions.find((a) => a.name === "musicOnHold")).toEqual({
      name: "musicOnHold",
      evidence: "doc",
      rule: "a waiting caller hears the workflow's custom music on hold, else the pool's default music on hold, else the music installed with the server",
    });
  });

  it("is the pool's default from its settings when the workflow names none", () => {
    const s = helpDesk(pool({ music: null, settings: POOL_MUSIC }).objects);
    expect(music(s)[0].text).toBe("while it waits, the caller hears ♪ contoso-music.wma, the pool's default music on hold (the workflow names none)");
    expect(music(s)[0].music).toEqual({ source: "pool-default", audioFileId: POOL_MUSIC, fileName: "contoso-music.wma" });
  });

  it("is the music installed with the server when neither the workflow nor the settings name one", () => {
    const s = helpDesk(pool({ music: null, settings: null }).objects);
    expect(music(s)[0].text).toBe("while it waits, the caller hears the music installed with the server (neither the workflow nor the pool's settings name music on hold)");
    expect(music(s)[0].music).toEqual({ source: "server" });
  });

  it("is the pool's default, unnamed, when the source has no settings", () => {
    const s = helpDesk(pool({ music: null }).objects);
    expect(music(s)[0].music).toEqual({ source: "pool-default-unknown" });
    expect(music(s)[0].text).toContain("this source has no settings");
  });

  it("goes on in the queue a timeout sends the call to, as an assumption", () => {
    const s = helpDesk(pool().objects);
    expect(music(s).map((st) => [st.text, st.queueSeconds])).toEqual([
      ["while it waits, the caller hears ♪ hold.wav, the workflow's music on hold", 0],
      ["while it waits, the caller hears ♪ hold.wav, the workflow's music on hold", 0],
    ]);
    expect(names(s)).toContain("musicContinuesOnTransfer");
    expect(s.assumptions.find((a) => a.name === "musicContinuesOnTransfer")!.evidence).toBe("assumption");
    expect(names(helpDesk(pool().objects, "available"))).not.toContain("musicContinuesOnTransfer");
  });

  it("plays no music to a call that never waits: a queue without agents disconnects it", () => {
    const { objects, g } = pool();
    g.agentsByUri = [];
    const s = helpDesk(objects);
    expect(s.outcome.result).toBe("disconnected");
    expect(music(s)).toEqual([]);
    expect(names(s)).not.toContain("musicOnHold");
  });
});

describe("the semantic diff of audio files", () => {
  it("says when a workflow's music on hold changes, by file name", () => {
    const before = pool().objects;
    const after = pool({ music: POOL_MUSIC }).objects;
    expect(describeChanges(before, after).map(formatChange)).toEqual(["Help Desk: music on hold now ♪ contoso-music.wma (was ♪ hold.wav)"]);
    expect(describeChanges(before, pool({ music: null }).objects).map(formatChange)).toEqual(["Help Desk: music on hold now the pool's default (was ♪ hold.wav)"]);
  });

  it("says when a prompt plays another recording, and not when the same recording has another id", () => {
    const before = pool().objects;
    const after = pool().objects;
    after.workflows[0].defaultAction!.prompt = { audioFileId: POOL_MUSIC, textToSpeech: "Welcome to the help desk." };
    expect(describeChanges(before, after).map(formatChange)).toEqual([
      'Help Desk: welcome message now ♪ contoso-music.wma ("Welcome to the help desk.") (was ♪ welcome.wav ("Welcome to the help desk."))',
    ]);
    // A program under mocks gives the same recording another id; its hash is the same.
    const moved = pool().objects;
    const otherId = "bbbbbbbb-0000-4000-8000-000000000001";
    moved.audioFiles = moved.audioFiles!.map((a) => (a.fileName === "welcome.wav" ? { ...a, id: otherId } : a));
    moved.workflows[0].defaultAction!.prompt = { audioFileId: otherId, textToSpeech: "Welcome to the help desk." };
    moved.workflows[1].defaultAction!.question!.prompt = { audioFileId: otherId };
    expect(describeChanges(before, moved)).toEqual([]);
  });
});

describe("lint of audio prompts", () => {
  it("warns of a prompt that plays a recording with no text to speak in its place", () => {
    const { objects, ivr } = pool();
    const w = lintPool(objects, { now: NOW }).filter((x) => x.rule === "audio-without-text");
    expect(w).toEqual([
      {
        rule: "audio-without-text",
        object: { kind: "workflows", id: ivr.id, name: "Main Line" },
        field: "defaultAction.question.prompt",
        message: "the prompt plays ♪ welcome.wav and has no textToSpeech: when the file cannot be played the caller hears nothing here; add the text, which Response Group speaks in its place",
      },
      expect.objectContaining({ rule: "audio-without-text", object: expect.objectContaining({ kind: "queues", name: "Later" }), field: "timeoutAction.prompt" }),
    ]);
    expect(formatWarning(w[0])).toMatch(/^workflow 'Main Line' defaultAction\.question\.prompt: the prompt plays ♪ welcome\.wav .* \[audio-without-text\]$/);
    expect(lintPool(pool({ welcomeText: false }).objects, { now: NOW }).filter((x) => x.rule === "audio-without-text").map((x) => x.field)).toContain("defaultAction.prompt");
  });

  it("warns of a recording the pool does not have, only when the source knows the pool's audio files", () => {
    const missing = lintPool(pool().objects, { now: NOW }).filter((x) => x.rule === "audio-file-missing");
    expect(missing.map((x) => [x.object.name, x.field])).toEqual([["Later", "timeoutAction.prompt.audioFileId"]]);
    expect(missing[0].message).toBe(`audio file ${GONE} is not among the pool's audio files: the prompt cannot play it; import it, or name one the pool has`);
    const { objects } = pool({ music: GONE });
    expect(lintPool(objects, { now: NOW }).filter((x) => x.rule === "audio-file-missing").map((x) => x.field)).toEqual(["customMusicOnHoldFileId", "timeoutAction.prompt.audioFileId"]);
    expect(lintPool(pool({ audio: false }).objects, { now: NOW }).filter((x) => x.rule === "audio-file-missing")).toEqual([]);
  });
});

describe("an export file with audio files and settings", () => {
  const entry = (extra: Record<string, unknown>) => ({ pool: "pool01.contoso.com", ...extra });

  it("gives the flow commands the audio files' names and the pool's default music on hold, from rgs export's JSON or a pool as read", () => {
    const [p] = parseExport(
      entry({
        "audio-files": [{ id: HOLD, fileName: "hold.wav", sha256: "22".repeat(32), size: 60, format: "wav", file: "audio/pool01.contoso.com/hold.wav" }],
        settings: { agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: HOLD },
      }),
    );
    expect(p.audioFiles).toEqual([{ id: HOLD, fileName: "hold.wav", sha256: "22".repeat(32) }]);
    expect(p.settings).toEqual({ defaultMusicOnHoldFileId: HOLD });
    const [read] = parseExport(JSON.parse(JSON.stringify({ ...pool().objects, settings: { defaultMusicOnHoldFileId: null } })));
    expect(read.audioFiles!.map((a) => a.fileName)).toEqual(["welcome.wav", "hold.wav", "contoso-music.wma"]);
    expect(read.settings).toEqual({ defaultMusicOnHoldFileId: null });
    const [none] = parseExport(entry({}));
    expect(none.audioFiles).toBeUndefined();
    expect(none.settings).toBeUndefined();
  });

  it("refuses audio files and settings it cannot read, naming each problem", () => {
    let error: unknown;
    try {
      parseExport(entry({ "audio-files": [{ id: "welcome.wav", fileName: "welcome.wav" }, { id: HOLD }, "x"], settings: { defaultMusicOnHoldFileId: 7 } }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "validation_failed",
      details: [
        { path: "audio-files.0.id", message: 'is required: the audio file\'s id, a GUID, which prompts name (got "welcome.wav")' },
        { path: "audio-files.1.fileName", message: "is required: the name the recording was imported with, such as welcome.wav (got undefined)" },
        { path: "audio-files.2", message: "must be an object" },
        { path: "settings.defaultMusicOnHoldFileId", message: "must be an audio file's id (a GUID) or null (got 7)" },
      ],
    });
    expect(() => parseExport(entry({ "audio-files": {} }))).toThrow(/not a valid export/);
  });
});
