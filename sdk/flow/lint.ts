/**
 * Policy warnings: configurations the service accepts but that behave badly for callers or for
 * the people who maintain them. They warn and never refuse.
 */
import type { Prompt, Question } from "../model/call-action";
import { DAYS } from "../model/hours-of-business";
import { audioFilesOf } from "../model/index";
import type { KindName } from "../model/kind";
import { buildGraph, queueNodeId, reachable } from "./graph";
import { answerText } from "./labels";
import { indexPool, type FlowObject, type PoolIndex, type PoolObjects } from "./pool";
import { tryIanaZone, wallClock } from "./time";

export const POLICY_RULES = {
  "no-closed-action": "an active workflow with business hours but no action for when it is closed",
  "holidays-past": "a holiday set whose holidays are all in the past",
  "queue-never-ends": "a queue with neither a timeout nor an overflow",
  "alert-time-over-180": "an agent alert time over 180 s",
  "ivr-not-editable": "an IVR tree deeper than 2 levels or wider than 4 answers",
  "answer-key-twice": "an answer key used twice in one question",
  "queue-loop": "a queue that routes back to itself through overflow or timeout",
  "close-at-2359": "a close time of 23:59",
  "queue-no-agents": "a queue whose agent groups have no agents",
  "queue-unreachable": "a queue that no workflow reaches",
  "audio-without-text": "a prompt that plays an audio file with no text to fall back on",
  "audio-file-missing": "a prompt or music on hold naming an audio file the pool does not have",
} as const;

export type PolicyRule = keyof typeof POLICY_RULES;

export interface PolicyWarning {
  rule: PolicyRule;
  object: { kind: KindName; id: string; name: string };
  /** The field, dot-joined, as in validation problems. */
  field: string;
  /** Why it matters. */
  message: string;
}

export interface LintOptions {
  /** The time holidays are compared with; now by default. */
  now?: Date;
}

const LABELS: Record<KindName, string> = {
  "agent-groups": "agent group",
  queues: "queue",
  "hours-of-business": "hours of business",
  "holiday-sets": "holiday set",
  workflows: "workflow",
};

/** A warning in one line: "queue 'Support' timeoutThreshold: …". */
export function formatWarning(w: PolicyWarning): string {
  return `${LABELS[w.object.kind]} '${w.object.name}' ${w.field}: ${w.message} [${w.rule}]`;
}

// The Configuration Tool edits two levels of questions with four answers each (L13-IVR).
const UI_DEPTH = 2;
const UI_WIDTH = 4;

/** Every policy warning for a pool's objects, in a stable order. */
export function lintPool(objects: PoolObjects, options: LintOptions = {}): PolicyWarning[] {
  const now = options.now ?? new Date();
  const index = indexPool(objects);
  const out: PolicyWarning[] = [];
  const on = <K extends KindName>(kind: K, o: FlowObject<K>) => ({ kind, id: o.id, name: (o as { name: string }).name });

  for (const w of objects.workflows) {
    if (w.active && w.businessHoursId !== null && w.nonBusinessHoursAction === null) {
      out.push({
        rule: "no-closed-action",
        object: on("workflows", w),
        field: "nonBusinessHoursAction",
        message: "the workflow has business hours but no action for when it is closed: callers outside those hours are disconnected without a word",
      });
    }
    if (w.defaultAction?.question) ivr(w, w.defaultAction.question, "defaultAction.question", 1, out);
  }

  const zonesOf = new Map<string, Set<string>>();
  for (const w of objects.workflows) {
    for (const id of w.holidaySetIds) {
      const zones = zonesOf.get(id.toLowerCase()) ?? new Set<string>();
      zones.add(tryIanaZone(w.timeZone) ?? "UTC");
      zonesOf.set(id.toLowerCase(), zones);
    }
  }
  for (const s of objects["holiday-sets"]) {
    if (s.holidays.length === 0) continue;
    const last = s.holidays.map((h) => h.endDate).sort().at(-1)!;
    const zones = [...(zonesOf.get(s.id.toLowerCase()) ?? new Set(["UTC"]))];
    // Past in every zone that reads the set: the holiday is over for every workflow using it.
    if (zones.every((z) => wallClock(now, z).wall >= last)) {
      out.push({
        rule: "holidays-past",
        object: on("holiday-sets", s),
        field: "holidays",
        message: `every holiday is in the past (the last ended ${last}): add this year's holidays, or the workflows stay open on them`,
      });
    }
  }

  for (const g of objects["agent-groups"]) {
    if (g.agentAlertTime > 180) {
      out.push({
        rule: "alert-time-over-180",
        object: on("agent-groups", g),
        field: "agentAlertTime",
        message: `${g.agentAlertTime} s is over 180 s: the SIP transaction times out first and Lync clients reject the call`,
      });
    }
  }

  for (const h of objects["hours-of-business"]) {
    for (const day of DAYS) {
      for (const n of [1, 2] as const) {
        const r = h[`${day}Hours${n}`];
        if (r?.closeTime === "23:59") {
          out.push({
            rule: "close-at-2359",
            object: on("hours-of-business", h),
            field: `${day}Hours${n}.closeTime`,
            message: "a close time of 23:59 leaves the last minute of the day closed (23:59 to midnight); a range cannot end at 24:00",
          });
        }
      }
    }
  }

  for (const kind of ["workflows", "queues"] as const) {
    for (const o of objects[kind] as FlowObject<"workflows" | "queues">[]) audioWarnings(kind, o, index, out);
  }

  const graph = buildGraph(objects);
  const reached = reachable(graph, [...graph.workflows.values()]);
  const looped = new Map<string, string>();
  for (const c of graph.cycles) {
    const route = [...c.queues, c.queues[0]].map((q) => q.name).join(" → ");
    c.queues.forEach((q, i) => {
      if (!looped.has(q.id)) looped.set(q.id, `${c.via[i]}|${route}`);
    });
  }
  for (const q of objects.queues) {
    if (q.timeoutThreshold === null && q.overflowThreshold === null) {
      out.push({
        rule: "queue-never-ends",
        object: on("queues", q),
        field: "timeoutThreshold",
        message: "the queue has neither a timeout nor an overflow threshold: when nobody answers, callers wait for ever",
      });
    }
    const loop = looped.get(q.id);
    if (loop) {
      const [via, route] = loop.split("|");
      out.push({
        rule: "queue-loop",
        object: on("queues", q),
        field: via,
        message: `calls go round ${route} and never leave`,
      });
    }
    const groups = q.agentGroupIds.map((id) => index.agentGroup(id));
    if (!groups.some((g) => g && (g.agentsByUri.length > 0 || g.distributionGroupAddress !== null))) {
      out.push({
        rule: "queue-no-agents",
        object: on("queues", q),
        field: "agentGroupIds",
        message:
          q.agentGroupIds.length === 0
            ? "the queue has no agent groups: every call is disconnected, before any overflow action"
            : "none of the queue's agent groups has an agent: every call is disconnected, before any overflow action",
      });
    }
    if (!reached.has(queueNodeId(q.id))) {
      out.push({
        rule: "queue-unreachable",
        object: on("queues", q),
        field: "name",
        message: "no workflow leads here, directly, through a question or through another queue",
      });
    }
  }
  return out;
}

