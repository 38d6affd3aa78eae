/**
 * Values shared by the kinds' mappings: identities, times, dates, and the embedded objects of a
 * call flow (prompt, answer, question, call action, time range, holiday), each built bottom-up as
 * steps of the in-memory builder cmdlets and read back from their projections.
 */
import { RgsError } from "../../errors";
import type { Holiday, TimeRange } from "../../model/calendar";
import { ACTIONS, type Answer, type CallAction, type DtmfKey, type Prompt, type Question } from "../../model/call-action";
import { objectIdentity } from "../../model/common";
import { foreignImportId } from "../audio-ids";
import type { Projection, Step, Value } from "../protocol";

/** An object's properties as cmdlet values, by Lync property name. */
export type Properties = Record<string, Value>;

/**
 * How properties are written: in which pool, and what becomes of an audio file a prompt or music
 * on hold plays. `keep` leaves an AudioMark naming the file, which the backend turns into a fresh
 * Import-CsRgsAudioFile step when the property is written (Lync wants one import per use) and
 * leaves alone when the property does not change; `refuse` is for callers with no audio store.
 */
export interface WriteContext {
  pool: string;
  audio: "refuse" | "keep";
}

/** An audio file by id where a property plays it, before its bytes are at hand. */
export class AudioMark {
  constructor(
    /** Where in the body, e.g. `defaultAction.prompt.audioFileId`. */
    readonly path: string,
    readonly id: string,
  ) {}
}

/** Every audio mark in a value, in order. */
export function audioMarksIn(v: unknown): AudioMark[] {
  if (v instanceof AudioMark) return [v];
  if (v === null || typeof v !== "object") return [];
  return Object.values(v).flatMap(audioMarksIn);
}

export function audioRefused(path: string): RgsError {
  return new RgsError("validation_failed", "audio files are written only by a backend with an audio store, which holds the bytes Import-CsRgsAudioFile needs", {
    details: [{ path, message: "remove it, or write it through the shell backend, which imports it from its audio store" }],
  });
}

/** How a read names the audio file an import (an AudioFile projection) at a path of the body was made from. */
export interface ReadContext {
  audioFileId(file: Projection, path: string): string;
}

/** The import's own name: Lync's UniqueName, else the file name it was imported under. */
export function importName(file: Projection): string {
  return String(file.UniqueName ?? file.OriginalFileName ?? "");
}

/** Without an audio store every import is one made outside it. */
const NO_STORE: ReadContext = { audioFileId: (file) => foreignImportId("", importName(file)) };

/** A kind's or the settings' mapping between the model and the cmdlets' properties. */
export interface Mapping<B> {
  /** The properties of the object, as New-* parameters and as what Set-* assigns. */
  properties(body: B, ctx: WriteContext): Properties;
  /** The body of a projection as the agent answers it. */
  body(p: Projection, ctx?: ReadContext): B;
}

/** New-* parameters: the properties less those left at the cmdlet's default (null, an empty list). */
export function newParams(properties: Properties): Properties {
  return Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
}

export function step(cmdlet: string, params: Properties): { step: Step } {
  return { step: { cmdlet, params: newParams(params) } };
}

const IDENTITY = /^(?:service:)?ApplicationServer:([^/\s]+)\s*\/\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The GUID of an object identity `service:ApplicationServer:<pool>/<guid>`, lower case. */
export function idOf(identity: unknown): string {
  const m = IDENTITY.exec(String(identity ?? "").trim());
  if (!m) throw unreadable("an object identity service:ApplicationServer:<pool>/<guid>", identity);
  return m[2].toLowerCase();
}

/** The pool of an identity or of an OwnerPool value (an FQDN or a service identity), lower case. */
export function poolOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  return value
    .trim()
    .replace(/^(?:service:)?(?:ApplicationServer|Registrar|UserServer):/i, "")
    .replace(/\s*\/.*$/, "")
    .toLowerCase();
}

export function identities(pool: string, ids: readonly string[]): string[] {
  return ids.map((id) => objectIdentity(pool, id));
}

