/**
 * A semantic diff of two configurations of a pool: what changes for callers and agents, in
 * sentences ("Main Line: key 2 now goes to queue Billing (was Support)") instead of fields.
 */
import type { CallAction, Question } from "../model/call-action";
import type { Prompt } from "../model/call-action";
import { DAYS, type Day, type HoursOfBusinessBody } from "../model/hours-of-business";
import { KIND_NAMES, type KindName } from "../model/kind";
import { stableJson } from "../json";
import { answerText, endText, promptText } from "./labels";
import { indexPool, type FlowObject, type PoolIndex, type PoolObjects } from "./pool";
import { dayText, rangesOf } from "./time";

export interface ChangeLine {
  kind: KindName;
  /** The object's name, after the change (before it, for a removal). */
  name: string;
  change: "added" | "removed" | "changed";
  text: string;
}

/** A change as one line: "Main Line: key 2 now goes to queue Billing (was Support)". */
export function formatChange(c: ChangeLine): string {
  return `${c.name}: ${c.text}`;
}

const LABEL: Record<KindName, string> = {
  "agent-groups": "agent group",
  queues: "queue",
  "hours-of-business": "hours of business",
  "holiday-sets": "holiday set",
  workflows: "workflow",
};

interface Side {
  index: PoolIndex;
  /** Workflow names using each hours object and holiday set, by id. */
  users: Map<string, string[]>;
  /** The id an object is compared by: its partner's on the other side, so a rename changes no reference. */
  same: (id: string) => string;
}

function side(objects: PoolObjects, same: (id: string) => string = (id) => id.toLowerCase()): Side {
  const users = new Map<string, string[]>();
  const use = (id: string, name: string) => users.set(id.toLowerCase(), [...(users.get(id.toLowerCase()) ?? []), name]);
  for (const w of objects.workflows) {
    if (w.businessHoursId !== null) use(w.businessHoursId, w.name);
    for (const id of w.holidaySetIds) use(id, w.name);
  }
  return { index: indexPool(objects), users, same };
}

type Named = { id: string; name: string };

/** Pairs the objects of a kind: by id when both sides know it, then by name. */
function pair<T extends Named>(before: readonly T[], after: readonly T[]): { a?: T; b?: T }[] {
  const out: { a?: T; b?: T }[] = [];
  const taken = new Set<T>();
  const byId = new Map(after.map((o) => [o.id.toLowerCase(), o]));
  const byName = new Map(after.map((o) => [o.name.toLowerCase(), o]));
  const pending: T[] = [];
  for (const a of before) {
    const b = byId.get(a.id.toLowerCase());
    if (b && !taken.has(b)) {
      taken.add(b);
      out.push({ a, b });
    } else {
      pending.push(a);
    }
  }
  for (const a of pending) {
    const b = byName.get(a.name.toLowerCase());
    if (b && !taken.has(b)) {
      taken.add(b);
      out.push({ a, b });
    } else {
      out.push({ a });
    }
  }
  for (const b of after) if (!taken.has(b)) out.push({ b });
  return out;
}

/** What changes between two configurations of a pool, object by object in creation order. */
export function describeChanges(before: PoolObjects, after: PoolObjects): ChangeLine[] {
  const pairsOf = new Map(KIND_NAMES.map((kind) => [kind, pair<Named>(before[kind] as Named[], after[kind] as Named[])] as const));
  const partner = new Map<string, string>();
  for (const pairs of pairsOf.values()) for (const { a, b } of pairs) if (a && b) partner.set(a.id.toLowerCase(), b.id.toLowerCase());
  const sa = side(before, (id) => partner.get(id.toLowerCase()) ?? `before:${id.toLowerCase()}`);
  const sb = side(after);
  const lines: ChangeLine[] = [];
  for (const kind of KIND_NAMES) {
    const pairs = pairsOf.get(kind)!;
    for (const { a, b } of pairs) {
      if (a && !b) {
        lines.push({ kind, name: a.name, change: "removed", text: `${LABEL[kind]} removed` });
        continue;
      }
      if (!a && b) {
        lines.push({ kind, name: b.name, change: "added", text: `${LABEL[kind]} added${addedDetail(kind, b, sb)}` });
        continue;
      }
      const texts = changes(kind, a!, b!, sa, sb);
      const name = kind === "hours-of-business" || kind === "holiday-sets" ? withUsers(b!, sb) : b!.name;
      for (const text of texts) lines.push({ kind, name, change: "changed", text });
    }
  }
  return lines;
}

