/**
 * What happens to one call: the steps in order (what plays, which check passed, where the call
 * goes), the outcome in Lync's action names, and every rule of assumptions.ts the path relied on.
 */
import { RgsError } from "../errors";
import type { ActionName, CallAction, Prompt, Question } from "../model/call-action";
import type { KindName } from "../model/kind";
import { type AssumptionChoices, type AssumptionName, type AssumptionUse, assumptionUse, CHOICE_VALUES, DEFAULT_CHOICES } from "./assumptions";
import { answerText, promptText, shorten } from "./labels";
import { findWorkflow, type FlowObject, indexPool, type PoolIndex, type PoolObjects } from "./pool";
import { holidayAt, ianaZone, isOpen, shortDay, wallClock, dayText } from "./time";

export type AgentState = "available" | "busy" | "offline";
export const AGENT_STATES: readonly AgentState[] = ["available", "busy", "offline"];

/** What the caller does at a question, in order: a key press or spoken words. */
export type CallerInput = { kind: "dtmf"; key: string } | { kind: "voice"; phrase: string };

export interface Call {
  /** The workflow by name (without regard to case); or give `uri`. */
  workflow?: string;
  /** The workflow by primary URI, the number the caller dialled. */
  uri?: string;
  /** When the call arrives. */
  at: Date;
  /** Answers to IVR questions, in order; once they run out the caller says nothing. */
  inputs?: readonly CallerInput[];
  /** Agent presence by SIP URI (or a distribution list's address). */
  agents?: Readonly<Record<string, AgentState>>;
  /** The state of every agent `agents` does not name. */
  otherAgents?: AgentState;
  /** Calls already waiting: one number for every queue, or by queue name or id. */
  queueCalls?: number | Readonly<Record<string, number>>;
  choices?: Partial<AssumptionChoices>;
}

export interface ObjectRef {
  kind: KindName;
  id: string;
  name: string;
}

export type StepKind = "call" | "prompt" | "check" | "question" | "answer" | "queue" | "music" | "offer" | "timeout" | "overflow" | "end";

/**
 * Where a waiting call's music comes from: the workflow's own audio file, the pool's default in
 * its settings, the music installed with the server, or the pool's default when the source has no
 * settings to say which that is.
 */
export type MusicSource = "workflow" | "pool-default" | "server" | "pool-default-unknown";

export interface Step {
  kind: StepKind;
  /** What happens, in a sentence. */
  text: string;
  /** The object and field that caused the step. */
  object?: ObjectRef & { field?: string };
  /** For a check: what it asks ("active", "holiday", "business hours", "room in the queue", "agents") and whether that holds. */
  check?: { name: string; passed: boolean };
  /** For music on hold: which music plays, and its audio file when one is named. */
  music?: { source: MusicSource; audioFileId?: string; fileName?: string };
  /** Seconds since the call entered the current queue; null before any queue. */
  queueSeconds: number | null;
}

export type OutcomeResult = "answered" | "waiting" | "transferred" | "disconnected" | "loop";

export interface Outcome {
  /** The last action the call took, in Lync's names. */
  action: ActionName;
  result: OutcomeResult;
  queue?: { id: string; name: string };
  uri?: string;
  /** The question where the call ended, by name (or its prompt) and where it stands. */
  question?: { name: string; path: string };
  /** The agent who answered. */
  agent?: string;
  reason: string;
}

export interface Simulation {
  workflow: ObjectRef & { primaryUri: string };
  at: string;
  /** The wall clock the workflow read, when it has hours or holidays. */
  local?: { zone: string; windowsZone: string; wall: string; day: string; offsetMinutes: number };
  steps: Step[];
  outcome: Outcome;
  assumptions: AssumptionUse[];
  choices: AssumptionChoices;
}

const ATTEMPTS = 5;
const MAX_ALERT = 180;