/** The value at a dot-joined path of an object. */
function at(o: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), o);
}

function audioWarnings(kind: "workflows" | "queues", o: FlowObject<"workflows" | "queues">, index: PoolIndex, out: PolicyWarning[]): void {
  const object = { kind, id: o.id, name: o.name };
  let uses: { id: string; path: string }[];
  try {
    uses = audioFilesOf(kind, o as unknown as Record<string, unknown>).filter((u) => typeof u.id === "string");
  } catch {
    return;
  }
  for (const use of uses) {
    const isPrompt = use.path.endsWith(".audioFileId");
    const name = index.audioName(use.id);
    if (index.objects.audioFiles !== undefined && !index.audioFile(use.id)) {
      out.push({
        rule: "audio-file-missing",
        object,
        field: use.path,
        message: `audio file ${use.id} is not among the pool's audio files: ${isPrompt ? "the prompt cannot play it" : "callers hear the pool's default music instead, if it plays at all"}; import it, or name one the pool has`,
      });
    }
    if (!isPrompt) continue;
    const prompt = at(o, use.path.slice(0, -".audioFileId".length)) as Prompt | undefined;
    if (prompt && prompt.textToSpeech === undefined) {
      out.push({
        rule: "audio-without-text",
        object,
        field: use.path.slice(0, -".audioFileId".length),
        message: `the prompt plays ♪ ${name} and has no textToSpeech: when the file cannot be played the caller hears nothing here; add the text, which Response Group speaks in its place`,
      });
    }
  }
}

function ivr(w: FlowObject<"workflows">, q: Question, path: string, level: number, out: PolicyWarning[]): void {
  const object = { kind: "workflows" as const, id: w.id, name: w.name };
  if (level === UI_DEPTH + 1) {
    out.push({
      rule: "ivr-not-editable",
      object,
      field: path,
      message: `a question at level ${level}: the Response Group Configuration Tool edits ${UI_DEPTH} levels, so this workflow can only be changed from the shell`,
    });
  }
  if (q.answers.length > UI_WIDTH) {
    out.push({
      rule: "ivr-not-editable",
      object,
      field: `${path}.answers`,
      message: `${q.answers.length} answers: the Response Group Configuration Tool edits ${UI_WIDTH} per question, so this workflow can only be changed from the shell`,
    });
  }
  const keys = new Map<string, number>();
  q.answers.forEach((a, i) => {
    const taken = [...(a.dtmfResponse !== undefined ? [`key ${a.dtmfResponse}`] : []), ...(a.voiceResponses ?? []).map((v) => `"${v.toLowerCase().replace(/\s+/g, " ").trim()}"`)];
    for (const k of new Set(taken)) {
      const first = keys.get(k);
      if (first !== undefined) {
        out.push({
          rule: "answer-key-twice",
          object,
          field: `${path}.answers.${i}`,
          message: `${k} also answers ${path}.answers.${first} (${answerText(q.answers[first])}): only the first answer can ever be chosen`,
        });
      } else {
        keys.set(k, i);
      }
    }
    if (a.action.question) ivr(w, a.action.question, `${path}.answers.${i}.action.question`, level + 1, out);
  });
}
