/**
 * Configurations for the export tests: every kind and every field, two pools, IVR trees two and
 * three levels deep, split-shift hours, holidays, queues chained and in a circle, hard names.
 *
 * A configuration is a list of objects whose references name other objects by key (`@key`). It
 * becomes a snapshot with ids derived from the keys, or objects in a real service (seed()).
 */
import { createHash } from "node:crypto";
import type { Backend } from "../../sdk/backend";
import type { ExportedAudioFile, ExportedObject, Snapshot } from "../../sdk/export/snapshot";
import { checkAudioUpload, parseBody } from "../../sdk/model/index";
import { SettingsSchema } from "../../sdk/model/settings";
import type { KindName } from "../../sdk/model/kind";

export interface Declared {
  key: string;
  kind: KindName;
  pool: string;
  body: Record<string, unknown>;
  /** Fields set by an update once every object exists: how a circle of queues comes about. */
  later?: Record<string, unknown>;
}

/** A recording to import; objects reference it as `@key` like any other. */
export interface DeclaredAudio {
  key: string;
  pool: string;
  fileName: string;
  content: Uint8Array;
}

/** A pool's Response Group settings; a setting left out is at Lync's default. */
export interface DeclaredSettings {
  pool: string;
  body: Record<string, unknown>;
}

export const POOL_A = "pool01.contoso.com";
export const POOL_B = "pool02.fabrikam.com";

