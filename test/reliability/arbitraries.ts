/**
 * fast-check arbitraries for the Response Group bodies, written from the sdk schemas
 * (sdk/model/*): valid bodies of every kind, the junk to mutate them with, and the oracle that
 * says what the service must answer. zod-fast-check would derive them, but it supports zod 3
 * and fast-check 3 only; this package is on zod 4 and fast-check 4.
 *
 *   validBody(kind, refs, mode) → Arbitrary<Record<string, unknown>>   accepted by the service
 *   validSettings                                                      PUT .../settings bodies
 *   mutation → Arbitrary<Mutation>;  mutate(body, m) → unknown        one change that may break it
 *   junk, specialStrings, oddSegments                                 bad values to send
 *   oracle(target, text, mode) → { valid, value? }                     what the schemas say of a body
 */
import fc from "fast-check";
import { parseBody } from "../../sdk/model/index";
import { LANGUAGES, TIME_ZONES } from "../../sdk/model/calendar";
import { SERVER_FIELDS } from "../../sdk/views";
import type { KindName } from "../../sdk/model/kind";
import { SettingsSchema } from "../../sdk/model/settings";
import { DEFAULT_BODY_LIMIT } from "../../backend/app";
import { MAX_BODY_DEPTH } from "../../backend/body";

export interface Refs {
  agentGroups: string[];
  queues: string[];
  hours: string[];
  holidaySets: string[];
  /** Audio files of the pool that prompts and music on hold may play. */
  audioFiles: string[];
}

let serial = 0;
/** A number never handed out before in this process: keeps generated names and URIs unique. */
export function unique(): number {
  return ++serial;
}

// What the model refuses in text (sdk/model/common.ts): C0 and C1 controls, line and paragraph
// separators in one-line text, bidi controls and zero-width characters.
// eslint-disable-next-line no-control-regex
const NOT_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff<>"]/g;
// eslint-disable-next-line no-control-regex
const NOT_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const clean = (s: string) => s.replace(NOT_IN_A_LINE, "").trim();
/** At most `max` UTF-16 units, cut between code points so no surrogate is left alone. */
function cut(s: string, max: number): string {
  let out = "";
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
const labelText = (max: number) => fc.string({ unit: "grapheme", maxLength: max }).map((s) => clean(cut(s, max)));
const label = (max: number) => labelText(max).map((s) => s || "Label");
const text = fc.string({ unit: "grapheme", maxLength: 80 }).map((s) => s.replace(NOT_IN_TEXT, ""));
// Names get a serial number: unique per pool and kind, whatever the generated part.
const name = labelText(24).map((s) => `${s || "Name"} #${unique()}`);

const user = fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/);
const domain = fc.constantFrom("contoso.com", "fabrikam.net", "eu.contoso.com", "x-1.example.org");
const sip = fc.tuple(user, domain).map(([u, d]) => `sip:${u}@${d}`);
const pstn = fc.stringMatching(/^\d{2,15}$/).map((d) => `sip:+${d}@contoso.com`);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: (keyof T)[]) =>
  fc.record(model, { requiredKeys: required as never, noNullPrototype: true }) as fc.Arbitrary<Record<string, unknown>>;

// With no audio files to play, prompts are text only.
const promptOf = (refs: Refs) =>
  refs.audioFiles.length === 0
    ? rec({ textToSpeech: text }, ["textToSpeech"])
    : fc.oneof(
        rec({ textToSpeech: text }, ["textToSpeech"]),
        rec({ audioFileId: fc.constantFrom(...refs.audioFiles) }, ["audioFileId"]),
        rec({ textToSpeech: text, audioFileId: fc.constantFrom(...refs.audioFiles) }, ["textToSpeech", "audioFileId"]),
      );

