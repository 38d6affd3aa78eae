/**
 * The simulator, scenario by scenario: times across DST changes, holidays, inactive workflows, IVR
 * invalid answers and silence, overflow at threshold 0 and N, timeouts after alert cycles, every
 * routing method; each outcome in Lync's action names with the assumptions its path relied on.
 */
import { describe, expect, it } from "vitest";
import type { AgentState, Call, Simulation } from "../../sdk/flow/simulate";
import { simulate, createSimulator } from "../../sdk/flow/simulate";
import { ASSUMPTIONS } from "../../sdk/flow/assumptions";
import { contoso, PoolBuilder, WEEKDAYS_9_TO_5 } from "./flow-fixtures";

const c = contoso();
const press = (...keys: string[]) => keys.map((key) => ({ kind: "dtmf" as const, key }));
const names = (s: Simulation) => s.assumptions.map((a) => a.name);

function mainLine(at: string, extra: Partial<Call> = {}): Simulation {
  return simulate(c.objects, { workflow: "Main Line", at: new Date(at), ...extra });
}

describe("simulate: business hours and holidays (Main Line, Europe/Berlin, Mon-Thu 09-17, Fri 09-12 and 13-18)", () => {
  it.each([
    // [what, instant, outcome action, result, local wall clock]
    ["Friday 17:05, the caller presses 2", "2026-12-04T16:05:00Z", "TransferToQueue", "answered", "2026-12-04T17:05:00"],
    ["Friday 18:05", "2026-12-04T17:05:00Z", "TransferToVoicemailUri", "transferred", "2026-12-04T18:05:00"],
    ["Friday 12:30, the lunch break", "2026-12-04T11:30:00Z", "TransferToVoicemailUri", "transferred", "2026-12-04T12:30:00"],
    ["Saturday", "2026-12-05T10:00:00Z", "TransferToVoicemailUri", "transferred", "2026-12-05T11:00:00"],
    ["Thursday 16:59:59", "2026-12-03T15:59:59Z", "TransferToQueue", "answered", "2026-12-03T16:59:59"],
    ["Thursday 17:00, the close time", "2026-12-03T16:00:00Z", "TransferToVoicemailUri", "transferred", "2026-12-03T17:00:00"],
    ["Christmas Eve 11:59", "2026-12-24T10:59:00Z", "TransferToQueue", "answered", "2026-12-24T11:59:00"],
    ["Christmas Eve 12:00, a partial-day holiday", "2026-12-24T11:00:00Z", "Terminate", "disconnected", "2026-12-24T12:00:00"],
    ["Christmas Day during business hours", "2026-12-25T10:00:00Z", "Terminate", "disconnected", "2026-12-25T11:00:00"],
    ["26 December 00:00, the exclusive end", "2026-12-25T23:00:00Z", "TransferToVoicemailUri", "transferred", "2026-12-26T00:00:00"],
  ])("%s", (_what, at, action, result, wall) => {
    const s = mainLine(at, { inputs: press("2") });
    expect(s.outcome).toMatchObject({ action, result });
    expect(s.local?.wall).toBe(wall);
    expect(names(s)).toContain("windowsZoneAsIana");
  });

  it("names the close-boundary assumption exactly on a close time, and not a minute before", () => {
    expect(names(mainLine("2026-12-03T16:00:00Z"))).toContain("closeBoundary");
    expect(names(mainLine("2026-12-03T15:59:00Z", { inputs: press("2") }))).not.toContain("closeBoundary");
  });

  it("checks holidays before hours, and says so, on a holiday during business hours", () => {
    const s = mainLine("2026-12-25T10:00:00Z");
    expect(names(s)).toEqual(expect.arrayContaining(["holidayBeforeHours", "promptBeforeAction"]));
    expect(s.steps.some((st) => st.check?.name === "business hours")).toBe(false);
    expect(s.steps.map((st) => st.text)).toContain('plays the prompt of holidayAction: "Merry Christmas, we are closed today."');
    expect(names(mainLine("2026-12-25T23:00:00Z"))).toContain("holidayEndExclusive");
  });

  it("plays the welcome first by default, and only when open with welcomePlacement=business-hours-only", () => {
    const welcome = (s: Simulation) => s.steps.filter((st) => st.text.includes("Welcome to Contoso")).length;
    expect(welcome(mainLine("2026-12-05T10:00:00Z"))).toBe(1);
    const closed = mainLine("2026-12-05T10:00:00Z", { choices: { welcomePlacement: "business-hours-only" } });
    expect(welcome(closed)).toBe(0);
    expect(names(closed)).not.toContain("welcomePlacement");
    const open = mainLine("2026-12-03T10:00:00Z", { inputs: press("2"), choices: { welcomePlacement: "business-hours-only" } });
    expect(welcome(open)).toBe(1);
    expect(names(open)).toContain("welcomeBusinessHoursOnly");
  });

  it("refuses a choice that is not one, naming it and what is allowed", () => {
    expect(() => mainLine("2026-12-03T10:00:00Z", { choices: { welcomePlacement: "never" as never } })).toThrow(
      expect.objectContaining({ code: "validation_failed", details: [{ path: "choices.welcomePlacement", message: "must be one of always-first, business-hours-only (got 'never')" }] }),
    );
  });

  it("finds the workflow by primary URI, and lists the workflows there are when none matches", () => {
    expect(simulate(c.objects, { uri: "SIP:helpdesk@contoso.com", at: new Date() }).workflow.name).toBe("Help Desk");
    expect(() => simulate(c.objects, { workflow: "Sales", at: new Date() })).toThrow(/no workflow named 'Sales' in pool pool01\.contoso\.com; there are 'Main Line' \(sip:main@contoso\.com\), 'Help Desk'/);
  });
});