function withUsers(o: Named, s: Side): string {
  const users = s.users.get(o.id.toLowerCase()) ?? [];
  return users.length === 0 || (users.length === 1 && users[0] === o.name) ? o.name : `${o.name} (${users.join(", ")})`;
}

function addedDetail(kind: KindName, o: Named, s: Side): string {
  if (kind === "workflows") {
    const w = o as FlowObject<"workflows">;
    return w.defaultAction ? `: calls go to ${target(w.defaultAction, s)}` : "";
  }
  return "";
}

function changes(kind: KindName, a: Named, b: Named, sa: Side, sb: Side): string[] {
  const out: string[] = [];
  if (a.name !== b.name) out.push(`renamed (was ${a.name})`);
  switch (kind) {
    case "workflows":
      out.push(...workflowChanges(a as FlowObject<"workflows">, b as FlowObject<"workflows">, sa, sb));
      break;
    case "queues":
      out.push(...queueChanges(a as FlowObject<"queues">, b as FlowObject<"queues">, sa, sb));
      break;
    case "agent-groups":
      out.push(...groupChanges(a as FlowObject<"agent-groups">, b as FlowObject<"agent-groups">));
      break;
    case "hours-of-business":
      out.push(...hoursChanges(a as FlowObject<"hours-of-business">, b as FlowObject<"hours-of-business">));
      break;
    case "holiday-sets":
      out.push(...holidayChanges(a as FlowObject<"holiday-sets">, b as FlowObject<"holiday-sets">));
      break;
  }
  return out;
}

/** What an action is compared by: the target's identity, not its name. */
function targetKey(action: CallAction | null, s: Side): string {
  if (action === null) return "none";
  if (action.action === "TransferToQueue") return `queue:${s.same(action.queueId!)}`;
  if (action.action === "TransferToQuestion") return `question:${target(action, s)}`;
  return `${action.action}:${(action.uri ?? "").toLowerCase()}`;
}

/** Where an action sends a call, in words: "queue Billing", "voice mail sip:…", "question Department". */
function target(action: CallAction | null, s: Side): string {
  if (action === null) return "nothing (disconnect)";
  switch (action.action) {
    case "TransferToQueue":
      return `queue ${s.index.queue(action.queueId!)?.name ?? action.queueId}`;
    case "TransferToQuestion":
      return `question ${action.question!.name ?? promptText(action.question!.prompt, 30, s.index.audioName)}`;
    default:
      return endText(action).replace(/^Disconnect$/, "disconnect").replace(/^Voice mail/, "voice mail").replace(/^Transfer to /, "");
  }
}

/** The target without its kind word when both sides are of one kind: "(was Support)" rather than "(was queue Support)". */
function wasText(before: string, after: string): string {
  const kindA = before.split(" ")[0];
  const kindB = after.split(" ")[0];
  return kindA === kindB && ["queue", "question"].includes(kindA) ? before.slice(kindA.length + 1) : before;
}

/**
 * What an audio file is compared by: its recording's hash where the source knows it, else its
 * file name, else its id; so the same recording is the same on both sides whatever its id.
 */
function audioKey(id: string, s: Side): string {
  const a = s.index.audioFile(id);
  if (a?.sha256) return `sha256:${a.sha256.toLowerCase()}`;
  if (a) return `name:${a.fileName}`;
  return `id:${id.toLowerCase()}`;
}

function promptKey(p: Prompt | undefined, s: Side): string {
  if (!p) return "none";
  return stableJson({ text: p.textToSpeech ?? null, audio: p.audioFileId === undefined ? null : audioKey(p.audioFileId, s) });
}

function promptChange(what: string, a: Prompt | undefined, b: Prompt | undefined, sa: Side, sb: Side): string[] {
  if (promptKey(a, sa) === promptKey(b, sb)) return [];
  const text = (p: Prompt | undefined, s: Side) => promptText(p, 40, s.index.audioName);
  if (!b) return [`${what} removed (was ${text(a, sa)})`];
  if (!a) return [`${what} now ${text(b, sb)}`];
  return [`${what} now ${text(b, sb)} (was ${text(a, sa)})`];
}