interface Ctx {
  index: PoolIndex;
  steps: Step[];
  used: Set<AssumptionName>;
  inputs: CallerInput[];
  states: Map<string, AgentState>;
  otherAgents: AgentState;
  queueCalls: Call["queueCalls"];
  choices: AssumptionChoices;
  visited: Set<string>;
  queueSeconds: number | null;
  hadFailure: boolean;
  workflow: FlowObject<"workflows">;
}

/** A simulator over one pool's objects, indexed once for many calls. */
export function createSimulator(objects: PoolObjects): (call: Call) => Simulation {
  const index = indexPool(objects);
  return (call) => run(index, call);
}

/** Simulates one call into a pool. */
export function simulate(objects: PoolObjects, call: Call): Simulation {
  return createSimulator(objects)(call);
}

function checkChoices(choices: Partial<AssumptionChoices> | undefined): AssumptionChoices {
  const out = { ...DEFAULT_CHOICES, ...choices };
  for (const key of Object.keys(out) as (keyof AssumptionChoices)[]) {
    const allowed = CHOICE_VALUES[key] as readonly string[];
    if (!allowed.includes(out[key])) {
      throw new RgsError("validation_failed", `assumption ${key} cannot be '${String(out[key])}'`, {
        details: [{ path: `choices.${key}`, message: `must be one of ${allowed.join(", ")} (got '${String(out[key])}')` }],
      });
    }
  }
  return out;
}

function run(index: PoolIndex, call: Call): Simulation {
  if (!(call.at instanceof Date) || Number.isNaN(call.at.getTime())) {
    throw new RgsError("validation_failed", "the call needs a time", { details: [{ path: "at", message: "must be a valid instant" }] });
  }
  const workflow = findWorkflow(index.objects, { name: call.workflow, uri: call.uri }, index);
  const states = new Map<string, AgentState>();
  for (const [uri, state] of Object.entries(call.agents ?? {})) {
    if (!AGENT_STATES.includes(state)) {
      throw new RgsError("validation_failed", `agent ${uri} cannot be '${state}'`, {
        details: [{ path: `agents.${uri}`, message: `must be one of ${AGENT_STATES.join(", ")} (got '${state}')` }],
      });
    }
    states.set(uri.toLowerCase(), state);
  }
  const ctx: Ctx = {
    index,
    steps: [],
    used: new Set(),
    inputs: [...(call.inputs ?? [])],
    states,
    otherAgents: call.otherAgents ?? "available",
    queueCalls: call.queueCalls,
    choices: checkChoices(call.choices),
    visited: new Set(),
    queueSeconds: null,
    hadFailure: false,
    workflow,
  };
  const sim: Simulation = {
    workflow: { kind: "workflows", id: workflow.id, name: workflow.name, primaryUri: workflow.primaryUri },
    at: call.at.toISOString(),
    steps: ctx.steps,
    outcome: undefined as unknown as Outcome,
    assumptions: [],
    choices: ctx.choices,
  };
  sim.outcome = startCall(ctx, workflow, call.at, sim);
  ctx.steps.push({ kind: "end", text: outcomeText(sim.outcome), queueSeconds: ctx.queueSeconds });
  sim.assumptions = [...ctx.used].map(assumptionUse);
  return sim;
}

function ref(kind: KindName, o: { id: string; name: string }, field?: string): ObjectRef & { field?: string } {
  return { kind, id: o.id, name: o.name, ...(field ? { field } : {}) };
}

function step(ctx: Ctx, s: Omit<Step, "queueSeconds">, ...assumptions: AssumptionName[]): void {
  for (const a of assumptions) ctx.used.add(a);
  ctx.steps.push({ ...s, queueSeconds: ctx.queueSeconds });
}