describe("simulate: DST in both directions", () => {
  const b = new PoolBuilder();
  const g = b.add("agent-groups", { name: "Night Shift", agentsByUri: ["sip:nina@contoso.com"] });
  const q = b.add("queues", { name: "Night", agentGroupIds: [g.id], timeoutThreshold: 60, timeoutAction: { action: "Terminate" } });
  const night = b.add("hours-of-business", { name: "Sunday night", sundayHours1: { openTime: "01:00", closeTime: "04:00" } });
  const weekdays = b.add("hours-of-business", { name: "Weekdays", ...WEEKDAYS_9_TO_5 });
  const closed = { action: "TransferToVoicemailUri" as const, uri: "sip:vm@contoso.com" };
  b.add("workflows", { name: "Berlin Night", primaryUri: "sip:night@contoso.com", active: true, timeZone: "W. Europe Standard Time", businessHoursId: night.id, nonBusinessHoursAction: closed, defaultAction: { action: "TransferToQueue", queueId: q.id } });
  b.add("workflows", { name: "Seattle", primaryUri: "sip:seattle@contoso.com", active: true, timeZone: "Pacific Standard Time", businessHoursId: weekdays.id, nonBusinessHoursAction: closed, defaultAction: { action: "TransferToQueue", queueId: q.id } });
  const run = createSimulator(b.objects);

  it.each([
    // Berlin, spring forward on 2026-03-29: 01:00-04:00 local covers two real hours.
    ["Berlin Night", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00", "answered"],
    ["Berlin Night", "2026-03-29T01:30:00Z", "2026-03-29T03:30:00", "answered"],
    ["Berlin Night", "2026-03-29T02:00:00Z", "2026-03-29T04:00:00", "transferred"],
    // Berlin, fall back on 2026-10-25: both 02:30s are open, and 01:00-04:00 covers four real hours.
    ["Berlin Night", "2026-10-24T23:30:00Z", "2026-10-25T01:30:00", "answered"],
    ["Berlin Night", "2026-10-25T00:30:00Z", "2026-10-25T02:30:00", "answered"],
    ["Berlin Night", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00", "answered"],
    ["Berlin Night", "2026-10-25T02:30:00Z", "2026-10-25T03:30:00", "answered"],
    ["Berlin Night", "2026-10-25T03:00:00Z", "2026-10-25T04:00:00", "transferred"],
    // Seattle: 16:30 UTC is 09:30 in summer time and 08:30 in winter time.
    ["Seattle", "2026-03-06T16:30:00Z", "2026-03-06T08:30:00", "transferred"],
    ["Seattle", "2026-03-09T16:30:00Z", "2026-03-09T09:30:00", "answered"],
    ["Seattle", "2026-10-30T16:30:00Z", "2026-10-30T09:30:00", "answered"],
    ["Seattle", "2026-11-02T16:30:00Z", "2026-11-02T08:30:00", "transferred"],
  ])("%s at %s reads %s: %s", (workflow, at, wall, result) => {
    const s = run({ workflow, at: new Date(at) });
    expect(s.local?.wall).toBe(wall);
    expect(s.outcome.result).toBe(result);
  });

  it("names the wall-clock DST rule on the day of a change only", () => {
    expect(names(run({ workflow: "Berlin Night", at: new Date("2026-10-25T01:30:00Z") }))).toContain("wallClockDst");
    expect(names(run({ workflow: "Berlin Night", at: new Date("2026-11-01T01:30:00Z") }))).not.toContain("wallClockDst");
  });
});

describe("simulate: inactive workflows", () => {
  const b = new PoolBuilder();
  const g = b.add("agent-groups", { name: "G", agentsByUri: ["sip:a@contoso.com"] });
  const q = b.add("queues", { name: "Q", agentGroupIds: [g.id] });
  b.add("workflows", { name: "Old Line", primaryUri: "sip:old@contoso.com", active: false, defaultAction: { action: "TransferToQueue", queueId: q.id, prompt: { textToSpeech: "Hello" } } });

  it("ends the call as not in service, with nothing played", () => {
    const s = simulate(b.objects, { workflow: "Old Line", at: new Date("2026-12-03T10:00:00Z") });
    expect(s.outcome).toMatchObject({ action: "Terminate", result: "disconnected", reason: expect.stringContaining("not in service") });
    expect(s.steps.filter((st) => st.kind === "prompt")).toEqual([]);
    expect(s.steps.find((st) => st.check?.name === "active")).toMatchObject({ check: { passed: false }, object: { kind: "workflows", name: "Old Line", field: "active" } });
    expect(s.assumptions).toEqual([{ name: "inactiveNotInService", evidence: "assumption", rule: ASSUMPTIONS.inactiveNotInService.rule }]);
  });
});

describe("simulate: IVR answers (Main Line, Thursday 11:00)", () => {
  const at = "2026-12-03T10:00:00Z";

  it.each([
    ["key 1", press("1"), "Billing"],
    ["key 2", press("2"), "Support"],
    ["the words 'Billing ' in another case", [{ kind: "voice" as const, phrase: "  BILLING " }], "Billing"],
    ["the second voice response", [{ kind: "voice" as const, phrase: "invoice" }], "Billing"],
    ["a wrong key, then key 2", press("9", "2"), "Support"],
    ["key 3, then key 1 at the second level", press("3", "1"), "Front Desk"],
  ])("%s goes to queue %s", (_what, inputs, queue) => {
    const s = mainLine(at, { inputs });
    expect(s.outcome.queue?.name).toBe(queue);
  });

  it("plays the invalid-answer prompt, then asks again", () => {
    const s = mainLine(at, { inputs: press("9", "2") });
    const texts = s.steps.map((st) => st.text);
    const wrong = texts.findIndex((t) => t.startsWith("the caller presses 9, which answers nothing"));
    expect(texts[wrong + 1]).toBe('plays the invalid-answer prompt: "Sorry, that is not an option."');
    expect(texts[wrong + 2]).toMatch(/^asks Department \(attempt 2 of 5\)/);
    expect(names(s)).toContain("fiveAttempts");
  });

  it("disconnects after five invalid answers, naming the question", () => {
    const s = mainLine(at, { inputs: press("9", "8", "7", "6", "5", "2") });
    expect(s.outcome).toMatchObject({ action: "Terminate", result: "disconnected", question: { name: "Department", path: "defaultAction.question" } });
    expect(s.steps.filter((st) => st.kind === "question")).toHaveLength(5);
    expect(s.steps.filter((st) => st.text.startsWith("plays the invalid-answer prompt"))).toHaveLength(5);
    expect(names(s)).toEqual(expect.arrayContaining(["fiveAttempts", "errorPromptOnLastAttempt"]));
  });

  it("skips the error prompt on the fifth failure with errorPromptOnLastAttempt=skipped", () => {
    const s = mainLine(at, { inputs: press("9", "9", "9", "9", "9"), choices: { errorPromptOnLastAttempt: "skipped" } });
    expect(s.steps.filter((st) => st.text.startsWith("plays the invalid-answer prompt"))).toHaveLength(4);
  });

  it("disconnects a caller who never answers, after five no-answer prompts", () => {
    const s = mainLine(at);
    expect(s.outcome).toMatchObject({ action: "Terminate", question: { name: "Department" } });
    expect(s.steps.filter((st) => st.text === "the caller gives no answer")).toHaveLength(5);
    expect(s.steps.filter((st) => st.text === 'plays the no-answer prompt: "Sorry, I did not hear you."')).toHaveLength(5);
  });

  it("counts attempts per question: failures at the first level do not count at the second", () => {
    const s = mainLine(at, { inputs: press("9", "9", "9", "9", "3", "7", "7", "7", "7", "2") });
    expect(s.outcome).toMatchObject({ action: "TransferToVoicemailUri", uri: "sip:main-vm@contoso.com" });
    expect(names(s)).toContain("attemptsPerQuestion");
  });

  it("disconnects at the second level when the caller goes silent there", () => {
    const s = mainLine(at, { inputs: press("3") });
    expect(s.outcome).toMatchObject({ action: "Terminate", question: { name: "Other", path: "defaultAction.question.answers.2.action.question" } });
  });
});

describe("simulate: queues", () => {
  const b = new PoolBuilder();
  const team = b.add("agent-groups", { name: "Team", routingMethod: "Parallel", agentsByUri: ["sip:ann@contoso.com", "sip:ben@contoso.com"] });
  const empty = b.add("agent-groups", { name: "Nobody", agentsByUri: [] });
  const desk = b.add("agent-groups", { name: "Desk", routingMethod: "Attendant", agentAlertTime: 20, agentsByUri: ["sip:dora@contoso.com"] });
  const desk2 = b.add("agent-groups", { name: "Desk 2", routingMethod: "Attendant", agentAlertTime: 30, agentsByUri: ["sip:eve@contoso.com"] });
  const long = b.add("agent-groups", { name: "Long Ring", routingMethod: "Attendant", agentAlertTime: 300, agentsByUri: ["sip:lou@contoso.com"] });
  const list = b.add("agent-groups", { name: "List", distributionGroupAddress: "sales@contoso.com" });
  const vm = { action: "TransferToVoicemailUri" as const, uri: "sip:vm@contoso.com" };
  const pstn = { action: "TransferToPSTN" as const, uri: "sip:+14255550100@contoso.com" };
  const queues = {
    zero: b.add("queues", { name: "Zero", agentGroupIds: [team.id], overflowThreshold: 0, overflowAction: pstn }),
    two: b.add("queues", { name: "Two", agentGroupIds: [team.id], overflowThreshold: 2, overflowAction: pstn, timeoutThreshold: 60, timeoutAction: vm }),
    oldest: b.add("queues", { name: "Oldest", agentGroupIds: [team.id], overflowThreshold: 2, overflowCandidate: "OldestCall", overflowAction: pstn }),
    empty: b.add("queues", { name: "Empty", agentGroupIds: [empty.id], overflowThreshold: 0, overflowAction: pstn }),
    none: b.add("queues", { name: "No Groups" }),
    desk: b.add("queues", { name: "Desk Queue", agentGroupIds: [desk.id], timeoutThreshold: 50, timeoutAction: vm }),
    desks: b.add("queues", { name: "Two Desks", agentGroupIds: [desk.id, desk2.id], timeoutThreshold: 45, timeoutAction: vm }),
    forever: b.add("queues", { name: "Forever", agentGroupIds: [desk.id] }),
    long: b.add("queues", { name: "Long", agentGroupIds: [long.id], timeoutThreshold: 200, timeoutAction: vm }),
    list: b.add("queues", { name: "List Queue", agentGroupIds: [list.id], timeoutThreshold: 30, timeoutAction: vm }),
    noTimeout: b.add("queues", { name: "No Timeout", agentGroupIds: [team.id] }),
  };
  const loopA = b.add("queues", { name: "Loop A", agentGroupIds: [team.id], timeoutThreshold: 30 });
  const loopB = b.add("queues", { name: "Loop B", agentGroupIds: [team.id], timeoutThreshold: 30, timeoutAction: { action: "TransferToQueue", queueId: loopA.id } });
  loopA.timeoutAction = { action: "TransferToQueue", queueId: loopB.id };
  for (const [key, q] of Object.entries({ ...queues, loopA })) {
    b.add("workflows", { name: `WF ${key}`, primaryUri: `sip:wf-${key.toLowerCase()}@contoso.com`, active: true, defaultAction: { action: "TransferToQueue", queueId: q.id } });
  }
  const run = createSimulator(b.objects);
  const call = (key: string, extra: Partial<Call> = {}) => run({ workflow: `WF ${key}`, at: new Date("2026-12-03T10:00:00Z"), ...extra });
  const all = (state: AgentState): Partial<Call> => ({ otherAgents: state });

  it.each([
    ["threshold 0 overflows the first call", "zero", 0, "TransferToPSTN", "transferred"],
    ["threshold 2 takes the second call", "two", 1, "TransferToQueue", "answered"],
    ["threshold 2 overflows the third call", "two", 2, "TransferToPSTN", "transferred"],
    ["OldestCall lets the third call join, the oldest overflows", "oldest", 2, "TransferToQueue", "answered"],
  ])("%s", (_what, key, waiting, action, result) => {
    const s = call(key, { queueCalls: waiting });
    expect(s.outcome).toMatchObject({ action, result });
    expect(names(s)).toEqual(expect.arrayContaining(["overflowThreshold", "waitingCallsCount"]));
  });

  it("counts waiting calls per queue by name", () => {
    expect(call("two", { queueCalls: { two: 5 } }).outcome.action).toBe("TransferToPSTN");
    expect(call("two", { queueCalls: { Other: 5 } }).outcome.action).toBe("TransferToQueue");
  });

  it("disconnects when no group has an agent, before looking at overflow", () => {
    const s = call("empty");
    expect(s.outcome).toMatchObject({ action: "Terminate", result: "disconnected", queue: { name: "Empty" } });
    expect(names(s)).toEqual(expect.arrayContaining(["noAgentsDisconnect", "noAgentsBeforeOverflow"]));
    expect(call("none").outcome).toMatchObject({ action: "Terminate", reason: "queue No Groups has no agents" });
  });

  it.each([
    // [queue, alert windows, threshold, waited]
    ["desk", "one 20 s group, timeout 50 s: the third cycle ends at 60 s", 60],
    ["desks", "20 s and 30 s groups, timeout 45 s: the second group's window ends at 50 s", 50],
    ["long", "an alert time of 300 s ends at 180 s: timeout 200 s is checked at 360 s", 360],
  ])("times out %s only when an alert cycle ends (%s)", (key, _why, waited) => {
    const s = call(key, all("busy"));
    expect(s.outcome).toMatchObject({ action: "TransferToVoicemailUri", uri: "sip:vm@contoso.com" });
    expect(s.steps.find((st) => st.kind === "timeout")?.queueSeconds).toBe(waited);
    expect(names(s)).toContain("timeoutAtCycleEnd");
  });

  it("names the 180 s cap for an alert time over 180 s", () => {
    expect(names(call("long", all("busy")))).toContain("alertOver180");
  });

  it("times out at the threshold when no agent can be offered the call, or never with timeoutWhenNoEligibleAgent=never-checked", () => {
    const s = call("two", all("offline"));
    expect(s.outcome.action).toBe("TransferToVoicemailUri");
    expect(s.steps.find((st) => st.kind === "timeout")?.queueSeconds).toBe(60);
    expect(names(s)).toContain("timeoutWallClock");
    const never = call("two", { ...all("offline"), choices: { timeoutWhenNoEligibleAgent: "never-checked" } });
    expect(never.outcome).toMatchObject({ action: "TransferToQueue", result: "waiting", queue: { name: "Two" } });
    expect(names(never)).toContain("timeoutNeverChecked");
  });

  it("waits for ever in a queue without a timeout", () => {
    expect(call("forever", all("busy")).outcome).toMatchObject({ action: "TransferToQueue", result: "waiting" });
    expect(call("noTimeout", all("offline")).outcome).toMatchObject({ action: "TransferToQueue", result: "waiting" });
    expect(names(call("noTimeout", all("offline")))).toContain("noTimeoutWaitsForever");
  });

  it("reports a loop of queues through their timeouts", () => {
    const s = call("loopA", all("offline"));
    expect(s.outcome).toMatchObject({ action: "TransferToQueue", result: "loop", queue: { name: "Loop A" } });
    expect(s.steps.filter((st) => st.kind === "queue" && st.text.startsWith("enters")).map((st) => st.object?.name)).toEqual(["Loop A", "Loop B"]);
    expect(names(s)).toEqual(expect.arrayContaining(["queueLoopCap", "timerRestartsOnTransfer"]));
  });

  it("takes a distribution list as one agent in the state given for its address", () => {
    expect(call("list").outcome).toMatchObject({ result: "answered", agent: "sales@contoso.com" });
    expect(call("list", { agents: { "sales@contoso.com": "offline" } }).outcome.action).toBe("TransferToVoicemailUri");
    expect(names(call("list"))).toContain("distributionListMembers");
  });
});

describe("simulate: every routing method", () => {
  const agents = ["sip:a1@contoso.com", "sip:a2@contoso.com", "sip:a3@contoso.com"];
  const b = new PoolBuilder();
  for (const method of ["Parallel", "Serial", "RoundRobin", "LongestIdle", "Attendant"] as const) {
    const g = b.add("agent-groups", { name: method, routingMethod: method, agentsByUri: agents });
    const q = b.add("queues", { name: `${method} Queue`, agentGroupIds: [g.id], timeoutThreshold: 40, timeoutAction: { action: "Terminate" } });
    b.add("workflows", { name: method, primaryUri: `sip:${method.toLowerCase()}@contoso.com`, active: true, defaultAction: { action: "TransferToQueue", queueId: q.id } });
  }
  const run = createSimulator(b.objects);
  const states = { "sip:a1@contoso.com": "busy", "sip:a2@contoso.com": "available", "sip:a3@contoso.com": "available" } as const;

  it.each([
    ["Parallel", "sip:a2@contoso.com", /rings sip:a2@contoso.com, sip:a3@contoso.com at once/, ["availablePresences"]],
    ["Serial", "sip:a2@contoso.com", /offers the call to sip:a2@contoso.com/, ["availablePresences", "serialFromTop"]],
    ["RoundRobin", "sip:a2@contoso.com", /offers the call to sip:a2@contoso.com/, ["availablePresences", "roundRobinStart"]],
    ["LongestIdle", "sip:a2@contoso.com", /offers the call to sip:a2@contoso.com/, ["availablePresences", "longestIdleOrder"]],
    ["Attendant", "sip:a2@contoso.com", /rings sip:a1@contoso.com, sip:a2@contoso.com, sip:a3@contoso.com at once/, ["attendantRingsBusy"]],
  ])("%s: a busy first agent, the call goes to %s", (method, agent, offer, assumed) => {
    const s = run({ workflow: method, at: new Date(), agents: states });
    expect(s.outcome).toMatchObject({ action: "TransferToQueue", result: "answered", agent, queue: { name: `${method} Queue` } });
    expect(s.steps.find((st) => st.kind === "offer")?.text).toMatch(offer);
    expect(names(s)).toEqual(expect.arrayContaining(assumed));
  });

  it.each([
    ["Parallel", 40, "timeoutWallClock"],
    ["Serial", 40, "timeoutWallClock"],
    ["Attendant", 40, "timeoutAtCycleEnd"],
  ])("%s with every agent busy times out at %i s (%s)", (method, waited, why) => {
    const s = run({ workflow: method, at: new Date(), otherAgents: "busy" });
    expect(s.outcome.action).toBe("Terminate");
    expect(s.steps.find((st) => st.kind === "timeout")?.queueSeconds).toBe(waited);
    expect(names(s)).toContain(why);
  });
});

describe("simulate: every evidence label is one of the research's", () => {
  it("labels every assumption", () => {
    for (const [name, def] of Object.entries(ASSUMPTIONS)) {
      expect(["doc", "MS-blog", "practitioner", "inferred", "assumption"], name).toContain(def.evidence);
      expect(def.source, name).toMatch(/^§[AB]\./);
    }
  });
});
