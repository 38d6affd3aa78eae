/**
 * The rules of rgs-model.md §20 over HTTP: the case table of test/unit/schemas.test.ts, sent to
 * the real `rgs serve` on 127.0.0.1 with its SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseBody, caseName, RULE_CASES, type Fixtures, type RuleCase } from "../cases/rules";
import { wav } from "../helpers/audio";
import { call, expectError } from "../helpers/http";
import { startService, type RunningService } from "../helpers/service";

let svc: RunningService;
let fixtures: Fixtures;
const P = "/v1/pools/pool01.contoso.com";

async function create(kind: string, body: unknown): Promise<string> {
  const r = await call(svc.url, "POST", `${P}/${kind}`, { token: svc.tokens.operator, body });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  svc = await startService();
  const ag = [await create("agent-groups", { name: "Fixture agents 1" }), await create("agent-groups", { name: "Fixture agents 2" })];
  fixtures = {
    agentGroupIds: [ag[0], ag[1]],
    queueId: await create("queues", { name: "Fixture queue", agentGroupIds: ag }),
    otherQueueId: await create("queues", { name: "Fixture other queue" }),
    hoursId: await create("hours-of-business", { name: "Fixture hours", mondayHours1: { openTime: "08:00", closeTime: "17:00" } }),
    holidaySetId: await create("holiday-sets", {
      name: "Fixture holidays",
      holidays: [{ name: "New Year", startDate: "2027-01-01T00:00:00", endDate: "2027-01-02T00:00:00" }],
    }),
    audioFileIds: [await upload("closed.wav", wav({ tone: 1 })), await upload("bye.wav", wav({ tone: 2 }))],
  };
});

async function upload(fileName: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${svc.url}${P}/audio-files`, {
    method: "POST",
    headers: { authorization: `Bearer ${svc.tokens.operator}`, "content-type": "audio/wav", "x-file-name": fileName },
    body: bytes,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

afterAll(async () => {
  await svc?.stop();
});

/** Sends a case the way a client would: POST, PUT over a seeded object, or PUT of the settings. */
async function send(c: RuleCase) {
  const body = caseBody(c, fixtures);
  if (c.kind === "settings") {
    return call(svc.url, "PUT", `${P}/settings`, { token: svc.tokens.admin, body });
  }
  if (c.mode === "update") {
    const id = await create(c.kind, caseBody(c, fixtures, "seed"));
    return call(svc.url, "PUT", `${P}/${c.kind}/${id}`, { token: svc.tokens.operator, body, headers: { "if-match": '"v1"' } });
  }
  return call(svc.url, "POST", `${P}/${c.kind}`, { token: svc.tokens.operator, body });
}

describe("rgs-model §20 rules, over HTTP", () => {
  it.each(RULE_CASES.filter((c) => c.problems === undefined).map((c) => [caseName(c), c] as const))("accepts %s", async (_name, c) => {
    const r = await send(c);
    expect(r.status, r.text).toBe(c.kind === "settings" || c.mode === "update" ? 200 : 201);
    expect(r.body).toMatchObject(c.stored!(fixtures));
    if (c.kind !== "settings") {
      // What was answered is what was stored.
      const again = await call(svc.url, "GET", `${P}/${c.kind}/${r.body.id}`, { token: svc.tokens.reader });
      expect(again.body).toEqual(r.body);
    }
  });

  it.each(RULE_CASES.filter((c) => c.problems !== undefined).map((c) => [caseName(c), c] as const))("refuses %s", async (_name, c) => {
    const r = await send(c);
    const e = expectError(r, 400, "validation_failed");
    expect(e.details.map((d: { path: string }) => d.path)).toEqual(c.problems!.map((p) => p.path));
    c.problems!.forEach((p, i) => expect(e.details[i].message).toMatch(p.message));
    const name = caseBody(c, fixtures).name;
    // A name that is not valid Unicode cannot be put in a URL to look it up.
    if (c.kind !== "settings" && typeof name === "string" && name.isWellFormed()) {
      const found = await call(svc.url, "GET", `${P}/${c.kind}?name=${encodeURIComponent(name)}`, { token: svc.tokens.reader });
      expect(found.body.items).toEqual([]);
    }
  });
});