function playPrompt(ctx: Ctx, prompt: Prompt | undefined, what: string, object: Step["object"]): void {
  if (!prompt) return;
  const id = prompt.audioFileId;
  const both = id !== undefined && prompt.textToSpeech !== undefined;
  if (id !== undefined && ctx.index.objects.audioFiles !== undefined && !ctx.index.audioFile(id)) {
    const text =
      prompt.textToSpeech !== undefined
        ? `"${shorten(prompt.textToSpeech, 120)}", the text in place of audio file ${id}, which is not in the pool`
        : `nothing: audio file ${id} is not in the pool, and the prompt has no text to speak in its place`;
    step(ctx, { kind: "prompt", text: `plays ${what}: ${text}`, object }, "audioFileBeforeText");
    return;
  }
  step(ctx, { kind: "prompt", text: `plays ${what}: ${promptText(prompt, 120, ctx.index.audioName)}`, object }, ...(both ? (["audioFileBeforeText"] as const) : []));
}

/** The music a caller hears while waiting in a queue of the workflow. */
function musicOnHold(ctx: Ctx, transferred: boolean): void {
  const w = ctx.workflow;
  const at = { ...ref("workflows", w), field: "customMusicOnHoldFileId" };
  const named = (id: string) => ({ audioFileId: id, ...(ctx.index.audioFile(id) ? { fileName: ctx.index.audioFile(id)!.fileName } : {}) });
  const custom = w.customMusicOnHoldFileId ?? null;
  const poolDefault = ctx.index.objects.settings?.defaultMusicOnHoldFileId ?? null;
  let text: string;
  let music: NonNullable<Step["music"]>;
  if (custom !== null) {
    text = `♪ ${ctx.index.audioName(custom)}, the workflow's music on hold`;
    music = { source: "workflow", ...named(custom) };
  } else if (ctx.index.objects.settings === undefined) {
    text = "the pool's default music on hold (this source has no settings to say whether the pool names an audio file or plays the music installed with the server)";
    music = { source: "pool-default-unknown" };
  } else if (poolDefault !== null) {
    text = `♪ ${ctx.index.audioName(poolDefault)}, the pool's default music on hold (the workflow names none)`;
    music = { source: "pool-default", ...named(poolDefault) };
  } else {
    text = "the music installed with the server (neither the workflow nor the pool's settings name music on hold)";
    music = { source: "server" };
  }
  step(ctx, { kind: "music", text: `while it waits, the caller hears ${text}`, object: at, music }, "musicOnHold", ...(transferred ? (["musicContinuesOnTransfer"] as const) : []));
}