function actions(refs: Refs, allowed: readonly string[], question?: fc.Arbitrary<Record<string, unknown>>) {
  const all: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    Terminate: rec({ action: fc.constant("Terminate"), prompt: promptOf(refs) }, ["action"]),
    TransferToQueue: rec({ action: fc.constant("TransferToQueue"), queueId: fc.constantFrom(...refs.queues), prompt: promptOf(refs) }, ["action", "queueId"]),
    TransferToUri: rec({ action: fc.constant("TransferToUri"), uri: sip, prompt: promptOf(refs) }, ["action", "uri"]),
    TransferToVoicemailUri: rec({ action: fc.constant("TransferToVoicemailUri"), uri: sip, prompt: promptOf(refs) }, ["action", "uri"]),
    TransferToPSTN: rec({ action: fc.constant("TransferToPSTN"), uri: pstn, prompt: promptOf(refs) }, ["action", "uri"]),
  };
  if (question) all.TransferToQuestion = rec({ action: fc.constant("TransferToQuestion"), question, prompt: promptOf(refs) }, ["action", "question"]);
  return fc.oneof(...allowed.filter((a) => all[a]).map((a) => all[a]));
}

const DTMF = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"];

function question(refs: Refs, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const answerAction = actions(
    refs,
    ["Terminate", "TransferToQueue", "TransferToUri", "TransferToVoicemailUri", "TransferToPSTN", "TransferToQuestion"],
    depth > 1 ? question(refs, depth - 1) : undefined,
  );
  const answer = rec(
    { name: label(30), dtmfResponse: fc.constantFrom(...DTMF), voiceResponses: fc.array(label(20), { minLength: 1, maxLength: 3 }), action: answerAction },
    ["dtmfResponse", "action"],
  );
  return rec(
    {
      name: label(40),
      prompt: promptOf(refs),
      // A question without answers disconnects the call, which an active workflow may not do.
      answers: fc.uniqueArray(answer, { selector: (a) => a.dtmfResponse, minLength: 1, maxLength: 4 }),
      invalidAnswerPrompt: promptOf(refs),
      noAnswerPrompt: promptOf(refs),
    },
    ["prompt", "answers"],
  );
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const range = (open: number, close: number, n?: string) => ({ ...(n ? { name: n } : {}), openTime: hhmm(open), closeTime: hhmm(close) });
const dayHours = fc.oneof(
  fc.constant([] as number[]),
  fc.uniqueArray(fc.integer({ min: 0, max: 1439 }), { minLength: 2, maxLength: 2 }),
  fc.uniqueArray(fc.integer({ min: 0, max: 1439 }), { minLength: 4, maxLength: 4 }),
);

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const localDateTime = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const holiday = fc
  .tuple(label(40), fc.date({ min: new Date("1753-01-01T00:00:00Z"), max: new Date("9000-12-31T00:00:00Z"), noInvalidDate: true }), fc.integer({ min: 1, max: 40 * 86400 }))
  .map(([n, start, seconds]) => ({ name: n, startDate: localDateTime(start), endDate: localDateTime(new Date(start.getTime() - start.getUTCMilliseconds() + seconds * 1000)) }));

// A client may send back the server fields it read; the service ignores them.
const serverFields = fc.option(rec({ id: fc.uuid(), etag: fc.constant("v9"), identity: fc.string(), createdAt: fc.string() }, []), { nil: undefined, freq: 5 });

export function validBody(kind: KindName, refs: Refs): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(bodyOf(kind, refs), serverFields).map(([b, s]) => ({ ...(s ?? {}), ...b }));
}