/** The music a workflow's callers hear while they wait, in words. */
function musicText(w: FlowObject<"workflows">, s: Side): string {
  return w.customMusicOnHoldFileId == null ? "the pool's default" : `♪ ${s.index.audioName(w.customMusicOnHoldFileId)}`;
}

function musicKey(w: FlowObject<"workflows">, s: Side): string {
  return w.customMusicOnHoldFileId == null ? "default" : audioKey(w.customMusicOnHoldFileId, s);
}

function actionChange(subject: string, a: CallAction | null, b: CallAction | null, sa: Side, sb: Side, verb = "goes"): string[] {
  if (targetKey(a, sa) === targetKey(b, sb)) return [];
  const tb = target(b, sb);
  return [`${subject} now ${verb} to ${tb} (was ${wasText(target(a, sa), tb)})`];
}

function workflowChanges(a: FlowObject<"workflows">, b: FlowObject<"workflows">, sa: Side, sb: Side): string[] {
  const out: string[] = [];
  if (a.active !== b.active) out.push(b.active ? "now active (was inactive): it takes calls" : "now inactive (was active): it no longer takes calls");
  for (const [field, words] of [
    ["primaryUri", "address"],
    ["lineUri", "line URI"],
    ["displayNumber", "display number"],
    ["timeZone", "time zone"],
    ["language", "language"],
  ] as const) {
    if (a[field] !== b[field]) out.push(`${words} now ${b[field] ?? "none"} (was ${a[field] ?? "none"})`);
  }
  const hours = (w: FlowObject<"workflows">, s: Side) => (w.businessHoursId === null ? "none (always open)" : (s.index.hours(w.businessHoursId)?.name ?? w.businessHoursId));
  const hoursKey = (w: FlowObject<"workflows">, s: Side) => (w.businessHoursId === null ? "" : s.same(w.businessHoursId));
  if (hoursKey(a, sa) !== hoursKey(b, sb)) out.push(`business hours now ${hours(b, sb)} (was ${hours(a, sa)})`);
  const sets = (w: FlowObject<"workflows">, s: Side) => w.holidaySetIds.map((id) => s.index.holidaySet(id)?.name ?? id).join(", ") || "none";
  const setsKey = (w: FlowObject<"workflows">, s: Side) => w.holidaySetIds.map(s.same).join();
  if (setsKey(a, sa) !== setsKey(b, sb)) out.push(`holiday sets now ${sets(b, sb)} (was ${sets(a, sa)})`);
  out.push(...promptChange("welcome message", a.defaultAction?.prompt, b.defaultAction?.prompt, sa, sb));
  if (musicKey(a, sa) !== musicKey(b, sb)) out.push(`music on hold now ${musicText(b, sb)} (was ${musicText(a, sa)})`);
  const qa = a.defaultAction?.action === "TransferToQuestion" ? a.defaultAction.question! : undefined;
  const qb = b.defaultAction?.action === "TransferToQuestion" ? b.defaultAction.question! : undefined;
  if (qa && qb) out.push(...questionChanges([], qa, qb, sa, sb));
  else out.push(...actionChange("calls", a.defaultAction, b.defaultAction, sa, sb, "go"));
  out.push(...actionChange("when closed, the call", a.nonBusinessHoursAction, b.nonBusinessHoursAction, sa, sb));
  out.push(...promptChange("closed message", a.nonBusinessHoursAction?.prompt, b.nonBusinessHoursAction?.prompt, sa, sb));
  out.push(...actionChange("on holidays, the call", a.holidayAction, b.holidayAction, sa, sb));
  out.push(...promptChange("holiday message", a.holidayAction?.prompt, b.holidayAction?.prompt, sa, sb));
  return out;
}

function answerKey(a: { dtmfResponse?: string; voiceResponses?: readonly string[] }): string {
  return a.dtmfResponse !== undefined ? `key ${a.dtmfResponse}` : `"${(a.voiceResponses ?? [])[0] ?? ""}"`;
}