function startCall(ctx: Ctx, w: FlowObject<"workflows">, at: Date, sim: Simulation): Outcome {
  const wf = ref("workflows", w);
  step(ctx, { kind: "call", text: `a call to ${w.name} (${w.primaryUri}) at ${at.toISOString()}`, object: wf });
  step(ctx, { kind: "check", text: w.active ? `${w.name} is active` : `${w.name} is not active`, object: { ...wf, field: "active" }, check: { name: "active", passed: w.active } });
  if (!w.active) {
    ctx.used.add("inactiveNotInService");
    return { action: "Terminate", result: "disconnected", reason: `${w.name} is not active: the number is not in service` };
  }
  const welcome = w.defaultAction?.prompt;
  if (welcome && ctx.choices.welcomePlacement === "always-first") {
    ctx.used.add("welcomePlacement");
    playPrompt(ctx, welcome, "the welcome message", { ...wf, field: "defaultAction.prompt" });
  }

  const sets = w.holidaySetIds.map((id) => ({ id, set: ctx.index.holidaySet(id) }));
  const hours = w.businessHoursId === null ? null : (ctx.index.hours(w.businessHoursId) ?? null);
  if (sets.length > 0 || w.businessHoursId !== null) {
    const zone = ianaZone(w.timeZone, `workflows.${w.name}.timeZone`);
    const clock = wallClock(at, zone);
    sim.local = { zone, windowsZone: w.timeZone, wall: clock.wall, day: clock.day, offsetMinutes: clock.offsetMinutes };
    const near = [wallClock(new Date(at.getTime() - 12 * 3_600_000), zone), wallClock(new Date(at.getTime() + 12 * 3_600_000), zone)];
    const dst = near.some((c) => c.offsetMinutes !== clock.offsetMinutes);
    step(
      ctx,
      {
        kind: "check",
        text: `local time is ${shortDay(clock.day)} ${clock.wall.replace("T", " ")} in ${w.timeZone} (${zone}, UTC${offsetText(clock.offsetMinutes)})${dst ? "; a DST change falls within 12 hours" : ""}`,
        object: { ...wf, field: "timeZone" },
      },
      "windowsZoneAsIana",
      ...(dst ? (["wallClockDst"] as const) : []),
    );

    for (const { id, set } of sets) {
      if (!set) {
        step(ctx, { kind: "check", text: `holiday set ${id} does not exist; it is skipped`, object: { ...wf, field: "holidaySetIds" } });
        continue;
      }
      const holiday = holidayAt(set.holidays, clock.wall);
      const bound = set.holidays.some((h) => h.startDate === clock.wall || h.endDate === clock.wall);
      const extra: AssumptionName[] = bound ? ["holidayEndExclusive"] : [];
      if (holiday) {
        if (sets.length > 1) extra.push("anyHolidaySet");
        if (w.businessHoursId !== null) extra.push("holidayBeforeHours");
        step(
          ctx,
          {
            kind: "check",
            text: `holiday: ${holiday.name ?? "unnamed"} (${holiday.startDate} to ${holiday.endDate}) in ${set.name}`,
            object: ref("holiday-sets", set, "holidays"),
            check: { name: "holiday", passed: true },
          },
          ...extra,
        );
        return closedAction(ctx, w, "holidayAction");
      }
      step(ctx, { kind: "check", text: `not a holiday of ${set.name}`, object: ref("holiday-sets", set, "holidays"), check: { name: "holiday", passed: false } }, ...extra);
    }

    if (w.businessHoursId !== null && !hours) {
      step(ctx, { kind: "check", text: `hours of business ${w.businessHoursId} do not exist; the workflow is taken as open`, object: { ...wf, field: "businessHoursId" } }, "noHoursAlwaysOpen");
    } else if (hours) {
      const open = isOpen(hours, clock);
      const today = dayText(hours, clock.day);
      const text = open.open
        ? `open: ${shortDay(clock.day)} ${open.range!.openTime}-${open.range!.closeTime} in ${hours.name}`
        : `closed: ${hours.name} on ${shortDay(clock.day)} is ${today === "closed" ? "closed all day" : today}`;
      step(
        ctx,
        { kind: "check", text: open.onBound ? `${text} (exactly on ${open.onBound === "close" ? "a close" : "an open"} time)` : text, object: ref("hours-of-business", hours, `${clock.day}Hours`), check: { name: "business hours", passed: open.open } },
        ...(open.onBound ? (["closeBoundary"] as const) : []),
      );
      if (!open.open) return closedAction(ctx, w, "nonBusinessHoursAction");
    }
  } else {
    step(ctx, { kind: "check", text: `${w.name} has no business hours and no holidays: always open`, object: { ...wf, field: "businessHoursId" }, check: { name: "business hours", passed: true } }, "noHoursAlwaysOpen");
  }

  if (welcome && ctx.choices.welcomePlacement === "business-hours-only") {
    ctx.used.add("welcomeBusinessHoursOnly");
    playPrompt(ctx, welcome, "the welcome message", { ...wf, field: "defaultAction.prompt" });
  }
  const action = w.defaultAction;
  if (!action) return { action: "Terminate", result: "disconnected", reason: `${w.name} has no defaultAction` };
  return runAction(ctx, action, { owner: wf, field: "defaultAction", promptPlayed: true });
}

function closedAction(ctx: Ctx, w: FlowObject<"workflows">, field: "holidayAction" | "nonBusinessHoursAction"): Outcome {
  const action = w[field];
  const wf = ref("workflows", w);
  if (!action) {
    step(ctx, { kind: "end", text: `${field} is not set: the call is disconnected`, object: { ...wf, field } }, "nullClosedAction");
    return { action: "Terminate", result: "disconnected", reason: `${w.name} has no ${field}` };
  }
  return runAction(ctx, action, { owner: wf, field, promptPlayed: false });
}