function bodyOf(kind: KindName, refs: Refs): fc.Arbitrary<Record<string, unknown>> {
  switch (kind) {
    case "agent-groups":
      return rec(
        {
          name,
          description: opt(text),
          participationPolicy: fc.constantFrom("Informal", "Formal"),
          agentAlertTime: fc.integer({ min: 10, max: 600 }),
          routingMethod: fc.constantFrom("LongestIdle", "Parallel", "RoundRobin", "Serial", "Attendant"),
          agentsByUri: fc.uniqueArray(sip, { selector: (s) => s.toLowerCase(), maxLength: 5 }),
          distributionGroupAddress: opt(fc.tuple(user, domain).map(([u, d]) => `${u}@${d}`)),
        },
        ["name"],
      ).map((g) => {
        if (Array.isArray(g.agentsByUri) && g.agentsByUri.length > 0 && g.distributionGroupAddress != null) delete g.distributionGroupAddress;
        return g;
      });
    case "queues": {
      const action = actions(refs, ["Terminate", "TransferToQueue", "TransferToUri", "TransferToVoicemailUri", "TransferToPSTN"]);
      return rec(
        {
          name,
          description: opt(text),
          agentGroupIds: fc.subarray(refs.agentGroups),
          timeoutThreshold: opt(fc.integer({ min: 10, max: 65535 })),
          timeoutAction: opt(action),
          overflowThreshold: opt(fc.integer({ min: 0, max: 1000 })),
          overflowCandidate: fc.constantFrom("NewestCall", "OldestCall"),
          overflowAction: opt(action),
        },
        ["name"],
      );
    }
    case "hours-of-business":
      return fc
        .tuple(name, fc.option(fc.boolean(), { nil: undefined }), fc.array(dayHours, { minLength: 7, maxLength: 7 }), fc.option(label(20), { nil: undefined }))
        .map(([n, custom, days, rangeName]) => {
          const body: Record<string, unknown> = { name: n };
          if (custom !== undefined) body.custom = custom;
          ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].forEach((day, i) => {
            const m = [...days[i]].sort((a, b) => a - b);
            if (m.length >= 2) body[`${day}Hours1`] = range(m[0], m[1], rangeName);
            if (m.length === 4) body[`${day}Hours2`] = range(m[2], m[3]);
          });
          return body;
        });
    case "holiday-sets":
      return rec({ name, holidays: fc.array(holiday, { minLength: 1, maxLength: 4 }) }, ["name", "holidays"]);
    case "workflows": {
      const closed = actions(refs, ["Terminate", "TransferToUri", "TransferToVoicemailUri", "TransferToPSTN"]);
      const defaultAction = fc.oneof(
        rec({ action: fc.constant("TransferToQueue"), queueId: fc.constantFrom(...refs.queues), prompt: promptOf(refs) }, ["action", "queueId"]),
        rec({ action: fc.constant("TransferToQuestion"), question: question(refs, 2), prompt: promptOf(refs) }, ["action", "question"]),
      );
      return rec(
        {
          name,
          description: opt(text),
          primaryUri: fc.constant(null).map(() => `sip:workflow-${unique()}@contoso.com`),
          customMusicOnHoldFileId: refs.audioFiles.length === 0 ? fc.constant(null) : opt(fc.constantFrom(...refs.audioFiles)),
          displayNumber: opt(label(30)),
          // A line URI belongs to one workflow in the deployment, so each gets a serial number.
          lineUri: opt(fc.constant(null).map(() => `tel:+1${unique()}`)),
          active: fc.boolean(),
          anonymous: fc.boolean(),
          enabledForFederation: fc.boolean(),
          // A managed workflow takes its queues for itself (a rule across objects, not of one body); the
          // generated workflows share the reference queues, so none is managed here.
          managed: fc.constant(false),
          managersByUri: fc.uniqueArray(sip, { selector: (s) => s.toLowerCase(), maxLength: 3 }),
          language: fc.constantFrom(...LANGUAGES).chain((l) => fc.constantFrom(l, l.toLowerCase())),
          timeZone: fc.constantFrom(...TIME_ZONES),
          businessHoursId: opt(fc.constantFrom(...refs.hours)),
          holidaySetIds: fc.subarray(refs.holidaySets),
          defaultAction: opt(defaultAction),
          nonBusinessHoursAction: opt(closed),
          holidayAction: opt(closed),
        },
        ["name", "primaryUri"],
      ).map((w) => {
        if (w.active === true && (w.defaultAction === null || w.defaultAction === undefined)) w.active = false;
        // Hours and holidays are read in the workflow's time zone, which is then required.
        const timed = (w.businessHoursId !== null && w.businessHoursId !== undefined) || (Array.isArray(w.holidaySetIds) && w.holidaySetIds.length > 0);
        if (timed && w.timeZone === undefined) w.timeZone = TIME_ZONES[0];
        if (w.managed !== true) delete w.managersByUri;
        return w;
      });
    }
  }
}

export const validSettings = rec({ agentRingbackGracePeriod: fc.integer({ min: 30, max: 600 }), disableCallContext: fc.boolean() }, []);