/** A RIFF/WAVE file of 16-bit PCM samples: the fmt chunk, then the data chunk. */
export function wav(samples: readonly number[], sampleRate = 8000, channels = 1): Uint8Array {
  const data = samples.length * 2;
  const b = Buffer.alloc(44 + data);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(36 + data, 4);
  b.write("WAVE", 8, "ascii");
  b.write("fmt ", 12, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 2, 28);
  b.writeUInt16LE(channels * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36, "ascii");
  b.writeUInt32LE(data, 40);
  samples.forEach((v, i) => b.writeInt16LE(v, 44 + i * 2));
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * The recordings of richConfiguration(): a welcome message and music on hold in pool A, one
 * recording no object plays, and the same bytes under the same name in pool B.
 */
export function richAudio(): DeclaredAudio[] {
  return [
    { key: "welcome", pool: POOL_A, fileName: "welcome.wav", content: wav([0, 1200, 2400, 1200, 0, -1200, -2400, -1200]) },
    { key: "hold", pool: POOL_A, fileName: "Hold music — Contoso: 2026.wav", content: wav([0, 8000, 16000, 8000, 0, -8000, -16000, -8000, 0, 4000]) },
    { key: "spare", pool: POOL_A, fileName: "spare.wav", content: wav([5, -5, 5, -5]) },
    { key: "b-welcome", pool: POOL_B, fileName: "welcome.wav", content: wav([0, 1200, 2400, 1200, 0, -1200, -2400, -1200]) },
  ];
}

/** Pool A's settings differ from Lync's defaults, its default music on hold an exported audio file; pool B keeps the defaults. */
export function richSettings(): DeclaredSettings[] {
  return [{ pool: POOL_A, body: { agentRingbackGracePeriod: 45, disableCallContext: true, defaultMusicOnHoldFileId: "@hold" } }];
}

const say = (textToSpeech: string) => ({ textToSpeech });
const toQueue = (key: string, prompt?: string) => ({ action: "TransferToQueue", queueId: `@${key}`, ...(prompt ? { prompt: say(prompt) } : {}) });

/** Every kind and every field in use, in two pools. */
export function richConfiguration(): Declared[] {
  const a = POOL_A;
  const b = POOL_B;
  return [
    { key: "tier1", kind: "agent-groups", pool: a, body: { name: "Help Desk Tier 1", routingMethod: "LongestIdle", agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com"] } },
    {
      key: "tier2",
      kind: "agent-groups",
      pool: a,
      body: { name: 'Tier 2 "Experts" \\ Escalations', description: "Second line.\nCalls from tier 1.", participationPolicy: "Formal", agentAlertTime: 45, routingMethod: "Serial", agentsByUri: ["sip:carol@contoso.com"] },
    },
    { key: "dl", kind: "agent-groups", pool: a, body: { name: "📞 Operators ${team}", routingMethod: "Attendant", distributionGroupAddress: "operators@contoso.com" } },
    { key: "class", kind: "agent-groups", pool: a, body: { name: "class", routingMethod: "RoundRobin", agentsByUri: ["sip:dan@contoso.com"] } },
    { key: "digits", kind: "agent-groups", pool: a, body: { name: "1st Line", agentsByUri: ["sip:erin@contoso.com"] } },
    { key: "managedg", kind: "agent-groups", pool: a, body: { name: "Managed Agents", agentsByUri: ["sip:mia@contoso.com"] } },
    { key: "emptyname", kind: "agent-groups", pool: a, body: { name: "日本語", agentsByUri: ["sip:kenji@contoso.com"] } },

    { key: "managedq", kind: "queues", pool: a, body: { name: "Managed Queue", agentGroupIds: ["@managedg"] } },
    { key: "overflowq", kind: "queues", pool: a, body: { name: "Overflow", agentGroupIds: ["@tier2"], timeoutThreshold: 120, timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:overflow-vm@contoso.com" } } },
    {
      key: "helpdesk",
      kind: "queues",
      pool: a,
      body: {
        name: "Help Desk",
        description: "First stop",
        agentGroupIds: ["@tier1", "@tier2"],
        timeoutThreshold: 300,
        timeoutAction: toQueue("overflowq", "Please hold for the next available expert."),
        overflowThreshold: 10,
        overflowCandidate: "OldestCall",
        overflowAction: { action: "TransferToPSTN", uri: "sip:+14255550100@contoso.com", prompt: say("All agents are busy.") },
      },
    },
    { key: "night", kind: "queues", pool: a, body: { name: "Night A", agentGroupIds: ["@dl"], overflowThreshold: 0, overflowAction: { action: "Terminate" } }, later: { timeoutThreshold: 60, timeoutAction: toQueue("night2") } },
    { key: "night2", kind: "queues", pool: a, body: { name: "Night B", agentGroupIds: ["@class"], overflowThreshold: 5, overflowAction: toQueue("night") } },
    { key: "first", kind: "queues", pool: a, body: { name: "1st Line", agentGroupIds: ["@digits", "@emptyname"], timeoutThreshold: 65535, timeoutAction: { action: "TransferToUri", uri: "sip:reception@contoso.com" } } },

    {
      key: "hours",
      kind: "hours-of-business",
      pool: a,
      body: {
        name: "Office Hours",
        mondayHours1: { openTime: "08:00", closeTime: "12:00" },
        mondayHours2: { name: "Afternoon", openTime: "13:00", closeTime: "17:30" },
        tuesdayHours1: { openTime: "08:00", closeTime: "12:00" },
        tuesdayHours2: { openTime: "13:00", closeTime: "17:30" },
        wednesdayHours1: { openTime: "08:00", closeTime: "11:00" },
        wednesdayHours2: { openTime: "11:30", closeTime: "17:00" },
        thursdayHours1: { openTime: "07:00", closeTime: "12:00" },
        thursdayHours2: { openTime: "14:00", closeTime: "20:00" },
        fridayHours1: { openTime: "08:00", closeTime: "12:00" },
        fridayHours2: { openTime: "12:30", closeTime: "16:00" },
        saturdayHours1: { openTime: "10:00", closeTime: "12:00" },
        saturdayHours2: { openTime: "13:00", closeTime: "14:00" },
      },
    },
    { key: "custom", kind: "hours-of-business", pool: a, body: { name: "Main Line Custom", custom: true, sundayHours1: { openTime: "00:00", closeTime: "11:00" }, sundayHours2: { openTime: "12:00", closeTime: "23:59" } } },
    {
      key: "holidays",
      kind: "holiday-sets",
      pool: a,
      body: {
        name: "Holidays 2026",
        holidays: [
          { name: "New Year's Day", startDate: "2026-01-01T00:00:00", endDate: "2026-01-02T00:00:00" },
          { name: "Christmas \"Eve\" & Day", startDate: "2026-12-24T12:00:00", endDate: "2026-12-26T00:00:00" },
        ],
      },
    },
    { key: "closures", kind: "holiday-sets", pool: a, body: { name: "Office Closures", holidays: [{ name: "Move", startDate: "2026-06-01T00:00:00", endDate: "2026-06-03T00:00:00" }] } },

    {
      key: "hunt",
      kind: "workflows",
      pool: a,
      body: {
        name: "Help Desk",
        description: "Call 5100 for the help desk",
        primaryUri: "sip:helpdesk@contoso.com",
        displayNumber: "+1 (425) 555-5100",
        lineUri: "tel:+14255555100",
        active: true,
        anonymous: true,
        enabledForFederation: true,
        language: "en-GB",
        timeZone: "Pacific Standard Time",
        businessHoursId: "@hours",
        holidaySetIds: ["@holidays", "@closures"],
        defaultAction: { action: "TransferToQueue", queueId: "@helpdesk", prompt: { textToSpeech: "Welcome to the help desk.", audioFileId: "@welcome" } },
        nonBusinessHoursAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk-vm@contoso.com", prompt: say("We are closed.") },
        holidayAction: { action: "Terminate", prompt: say("Happy holidays.") },
        customMusicOnHoldFileId: "@hold",
      },
    },
    {
      key: "ivr2",
      kind: "workflows",
      pool: a,
      body: {
        name: "Main Line",
        primaryUri: "sip:main@contoso.com",
        active: true,
        timeZone: "UTC",
        businessHoursId: "@custom",
        defaultAction: {
          action: "TransferToQuestion",
          prompt: say("Welcome to Contoso."),
          question: {
            name: "Main menu",
            prompt: say("For support press 1, for the night line press 2."),
            invalidAnswerPrompt: say("Sorry, that is not an option."),
            noAnswerPrompt: { audioFileId: "@welcome" },
            answers: [
              { name: "Support", dtmfResponse: "1", voiceResponses: ["support", "help"], action: toQueue("helpdesk") },
              {
                name: "Night",
                dtmfResponse: "2",
                action: {
                  action: "TransferToQuestion",
                  question: {
                    prompt: say("Press 1 for line A, 2 for line B."),
                    answers: [
                      { dtmfResponse: "1", action: toQueue("night") },
                      { dtmfResponse: "2", action: toQueue("night2") },
                    ],
                  },
                },
              },
              { dtmfResponse: "#", action: { action: "Terminate" } },
            ],
          },
        },
      },
    },
    {
      key: "ivr3",
      kind: "workflows",
      pool: a,
      body: {
        name: "Sales & Service",
        primaryUri: "sip:sales@contoso.com",
        language: "fr-FR",
        timeZone: "W. Europe Standard Time",
        defaultAction: {
          action: "TransferToQuestion",
          question: {
            prompt: say("Ventes, tapez 1. Service, tapez 2."),
            answers: [
              {
                dtmfResponse: "1",
                action: {
                  action: "TransferToQuestion",
                  prompt: say("Ventes."),
                  question: {
                    prompt: say("Nouveau client 1, client existant 2."),
                    answers: [
                      {
                        dtmfResponse: "1",
                        voiceResponses: ["nouveau"],
                        action: {
                          action: "TransferToQuestion",
                          question: {
                            name: "Third level",
                            prompt: say("Entreprise 1, particulier 2, opératrice 0."),
                            answers: [
                              { dtmfResponse: "1", action: toQueue("first") },
                              { dtmfResponse: "2", action: { action: "TransferToUri", uri: "sip:retail@contoso.com" } },
                              { dtmfResponse: "0", action: { action: "TransferToPSTN", uri: "sip:+33155550000@contoso.com" } },
                            ],
                          },
                        },
                      },
                      { dtmfResponse: "2", action: toQueue("overflowq") },
                    ],
                  },
                },
              },
              { dtmfResponse: "2", action: { action: "TransferToVoicemailUri", uri: "sip:service-vm@contoso.com" } },
            ],
          },
        },
      },
    },
    // A managed workflow's queues and agent groups serve it alone.
    {
      key: "managed",
      kind: "workflows",
      pool: a,
      body: { name: "Managed Line", primaryUri: "sip:managed@contoso.com", active: true, managed: true, managersByUri: ["sip:manager@contoso.com", "sip:deputy@contoso.com"], defaultAction: toQueue("managedq") },
    },
    { key: "inactive", kind: "workflows", pool: a, body: { name: "Help-Desk", primaryUri: "sip:help-desk-old@contoso.com" } },

    { key: "b-group", kind: "agent-groups", pool: b, body: { name: "Help Desk Tier 1", agentsByUri: ["sip:zoe@fabrikam.com"] } },
    { key: "b-queue", kind: "queues", pool: b, body: { name: "Help Desk", agentGroupIds: ["@b-group"] } },
    { key: "b-hours", kind: "hours-of-business", pool: b, body: { name: "Office Hours", mondayHours1: { openTime: "09:00", closeTime: "17:00" } } },
    { key: "b-holidays", kind: "holiday-sets", pool: b, body: { name: "Holidays 2026", holidays: [{ name: "Day off", startDate: "2026-05-01T00:00:00", endDate: "2026-05-02T00:00:00" }] } },
    {
      key: "b-flow",
      kind: "workflows",
      pool: b,
      body: {
        name: "Help Desk",
        primaryUri: "sip:helpdesk@fabrikam.com",
        active: true,
        timeZone: "UTC",
        businessHoursId: "@b-hours",
        holidaySetIds: ["@b-holidays"],
        defaultAction: { ...toQueue("b-queue"), prompt: { audioFileId: "@b-welcome", textToSpeech: "Welcome to Fabrikam." } },
        holidayAction: { action: "Terminate" },
      },
    },
  ];
}

/** A GUID derived from a key, so snapshots are the same on every run. */
export function idFor(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Replaces every `@key` string with what `ids` maps it to. */
export function resolveRefs(v: unknown, ids: (key: string) => string): unknown {
  if (typeof v === "string" && v.startsWith("@")) return ids(v.slice(1));
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, ids));
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, ids)]));
  return v;
}