interface Where {
  owner: ObjectRef;
  field: string;
  /** The prompt was played already (the welcome). */
  promptPlayed: boolean;
}

function runAction(ctx: Ctx, action: CallAction, where: Where): Outcome {
  if (action.prompt && !where.promptPlayed) {
    ctx.used.add("promptBeforeAction");
    playPrompt(ctx, action.prompt, `the prompt of ${where.field}`, { ...where.owner, field: `${where.field}.prompt` });
  }
  switch (action.action) {
    case "Terminate":
      return { action: "Terminate", result: "disconnected", reason: `${where.owner.name}: ${where.field} disconnects the call` };
    case "TransferToUri":
    case "TransferToVoicemailUri":
    case "TransferToPSTN": {
      const what = action.action === "TransferToVoicemailUri" ? "voice mail" : action.action === "TransferToPSTN" ? "the PSTN number" : "";
      return { action: action.action, result: "transferred", uri: action.uri, reason: `${where.owner.name}: ${where.field} transfers the call to ${what ? `${what} ` : ""}${action.uri}` };
    }
    case "TransferToQuestion":
      return askQuestion(ctx, action.question!, `${where.field}.question`, where.owner);
    case "TransferToQueue":
      return enterQueue(ctx, action.queueId!, where);
  }
}

function questionLabel(q: Question, ctx: Ctx): string {
  return q.name ?? shorten(q.prompt.textToSpeech ?? (q.prompt.audioFileId !== undefined ? `♪ ${ctx.index.audioName(q.prompt.audioFileId)}` : "question"), 40);
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/\s+/g, " ").trim();
}

function askQuestion(ctx: Ctx, q: Question, path: string, owner: ObjectRef): Outcome {
  if (ctx.hadFailure) ctx.used.add("attemptsPerQuestion");
  const label = questionLabel(q, ctx);
  const at = { ...owner, field: path };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    step(
      ctx,
      { kind: "question", text: `asks ${label}${attempt > 1 ? ` (attempt ${attempt} of ${ATTEMPTS})` : ""}: ${promptText(q.prompt, 120, ctx.index.audioName)}`, object: at },
      ...(q.prompt.audioFileId !== undefined && q.prompt.textToSpeech !== undefined ? (["audioFileBeforeText"] as const) : []),
    );
    const input = ctx.inputs.shift();
    const answerIndex =
      input === undefined
        ? -1
        : q.answers.findIndex((a) =>
            input.kind === "dtmf" ? a.dtmfResponse === input.key : (a.voiceResponses ?? []).some((v) => normalize(v) === normalize(input.phrase)),
          );
    if (input !== undefined && answerIndex >= 0) {
      const answer = q.answers[answerIndex];
      step(
        ctx,
        {
          kind: "answer",
          text: `the caller ${input.kind === "dtmf" ? `presses ${input.key}` : `says "${input.phrase}"`}: answer ${answer.name ?? answerText(answer)}`,
          object: { ...owner, field: `${path}.answers.${answerIndex}` },
        },
        ...(input.kind === "voice" ? (["voiceExactMatch"] as const) : []),
      );
      return runAction(ctx, answer.action, { owner, field: `${path}.answers.${answerIndex}.action`, promptPlayed: false });
    }
    ctx.hadFailure = true;
    ctx.used.add("fiveAttempts");
    const silent = input === undefined;
    step(
      ctx,
      {
        kind: "answer",
        text: silent
          ? "the caller gives no answer"
          : `the caller ${input.kind === "dtmf" ? `presses ${input.key}` : `says "${input.phrase}"`}, which answers nothing (accepted: ${q.answers.map(answerText).join(", ") || "none"})`,
        object: at,
      },
      ...(!silent && input.kind === "voice" ? (["voiceExactMatch"] as const) : []),
    );
    const errorPrompt = silent ? q.noAnswerPrompt : q.invalidAnswerPrompt;
    if (attempt === ATTEMPTS) {
      ctx.used.add("errorPromptOnLastAttempt");
      if (ctx.choices.errorPromptOnLastAttempt === "skipped") break;
    }
    playPrompt(ctx, errorPrompt, silent ? "the no-answer prompt" : "the invalid-answer prompt", { ...at, field: `${path}.${silent ? "noAnswerPrompt" : "invalidAnswerPrompt"}` });
  }
  return {
    action: "Terminate",
    result: "disconnected",
    question: { name: label, path },
    reason: `${ATTEMPTS} attempts at ${label} without a valid answer`,
  };
}