/** Strings that have broken services before: SQL and path meta-characters, control characters, lone surrogates, odd Unicode. */
export const SPECIAL_STRINGS = [
  "'; DROP TABLE objects; --",
  "\" OR 1=1 --",
  "x' OR name LIKE '%",
  "%_%",
  "\\",
  "`rm -rf /`",
  "$(id)",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2f",
  "/v1/pools",
  "C:\\",
  "\u0000",
  "a\u0000b",
  "\u0007\u0008\u001b[31m",
  "line\nbreak",
  "tab\there",
  "\r\n\r\nHTTP/1.1 200 OK",
  "\ud800",
  "a\udc00b",
  "\udfff\ud800",
  "\ufeffBOM",
  "\u202eevil",
  "zero\u200bwidth",
  "İstanbul",
  "ß",
  "e\u0301",
  "😀".repeat(10),
  " ",
  "",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "{\"$gt\": \"\"}",
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/x}",
];
export const specialStrings = fc.constantFrom(...SPECIAL_STRINGS);

function nested(depth: number): unknown {
  let v: unknown = "deep";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Values of every JSON type, out-of-range numbers, special and huge strings, deep and wide values. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 9, 10, 600, 601, 65536, "", "0", "true", [], {}, [[]], { a: {} }) },
  { weight: 2, arbitrary: fc.integer({ min: -2e9, max: 2e9 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: specialStrings },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom(60, 70, 100, 500).map(nested) },
  { weight: 1, arbitrary: fc.constantFrom(5_000, 100_000, 1_100_000).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(1_001, 5_000).map((n) => Array.from({ length: n }, (_, i) => `sip:a${i}@contoso.com`)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i]))) },
);

const keyArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "", " ", "name ", "NAME", "id", "etag", "identity", "ownerPool", "createdAt", "updatedAt", "a.b", "0", "length"),
  specialStrings,
);

export type Mutation =
  | { op: "set"; at: number; value: unknown }
  | { op: "delete"; at: number }
  | { op: "addKey"; at: number; key: string; value: unknown }
  | { op: "poison"; at: number; how: "__proto__" | "constructor.prototype" | "nested __proto__" }
  | { op: "string"; at: number; special: string; where: "append" | "prepend" | "replace" }
  | { op: "duplicate"; at: number }
  | { op: "root"; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("addKey" as const), at: fc.nat(), key: keyArb, value: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("poison" as const), at: fc.nat(), how: fc.constantFrom("__proto__" as const, "constructor.prototype" as const, "nested __proto__" as const) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("string" as const), at: fc.nat(), special: specialStrings, where: fc.constantFrom("append" as const, "prepend" as const, "replace" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("root" as const), value: junk }) },
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number; value: unknown };

function slots(v: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i, value: x }), slots(x, out)));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k, value: x }), slots(x, out);
  return out;
}

function containers(v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(v)) v.forEach((x) => containers(x, out));
  else if (v !== null && typeof v === "object") {
    out.push(v as Record<string, unknown>);
    Object.values(v).forEach((x) => containers(x, out));
  }
  return out;
}