function questionChanges(keys: string[], a: Question, b: Question, sa: Side, sb: Side): string[] {
  const out: string[] = [];
  const where = keys.length === 0 ? "" : ` after ${keys.join(" then ")}`;
  const subject = (key: string) => [...keys, key].join(" then ");
  out.push(...promptChange(`question ${b.name ?? ""}${where}`.replace(/\s+/g, " ").trim(), a.prompt, b.prompt, sa, sb));
  const byKey = new Map(a.answers.map((x) => [answerKey(x), x]));
  const seen = new Set<string>();
  for (const nb of b.answers) {
    const key = answerKey(nb);
    seen.add(key);
    const na = byKey.get(key);
    if (!na) {
      out.push(`${subject(key)} now goes to ${target(nb.action, sb)} (new answer${nb.voiceResponses?.length ? `, ${answerText(nb)}` : ""})`);
      continue;
    }
    const nqa = na.action.action === "TransferToQuestion" ? na.action.question! : undefined;
    const nqb = nb.action.action === "TransferToQuestion" ? nb.action.question! : undefined;
    if (nqa && nqb) out.push(...questionChanges([...keys, key], nqa, nqb, sa, sb));
    else out.push(...actionChange(subject(key), na.action, nb.action, sa, sb));
    const va = (na.voiceResponses ?? []).join(", ");
    const vb = (nb.voiceResponses ?? []).join(", ");
    if (va !== vb) out.push(`${subject(key)} now accepts ${vb ? `"${vb}"` : "no spoken answer"} (was ${va ? `"${va}"` : "none"})`);
  }
  for (const na of a.answers) {
    const key = answerKey(na);
    if (!seen.has(key)) out.push(`${subject(key)} removed (went to ${target(na.action, sa)})`);
  }
  return out;
}

function queueChanges(a: FlowObject<"queues">, b: FlowObject<"queues">, sa: Side, sb: Side): string[] {
  const out: string[] = [];
  const groups = (q: FlowObject<"queues">, s: Side) => q.agentGroupIds.map((id) => s.index.agentGroup(id)?.name ?? id).join(", ") || "none";
  const groupsKey = (q: FlowObject<"queues">, s: Side) => q.agentGroupIds.map(s.same).join();
  if (groupsKey(a, sa) !== groupsKey(b, sb)) out.push(`agent groups now ${groups(b, sb)} (was ${groups(a, sa)})`);
  if (a.timeoutThreshold !== b.timeoutThreshold) {
    out.push(
      b.timeoutThreshold === null
        ? `never times out (was after ${a.timeoutThreshold} s)`
        : `times out after ${b.timeoutThreshold} s (was ${a.timeoutThreshold === null ? "never" : `${a.timeoutThreshold} s`})`,
    );
  }
  if (b.timeoutThreshold !== null) out.push(...actionChange("on timeout, the call", a.timeoutAction, b.timeoutAction, sa, sb));
  if (a.overflowThreshold !== b.overflowThreshold) {
    out.push(
      b.overflowThreshold === null
        ? `no longer overflows (was above ${a.overflowThreshold} calls)`
        : `overflows above ${b.overflowThreshold} calls (was ${a.overflowThreshold === null ? "never" : a.overflowThreshold})`,
    );
  }
  if (a.overflowCandidate !== b.overflowCandidate) out.push(`overflows the ${b.overflowCandidate === "OldestCall" ? "oldest" : "newest"} call (was the ${a.overflowCandidate === "OldestCall" ? "oldest" : "newest"})`);
  if (b.overflowThreshold !== null) out.push(...actionChange("on overflow, the call", a.overflowAction, b.overflowAction, sa, sb));
  return out;
}