function waitingCalls(ctx: Ctx, q: FlowObject<"queues">): number {
  const spec = ctx.queueCalls;
  if (spec === undefined) return 0;
  if (typeof spec === "number") return spec;
  for (const [key, n] of Object.entries(spec)) {
    if (key.toLowerCase() === q.name.toLowerCase() || key.toLowerCase() === q.id.toLowerCase()) return n;
  }
  return 0;
}

interface Member {
  uri: string;
  state: AgentState;
}

function members(ctx: Ctx, g: FlowObject<"agent-groups">): Member[] {
  const uris = g.distributionGroupAddress !== null ? [g.distributionGroupAddress] : g.agentsByUri;
  return uris.map((uri) => ({ uri, state: ctx.states.get(uri.toLowerCase()) ?? ctx.otherAgents }));
}

function offerOrderAssumption(g: FlowObject<"agent-groups">): AssumptionName[] {
  const a: AssumptionName[] = [];
  if (g.distributionGroupAddress !== null) a.push("distributionListMembers");
  if (g.participationPolicy === "Formal") a.push("formalSignedIn");
  switch (g.routingMethod) {
    case "Attendant":
      a.push("attendantRingsBusy");
      break;
    case "Serial":
      a.push("availablePresences", "serialFromTop");
      break;
    case "RoundRobin":
      a.push("availablePresences", "roundRobinStart");
      break;
    case "LongestIdle":
      a.push("availablePresences", "longestIdleOrder");
      break;
    case "Parallel":
      a.push("availablePresences");
      break;
  }
  return a;
}

function describeStates(list: Member[]): string {
  return list.map((m) => `${m.uri} ${m.state}`).join(", ");
}