/** Own, enumerable: JSON.stringify writes it as a key, unlike an assignment to __proto__. */
function defineKey(o: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of the body with one mutation applied. */
export function mutate(body: Record<string, unknown>, m: Mutation): unknown {
  if (m.op === "root") return m.value;
  const copy = structuredClone(body);
  if (m.op === "addKey" || m.op === "poison") {
    const objects = containers(copy);
    const o = objects[m.at % objects.length];
    if (m.op === "addKey") defineKey(o, m.key, m.value);
    else if (m.how === "__proto__") defineKey(o, "__proto__", { polluted: "yes", isAdmin: true });
    else if (m.how === "constructor.prototype") defineKey(o, "constructor", { prototype: { polluted: "yes" } });
    else defineKey(o, "x", JSON.parse('{"y": {"__proto__": {"polluted": "yes"}}}'));
    return copy;
  }
  const all = slots(copy);
  const pick = (list: Slot[]) => (list.length === 0 ? undefined : list[m.at % list.length]);
  if (m.op === "string") {
    const s = pick(all.filter((x) => typeof x.value === "string")) ?? pick(all);
    if (!s) return copy;
    const old = typeof s.value === "string" ? s.value : "";
    const next = m.where === "append" ? old + m.special : m.where === "prepend" ? m.special + old : m.special;
    (s.parent as Record<string | number, unknown>)[s.key] = next;
    return copy;
  }
  if (m.op === "duplicate") {
    const s = pick(all.filter((x) => Array.isArray(x.value) && x.value.length > 0));
    if (s) (s.value as unknown[]).push(structuredClone((s.value as unknown[])[0]));
    return copy;
  }
  const s = pick(all);
  if (!s) return copy;
  if (m.op === "set") (s.parent as Record<string | number, unknown>)[s.key] = m.value;
  else if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
  else delete s.parent[s.key as string];
  return copy;
}

/** Depth as the service counts it: the body itself is level 1. */
export function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    max = Math.max(max, d);
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** A key JSON-parsing must refuse: __proto__ anywhere, or constructor holding a prototype. */
export function poisoned(v: unknown): boolean {
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== "object") continue;
    if (!Array.isArray(x)) {
      if (Object.prototype.hasOwnProperty.call(x, "__proto__")) return true;
      const c = (x as Record<string, unknown>).constructor;
      if (Object.prototype.hasOwnProperty.call(x, "constructor") && c !== null && typeof c === "object" && Object.prototype.hasOwnProperty.call(c, "prototype")) return true;
    }
    stack.push(...Object.values(x));
  }
  return false;
}

export type Verdict = { valid: true; value: Record<string, unknown> } | { valid: false; status: 400 | 413 };

const SETTINGS_SERVER_FIELDS = ["pool", "identity", "etag", "updatedAt"];

function strip(raw: unknown, fields: readonly string[]): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const copy = { ...(raw as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy;
}

/**
 * What the schemas say of a body as sent: too large (413), not JSON or refused by them (400), or
 * valid with the value the service stores. Written from api.md and the sdk schemas, not from the
 * service's code path, so a disagreement is a finding.
 */
export function oracle(target: KindName | "settings", payload: string | Buffer, mode: "create" | "update"): Verdict {
  const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  if (bytes > DEFAULT_BODY_LIMIT) return { valid: false, status: 413 };
  let parsed: unknown;
  try {
    // RFC 8259 lets a parser ignore a leading byte order mark, and the service does (TextDecoder drops it too).
    parsed = JSON.parse(typeof payload === "string" ? payload.replace(/^\ufeff/, "") : new TextDecoder().decode(payload));
  } catch {
    return { valid: false, status: 400 };
  }
  if (poisoned(parsed) || depthOf(parsed) > MAX_BODY_DEPTH) return { valid: false, status: 400 };
  if (target === "settings") {
    const r = SettingsSchema.safeParse(strip(parsed, SETTINGS_SERVER_FIELDS));
    return r.success ? { valid: true, value: r.data } : { valid: false, status: 400 };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { valid: false, status: 400 };
  const r = parseBody(target, strip(parsed, SERVER_FIELDS), mode);
  return r.ok ? { valid: true, value: r.value } : { valid: false, status: 400 };
}

/** Path segments no client should send: ids that are not, traversal, SQL, encodings gone wrong. */
export const ODD_SEGMENTS = [
  "",
  ".",
  "..",
  "%2e%2e",
  "%2F",
  "a%2Fb",
  "%00",
  "%",
  "%zz",
  "%ED%A0%80",
  "%C0%AE%C0%AE",
  "%FF",
  encodeURIComponent("'; DROP TABLE objects; --"),
  encodeURIComponent("1 OR 1=1"),
  "*",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "prototype",
  "..%2f..%2fetc%2fpasswd",
  "x".repeat(600),
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  encodeURIComponent("😀"),
  encodeURIComponent("\u202e"),
  "a%20b",
  "%09",
  "%0d%0aX-Injected:%20yes",
  "queues",
  "settings",
  "v1",
];

/** Percent-encodes every UTF-8 byte that is not unreserved (a lone surrogate becomes U+FFFD, as a client's encoder would send). */
export function percentEncode(s: string): string {
  return [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
}