function groupChanges(a: FlowObject<"agent-groups">, b: FlowObject<"agent-groups">): string[] {
  const out: string[] = [];
  if (a.routingMethod !== b.routingMethod) out.push(`routing now ${b.routingMethod} (was ${a.routingMethod})`);
  if (a.agentAlertTime !== b.agentAlertTime) out.push(`rings each agent ${b.agentAlertTime} s (was ${a.agentAlertTime} s)`);
  if (a.participationPolicy !== b.participationPolicy) out.push(`participation now ${b.participationPolicy} (was ${a.participationPolicy})`);
  const la = new Set(a.agentsByUri.map((u) => u.toLowerCase()));
  const lb = new Set(b.agentsByUri.map((u) => u.toLowerCase()));
  const added = b.agentsByUri.filter((u) => !la.has(u.toLowerCase()));
  const removed = a.agentsByUri.filter((u) => !lb.has(u.toLowerCase()));
  if (added.length > 0) out.push(`adds agent${added.length > 1 ? "s" : ""} ${added.join(", ")}`);
  if (removed.length > 0) out.push(`removes agent${removed.length > 1 ? "s" : ""} ${removed.join(", ")}`);
  if (added.length === 0 && removed.length === 0 && a.agentsByUri.join() !== b.agentsByUri.join() && ["Serial", "RoundRobin"].includes(b.routingMethod)) {
    out.push(`agent order now ${b.agentsByUri.join(", ")}`);
  }
  if (a.distributionGroupAddress !== b.distributionGroupAddress) out.push(`distribution list now ${b.distributionGroupAddress ?? "none"} (was ${a.distributionGroupAddress ?? "none"})`);
  return out;
}

const PLURAL: Record<Day, string> = {
  monday: "Mondays",
  tuesday: "Tuesdays",
  wednesday: "Wednesdays",
  thursday: "Thursdays",
  friday: "Fridays",
  saturday: "Saturdays",
  sunday: "Sundays",
};

function dayChange(a: HoursOfBusinessBody, b: HoursOfBusinessBody, day: Day): string | undefined {
  const ta = dayText(a, day);
  const tb = dayText(b, day);
  if (ta === tb) return undefined;
  const ra = rangesOf(a, day);
  const rb = rangesOf(b, day);
  if (ra.length === rb.length) {
    // Same ranges but for the day's first open or last close: say just that.
    const inner = ra.every((r, i) => (i === 0 || r.openTime === rb[i].openTime) && (i === ra.length - 1 || r.closeTime === rb[i].closeTime));
    if (inner) {
      const parts: string[] = [];
      const last = ra.length - 1;
      if (ra[0].openTime !== rb[0].openTime) parts.push(`opens ${rb[0].openTime} on %s (was ${ra[0].openTime})`);
      if (ra[last].closeTime !== rb[last].closeTime) parts.push(`closes ${rb[last].closeTime} on %s (was ${ra[last].closeTime})`);
      return parts.join("; ");
    }
  }
  if (rb.length === 0) return `closed on %s (was open ${ta})`;
  if (ra.length === 0) return `open ${tb} on %s (was closed)`;
  return `open ${tb} on %s (was ${ta})`;
}

function joinDays(days: Day[]): string {
  const names = days.map((d) => PLURAL[d]);
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function hoursChanges(a: FlowObject<"hours-of-business">, b: FlowObject<"hours-of-business">): string[] {
  const byText = new Map<string, Day[]>();
  for (const day of DAYS) {
    const change = dayChange(a, b, day);
    if (!change) continue;
    for (const part of change.split("; ")) byText.set(part, [...(byText.get(part) ?? []), day]);
  }
  return [...byText].map(([text, days]) => text.replace("%s", joinDays(days)));
}

function holidayChanges(a: FlowObject<"holiday-sets">, b: FlowObject<"holiday-sets">): string[] {
  const out: string[] = [];
  const span = (h: { startDate: string; endDate: string }) => `${h.startDate} to ${h.endDate}`;
  const named = (h: { name?: string; startDate: string; endDate: string }) => (h.name ? `${h.name} (${span(h)})` : span(h));
  const key = (h: { name?: string; startDate: string }) => (h.name ?? h.startDate).toLowerCase();
  const byName = new Map(a.holidays.map((h) => [key(h), h]));
  const seen = new Set<string>();
  for (const h of b.holidays) {
    seen.add(key(h));
    const old = byName.get(key(h));
    if (!old) out.push(`adds holiday ${named(h)}`);
    else if (span(old) !== span(h)) out.push(`holiday ${h.name} now ${span(h)} (was ${span(old)})`);
  }
  for (const h of a.holidays) if (!seen.has(key(h))) out.push(`removes holiday ${named(h)}`);
  return out;
}