/**
 * The configuration as a backend would answer it: defaults filled in, ids from the keys. With
 * `unchecked`, bodies are taken as written, as a real pool may hold what the service would refuse.
 */
export function snapshotOf(
  declared: readonly Declared[],
  options: { unchecked?: boolean; audio?: readonly DeclaredAudio[]; settings?: readonly DeclaredSettings[] } = {},
): Snapshot {
  const audioFiles = options.audio?.map((a) => audioOf(a, idFor(a.key)));
  const objects: ExportedObject[] = declared.map((d) => {
    const body = resolveRefs({ ...d.body, ...d.later }, (k) => idFor(k)) as Record<string, unknown>;
    if (options.unchecked) return { kind: d.kind, pool: d.pool, id: idFor(d.key), body };
    const parsed = parseBody(d.kind, body, "update");
    if (!parsed.ok) throw new Error(`fixture ${d.key}: ${JSON.stringify(parsed.issues)}`);
    return { kind: d.kind, pool: d.pool, id: idFor(d.key), body: parsed.value };
  });
  const pools = [...new Set([...declared.map((d) => d.pool), ...(options.audio ?? []).map((a) => a.pool), ...(options.settings ?? []).map((s) => s.pool)])].sort();
  const settings = options.settings
    ? Object.fromEntries(pools.map((pool) => [pool, SettingsSchema.parse(resolveRefs(options.settings!.find((s) => s.pool === pool)?.body ?? {}, (k) => idFor(k)))]))
    : undefined;
  return { pools, objects, ...(audioFiles ? { audioFiles } : {}), ...(settings ? { settings } : {}) };
}