function enterQueue(ctx: Ctx, queueId: string, where: Where): Outcome {
  const q = ctx.index.queue(queueId);
  if (!q) {
    step(ctx, { kind: "end", text: `queue ${queueId} does not exist: the call is disconnected`, object: { ...where.owner, field: where.field } });
    return { action: "Terminate", result: "disconnected", reason: `${where.owner.name}: ${where.field} names queue ${queueId}, which does not exist` };
  }
  const qref = ref("queues", q);
  const queue = { id: q.id, name: q.name };
  if (ctx.visited.has(q.id)) {
    step(ctx, { kind: "end", text: `the call comes back to queue ${q.name}, which it has left before: it would go round for ever`, object: qref }, "queueLoopCap");
    return { action: "TransferToQueue", result: "loop", queue, reason: `the call returns to queue ${q.name} through ${where.owner.name} ${where.field}` };
  }
  const transferred = ctx.visited.size > 0;
  ctx.visited.add(q.id);
  ctx.queueSeconds = 0;
  const settings = [
    q.timeoutThreshold === null ? "no timeout" : `timeout ${q.timeoutThreshold} s`,
    q.overflowThreshold === null ? "no overflow" : `overflow above ${q.overflowThreshold} calls (${q.overflowCandidate})`,
  ];
  step(ctx, { kind: "queue", text: `enters queue ${q.name} (${settings.join(", ")})`, object: qref }, ...(transferred && q.timeoutThreshold !== null ? (["timerRestartsOnTransfer"] as const) : []));

  const groups = q.agentGroupIds.map((id) => ({ id, group: ctx.index.agentGroup(id) }));
  for (const g of groups) {
    if (!g.group) step(ctx, { kind: "check", text: `agent group ${g.id} does not exist; it is skipped`, object: { ...qref, field: "agentGroupIds" } });
  }
  const staffed = groups.flatMap((g) => (g.group && members(ctx, g.group).length > 0 ? [g.group] : []));
  if (staffed.length === 0) {
    step(
      ctx,
      { kind: "check", text: `no agent group of ${q.name} has an agent: the call is disconnected`, object: { ...qref, field: "agentGroupIds" }, check: { name: "agents", passed: false } },
      "noAgentsDisconnect",
      ...(q.overflowThreshold !== null ? (["noAgentsBeforeOverflow"] as const) : []),
    );
    return { action: "Terminate", result: "disconnected", queue, reason: `queue ${q.name} has no agents` };
  }

  if (q.overflowThreshold !== null) {
    const waiting = waitingCalls(ctx, q);
    const over = waiting + 1 > q.overflowThreshold;
    step(
      ctx,
      {
        kind: "check",
        text: `${waiting} call${waiting === 1 ? "" : "s"} waiting; ${q.name} holds ${q.overflowThreshold}: ${over ? "overflow" : "room for this call"}`,
        object: { ...qref, field: "overflowThreshold" },
        check: { name: "room in the queue", passed: !over },
      },
      "overflowThreshold",
      "waitingCallsCount",
    );
    if (over) {
      if (q.overflowCandidate === "NewestCall" || waiting === 0) {
        if (q.overflowCandidate === "OldestCall") ctx.used.add("overflowOldestCall");
        step(ctx, { kind: "overflow", text: `this call overflows${q.overflowCandidate === "OldestCall" ? " (it is the oldest, the queue being empty)" : ""}`, object: { ...qref, field: "overflowAction" } });
        return queueAction(ctx, q, "overflowAction");
      }
      step(ctx, { kind: "overflow", text: "the oldest waiting call takes the overflow action; this call joins the queue", object: { ...qref, field: "overflowCandidate" } }, "overflowOldestCall");
    }
  }

  musicOnHold(ctx, transferred);

  // Agents' states do not change during a simulation, so every round of the groups is the same
  // as the first: one round is walked, then the rounds that follow are counted.
  ctx.used.add("groupsInOrder");
  const windows: { group: FlowObject<"agent-groups">; seconds: number }[] = [];
  for (const g of staffed) {
    const list = members(ctx, g);
    const attendant = g.routingMethod === "Attendant";
    const rung = list.filter((m) => m.state === "available" || (attendant && m.state === "busy"));
    const answerer = rung.find((m) => m.state === "available");
    const gref = ref("agent-groups", g, "agentsByUri");
    if (answerer) {
      const how = g.routingMethod === "Parallel" || attendant ? `rings ${rung.map((m) => m.uri).join(", ")} at once` : `offers the call to ${answerer.uri}`;
      step(ctx, { kind: "offer", text: `${g.name} (${g.routingMethod}) ${how}; ${answerer.uri} answers`, object: gref }, ...offerOrderAssumption(g));
      return { action: "TransferToQueue", result: "answered", queue, agent: answerer.uri, reason: `${answerer.uri} of ${g.name} answers in queue ${q.name}` };
    }
    if (rung.length > 0) {
      const seconds = Math.min(g.agentAlertTime, MAX_ALERT);
      windows.push({ group: g, seconds });
      ctx.queueSeconds! += seconds;
      step(
        ctx,
        { kind: "offer", text: `${g.name} (${g.routingMethod}) rings ${rung.map((m) => m.uri).join(", ")} for ${seconds} s; nobody answers`, object: { ...gref, field: "agentAlertTime" } },
        ...offerOrderAssumption(g),
        ...(g.agentAlertTime > MAX_ALERT ? (["alertOver180"] as const) : []),
      );
      if (q.timeoutThreshold !== null && ctx.queueSeconds! >= q.timeoutThreshold) return timeout(ctx, q, "timeoutAtCycleEnd");
    } else {
      step(ctx, { kind: "offer", text: `${g.name} (${g.routingMethod}): no agent can take the call (${describeStates(list)})`, object: gref }, ...offerOrderAssumption(g));
    }
  }

  if (windows.length === 0) {
    if (q.timeoutThreshold === null) {
      step(ctx, { kind: "queue", text: `the call waits in ${q.name} with music on hold until an agent becomes available; there is no timeout`, object: { ...qref, field: "timeoutThreshold" } }, "noTimeoutWaitsForever");
      return { action: "TransferToQueue", result: "waiting", queue, reason: `no agent of queue ${q.name} can take the call, and it has no timeout` };
    }
    if (ctx.choices.timeoutWhenNoEligibleAgent === "never-checked") {
      step(ctx, { kind: "queue", text: `the call waits in ${q.name}; no alert cycle ends, so the timeout is never checked`, object: { ...qref, field: "timeoutThreshold" } }, "timeoutNeverChecked");
      return { action: "TransferToQueue", result: "waiting", queue, reason: `no agent of queue ${q.name} can take the call and its timeout is not checked` };
    }
    ctx.queueSeconds = q.timeoutThreshold;
    return timeout(ctx, q, "timeoutWallClock");
  }
  if (q.timeoutThreshold === null) {
    step(ctx, { kind: "queue", text: `the call goes round the groups of ${q.name} again and again; there is no timeout`, object: { ...qref, field: "timeoutThreshold" } }, "noTimeoutWaitsForever");
    return { action: "TransferToQueue", result: "waiting", queue, reason: `nobody answers in queue ${q.name}, and it has no timeout` };
  }
  let rounds = 1;
  while (ctx.queueSeconds! < q.timeoutThreshold) {
    rounds++;
    for (const w of windows) {
      ctx.queueSeconds! += w.seconds;
      if (ctx.queueSeconds! >= q.timeoutThreshold) break;
    }
  }
  step(ctx, { kind: "queue", text: `the call goes round the groups ${rounds} times in all; after ${ctx.queueSeconds} s an alert cycle ends past the timeout of ${q.timeoutThreshold} s`, object: { ...qref, field: "timeoutThreshold" } });
  return timeout(ctx, q, "timeoutAtCycleEnd");
}

