/**
 * Policy warnings: each of the ten rules fires on the configuration it is about, names the object
 * and the field, says why, and stays quiet on a configuration without the problem.
 */
import { describe, expect, it } from "vitest";
import { formatWarning, lintPool, POLICY_RULES, type PolicyWarning } from "../../sdk/flow/lint";
import { contoso, PoolBuilder, WEEKDAYS_9_TO_5 } from "./flow-fixtures";

const NOW = new Date("2026-06-01T12:00:00Z");

function warnings(b: PoolBuilder, now = NOW): PolicyWarning[] {
  return lintPool(b.objects, { now });
}

/** A pool with none of the problems: one staffed queue with a timeout, reached by an open-hours workflow. */
function clean() {
  const b = new PoolBuilder();
  const g = b.add("agent-groups", { name: "Team", agentsByUri: ["sip:ann@contoso.com"] });
  const q = b.add("queues", { name: "Main", agentGroupIds: [g.id], timeoutThreshold: 120, timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:vm@contoso.com" } });
  const h = b.add("hours-of-business", { name: "Office", ...WEEKDAYS_9_TO_5 });
  const s = b.add("holiday-sets", { name: "Holidays", holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }] });
  const w = b.add("workflows", {
    name: "Line",
    primaryUri: "sip:line@contoso.com",
    active: true,
    businessHoursId: h.id,
    holidaySetIds: [s.id],
    nonBusinessHoursAction: { action: "Terminate" },
    holidayAction: { action: "Terminate" },
    defaultAction: { action: "TransferToQueue", queueId: q.id },
  });
  return { b, g, q, h, s, w };
}