/** "hh:mm:ss" (a TimeSpan as the agent writes it) as the model's "HH:MM". */
export function clockTime(v: unknown): string {
  const m = /^(?:\d+\.)?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(String(v ?? ""));
  if (!m) throw unreadable('a TimeSpan "hh:mm:ss"', v);
  return `${m[1].padStart(2, "0")}:${m[2]}`;
}

/** "yyyy-MM-ddTHH:mm:ss" (a DateTime as the agent writes it) as the model's local date-time. */
export function localDateTime(v: unknown): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(String(v ?? ""));
  if (!m) throw unreadable('a DateTime "yyyy-MM-ddTHH:mm:ss"', v);
  return `${m[1]}T${m[2]}`;
}

/**
 * An enum value by name in the model's spelling: the names bind without regard to case, and the
 * .NET names differ from the documented ones in places (TransferToPstn, documented TransferToPSTN).
 */
export function enumOf<T extends string>(values: readonly T[], v: unknown, fallback: T): T {
  if (v === null || v === undefined || v === "") return fallback;
  const key = String(v).toLowerCase();
  return values.find((x) => x.toLowerCase() === key) ?? (String(v) as T);
}

export function str(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

export function nullableStr(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function nullableInt(v: unknown): number | null {
  return v === null || v === undefined || v === "" ? null : Number(v);
}

export function bool(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.toLowerCase() === "true");
}

export function list(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function strings(v: unknown): string[] {
  return list(v).map(String);
}

export function object(v: unknown): Projection | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Projection) : null;
}

function unreadable(what: string, got: unknown): RgsError {
  return new RgsError("bad_response", `the agent answered ${JSON.stringify(got)} where ${what} belongs`);
}

// Prompts and audio files

/** An audio file a property plays, as a mark the backend resolves; null for none. */
export function audioValue(id: string | null, ctx: WriteContext, path: string): Value {
  if (id === null) return null;
  if (ctx.audio === "refuse") throw audioRefused(path);
  return new AudioMark(path, id) as unknown as Value;
}

/** The audio file an AudioFile property holds, by id; null for none. */
export function readAudio(v: unknown, path: string, ctx: ReadContext = NO_STORE): string | null {
  const file = object(v);
  return file ? ctx.audioFileId(file, path) : null;
}

export function promptStep(p: Prompt, ctx: WriteContext, path: string): Value {
  return step("New-CsRgsPrompt", {
    TextToSpeechPrompt: p.textToSpeech ?? null,
    AudioFilePrompt: p.audioFileId === undefined ? null : audioValue(p.audioFileId, ctx, `${path}.audioFileId`),
  });
}

export function readPrompt(v: unknown, path: string, ctx: ReadContext = NO_STORE): Prompt | undefined {
  const p = object(v);
  if (!p) return undefined;
  const out: Prompt = {};
  if (p.TextToSpeechPrompt !== null && p.TextToSpeechPrompt !== undefined) out.textToSpeech = String(p.TextToSpeechPrompt);
  const audio = readAudio(p.AudioFilePrompt, `${path}.audioFileId`, ctx);
  if (audio !== null) out.audioFileId = audio;
  return out;
}

// Call actions, questions and answers: a question nests answers whose actions nest questions.

export function callActionStep(a: CallAction, ctx: WriteContext, path: string): { step: Step } {
  return step("New-CsRgsCallAction", {
    Action: a.action,
    Prompt: a.prompt ? promptStep(a.prompt, ctx, `${path}.prompt`) : null,
    QueueID: a.queueId !== undefined ? objectIdentity(ctx.pool, a.queueId) : null,
    Question: a.question ? questionStep(a.question, ctx, `${path}.question`) : null,
    Uri: a.uri ?? null,
  });
}

export function callActionValue(a: CallAction | null, ctx: WriteContext, path: string): Value {
  return a === null ? null : callActionStep(a, ctx, path);
}

function questionStep(q: Question, ctx: WriteContext, path: string): { step: Step } {
  return step("New-CsRgsQuestion", {
    Name: q.name ?? null,
    Prompt: promptStep(q.prompt, ctx, `${path}.prompt`),
    AnswerList: q.answers.map((a, i) => answerStep(a, ctx, `${path}.answers.${i}`)),
    InvalidAnswerPrompt: q.invalidAnswerPrompt ? promptStep(q.invalidAnswerPrompt, ctx, `${path}.invalidAnswerPrompt`) : null,
    NoAnswerPrompt: q.noAnswerPrompt ? promptStep(q.noAnswerPrompt, ctx, `${path}.noAnswerPrompt`) : null,
  });
}

