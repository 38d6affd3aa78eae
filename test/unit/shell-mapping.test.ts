/**
 * The model ↔ cmdlet mapping round-trips: a body becomes New-* parameters (nested values as
 * builder steps), the parameters become the object as a cmdlet would store and project it
 * (written here from rgs-cmdlets.json, independently of the mapping's reading side), and that
 * projection reads back as the same body, for every field of every kind.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kindDef, KIND_NAMES, parseBody, type KindBodies } from "../../sdk/model/index";
import type { KindName } from "../../sdk/model/kind";
import { SettingsSchema } from "../../sdk/model/settings";
import { MAPPINGS, newParams, settingsMapping } from "../../sdk/shell/mapping/index";
import type { Projection, Step, Value } from "../../sdk/shell/protocol";
import { SERVER_FIELDS } from "../../sdk/views";
import { validBody, validSettings, type Refs } from "../reliability/arbitraries";

const POOL = "pool01.contoso.com";

interface ParameterSpec {
  type: string;
  required: string;
}
const CMDLETS = (JSON.parse(readFileSync(`${__dirname}/../../agent/rgs-cmdlets.json`, "utf8")) as {
  cmdlets: Record<string, { parameters: Record<string, ParameterSpec> }>;
}).cmdlets;

const refs: Refs = {
  agentGroups: ["0a000000-0000-4000-8000-000000000001", "0a000000-0000-4000-8000-000000000002", "0a000000-0000-4000-8000-000000000003"],
  queues: ["0b000000-0000-4000-8000-000000000001", "0b000000-0000-4000-8000-000000000002"],
  hours: ["0c000000-0000-4000-8000-000000000001"],
  holidaySets: ["0d000000-0000-4000-8000-000000000001", "0d000000-0000-4000-8000-000000000002"],
  // Recordings travel through the audio store, which test/integration/shell-audio.test.ts covers.
  audioFiles: [],
};

// Parameters that steer a cmdlet rather than set a property of the object it makes.
const CONTROL = new Set(["Parent", "Force", "InMemory", "Confirm", "WhatIf", "Identity", "Instance"]);

// Documented defaults of properties a New-* may be called without (rgs-model.md §4–§12).
const DEFAULTS: Record<string, unknown> = {
  ParticipationPolicy: "Informal",
  AgentAlertTime: 20,
  RoutingMethod: "Parallel",
  OverflowCandidate: "NewestCall",
  Custom: false,
  Active: false,
  Anonymous: false,
  EnabledForFederation: false,
  Managed: false,
  AgentRingbackGracePeriod: 60,
  DisableCallContext: false,
};

// The .NET enum's own spelling, which the documentation writes TransferToPSTN.
const DOTNET_ENUM_NAMES: Record<string, string> = { TransferToPSTN: "TransferToPstn" };

const OUTPUT_TYPES: Record<string, string> = {
  "New-CsRgsPrompt": "Microsoft.Rtc.Management.WritableSettings.Prompt",
  "New-CsRgsQuestion": "Microsoft.Rtc.Management.WritableSettings.Question",
  "New-CsRgsAnswer": "Microsoft.Rtc.Rgs.Management.WritableSettings.Answer",
  "New-CsRgsCallAction": "Microsoft.Rtc.Rgs.Management.WritableSettings.CallAction",
  "New-CsRgsTimeRange": "Microsoft.Rtc.Rgs.Management.WritableSettings.TimeRange",
  "New-CsRgsHoliday": "Microsoft.Rtc.Rgs.Management.WritableSettings.Holiday",
};

let guid = 0;

/** The object a cmdlet makes of these parameters, projected as the agent answers it. */
function asStored(cmdlet: string, params: Record<string, Value>): Projection {
  const spec = CMDLETS[cmdlet];
  expect(spec, `${cmdlet} is a documented cmdlet`).toBeDefined();
  for (const p of Object.keys(params)) expect(Object.keys(spec.parameters), `${cmdlet} has a parameter ${p}`).toContain(p);
  const out: Projection = { $type: OUTPUT_TYPES[cmdlet] ?? `Microsoft.Rtc.Rgs.Management.WritableSettings.${cmdlet.replace(/^New-CsRgs/, "")}` };
  for (const [p, s] of Object.entries(spec.parameters)) {
    if (CONTROL.has(p) || s.type === "SwitchParameter") continue;
    if (s.required === "True") expect(params, `${cmdlet} -${p} is mandatory`).toHaveProperty(p);
    const collection = /Collection|PSListModifier/.test(s.type);
    out[p] = p in params ? stored(s.type, params[p]) : p in DEFAULTS ? DEFAULTS[p] : collection ? [] : null;
  }
  if (cmdlet.startsWith("New-") && "Parent" in spec.parameters) {
    out.Identity = `${String(params.Parent)}/${(++guid).toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
    out.OwnerPool = POOL;
    out.$fingerprint = "f".repeat(64);
  }
  return out;
}

/** A value as the object holds it after PowerShell bound it to a parameter of this type. */
function stored(type: string, v: Value): unknown {
  if (Array.isArray(v)) return v.map((item) => stored(type, item));
  if (v !== null && typeof v === "object" && "step" in v) return asStored(v.step.cmdlet, v.step.params ?? {});
  if (type === "TimeSpan") return `${String(v)}:00`;
  if (type === "Action") return DOTNET_ENUM_NAMES[String(v)] ?? v;
  if (type === "Int16" || type === "Int32") expect(Number.isInteger(v)).toBe(true);
  return v;
}

/** A prompt the shell backend can write: text to speech only (audio needs Import-CsRgsAudioFile and the file). */
function withoutAudio(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutAudio);
  if (v === null || typeof v !== "object") return v;
  const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutAudio(x)]));
  if ("audioFileId" in o) {
    delete o.audioFileId;
    if (o.textToSpeech === undefined) o.textToSpeech = "Press a key";
  }
  return o;
}

/** The body as stored, defaults filled in; undefined when the schema refuses what was generated. */
function tryBody(kind: KindName, raw: unknown): Record<string, unknown> | undefined {
  const b = { ...(withoutAudio(raw) as Record<string, unknown>) };
  for (const f of SERVER_FIELDS) delete b[f];
  const r = parseBody(kind, b, "create");
  return r.ok ? r.value : undefined;
}

function body(kind: KindName, raw: unknown): Record<string, unknown> {
  const b = tryBody(kind, raw);
  if (!b) throw new Error(`${JSON.stringify(raw)} is not a valid ${kind}`);
  return b;
}

describe("shell mapping round trip", () => {
  for (const kind of KIND_NAMES) {
    it(`reads back every field of ${kindDef(kind).label} as written`, () => {
      fc.assert(
        fc.property(validBody(kind, refs), (raw) => {
          // The generators are shared with the service's tests and may lag a rule of the schemas.
          const valid = tryBody(kind, raw);
          fc.pre(valid !== undefined);
          const b = valid as KindBodies[typeof kind];
          const mapping = MAPPINGS[kind] as (typeof MAPPINGS)["agent-groups"];
          const step: Step = { cmdlet: `New-${kindDef(kind).noun}`, params: { Parent: `service:ApplicationServer:${POOL}`, ...newParams(mapping.properties(b as never, { pool: POOL, audio: "refuse" })) } };
          const projection = JSON.parse(JSON.stringify(asStored(step.cmdlet, step.params!))) as Projection;
          expect(mapping.body(projection)).toEqual(b);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("reads back the service settings as Set-CsRgsConfiguration writes them", () => {
    fc.assert(
      fc.property(validSettings, (raw) => {
        const s = SettingsSchema.parse(raw);
        const params = { Identity: `service:ApplicationServer:${POOL}`, ...settingsMapping.properties(s, { pool: POOL, audio: "refuse" }) };
        expect(settingsMapping.body(asStored("Set-CsRgsConfiguration", params))).toEqual(s);
      }),
    );
  });

  it("builds a call flow bottom-up from the builder cmdlets", () => {
    const w = body("workflows", {
      name: "IVR",
      primaryUri: "sip:ivr@contoso.com",
      defaultAction: {
        action: "TransferToQuestion",
        question: {
          prompt: { textToSpeech: "Press 1" },
          answers: [{ dtmfResponse: "1", voiceResponses: ["sales"], action: { action: "TransferToQueue", queueId: refs.queues[0] } }],
        },
      },
    });
    expect(MAPPINGS.workflows.properties(w as KindBodies["workflows"], { pool: POOL, audio: "refuse" }).DefaultAction).toEqual({
      step: {
        cmdlet: "New-CsRgsCallAction",
        params: {
          Action: "TransferToQuestion",
          Question: {
            step: {
              cmdlet: "New-CsRgsQuestion",
              params: {
                Prompt: { step: { cmdlet: "New-CsRgsPrompt", params: { TextToSpeechPrompt: "Press 1" } } },
                AnswerList: [
                  {
                    step: {
                      cmdlet: "New-CsRgsAnswer",
                      params: {
                        DtmfResponse: "1",
                        VoiceResponseList: ["sales"],
                        Action: { step: { cmdlet: "New-CsRgsCallAction", params: { Action: "TransferToQueue", QueueID: `service:ApplicationServer:${POOL}/${refs.queues[0]}` } } },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    });
  });

  it("refuses to write an audio prompt, naming the field", () => {
    const q = body("queues", { name: "Q" }) as KindBodies["queues"];
    q.timeoutAction = { action: "Terminate", prompt: { audioFileId: "closed.wav" } };
    expect(() => MAPPINGS.queues.properties(q, { pool: POOL, audio: "refuse" })).toThrow(
      expect.objectContaining({ code: "validation_failed", details: [expect.objectContaining({ path: "timeoutAction.prompt.audioFileId" })] }),
    );
  });
});
