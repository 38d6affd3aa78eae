/**
 * The rules of rgs-model.md §20 through the shell backend: the case table of
 * test/unit/schemas.test.ts and rules-http.test.ts, written to the cmdlet-level fake agent and
 * read back, so every valid case also proves that its values survive the cmdlets.
 */
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RgsError } from "../../sdk/errors";
import type { KindName } from "../../sdk/model/kind";
import { ShellBackend } from "../../sdk/shell/index";
import { caseBody, caseName, RULE_CASES, type Fixtures, type RuleCase } from "../cases/rules";
import { wav } from "../helpers/audio";
import { fakeAgentCommand } from "../helpers/fake-agent/spawn";

const POOL = "pool01.contoso.com";
let backend: ShellBackend;
let fixtures: Fixtures;
const fake = fakeAgentCommand();
const audioStore = join(dirname(fake.stateFile), "audio");
/** What each accepted case answered, read back past the cache at the end. */
const accepted: { kind: KindName; object: Record<string, unknown> }[] = [];

async function create(kind: KindName, body: Record<string, unknown>): Promise<string> {
  return (await backend.create(POOL, kind, body as never)).object.id;
}

beforeAll(async () => {
  backend = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 30_000, audioStore });
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
    audioFileIds: [await imported("closed.wav", wav({ tone: 1 })), await imported("bye.wav", wav({ tone: 2 }))],
  };
});

async function imported(fileName: string, content: Uint8Array): Promise<string> {
  return (await backend.importAudioFile(POOL, { fileName, contentType: "audio/wav", content })).audioFile.id;
}

afterAll(async () => {
  await backend?.close();
});

/** Writes a case as the provider would: a create, an update over a seeded object, or the settings. */
async function send(c: RuleCase): Promise<Record<string, unknown>> {
  const body = caseBody(c, fixtures);
  if (c.kind === "settings") return backend.updateSettings(POOL, body);
  if (c.mode === "update") {
    const seeded = (await backend.create(POOL, c.kind, caseBody(c, fixtures, "seed") as never)).object;
    return backend.update(POOL, c.kind, seeded.id, body as never, seeded.etag);
  }
  return (await backend.create(POOL, c.kind, body as never)).object;
}

// Properties of type System.Uri, whose scheme .NET writes in lower case (the service keeps it as written).
const URI_FIELDS = ["primaryUri", "lineUri", "agentsByUri", "managersByUri"];

function asAPoolAnswers(expected: Record<string, unknown>): Record<string, unknown> {
  const lower = (u: unknown) => (typeof u === "string" ? u.replace(/^[a-z]+:/i, (scheme) => scheme.toLowerCase()) : u);
  const out = { ...expected };
  for (const f of URI_FIELDS) if (f in out) out[f] = Array.isArray(out[f]) ? (out[f] as unknown[]).map(lower) : lower(out[f]);
  return out;
}

describe("rgs-model §20 rules, through the shell backend and the fake agent", () => {
  it.each(RULE_CASES.filter((c) => c.problems === undefined).map((c) => [caseName(c), c] as const))("accepts %s", async (_name, c) => {
    const stored = await send(c);
    expect(stored).toMatchObject(asAPoolAnswers(c.stored!(fixtures)));
    if (c.kind !== "settings") accepted.push({ kind: c.kind, object: stored });
  });

  it.each(RULE_CASES.filter((c) => c.problems !== undefined).map((c) => [caseName(c), c] as const))("refuses %s", async (_name, c) => {
    const e = await send(c).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(RgsError.isRgsError(e), String(e)).toBe(true);
    const error = e as RgsError;
    expect(error.code).toBe("validation_failed");
    expect(error.fieldProblems.map((p) => p.path)).toEqual(c.problems!.map((p) => p.path));
    c.problems!.forEach((p, i) => expect(error.fieldProblems[i].message).toMatch(p.message));
  });

  it("reads every accepted case back from the pool as it was answered", async () => {
    expect(accepted.length).toBeGreaterThan(10);
    const reader = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs: 30_000, audioStore });
    try {
      for (const { kind, object } of accepted) expect(await reader.get(POOL, kind, String(object.id))).toEqual(object);
    } finally {
      await reader.close();
    }
  });
});
