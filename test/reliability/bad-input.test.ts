/**
 * Bad input, property-based (fast-check): valid and mutated bodies of every kind, text that is not
 * JSON, wrong types, huge and deep values, control characters and lone surrogates, SQL and path
 * meta-characters, __proto__ and constructor keys, odd ids in paths and query strings, odd
 * headers and malformed HTTP, against every route of the in-process app on 127.0.0.1, once on
 * SQLite and once on PostgreSQL (where text the schemas let through reaches the database's own
 * rules on encodings, which SQLite does not have).
 *
 * For every input: never a 5xx; a refusal is a 4xx in the one error envelope and writes nothing
 * (the database's write signature is unchanged); a body the schemas accept is accepted and stored
 * as they read it; and no prototype of this process gains a key. The counts go to the console and
 * to test/results/reliability.json ("badInput" and "badInputPostgres").
 */
import { connect, type AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../sdk/errors";
import { KIND_NAMES, type KindName } from "../../sdk/model/kind";
import { wav } from "../helpers/audio";
import { expectError, type Reply } from "../helpers/http";
import { buildApp } from "../../backend/app";
import { parseTokens } from "../../backend/auth";
import { PostgresStore } from "../../backend/store/postgres";
import type { TestDatabase } from "../helpers/postgres";
import { randomTokens, startInProcessService, tokenSpec, type Tokens } from "../helpers/service";
import {
  junk,
  mutate,
  mutation,
  ODD_SEGMENTS,
  oracle,
  percentEncode,
  specialStrings,
  unique,
  validBody,
  validSettings,
  type Refs,
  type Verdict,
} from "./arbitraries";
import { networkCode, postgresSignature, recordResults, seedFrom, storeOrSkip, STORES, userFields, writeSignature } from "./support";

const POOL = "pool01.contoso.com";
const P = `/v1/pools/${POOL}`;
/** Inputs per property, on each store. */
const RUNS = {
  valid: 40,
  validUpdate: 20,
  mutated: 170,
  mutatedUpdate: 60,
  settings: 100,
  notJson: 400,
  wrongType: 120,
  contentType: 120,
  hugeDeep: 100,
  paths: 550,
  query: 350,
  headers: 250,
  routes: 150,
};

type Expectation =
  /** Must be 2xx. */
  | { kind: "accept" }
  /** Must be refused with one of these statuses (and codes, when given). */
  | { kind: "reject"; statuses: number[]; codes?: string[] }
  /** Either; a refusal of a body the schemas accept may only be one of `codes`. */
  | { kind: "either"; codes?: string[] };

interface Request {
  method: string;
  path: string;
  token?: string | null;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  contentType?: string | null;
}

interface ClassStats {
  tried: number;
  accepted: number;
  refused: number;
  unsendable: number;
  status5xx: number;
  statuses: Record<string, number>;
}

/** The app under test, on either store. */
interface Target {
  url: string;
  tokens: Tokens;
  /** Every entry the app logged. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

let stats: Record<string, ClassStats> = {};
let routes = new Set<string>();
let svc: Target;
let db: Database.Database | undefined;
let pg: TestDatabase | undefined;
let refs: Refs;
const targets = {} as Record<KindName, { id: string; etag: string }>;
let settingsEtag = "";
const seed = seedFrom("bad-input");
const PROTOTYPES: [string, object][] = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["RegExp.prototype", RegExp.prototype],
  ["Date.prototype", Date.prototype],
  ["Promise.prototype", Promise.prototype],
];
const protoKeys = () => Object.fromEntries(PROTOTYPES.map(([n, p]) => [n, Reflect.ownKeys(p).map(String).sort()]));
let protoBefore: Record<string, string[]>;

const CONFLICTS = ["name_conflict", "uri_conflict", "reference_not_found", "in_use", "idempotency_key_reused"];

/** Changes whenever the store is written to. */
async function signature(): Promise<string> {
  return pg ? postgresSignature(pg) : writeSignature(db!);
}

/** The app as startInProcessService builds it, on a PostgreSQL database. */
async function startOnPostgres(database: TestDatabase, pools: string[]): Promise<Target> {
  const store = await PostgresStore.open({ url: database.url });
  const tokens = randomTokens();
  const logs: Record<string, unknown>[] = [];
  const app = buildApp({ store, tokens: parseTokens(tokenSpec(tokens)), log: (entry) => logs.push(entry) });
  for (const pool of pools) await app.service.putPool(pool);
  await app.fastify.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.fastify.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    logs,
    stop: async () => {
      await app.fastify.close();
      await store.close();
    },
  };
}

function classStats(cls: string): ClassStats {
  return (stats[cls] ??= { tried: 0, accepted: 0, refused: 0, unsendable: 0, status5xx: 0, statuses: {} });
}

/** Sends one input and checks the invariants; undefined when the input cannot be sent at all. */
async function attempt(cls: string, route: string, req: Request, expectation: Expectation): Promise<Reply | undefined> {
  const s = classStats(cls);
  routes.add(route);
  const headers: Record<string, string> = { ...req.headers };
  if (req.token !== null) headers.authorization = `Bearer ${req.token ?? svc.tokens.admin}`;
  if (req.contentType !== null && req.contentType !== undefined) headers["content-type"] = req.contentType;
  else if (req.contentType === undefined && req.payload !== undefined) headers["content-type"] = "application/json";
  const before = await signature();
  let res: Response;
  try {
    res = await fetch(`${svc.url}${req.path}`, { method: req.method, headers, body: req.payload });
  } catch (e) {
    // fetch itself refuses some inputs (a header value it cannot encode, say): nothing was sent.
    if (e instanceof TypeError && (!/fetch failed/.test(e.message) || /UND_ERR_(INVALID_ARG|NOT_SUPPORTED)/.test(networkCode(e)))) {
      s.unsendable++;
      return undefined;
    }
    throw new Error(`no answer (${networkCode(e)}) to ${cls}: ${req.method} ${req.path.slice(0, 200)}`, { cause: e });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const reply: Reply = { status: res.status, headers: res.headers, body, text };
  s.tried++;
  s.statuses[reply.status] = (s.statuses[reply.status] ?? 0) + 1;
  const what = `${cls}: ${req.method} ${req.path.slice(0, 200)} ${typeof req.payload === "string" ? req.payload.slice(0, 300) : ""}\n→ ${reply.status} ${text.slice(0, 500)}`;
  if (reply.status >= 500) s.status5xx++;
  expect(reply.status, what).toBeLessThan(500);
  expect(protoKeys(), `prototypes after ${what}`).toEqual(protoBefore);
  expect(({} as Record<string, unknown>).polluted, what).toBeUndefined();
  if (reply.status >= 200 && reply.status < 300) {
    s.accepted++;
    expect(expectation.kind, `accepted what must be refused: ${what}`).not.toBe("reject");
    return reply;
  }
  s.refused++;
  expectError(reply, reply.status, (body as { error?: { code?: string } })?.error?.code ?? "(no envelope)");
  const code = (body as { error: { code: keyof typeof ERROR_STATUS } }).error.code;
  expect(ERROR_STATUS[code], `status of ${code}: ${what}`).toBe(reply.status);
  expect(await signature(), `a refused request wrote: ${what}`).toBe(before);
  if (expectation.kind === "accept") expect.fail(`refused a valid input: ${what}`);
  if (expectation.kind === "reject") {
    expect(expectation.statuses, what).toContain(reply.status);
    if (expectation.codes) expect(expectation.codes, what).toContain(code);
  }
  if (expectation.kind === "either" && expectation.codes) expect(expectation.codes, what).toContain(code);
  return reply;
}

function expectationOf(v: Verdict): Expectation {
  if (v.valid) return { kind: "either", codes: CONFLICTS };
  return v.status === 413 ? { kind: "reject", statuses: [413], codes: ["payload_too_large"] } : { kind: "reject", statuses: [400], codes: ["validation_failed"] };
}

/** After a 2xx create or update: the object reads back as the schemas parsed the body. */
async function readsBack(kind: KindName, reply: Reply, v: Verdict) {
  if (!v.valid) return;
  const got = await fetch(`${svc.url}${P}/${kind}/${reply.body.id}`, { headers: { authorization: `Bearer ${svc.tokens.reader}` } });
  expect(got.status).toBe(200);
  const view = (await got.json()) as Record<string, unknown>;
  expect(view).toEqual(reply.body);
  expect(userFields(view)).toEqual(v.value);
}

const run = <T>(arb: fc.Arbitrary<T>, numRuns: number, body: (t: T) => Promise<void>) =>
  fc.assert(
    fc.asyncProperty(arb, body),
    // Every input writes to the store, so shrinking would replay inputs against another state and
    // report a conflict of its own making instead of the first failure.
    { numRuns, seed, endOnFailure: true },
  );

describe.each(STORES)("bad input on %s", (store) => {
  let skipReason: string | undefined;

  beforeAll(async () => {
    stats = {};
    routes = new Set();
    db = undefined;
    pg = undefined;
    const pools = [POOL, "pool02.contoso.com"];
    if (store === "postgres") {
      ({ db: pg, skipReason } = await storeOrSkip(store));
      if (!pg) return;
      svc = await startOnPostgres(pg, pools);
    } else {
      const s = await startInProcessService({ pools });
      db = new Database(join(s.dataDir, "rgs.db"), { readonly: true, fileMustExist: true });
      svc = s;
    }
    const post = async (kind: KindName, body: unknown) => {
      const r = await fetch(`${svc.url}${P}/${kind}`, {
        method: "POST",
        headers: { authorization: `Bearer ${svc.tokens.operator}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const b = (await r.json()) as { id: string; etag: string };
      if (r.status !== 201) throw new Error(`setup: ${kind} ${r.status} ${JSON.stringify(b)}`);
      return b;
    };
    const ags = [await post("agent-groups", { name: "Ref group 1" }), await post("agent-groups", { name: "Ref group 2" })];
    const qs = [
      await post("queues", { name: "Ref queue 1", agentGroupIds: ags.map((a) => a.id) }),
      await post("queues", { name: "Ref queue 2", agentGroupIds: [ags[0].id] }),
    ];
    const hours = [await post("hours-of-business", { name: "Ref hours 1" }), await post("hours-of-business", { name: "Ref hours 2" })];
    const day = (d: string) => ({ name: "Day", startDate: `${d}T00:00:00`, endDate: `${d}T23:59:59` });
    const hs = [await post("holiday-sets", { name: "Ref holidays 1", holidays: [day("2026-01-01")] }), await post("holiday-sets", { name: "Ref holidays 2", holidays: [day("2026-12-25")] })];
    // Every reference target is in use, so no input can delete one and make later valid bodies dangle.
    await post("workflows", {
      name: "Holder 1",
      primaryUri: "sip:holder1@contoso.com",
      businessHoursId: hours[0].id,
      holidaySetIds: hs.map((h) => h.id),
      timeZone: "UTC",
      defaultAction: {
        action: "TransferToQuestion",
        question: {
          prompt: { textToSpeech: "Press 1 or 2" },
          answers: [
            { dtmfResponse: "1", action: { action: "TransferToQueue", queueId: qs[0].id } },
            { dtmfResponse: "2", action: { action: "TransferToQueue", queueId: qs[1].id } },
          ],
        },
      },
    });
    await post("workflows", { name: "Holder 2", primaryUri: "sip:holder2@contoso.com", businessHoursId: hours[1].id, timeZone: "UTC" });
    const audio = async (tone: number) => {
      const r = await fetch(`${svc.url}${P}/audio-files`, {
        method: "POST",
        headers: { authorization: `Bearer ${svc.tokens.operator}`, "content-type": "audio/wav", "x-file-name": `ref-${tone}.wav` },
        body: wav({ tone }),
      });
      if (r.status !== 201) throw new Error(`setup: audio file ${r.status} ${await r.text()}`);
      return ((await r.json()) as { id: string }).id;
    };
    refs = {
      agentGroups: ags.map((a) => a.id),
      queues: qs.map((q) => q.id),
      hours: hours.map((h) => h.id),
      holidaySets: hs.map((h) => h.id),
      audioFiles: [await audio(1), await audio(2)],
    };

    // Objects the update properties rewrite; nothing references them.
    const minimal: Record<KindName, unknown> = {
      "agent-groups": { name: "Target group" },
      queues: { name: "Target queue" },
      "hours-of-business": { name: "Target hours" },
      "holiday-sets": { name: "Target holidays", holidays: [day("2026-05-01")] },
      workflows: { name: "Target workflow", primaryUri: "sip:target@contoso.com" },
    };
    for (const kind of KIND_NAMES) targets[kind] = await post(kind, minimal[kind]);
    settingsEtag = "v1";
    protoBefore = protoKeys();
  });

  beforeEach((ctx) => {
    if (store === "postgres" && !pg) ctx.skip(skipReason);
  });

  afterAll(async () => {
    db?.close();
    if (store === "postgres" && !pg) return;
    const unexpected = svc?.logs.filter((l) => l.level === "error") ?? [];
    await svc?.stop();
    await pg?.drop();
    const total = Object.values(stats).reduce(
      (t, s) => ({ tried: t.tried + s.tried, accepted: t.accepted + s.accepted, refused: t.refused + s.refused, status5xx: t.status5xx + s.status5xx }),
      { tried: 0, accepted: 0, refused: 0, status5xx: 0 },
    );
    await recordResults(store === "sqlite" ? "badInput" : "badInputPostgres", { store, seed, ...total, routes: [...routes].sort(), errorLogEntries: unexpected.length, byClass: stats });
    expect(unexpected, "the app logged unexpected errors").toEqual([]);
    expect(protoKeys()).toEqual(protoBefore);
  });

  describe("valid bodies", () => {
    it.each(KIND_NAMES)("POST %s: every body the schemas accept is created and reads back as sent", async (kind) => {
      await run(validBody(kind, refs), RUNS.valid, async (body) => {
        const payload = JSON.stringify(body);
        const v = oracle(kind, payload, "create");
        expect(v, `the generator made an invalid ${kind}: ${payload}`).toMatchObject({ valid: true });
        const r = await attempt("valid bodies", `POST /v1/pools/{fqdn}/${kind}`, { method: "POST", path: `${P}/${kind}`, token: svc.tokens.operator, payload }, { kind: "accept" });
        expect(r!.status).toBe(201);
        await readsBack(kind, r!, v);
      });
    });

    it.each(KIND_NAMES)("PUT %s/{id}: every body the schemas accept replaces the object", async (kind) => {
      await run(validBody(kind, refs), RUNS.validUpdate, async (body) => {
        const payload = JSON.stringify(body);
        const v = oracle(kind, payload, "update");
        expect(v, `the generator made an invalid ${kind}: ${payload}`).toMatchObject({ valid: true });
        const t = targets[kind];
        const r = await attempt(
          "valid bodies",
          `PUT /v1/pools/{fqdn}/${kind}/{id}`,
          { method: "PUT", path: `${P}/${kind}/${t.id}`, token: svc.tokens.operator, payload, headers: { "if-match": `"${t.etag}"` } },
          { kind: "accept" },
        );
        t.etag = r!.body.etag;
        await readsBack(kind, r!, v);
      });
    });
  });

  describe("mutated bodies", () => {
    it.each(KIND_NAMES)("POST %s: the service answers as the schemas say, never 5xx, and a refusal writes nothing", async (kind) => {
      await run(fc.tuple(validBody(kind, refs), mutation), RUNS.mutated, async ([body, m]) => {
        const payload = JSON.stringify(mutate(body, m));
        if (payload === undefined) return;
        const v = oracle(kind, payload, "create");
        const r = await attempt("mutated bodies", `POST /v1/pools/{fqdn}/${kind}`, { method: "POST", path: `${P}/${kind}`, token: svc.tokens.operator, payload }, expectationOf(v));
        if (r && r.status === 201) await readsBack(kind, r, v);
      });
    });

    it.each(KIND_NAMES)("PUT %s/{id}: the same for whole-object replaces", async (kind) => {
      await run(fc.tuple(validBody(kind, refs), mutation), RUNS.mutatedUpdate, async ([body, m]) => {
        const payload = JSON.stringify(mutate(body, m));
        if (payload === undefined) return;
        const v = oracle(kind, payload, "update");
        const t = targets[kind];
        const r = await attempt(
          "mutated bodies",
          `PUT /v1/pools/{fqdn}/${kind}/{id}`,
          { method: "PUT", path: `${P}/${kind}/${t.id}`, token: svc.tokens.operator, payload, headers: { "if-match": `"${t.etag}"` } },
          expectationOf(v),
        );
        if (r && r.status === 200) {
          t.etag = r.body.etag;
          await readsBack(kind, r, v);
        }
      });
    });

    it("PUT settings: valid and mutated", async () => {
      await run(fc.tuple(validSettings, fc.option(mutation, { freq: 3 })), RUNS.settings, async ([body, m]) => {
        const payload = JSON.stringify(m === null ? body : mutate(body, m));
        if (payload === undefined) return;
        const v = oracle("settings", payload, "update");
        const r = await attempt(
          m === null ? "valid bodies" : "mutated bodies",
          "PUT /v1/pools/{fqdn}/settings",
          { method: "PUT", path: `${P}/settings`, payload, headers: { "if-match": `"${settingsEtag}"` } },
          m === null ? { kind: "accept" } : expectationOf(v),
        );
        if (r && r.status === 200) {
          settingsEtag = r.body.etag;
          if (v.valid) {
            expect({
              agentRingbackGracePeriod: r.body.agentRingbackGracePeriod,
              disableCallContext: r.body.disableCallContext,
              defaultMusicOnHoldFileId: r.body.defaultMusicOnHoldFileId,
            }).toEqual(v.value);
          }
        }
      });
    });
  });

  /** Where a body goes: a create of any kind, a replace of a target, or the settings. */
  const bodyRoute = fc.constantFrom<(KindName | "settings" | `put:${KindName}`)[]>(...KIND_NAMES, "settings", ...KIND_NAMES.map((k) => `put:${k}` as const));

  async function sendBody(cls: string, where: KindName | "settings" | `put:${KindName}`, payload: string | Buffer, contentType?: string | null, forced?: Expectation) {
    if (where === "settings") {
      const v = oracle("settings", payload, "update");
      const r = await attempt(cls, "PUT /v1/pools/{fqdn}/settings", { method: "PUT", path: `${P}/settings`, payload, contentType }, forced ?? expectationOf(v));
      if (r && r.status === 200) settingsEtag = r.body.etag;
      return;
    }
    if (where.startsWith("put:")) {
      const kind = where.slice(4) as KindName;
      const v = oracle(kind, payload, "update");
      const t = targets[kind];
      const r = await attempt(cls, `PUT /v1/pools/{fqdn}/${kind}/{id}`, { method: "PUT", path: `${P}/${kind}/${t.id}`, payload, contentType, headers: { "if-match": "*" } }, forced ?? expectationOf(v));
      if (r && r.status === 200) t.etag = r.body.etag;
      return;
    }
    const kind = where as KindName;
    const v = oracle(kind, payload, "create");
    await attempt(cls, `POST /v1/pools/{fqdn}/${kind}`, { method: "POST", path: `${P}/${kind}`, payload, contentType }, forced ?? expectationOf(v));
  }

  describe("bodies that are not what they claim", () => {
    it("text that is not JSON, or JSON with something around it", async () => {
      const valid = fc.constantFrom(...KIND_NAMES).chain((k) => validBody(k, refs)).map((b) => JSON.stringify(b));
      const payload: fc.Arbitrary<string | Buffer> = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.tuple(valid, fc.nat()).map(([s, n]) => s.slice(0, n % s.length)),
        fc.tuple(valid, fc.constantFrom("}", "]", ",", " x", "{}", "\u0000", "// comment", "\n{\"name\":\"again\"}")).map(([s, tail]) => s + tail),
        fc.constantFrom(
          "{'name': 'single quotes'}",
          '{"name": "trailing comma",}',
          '{"name": NaN}',
          '{"name": Infinity}',
          '{"name": 0x10}',
          '{"name": "x" /* comment */}',
          '{name: "unquoted"}',
          '\ufeff{"name": "BOM"}',
          '{"name": "dup", "name": "dup2"}',
          '{"name": "\\ud800"}',
          '{"name": "\\u0000"}',
          '{"name": "bad escape \\x41"}',
          "{" + '"a":1,'.repeat(50_000) + '"name":"wide"}',
          "[".repeat(10_000) + "]".repeat(10_000),
          '{"a":'.repeat(3_000) + "1" + "}".repeat(3_000),
          "",
          " ",
          "null",
          "\"just a string\"",
        ),
        fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([s, bytes]) => Buffer.concat([Buffer.from(s.slice(0, -1)), Buffer.from(bytes), Buffer.from("}")])),
      );
      await run(fc.tuple(bodyRoute, payload), RUNS.notJson, async ([where, p]) => sendBody("not JSON", where, p));
    });

    it("JSON of the wrong type", async () => {
      const wrong = fc.oneof(fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== "object" || Array.isArray(v)), junk.filter((v) => v === null || typeof v !== "object" || Array.isArray(v)));
      await run(fc.tuple(bodyRoute, wrong), RUNS.wrongType, async ([where, v]) => {
        const payload = JSON.stringify(v);
        if (payload !== undefined) await sendBody("wrong types", where, payload);
      });
    });

    it("valid bodies under other content types", async () => {
      const type = fc.oneof(
        fc.constantFrom(
          null,
          "",
          "text/plain",
          "text/json",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/xml",
          "application/octet-stream",
          "application/jsonx",
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/json; charset=utf-8",
          "application/json;charset=UTF-8",
          "application/json; charset=latin1",
          "application/json; charset=utf-16",
          "Application/JSON",
          "application/json, text/plain",
          "*/*",
          "application/*",
          "application/json; boundary=\"x\"",
        ),
        fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
      );
      await run(fc.tuple(fc.constantFrom(...KIND_NAMES), type), RUNS.contentType, async ([kind, ct]) => {
        const body = fc.sample(validBody(kind, refs), { numRuns: 1, seed: unique() })[0];
        const payload = JSON.stringify(body);
        const jsonish = ct !== null && /^\s*application\/json\s*(;|$)/i.test(ct);
        await sendBody("content types", kind, payload, ct, jsonish ? { kind: "either", codes: ["unsupported_media_type", ...CONFLICTS] } : { kind: "reject", statuses: [400, 415] });
      });
    });

    it("huge and deeply nested values", async () => {
      const big = fc.oneof(
        fc.integer({ min: 65, max: 20_000 }).map((d) => '{"name":"Deep","description":' + '{"a":'.repeat(d) + "1" + "}".repeat(d) + "}"),
        fc.integer({ min: 65, max: 20_000 }).map((d) => '{"name":"Deep","agentsByUri":' + "[".repeat(d) + "]".repeat(d) + "}"),
        fc.integer({ min: 257, max: 300_000 }).map((n) => JSON.stringify({ name: "N".repeat(n) })),
        fc.integer({ min: 4_097, max: 900_000 }).map((n) => JSON.stringify({ name: `Long ${unique()}`, description: "d".repeat(n) })),
        fc.integer({ min: 1_048_577 - 40, max: 3_000_000 }).map((n) => JSON.stringify({ name: `Huge ${unique()}`, description: "h".repeat(n) })),
        fc.integer({ min: 1_001, max: 20_000 }).map((n) => JSON.stringify({ name: `Many ${unique()}`, agentsByUri: Array.from({ length: n }, (_, i) => `sip:a${i}@contoso.com`) })),
        fc.integer({ min: 100, max: 20_000 }).map((n) => JSON.stringify({ name: `Keys ${unique()}`, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) })),
        fc.integer({ min: 1, max: 200 }).map((n) => JSON.stringify({ name: `Nums ${unique()}`, agentAlertTime: Number(`1${"0".repeat(n)}`) })),
        fc.constant(null).map(() => JSON.stringify({ name: `Precise ${unique()}`, agentAlertTime: 20.000000000000001 })),
      );
      await run(fc.tuple(fc.constantFrom<("agent-groups" | "queues" | "put:agent-groups")[]>("agent-groups", "queues", "put:agent-groups"), big), RUNS.hugeDeep, async ([where, payload]) =>
        sendBody("huge and deep", where, payload),
      );
    });
  });

  describe("paths, query strings and headers", () => {
    const segment = (existing: () => string[]) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ODD_SEGMENTS) },
        { weight: 2, arbitrary: fc.constant(null).map(() => existing()).chain((ids) => fc.constantFrom(...ids)).chain((id) => fc.constantFrom(id, id.toUpperCase(), ` ${id}`, `${id}%20`, `${id}/`, `${id}.json`, `${id}?x=1`, `${id}%00`)) },
        { weight: 1, arbitrary: fc.uuid() },
        { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }).map(percentEncode) },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }).filter((s) => !/[#?]/.test(s)) },
        { weight: 1, arbitrary: specialStrings.map(percentEncode) },
      );
    const pool = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(POOL, POOL.toUpperCase(), "pool02.contoso.com", "pool99.contoso.com", `${POOL}.`, `${POOL}%00`) },
      { weight: 2, arbitrary: segment(() => [POOL]) },
    );
    const kind = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KIND_NAMES, "settings", "QUEUES", "queue", "Agent-Groups") }, { weight: 1, arbitrary: segment(() => [...KIND_NAMES]) });
    const minimal = (k: string): unknown => {
      const n = unique();
      if (k === "holiday-sets") return { name: `Odd path ${n}`, holidays: [{ name: "Day", startDate: "2027-01-01T00:00:00", endDate: "2027-01-02T00:00:00" }] };
      if (k === "workflows") return { name: `Odd path ${n}`, primaryUri: `sip:odd-path-${n}@contoso.com` };
      return { name: `Odd path ${n}` };
    };

    it("odd pools, kinds and ids in every route's path", async () => {
      const refIds = () => [...refs.agentGroups, ...refs.queues, ...refs.hours, ...refs.holidaySets];
      const targetIds = () => Object.values(targets).map((t) => t.id);
      const route = fc.constantFrom(
        "GET /v1/pools/{fqdn}/{kind}/{id}",
        "PUT /v1/pools/{fqdn}/{kind}/{id}",
        "DELETE /v1/pools/{fqdn}/{kind}/{id}",
        "GET /v1/pools/{fqdn}/{kind}",
        "POST /v1/pools/{fqdn}/{kind}",
        "GET /v1/pools/{fqdn}/settings",
        "PUT /v1/pools/{fqdn}/settings",
        "PUT /v1/pools/{fqdn}",
      );
      // A PUT may only land on the update targets and a DELETE only on objects in use, so the
      // reference targets of the other properties stay as they are.
      const request = route.chain((r) =>
        fc.record({
          route: fc.constant(r),
          pool,
          kind,
          id: segment(r.startsWith("PUT") ? targetIds : r.startsWith("DELETE") ? refIds : () => [...refIds(), ...targetIds()]),
        }),
      );
      await run(request, RUNS.paths, async ({ route: rt, pool: p, kind: k, id }) => {
        const method = rt.split(" ")[0];
        const path = rt
          .split(" ")[1]
          .replace("{fqdn}", p)
          .replace("{kind}", k)
          .replace("{id}", id);
        const withBody = method === "PUT" || method === "POST";
        const payload = withBody ? JSON.stringify(rt.includes("settings") ? { agentRingbackGracePeriod: 90 } : minimal(k)) : undefined;
        const ifMatch = method === "PUT" && rt.includes("{id}") ? { "if-match": "*" } : undefined;
        const r = await attempt("odd paths", rt, { method, path, payload, headers: ifMatch }, { kind: "either" });
        if (!r) return;
        if (method === "DELETE") expect(r.status, "a reference target in use was deleted").not.toBe(204);
        if (method === "PUT" && r.status === 200 && r.body?.id) {
          const t = Object.values(targets).find((v) => v.id === r.body.id);
          if (t) t.etag = r.body.etag;
        }
        if (method === "PUT" && rt.includes("settings") && r.status === 200 && p.toLowerCase() === POOL) settingsEtag = r.body.etag;
      });
    });

    it("odd query strings on the list routes, /healthz and /v1/openapi.json", async () => {
      const first = await fetch(`${svc.url}${P}/agent-groups?limit=1`, { headers: { authorization: `Bearer ${svc.tokens.reader}` } });
      const cursor = ((await first.json()) as { nextCursor: string }).nextCursor;
      const key = fc.oneof(
        fc.constantFrom("name", "limit", "cursor", "Name", "LIMIT", "name[]", "name[0]", "__proto__", "__proto__[polluted]", "constructor", "constructor[prototype][polluted]", "", "a", "%6E%61%6D%65"),
        fc.string({ maxLength: 10 }).map(percentEncode),
      );
      const value = fc.oneof(
        fc.constantFrom("0", "1", "-1", "1000", "1001", "1e3", "0x10", " 5", "5 ", "٣", "00005", "99999999999999999999", "", "NaN", "null", "true", "[]", "{}"),
        fc.constantFrom(cursor, `${cursor}x`, cursor.slice(0, -1), Buffer.from("s-1").toString("base64url"), Buffer.from("s9999999999999999").toString("base64url"), Buffer.from("s1e3").toString("base64url"), "====", "%%%"),
        fc.string({ unit: "binary", maxLength: 30 }).map(percentEncode),
        specialStrings.map(percentEncode),
        fc.constantFrom("%", "%zz", "%ED%A0%80", "a&b", "a=b", "a+b"),
      );
      const target = fc.constantFrom(...KIND_NAMES.map((k) => `${P}/${k}`), "/v1/pools", "/healthz", "/v1/openapi.json", `${P}/settings`);
      await run(fc.tuple(target, fc.array(fc.tuple(key, value), { maxLength: 4 })), RUNS.query, async ([path, pairs]) => {
        const qs = pairs.map(([k, v]) => `${k}=${v}`).join("&");
        await attempt("query strings", `GET ${path.replace(POOL, "{fqdn}")}?…`, { method: "GET", path: `${path}?${qs}` }, { kind: "either" });
      });
    });

    it("odd Idempotency-Key, If-Match and other headers", async () => {
      const latin1 = fc.string({ unit: fc.integer({ min: 1, max: 255 }).filter((c) => c !== 10 && c !== 13).map((c) => String.fromCharCode(c)), maxLength: 300 });
      const headerValue = fc.oneof(
        latin1,
        fc.constantFrom("", " ", "*", '"v1"', "v1", 'W/"v1"', '"v1", "v2"', '"v99999999999999999999"', '"v-1"', '"v1.5"', "null", '"*"', "*, *", "a".repeat(256), "a".repeat(255), "\t"),
        specialStrings.filter((s) => /^[\u0001-\u00ff]*$/.test(s) && !/[\r\n]/.test(s)),
      );
          // Framing headers (Content-Length, Transfer-Encoding, Expect) are sent raw under "malformed HTTP".
      const which = fc.constantFrom("idempotency-key", "if-match", "if-match on delete", "if-match on settings", "content-encoding", "accept", "accept-charset", "x-forwarded-for", "x-http-method-override");
      await run(fc.tuple(which, headerValue, fc.constantFrom(...KIND_NAMES)), RUNS.headers, async ([h, value, k]) => {
        if (h === "idempotency-key") {
          const payload = JSON.stringify(minimal(k));
          await attempt("headers", `POST /v1/pools/{fqdn}/${k}`, { method: "POST", path: `${P}/${k}`, payload, headers: { "idempotency-key": value } }, { kind: "either", codes: ["validation_failed", "idempotency_key_reused"] });
        } else if (h === "if-match") {
          const t = targets[k];
          const payload = JSON.stringify(minimal(k));
          const r = await attempt("headers", `PUT /v1/pools/{fqdn}/${k}/{id}`, { method: "PUT", path: `${P}/${k}/${t.id}`, payload, headers: { "if-match": value } }, { kind: "either", codes: ["etag_mismatch", "precondition_required"] });
          if (r && r.status === 200) t.etag = r.body.etag;
        } else if (h === "if-match on delete") {
          // Reference targets are in use: whatever the If-Match, nothing is deleted.
          const id = refs.agentGroups[0];
          await attempt("headers", "DELETE /v1/pools/{fqdn}/{kind}/{id}", { method: "DELETE", path: `${P}/agent-groups/${id}`, headers: { "if-match": value } }, { kind: "reject", statuses: [409, 412] });
        } else if (h === "if-match on settings") {
          const r = await attempt("headers", "PUT /v1/pools/{fqdn}/settings", { method: "PUT", path: `${P}/settings`, payload: '{"agentRingbackGracePeriod": 61}', headers: { "if-match": value } }, { kind: "either", codes: ["etag_mismatch"] });
          if (r && r.status === 200) settingsEtag = r.body.etag;
        } else {
          const payload = JSON.stringify(minimal(k));
          await attempt("headers", `POST /v1/pools/{fqdn}/${k}`, { method: "POST", path: `${P}/${k}`, payload, headers: { [h]: value } }, { kind: "either" });
        }
      });
    });

    it("unknown routes and methods", async () => {
      const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
      const path = fc.oneof(
        fc.constantFrom("/", "/v1", "/v1/", "/v2/pools", "/v1/pools/", "//v1/pools", "/v1//pools", "/V1/POOLS", "/healthz/", "/v1/openapi.yaml", `${P}/queues/a/b`, `${P}/settings/x`, "/v1/pools/%2e%2e/%2e%2e/etc/passwd", "/.env", "/admin"),
        fc.array(segment(() => [POOL, ...KIND_NAMES]), { minLength: 1, maxLength: 6 }).map((s) => `/${s.join("/")}`),
      );
      await run(fc.tuple(method, path, fc.boolean()), RUNS.routes, async ([m, p, withBody]) => {
        const payload = withBody && m !== "GET" ? '{"name": "Stray"}' : undefined;
        await attempt("unknown routes", `${m} (unknown)`, { method: m, path: p, payload }, { kind: "either", codes: ["not_found", "validation_failed", "unauthorized"] });
      });
    });
  });

  describe("malformed HTTP", () => {
    /** Writes bytes on a raw socket and reads the whole answer. */
    function raw(bytes: string): Promise<string> {
      const port = Number(new URL(svc.url).port);
      return new Promise((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let data = "";
        socket.setEncoding("latin1").on("data", (d: string) => (data += d));
        socket.on("close", () => resolve(data));
        socket.on("error", () => undefined);
        socket.write(Buffer.from(bytes, "latin1"));
        // Half-close: a server still waiting for more of a request now sees the end of it.
        setTimeout(() => socket.end(), 200);
      });
    }

    it.each([
      ["a request line that is not one", "GARBAGE\r\n\r\n"],
      ["an unknown method", "FOO /v1/pools HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["HTTP/2's preface on HTTP/1.1", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
      ["a control character in a header", "GET /v1/pools HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n"],
      ["a header name with a space", "GET /v1/pools HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"],
      ["headers over 16 KiB", `GET /v1/pools HTTP/1.1\r\nHost: x\r\nX-A: ${"a".repeat(20_000)}\r\n\r\n`],
      ["a URL over 16 KiB", `GET /v1/pools/${"p".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ["Content-Length and Transfer-Encoding together", `POST ${P}/queues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
      ["a chunk size that is not hex", `POST ${P}/queues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`],
      ["two Content-Length headers that differ", `POST ${P}/queues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
      ["a negative Content-Length", `POST ${P}/queues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`],
      ["a path without its slash", "GET v1/pools HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["a NUL in the path", "GET /v1/po\u0000ols HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["line feeds without carriage returns", "GET /v1/pools HTTP/1.1\nHost: x\n\n"],
    ])("answers %s with a 4xx in the error envelope", async (_what, bytes) => {
      const before = await signature();
      const answer = await raw(bytes);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      const s = classStats("malformed HTTP");
      s.tried++;
      s.refused++;
      s.statuses[status] = (s.statuses[status] ?? 0) + 1;
      expect(status, answer.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(status, answer.slice(0, 300)).toBeLessThan(500);
      const head = answer.slice(0, answer.indexOf("\r\n\r\n"));
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { error: { code: keyof typeof ERROR_STATUS; message: string; requestId: string } };
      expect(head).toMatch(/content-type: application\/json/i);
      expect(Object.keys(body)).toEqual(["error"]);
      expect(ERROR_STATUS[body.error.code]).toBe(status);
      expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await signature()).toBe(before);
    });
  });
});