describe("lintPool", () => {
  it("has no warning for a clean pool", () => {
    expect(warnings(clean().b)).toEqual([]);
  });

  it("an active workflow with business hours but no non-business-hours action", () => {
    const { b, w } = clean();
    w.nonBusinessHoursAction = null;
    expect(warnings(b)).toEqual([
      { rule: "no-closed-action", object: { kind: "workflows", id: w.id, name: "Line" }, field: "nonBusinessHoursAction", message: expect.stringContaining("disconnected") },
    ]);
    w.active = false;
    expect(warnings(b)).toEqual([]);
  });

  it("a holiday set whose holidays are all in the past, read in the zone of the workflows using it", () => {
    const { b, s } = clean();
    expect(warnings(b, new Date("2026-12-25T23:30:00Z"))).toEqual([]);
    expect(warnings(b, new Date("2026-12-26T00:30:00Z"))).toEqual([
      { rule: "holidays-past", object: { kind: "holiday-sets", id: s.id, name: "Holidays" }, field: "holidays", message: expect.stringContaining("the last ended 2026-12-26T00:00:00") },
    ]);
    // Read in Pacific time, the set's last holiday has not ended at 00:30 UTC.
    b.objects.workflows[0].timeZone = "Pacific Standard Time";
    expect(warnings(b, new Date("2026-12-26T00:30:00Z"))).toEqual([]);
  });

  it("a queue with neither a timeout nor an overflow", () => {
    const { b, q } = clean();
    q.timeoutThreshold = null;
    expect(warnings(b).map((w) => [w.rule, w.object.name, w.field])).toEqual([["queue-never-ends", "Main", "timeoutThreshold"]]);
    q.overflowThreshold = 5;
    expect(warnings(b)).toEqual([]);
  });

  it("an agent alert time over 180 s", () => {
    const { b, g } = clean();
    g.agentAlertTime = 180;
    expect(warnings(b)).toEqual([]);
    g.agentAlertTime = 181;
    expect(warnings(b)).toEqual([
      { rule: "alert-time-over-180", object: { kind: "agent-groups", id: g.id, name: "Team" }, field: "agentAlertTime", message: expect.stringContaining("Lync clients reject the call") },
    ]);
  });

  it("an IVR deeper than 2 levels or wider than 4 answers", () => {
    const { b, q } = clean();
    const leaf = { action: "TransferToQueue" as const, queueId: q.id };
    const level = (n: number): object =>
      n === 0 ? leaf : { action: "TransferToQuestion", question: { name: `L${n}`, prompt: { textToSpeech: "?" }, answers: [{ dtmfResponse: "1", action: level(n - 1) }] } };
    b.add("workflows", { name: "Two Levels", primaryUri: "sip:two@contoso.com", active: true, defaultAction: level(2) as never });
    expect(warnings(b)).toEqual([]);
    const deep = b.add("workflows", { name: "Three Levels", primaryUri: "sip:three@contoso.com", active: true, defaultAction: level(3) as never });
    const wide = b.add("workflows", {
      name: "Wide",
      primaryUri: "sip:wide@contoso.com",
      active: true,
      defaultAction: { action: "TransferToQuestion", question: { prompt: { textToSpeech: "?" }, answers: ["1", "2", "3", "4", "5"].map((k) => ({ dtmfResponse: k as "1", action: leaf })) } },
    });
    expect(warnings(b).map((w) => [w.rule, w.object.id, w.field])).toEqual([
      ["ivr-not-editable", deep.id, "defaultAction.question.answers.0.action.question.answers.0.action.question"],
      ["ivr-not-editable", wide.id, "defaultAction.question.answers"],
    ]);
  });

  it("an answer key used twice: a spoken answer, and a key from a pool that did not check", () => {
    const { b, q } = clean();
    const leaf = { action: "TransferToQueue" as const, queueId: q.id };
    const w = b.add("workflows", {
      name: "Menu",
      primaryUri: "sip:menu@contoso.com",
      active: true,
      defaultAction: {
        action: "TransferToQuestion",
        question: {
          prompt: { textToSpeech: "?" },
          answers: [
            { dtmfResponse: "1", voiceResponses: ["Sales"], action: leaf },
            { dtmfResponse: "2", voiceResponses: ["sales "], action: leaf },
          ],
        },
      },
    });
    expect(warnings(b)).toEqual([
      { rule: "answer-key-twice", object: { kind: "workflows", id: w.id, name: "Menu" }, field: "defaultAction.question.answers.1", message: expect.stringMatching(/^"sales" also answers defaultAction\.question\.answers\.0/) },
    ]);
    w.defaultAction!.question!.answers[1].dtmfResponse = "1";
    expect(warnings(b).map((x) => x.message.split(" also")[0])).toEqual(["key 1", '"sales"']);
  });

  it("a queue that routes back to itself through overflow or timeout, each queue of the loop", () => {
    const { b, q, g } = clean();
    const back = b.add("queues", { name: "Back", agentGroupIds: [g.id], overflowThreshold: 0, overflowAction: { action: "TransferToQueue", queueId: q.id } });
    q.timeoutAction = { action: "TransferToQueue", queueId: back.id };
    const loops = warnings(b).filter((w) => w.rule === "queue-loop");
    expect(loops.map((w) => [w.object.name, w.field, w.message])).toEqual([
      ["Main", "timeoutAction", "calls go round Main → Back → Main and never leave"],
      ["Back", "overflowAction", "calls go round Main → Back → Main and never leave"],
    ]);
    const self = b.add("queues", { name: "Self", agentGroupIds: [g.id], timeoutThreshold: 10 });
    self.timeoutAction = { action: "TransferToQueue", queueId: self.id };
    expect(warnings(b).filter((w) => w.rule === "queue-loop" && w.object.name === "Self").map((w) => w.message)).toEqual(["calls go round Self → Self and never leave"]);
  });

  it("a close time of 23:59", () => {
    const { b, h } = clean();
    h.saturdayHours1 = { openTime: "10:00", closeTime: "23:59" };
    expect(warnings(b)).toEqual([
      { rule: "close-at-2359", object: { kind: "hours-of-business", id: h.id, name: "Office" }, field: "saturdayHours1.closeTime", message: expect.stringContaining("last minute of the day") },
    ]);
  });

  it("a queue whose groups have no agents, or that has no groups", () => {
    const { b, g, q } = clean();
    g.agentsByUri = [];
    expect(warnings(b).map((w) => [w.rule, w.object.name, w.field])).toEqual([["queue-no-agents", "Main", "agentGroupIds"]]);
    g.distributionGroupAddress = "team@contoso.com";
    expect(warnings(b)).toEqual([]);
    q.agentGroupIds = [];
    expect(warnings(b)[0].message).toMatch(/^the queue has no agent groups/);
  });

  it("a queue that no workflow reaches, directly, through a question or through another queue", () => {
    const { b, g, q } = clean();
    const spill = b.add("queues", { name: "Spill", agentGroupIds: [g.id], timeoutThreshold: 60 });
    q.overflowThreshold = 10;
    q.overflowAction = { action: "TransferToQueue", queueId: spill.id };
    expect(warnings(b)).toEqual([]);
    const orphan = b.add("queues", { name: "Orphan", agentGroupIds: [g.id], timeoutThreshold: 60 });
    expect(warnings(b)).toEqual([{ rule: "queue-unreachable", object: { kind: "queues", id: orphan.id, name: "Orphan" }, field: "name", message: expect.stringContaining("no workflow leads here") }]);
  });

  it("covers the ten rules of the issue and the two of audio files, and formats each warning on one line", () => {
    expect(Object.keys(POLICY_RULES)).toHaveLength(12);
    const all = lintPool(contoso().objects, { now: new Date("2027-03-01T00:00:00Z") });
    expect(all.map(formatWarning)).toEqual(["holiday set 'Holidays 2026' holidays: every holiday is in the past (the last ended 2026-12-26T00:00:00): add this year's holidays, or the workflows stay open on them [holidays-past]"]);
  });
});