function timeout(ctx: Ctx, q: FlowObject<"queues">, why: AssumptionName): Outcome {
  step(ctx, { kind: "timeout", text: `the call times out in ${q.name} after ${ctx.queueSeconds} s (threshold ${q.timeoutThreshold} s)`, object: ref("queues", q, "timeoutAction") }, why);
  return queueAction(ctx, q, "timeoutAction");
}

function queueAction(ctx: Ctx, q: FlowObject<"queues">, field: "timeoutAction" | "overflowAction"): Outcome {
  const action = q[field];
  if (!action) {
    step(ctx, { kind: "end", text: `${field} of ${q.name} is not set: the call is disconnected`, object: ref("queues", q, field) }, "nullQueueAction");
    return { action: "Terminate", result: "disconnected", queue: { id: q.id, name: q.name }, reason: `queue ${q.name} has no ${field}` };
  }
  const outcome = runAction(ctx, action, { owner: ref("queues", q), field, promptPlayed: false });
  // A call dropped by a queue's action names that queue, as one dropped for want of agents does.
  return outcome.action === "Terminate" && !outcome.queue ? { ...outcome, queue: { id: q.id, name: q.name } } : outcome;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** The outcome in a sentence. */
export function outcomeText(o: Outcome): string {
  switch (o.result) {
    case "answered":
      return `answered by ${o.agent} in queue ${o.queue?.name}`;
    case "waiting":
      return `waits in queue ${o.queue?.name}: ${o.reason}`;
    case "transferred":
      return `${o.action} ${o.uri}`;
    case "loop":
      return `loop: ${o.reason}`;
    case "disconnected":
      return `disconnected (Terminate): ${o.reason}`;
  }
}