/** An audio file as the service would list it, its bytes read. */
export function audioOf(a: DeclaredAudio, id: string): ExportedAudioFile {
  const checked = checkAudioUpload("audio/wav", a.fileName, a.content);
  if (!checked.ok) throw new Error(`fixture ${a.key}: ${JSON.stringify(checked.issues)}`);
  const { details } = checked.value;
  return {
    pool: a.pool,
    id,
    fileName: a.fileName,
    format: details.format,
    contentType: checked.value.contentType,
    size: checked.value.size,
    sha256: checked.value.sha256,
    encoding: details.encoding,
    channels: details.channels,
    sampleRate: details.sampleRate,
    bitsPerSample: details.bitsPerSample,
    durationSeconds: details.durationSeconds,
    content: a.content,
  };
}

/**
 * Imports the recordings, creates the configuration in a backend in the order given, applies the
 * later fields, then writes the settings. Answers the ids by key.
 */
export async function seed(backend: Backend, declared: readonly Declared[], audio: readonly DeclaredAudio[] = [], settings: readonly DeclaredSettings[] = []): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const id = (k: string) => {
    const v = ids.get(k);
    if (v === undefined) throw new Error(`fixture: ${k} is referenced before it is created`);
    return v;
  };
  for (const a of audio) {
    const imported = await backend.importAudioFile(a.pool, { fileName: a.fileName, contentType: "audio/wav", content: a.content });
    ids.set(a.key, imported.audioFile.id);
  }
  for (const d of declared) {
    const created = await backend.create(d.pool, d.kind, resolveRefs(d.body, id) as never);
    ids.set(d.key, created.object.id);
  }
  for (const d of declared) {
    if (!d.later) continue;
    const now = await backend.get(d.pool, d.kind, id(d.key));
    const body = resolveRefs({ ...d.body, ...d.later }, id);
    await backend.update(d.pool, d.kind, id(d.key), body as never, now!.etag);
  }
  for (const s of settings) await backend.updateSettings(s.pool, resolveRefs(s.body, id) as never);
  return ids;
}