function answerStep(a: Answer, ctx: WriteContext, path: string): { step: Step } {
  return step("New-CsRgsAnswer", {
    Name: a.name ?? null,
    DtmfResponse: a.dtmfResponse ?? null,
    VoiceResponseList: a.voiceResponses ?? [],
    Action: callActionStep(a.action, ctx, `${path}.action`),
  });
}

export function readCallAction(v: unknown, path: string, ctx: ReadContext = NO_STORE): CallAction | null {
  const p = object(v);
  if (!p) return null;
  const out: CallAction = { action: enumOf(ACTIONS, p.Action, "Terminate") };
  const prompt = readPrompt(p.Prompt, `${path}.prompt`, ctx);
  if (prompt) out.prompt = prompt;
  if (p.QueueID !== null && p.QueueID !== undefined && p.QueueID !== "") out.queueId = idOf(p.QueueID);
  const question = readQuestion(p.Question, `${path}.question`, ctx);
  if (question) out.question = question;
  if (p.Uri !== null && p.Uri !== undefined && p.Uri !== "") out.uri = String(p.Uri);
  return out;
}

function readQuestion(v: unknown, path: string, ctx: ReadContext): Question | undefined {
  const p = object(v);
  if (!p) return undefined;
  const out: Question = {
    prompt: readPrompt(p.Prompt, `${path}.prompt`, ctx) ?? {},
    answers: list(p.AnswerList).map((a, i) => readAnswer(a, `${path}.answers.${i}`, ctx)),
  };
  const name = nullableStr(p.Name);
  if (name !== null) out.name = name;
  const invalid = readPrompt(p.InvalidAnswerPrompt, `${path}.invalidAnswerPrompt`, ctx);
  if (invalid) out.invalidAnswerPrompt = invalid;
  const none = readPrompt(p.NoAnswerPrompt, `${path}.noAnswerPrompt`, ctx);
  if (none) out.noAnswerPrompt = none;
  // The model's field order, so a question reads back as it was written.
  return {
    ...(out.name !== undefined ? { name: out.name } : {}),
    prompt: out.prompt,
    answers: out.answers,
    ...(out.invalidAnswerPrompt ? { invalidAnswerPrompt: out.invalidAnswerPrompt } : {}),
    ...(out.noAnswerPrompt ? { noAnswerPrompt: out.noAnswerPrompt } : {}),
  };
}

function readAnswer(v: unknown, path: string, ctx: ReadContext): Answer {
  const p = object(v) ?? {};
  const out: Partial<Answer> = {};
  const name = nullableStr(p.Name);
  if (name !== null) out.name = name;
  const dtmf = nullableStr(p.DtmfResponse);
  if (dtmf !== null) out.dtmfResponse = dtmf as DtmfKey;
  const voice = strings(p.VoiceResponseList);
  if (voice.length > 0) out.voiceResponses = voice;
  out.action = readCallAction(p.Action, `${path}.action`, ctx) ?? { action: "Terminate" };
  return out as Answer;
}

// Time ranges and holidays

export function timeRangeValue(r: TimeRange | null): Value {
  if (r === null) return null;
  return step("New-CsRgsTimeRange", { Name: r.name ?? null, OpenTime: r.openTime, CloseTime: r.closeTime });
}

export function readTimeRange(v: unknown): TimeRange | null {
  const p = object(v);
  if (!p) return null;
  const name = nullableStr(p.Name);
  return { ...(name !== null ? { name } : {}), openTime: clockTime(p.OpenTime), closeTime: clockTime(p.CloseTime) };
}

export function holidayStep(h: Holiday): { step: Step } {
  return step("New-CsRgsHoliday", { Name: h.name ?? null, StartDate: h.startDate, EndDate: h.endDate });
}

export function readHoliday(v: unknown): Holiday {
  const p = object(v) ?? {};
  const name = nullableStr(p.Name);
  return { ...(name !== null ? { name } : {}), startDate: localDateTime(p.StartDate), endDate: localDateTime(p.EndDate) };
}
