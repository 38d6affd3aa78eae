/**
 * Rules across objects, over HTTP: unique names per pool and kind, primary URIs unique across
 * pools, references that resolve in the same pool, no delete of a referenced object, and a custom
 * schedule that serves one workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";
import { startService, type RunningService } from "../helpers/service";

let svc: RunningService;
const P1 = "/v1/pools/pool01.contoso.com";
const P2 = "/v1/pools/pool02.contoso.com";

beforeAll(async () => {
  svc = await startService({ pools: ["pool01.contoso.com", "pool02.contoso.com"] });
});

afterAll(async () => {
  await svc?.stop();
});

const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(svc.url, method, path, { token: svc.tokens.operator, body, headers });

interface Obj {
  id: string;
  etag: string;
  name: string;
  [field: string]: unknown;
}

async function create(path: string, body: Record<string, unknown>): Promise<Obj> {
  const r = await op("POST", path, body);
  expect(r.status, r.text).toBe(201);
  return r.body as Obj;
}

async function put(path: string, current: Obj, body: Record<string, unknown>) {
  return op("PUT", `${path}/${current.id}`, body, { "if-match": `"${current.etag}"` });
}

const hours = (name: string, custom = false) => ({ name, custom, mondayHours1: { openTime: "09:00", closeTime: "17:00" } });
const holidays = (name: string) => ({ name, holidays: [{ name: "Day", startDate: "2026-07-04T00:00:00", endDate: "2026-07-05T00:00:00" }] });
const toQueue = (queueId: string) => ({ action: "TransferToQueue", queueId });

describe("names are unique per pool and kind, ignoring case", () => {
  it("allows one name in another kind and in another pool", async () => {
    await create(`${P1}/agent-groups`, { name: "Billing" });
    await create(`${P1}/queues`, { name: "Billing" });
    await create(`${P1}/hours-of-business`, hours("Billing"));
    await create(`${P1}/holiday-sets`, holidays("Billing"));
    await create(`${P1}/workflows`, { name: "Billing", primaryUri: "sip:billing@contoso.com" });
    await create(`${P2}/agent-groups`, { name: "BILLING" });
    for (const kind of ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"]) {
      const body = kind === "holiday-sets" ? holidays("billing") : kind === "workflows" ? { name: "billing", primaryUri: "sip:billing2@contoso.com" } : { name: "billing" };
      expectError(await op("POST", `${P1}/${kind}`, body), 409, "name_conflict");
    }
  });

  it("treats a name and its other Unicode spelling as one name", async () => {
    const composed = "Caf\u00e9 agents";
    const decomposed = "Cafe\u0301 AGENTS";
    const first = await create(`${P1}/agent-groups`, { name: composed });
    expectError(await op("POST", `${P1}/agent-groups`, { name: decomposed }), 409, "name_conflict");
    const found = await op("GET", `${P1}/agent-groups?name=${encodeURIComponent(decomposed)}`);
    expect(found.body.items.map((o: Obj) => o.id)).toEqual([first.id]);
  });

  it("finds an object by name whatever the case", async () => {
    const ag = await create(`${P1}/agent-groups`, { name: "Night Shift" });
    const found = await op("GET", `${P1}/agent-groups?name=NIGHT%20shift`);
    expect(found.body.items.map((o: Obj) => o.id)).toEqual([ag.id]);
    expect((await op("GET", `${P1}/agent-groups?name=Night`)).body.items).toEqual([]);
  });

  it("refuses a rename onto a taken name, and allows a change of case of one's own", async () => {
    await create(`${P1}/queues`, { name: "Tier 1" });
    const tier2 = await create(`${P1}/queues`, { name: "Tier 2" });
    const e = expectError(await put(`${P1}/queues`, tier2, { name: "TIER 1" }), 409, "name_conflict");
    expect(e.message).toMatch(/already has a queue named 'TIER 1'/);
    const renamed = await put(`${P1}/queues`, tier2, { name: "TIER 2" });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe("TIER 2");
  });

  it("frees a name when its object is deleted", async () => {
    const old = await create(`${P1}/agent-groups`, { name: "Recycled" });
    expect((await op("DELETE", `${P1}/agent-groups/${old.id}`)).status).toBe(204);
    const again = await create(`${P1}/agent-groups`, { name: "recycled" });
    expect(again.id).not.toBe(old.id);
  });
});

describe("a workflow's primaryUri is unique across pools", () => {
  it("refuses a change onto another workflow's URI and keeps one's own", async () => {
    await create(`${P1}/workflows`, { name: "Sales line", primaryUri: "sip:sales@contoso.com" });
    const other = await create(`${P2}/workflows`, { name: "Support line", primaryUri: "sip:support@contoso.com" });
    expectError(await put(`${P2}/workflows`, other, { name: "Support line", primaryUri: "sip:SALES@contoso.com" }), 409, "uri_conflict");
    const same = await put(`${P2}/workflows`, other, { name: "Support line", primaryUri: "sip:Support@contoso.com", description: "Tier 1" });
    expect(same.status, same.text).toBe(200);
  });
});

describe("references resolve in the same pool", () => {
  let ag1: Obj;
  let q1: Obj;
  let h1: Obj;
  let hs1: Obj;
  beforeAll(async () => {
    ag1 = await create(`${P1}/agent-groups`, { name: "Pool one agents" });
    q1 = await create(`${P1}/queues`, { name: "Pool one queue", agentGroupIds: [ag1.id] });
    h1 = await create(`${P1}/hours-of-business`, hours("Pool one hours"));
    hs1 = await create(`${P1}/holiday-sets`, holidays("Pool one holidays"));
  });

  it("refuses ids of another pool, naming each field and id", async () => {
    const q = expectError(await op("POST", `${P2}/queues`, { name: "Borrowing queue", agentGroupIds: [ag1.id] }), 422, "reference_not_found");
    expect(q.details).toEqual([{ path: "agentGroupIds.0", message: `no agent group with id ${ag1.id} in pool pool02.contoso.com` }]);

    const w = expectError(
      await op("POST", `${P2}/workflows`, {
        name: "Borrowing workflow",
        primaryUri: "sip:borrow@contoso.com",
        businessHoursId: h1.id,
        timeZone: "UTC",
        holidaySetIds: [hs1.id],
        defaultAction: toQueue(q1.id),
      }),
      422,
      "reference_not_found",
    );
    expect(w.details.map((d: { path: string }) => d.path)).toEqual(["businessHoursId", "holidaySetIds.0", "defaultAction.queueId"]);
  });

  it("refuses an id of the wrong kind", async () => {
    const e = expectError(
      await op("POST", `${P1}/workflows`, { name: "Wrong kind", primaryUri: "sip:wrongkind@contoso.com", defaultAction: toQueue(ag1.id) }),
      422,
      "reference_not_found",
    );
    expect(e.details).toEqual([{ path: "defaultAction.queueId", message: `no queue with id ${ag1.id} in pool pool01.contoso.com` }]);
  });

  it("checks queue ids deep in a question tree", async () => {
    const missing = "3f2b8c1d-0000-4000-8000-000000000000";
    const e = expectError(
      await op("POST", `${P1}/workflows`, {
        name: "Deep IVR",
        primaryUri: "sip:deepivr@contoso.com",
        defaultAction: {
          action: "TransferToQuestion",
          question: {
            prompt: { textToSpeech: "Sales or support?" },
            answers: [
              { dtmfResponse: "1", action: toQueue(q1.id) },
              {
                dtmfResponse: "2",
                action: {
                  action: "TransferToQuestion",
                  question: { prompt: { textToSpeech: "Hardware or software?" }, answers: [{ dtmfResponse: "1", action: toQueue(missing) }] },
                },
              },
            ],
          },
        },
      }),
      422,
      "reference_not_found",
    );
    expect(e.details).toEqual([
      { path: "defaultAction.question.answers.1.action.question.answers.0.action.queueId", message: `no queue with id ${missing} in pool pool01.contoso.com` },
    ]);
  });

  it("refuses a queue that overflows to itself", async () => {
    const q = await create(`${P1}/queues`, { name: "Loop" });
    const e = expectError(await put(`${P1}/queues`, q, { name: "Loop", overflowThreshold: 5, overflowAction: toQueue(q.id) }), 422, "reference_not_found");
    expect(e.details).toEqual([{ path: "overflowAction.queueId", message: `must not be the queue itself (${q.id})` }]);
  });

  it("checks references on update as on create", async () => {
    const q = await create(`${P1}/queues`, { name: "Updated queue", agentGroupIds: [ag1.id] });
    const e = expectError(await put(`${P1}/queues`, q, { name: "Updated queue", agentGroupIds: ["0f8fad5b-d9cb-469f-a165-70867728950e"] }), 422, "reference_not_found");
    expect(e.details[0].path).toBe("agentGroupIds.0");
    expect((await op("GET", `${P1}/queues/${q.id}`)).body).toMatchObject({ agentGroupIds: [ag1.id], etag: "v1" });
  });
});

describe("an object something references cannot be deleted", () => {
  it("names every referrer, queue-to-queue targets included, and allows the delete once they are gone", async () => {
    const ag = await create(`${P1}/agent-groups`, { name: "Shared agents" });
    const qa = await create(`${P1}/queues`, { name: "Queue A", agentGroupIds: [ag.id] });
    const qb = await create(`${P1}/queues`, { name: "Queue B", agentGroupIds: [ag.id], timeoutThreshold: 60, timeoutAction: toQueue(qa.id) });
    const qc = await create(`${P1}/queues`, { name: "Queue C", overflowThreshold: 10, overflowAction: toQueue(qa.id) });
    const h = await create(`${P1}/hours-of-business`, hours("Office hours"));
    const hs = await create(`${P1}/holiday-sets`, holidays("Office holidays"));
    const wf = await create(`${P1}/workflows`, {
      name: "Front desk",
      primaryUri: "sip:frontdesk@contoso.com",
      active: true,
      businessHoursId: h.id,
      timeZone: "UTC",
      holidaySetIds: [hs.id],
      defaultAction: {
        action: "TransferToQuestion",
        question: { prompt: { textToSpeech: "Press 1." }, answers: [{ dtmfResponse: "1", action: toQueue(qa.id) }] },
      },
    });

    const refusals: [string, string, { kind: string; id: string; name: string }[]][] = [
      ["agent-groups", ag.id, [{ kind: "queues", id: qa.id, name: "Queue A" }, { kind: "queues", id: qb.id, name: "Queue B" }]],
      ["queues", qa.id, [
        { kind: "queues", id: qb.id, name: "Queue B" },
        { kind: "queues", id: qc.id, name: "Queue C" },
        { kind: "workflows", id: wf.id, name: "Front desk" },
      ]],
      ["hours-of-business", h.id, [{ kind: "workflows", id: wf.id, name: "Front desk" }]],
      ["holiday-sets", hs.id, [{ kind: "workflows", id: wf.id, name: "Front desk" }]],
    ];
    for (const [kind, id, referencedBy] of refusals) {
      const e = expectError(await op("DELETE", `${P1}/${kind}/${id}`), 409, "in_use");
      expect(e.details).toEqual({ referencedBy });
      expect(e.message).toMatch(/is still used by .*; change or delete those first/);
      expect((await op("GET", `${P1}/${kind}/${id}`)).status).toBe(200);
    }

    // Dropping the overflow target frees queue A from queue C; the rest still hold it.
    const qcNow = await put(`${P1}/queues`, qc, { name: "Queue C" });
    expect(qcNow.status).toBe(200);
    const still = expectError(await op("DELETE", `${P1}/queues/${qa.id}`), 409, "in_use");
    expect(still.details.referencedBy.map((r: { name: string }) => r.name)).toEqual(["Queue B", "Front desk"]);

    // In dependency order, everything goes.
    for (const [kind, id] of [
      ["workflows", wf.id],
      ["hours-of-business", h.id],
      ["holiday-sets", hs.id],
      ["queues", qb.id],
      ["queues", qa.id],
      ["queues", qc.id],
      ["agent-groups", ag.id],
    ]) {
      const r = await op("DELETE", `${P1}/${kind}/${id}`);
      expect(r.status, `${kind} ${r.text}`).toBe(204);
    }
  });
});

describe("a custom schedule (custom: true) serves one workflow", () => {
  it("refuses a second workflow on it, and frees it when the first lets go", async () => {
    const custom = await create(`${P1}/hours-of-business`, hours("Custom hours", true));
    const first = await create(`${P1}/workflows`, { name: "Custom one", primaryUri: "sip:custom1@contoso.com", businessHoursId: custom.id, timeZone: "UTC" });
    const body2 = { name: "Custom two", primaryUri: "sip:custom2@contoso.com", businessHoursId: custom.id, timeZone: "UTC" };
    const e = expectError(await op("POST", `${P1}/workflows`, body2), 409, "in_use");
    expect(e.message).toMatch(/custom schedule \(custom: true\) and already belongs to workflow 'Custom one'/);
    expect(e.details).toEqual({ referencedBy: [{ kind: "workflows", id: first.id, name: "Custom one" }] });

    // The owner may be saved again with it.
    const resaved = await put(`${P1}/workflows`, first, { name: "Custom one", primaryUri: "sip:custom1@contoso.com", businessHoursId: custom.id, timeZone: "UTC", description: "x" });
    expect(resaved.status, resaved.text).toBe(200);

    const moved = await put(`${P1}/workflows`, resaved.body, { name: "Custom one", primaryUri: "sip:custom1@contoso.com" });
    expect(moved.status).toBe(200);
    expect((await op("POST", `${P1}/workflows`, body2)).status).toBe(201);
  });

  it("lets workflows share a preset, and refuses making a shared preset custom", async () => {
    const preset = await create(`${P1}/hours-of-business`, hours("Preset hours"));
    await create(`${P1}/workflows`, { name: "Preset one", primaryUri: "sip:preset1@contoso.com", businessHoursId: preset.id, timeZone: "UTC" });
    await create(`${P1}/workflows`, { name: "Preset two", primaryUri: "sip:preset2@contoso.com", businessHoursId: preset.id, timeZone: "UTC" });
    const e = expectError(await put(`${P1}/hours-of-business`, preset, hours("Preset hours", true)), 409, "in_use");
    expect(e.message).toMatch(/cannot become custom: workflow 'Preset one', workflow 'Preset two' use it/);
    expect((await op("GET", `${P1}/hours-of-business/${preset.id}`)).body.custom).toBe(false);
  });

  it("lets a preset used by one workflow become custom, which then holds", async () => {
    const preset = await create(`${P1}/hours-of-business`, hours("Soon custom"));
    await create(`${P1}/workflows`, { name: "Sole user", primaryUri: "sip:sole@contoso.com", businessHoursId: preset.id, timeZone: "UTC" });
    const made = await put(`${P1}/hours-of-business`, preset, hours("Soon custom", true));
    expect(made.status, made.text).toBe(200);
    expectError(await op("POST", `${P1}/workflows`, { name: "Latecomer", primaryUri: "sip:late@contoso.com", businessHoursId: preset.id, timeZone: "UTC" }), 409, "in_use");
  });
});
