/**
 * The provider's check and diff: no network, every failure path, no perpetual diff.
 */
import { describe, expect, it } from "vitest";
import { check, diff, outputsOf } from "../../provider/lifecycle";
import { kindDef } from "../../sdk/model/index";
import type { KindName } from "../../sdk/model/kind";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const conn = { endpoint: "http://127.0.0.1:1", token: "unused", pool: "pool01.contoso.com" };
const QUEUE_ID = "1987d3c2-4544-489d-bbe3-59f79f530a83";

describe("check", () => {
  it.each<[string, KindName, Record<string, unknown>, string, RegExp]>([
    ["a name of the wrong type", "agent-groups", { name: 5 }, "name", /must be a string \(got 5\)/],
    ["a missing name", "queues", {}, "name", /is required/],
    ["an alert time out of range", "agent-groups", { name: "a", agentAlertTime: 700 }, "agentAlertTime", /10 to 600.*got 700/],
    ["an unknown routing method", "agent-groups", { name: "a", routingMethod: "Random" }, "routingMethod", /LongestIdle, Parallel.*got "Random"/],
    ["an unknown field", "agent-groups", { name: "a", agentz: [] }, "", /unknown field 'agentz'/],
    ["a question in a queue's timeout", "queues", { name: "q", timeoutAction: { action: "TransferToQuestion", question: { prompt: { textToSpeech: "x" } } } }, "timeoutAction.action", /TransferToQuestion/],
    ["a queue target without queueId", "queues", { name: "q", overflowAction: { action: "TransferToQueue" } }, "overflowAction.queueId", /is required when action is TransferToQueue/],
    ["an hour that closes before it opens", "hours-of-business", { name: "h", mondayHours1: { openTime: "17:00", closeTime: "09:00" } }, "mondayHours1.closeTime", /after openTime 17:00/],
    ["a holiday set with no holiday on create", "holiday-sets", { name: "s", holidays: [] }, "holidays", /at least one holiday/],
    ["an active workflow with nowhere to send calls", "workflows", { name: "w", primaryUri: "sip:w@contoso.com", active: true }, "defaultAction", /required when active is true/],
    ["a line URI with dashes", "workflows", { name: "w", primaryUri: "sip:w@contoso.com", lineUri: "tel:+1-425-555" }, "lineUri", /tel:\+.*got "tel:\+1-425-555"/],
    ["a language Lync does not speak", "workflows", { name: "w", primaryUri: "sip:w@contoso.com", language: "xx-XX" }, "language", /26 Response Group languages/],
  ])("reports %s at its property path", async (_what, kind, news, property, reason) => {
    const r = await check(kind, conn, {}, news);
    const failure = r.failures?.find((f) => f.property === property);
    expect(failure, JSON.stringify(r.failures)).toBeDefined();
    expect(failure!.reason).toMatch(reason);
  });

  it("reports every problem at once", async () => {
    const r = await check("agent-groups", conn, {}, { name: "", agentAlertTime: 1, routingMethod: "x" });
    expect(r.failures?.map((f) => f.property).sort()).toEqual(["agentAlertTime", "name", "routingMethod"]);
  });

  it("asks for a pool when neither the resource nor the stack names one", async () => {
    const r = await check("agent-groups", { ...conn, pool: undefined }, {}, { name: "a" });
    expect(r.failures).toEqual([{ property: "pool", reason: expect.stringMatching(/rgs:pool/) }]);
  });

  it("refuses an adopt that is not a boolean", async () => {
    const r = await check("agent-groups", conn, {}, { name: "a", adopt: "yes" });
    expect(r.failures).toEqual([{ property: "adopt", reason: expect.stringMatching(/true or false/) }]);
  });

  it("allows an empty holiday list on update, as Set-CsRgsHolidaySet does", async () => {
    const r = await check("holiday-sets", conn, { name: "s", holidays: [] }, { name: "s", holidays: [] });
    expect(r.failures).toEqual([]);
  });

  it("fills in defaults and the stack's pool", async () => {
    const r = await check("agent-groups", conn, {}, { name: "Tier 1" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({
      name: "Tier 1",
      description: null,
      participationPolicy: "Informal",
      agentAlertTime: 20,
      routingMethod: "Parallel",
      agentsByUri: [],
      distributionGroupAddress: null,
      pool: "pool01.contoso.com",
    });
  });

  it("lets the environment's pool win over the stack's", async () => {
    process.env.RGS_POOL = "lab-pool.contoso.com";
    try {
      expect((await check("agent-groups", conn, {}, { name: "a" })).inputs?.pool).toBe("lab-pool.contoso.com");
    } finally {
      delete process.env.RGS_POOL;
    }
  });

  it("tolerates values not known during preview", async () => {
    const r = await check("workflows", conn, {}, {
      name: "w",
      primaryUri: "sip:w@contoso.com",
      active: true,
      businessHoursId: UNKNOWN,
      holidaySetIds: [UNKNOWN, UNKNOWN],
      timeZone: "Pacific Standard Time",
      defaultAction: { action: "TransferToQueue", queueId: UNKNOWN },
    });
    expect(r.failures).toEqual([]);
    expect(r.inputs?.timeZone).toBe("Pacific Standard Time");
    expect(r.inputs?.businessHoursId).toBe(UNKNOWN);
  });

  it("asks for a time zone when the hours are not known yet", async () => {
    const r = await check("workflows", conn, {}, { name: "w", primaryUri: "sip:w@contoso.com", businessHoursId: UNKNOWN });
    expect(r.failures).toEqual([{ property: "timeZone", reason: expect.stringMatching(/is required when businessHoursId is set/) }]);
  });

  it("still reports known problems beside unknown values", async () => {
    const r = await check("queues", conn, {}, { name: "q", agentGroupIds: [UNKNOWN], timeoutThreshold: 5 });
    expect(r.failures?.map((f) => f.property)).toEqual(["timeoutThreshold"]);
  });
});

describe("diff", () => {
  const stored = (kind: KindName, body: Record<string, unknown>) =>
    outputsOf({ ...(kindDef(kind).schema.parse(body) as object), id: QUEUE_ID, identity: "x", etag: "v1", ownerPool: "pool01.contoso.com", createdAt: "t", updatedAt: "t" }, "pool01.contoso.com");

  it("finds no change when only defaults differ between program and state", async () => {
    for (const [kind, body] of [
      ["agent-groups", { name: "Tier 1" }],
      ["queues", { name: "Q", timeoutThreshold: 60, timeoutAction: { action: "Terminate" } }],
      ["workflows", { name: "W", primaryUri: "sip:w@contoso.com", defaultAction: { action: "TransferToQueue", queueId: QUEUE_ID } }],
      ["hours-of-business", { name: "H", mondayHours1: { openTime: "08:00", closeTime: "17:00" } }],
      ["holiday-sets", { name: "S", holidays: [{ name: "x", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }] }],
    ] as [KindName, Record<string, unknown>][]) {
      const news = (await check(kind, conn, { name: "old" }, body)).inputs!;
      expect(await diff(kind, stored(kind, body), news), kind).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    }
  });

  it("finds no change when the program spells a language or id in another case", async () => {
    const body = { name: "W", primaryUri: "sip:w@contoso.com", language: "en-US", defaultAction: { action: "TransferToQueue", queueId: QUEUE_ID } };
    const news = (await check("workflows", conn, { name: "W" }, { ...body, language: "EN-us", defaultAction: { action: "TransferToQueue", queueId: QUEUE_ID.toUpperCase() } })).inputs!;
    expect((await diff("workflows", stored("workflows", body), news)).changes).toBe(false);
  });

  it("updates in place for a field change, a rename included", async () => {
    const olds = stored("agent-groups", { name: "Tier 1", agentAlertTime: 20 });
    for (const change of [{ agentAlertTime: 30 }, { name: "Tier One" }, { agentsByUri: ["sip:a@contoso.com"] }]) {
      const news = (await check("agent-groups", conn, { name: "Tier 1" }, { name: "Tier 1", ...change })).inputs!;
      expect(await diff("agent-groups", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });

  it("replaces only when the pool changes, deleting a workflow first", async () => {
    const body = { name: "W", primaryUri: "sip:w@contoso.com" };
    const news = (await check("workflows", conn, { name: "W" }, { ...body, pool: "pool02.contoso.com" })).inputs!;
    expect(await diff("workflows", stored("workflows", body), news)).toEqual({ changes: true, replaces: ["pool"], deleteBeforeReplace: true });
    const q = (await check("queues", conn, { name: "Q" }, { name: "Q", pool: "pool02.contoso.com" })).inputs!;
    expect(await diff("queues", stored("queues", { name: "Q" }), q)).toEqual({ changes: true, replaces: ["pool"], deleteBeforeReplace: false });
  });

  it("counts a value not yet known as a change", async () => {
    const olds = stored("queues", { name: "Q", agentGroupIds: [QUEUE_ID] });
    const news = (await check("queues", conn, { name: "Q" }, { name: "Q", agentGroupIds: [UNKNOWN] })).inputs!;
    expect((await diff("queues", olds, news)).changes).toBe(true);
  });

  it("ignores adopt, which only matters on create", async () => {
    const news = (await check("agent-groups", conn, { name: "a" }, { name: "a", adopt: true })).inputs!;
    expect((await diff("agent-groups", stored("agent-groups", { name: "a" }), news)).changes).toBe(false);
  });
});
