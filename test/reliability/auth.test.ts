/**
 * Auth, route by route: what test/integration/auth.test.ts and errors.test.ts prove for a few
 * calls, here for every route of the contract, in-process and against `rgs serve`:
 *   - a missing, malformed or unknown token is 401 on every route (before routing: an unknown
 *     pool or path says 401 too), and writes nothing;
 *   - a reader cannot write anywhere (403, nothing written), whatever the body;
 *   - an operator cannot provision pools or change settings (403, nothing written);
 *   - no token, nor a near miss of one, appears in a log line or an answer;
 *   - an address past its failed authentications is answered 429 on every route, whatever
 *     token it sends, and writes nothing (the route-by-route 401 checks turn that limit off);
 *   - the admin token rgs serve generates is owner-only (0600) in an owner-only directory even
 *     under umask 000.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError, type Reply } from "../helpers/http";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";
import { CLI, makeTempDir, removeDir, startInProcessService, startService, type InProcessService, type Tokens } from "../helpers/service";
import { recordResults } from "./support";

const POOL = "pool01.contoso.com";
const P = `/v1/pools/${POOL}`;
const KINDS = ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"] as const;
const counts = { throttled: 0, unauthorized: 0, readerRefused: 0, operatorRefused: 0, routes: 0, tokenVariants: 0, secretsChecked: 0, childRequests: 0, permissionChecks: 0 };
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) removeDir(d);
  await recordResults("auth", { ...counts, cases: counts.unauthorized + counts.readerRefused + counts.operatorRefused + counts.permissionChecks });
});

interface Route {
  method: string;
  path: string;
  /** A body the route would accept from a role allowed to call it. */
  body?: () => unknown;
  needs: "reader" | "operator" | "admin";
}

let serial = 0;
const validBody = (kind: string) => () => {
  const n = ++serial;
  if (kind === "holiday-sets") return { name: `Auth ${n}`, holidays: [{ name: "Day", startDate: "2026-02-01T00:00:00", endDate: "2026-02-02T00:00:00" }] };
  if (kind === "workflows") return { name: `Auth ${n}`, primaryUri: `sip:auth-${n}@contoso.com` };
  return { name: `Auth ${n}` };
};

/** Every route of api.md, with ids of objects that exist so only the token decides. */
function routesFor(ids: Record<string, string>): Route[] {
  const routes: Route[] = [
    { method: "GET", path: "/v1/pools", needs: "reader" },
    { method: "PUT", path: "/v1/pools/pool07.contoso.com", needs: "admin" },
    { method: "GET", path: `${P}/settings`, needs: "reader" },
    { method: "PUT", path: `${P}/settings`, body: () => ({ agentRingbackGracePeriod: 120 }), needs: "admin" },
    { method: "GET", path: "/v1/openapi.json", needs: "reader" },
  ];
  for (const kind of KINDS) {
    routes.push(
      { method: "GET", path: `${P}/${kind}`, needs: "reader" },
      { method: "GET", path: `${P}/${kind}?name=Auth%20target`, needs: "reader" },
      { method: "POST", path: `${P}/${kind}`, body: validBody(kind), needs: "operator" },
      { method: "GET", path: `${P}/${kind}/${ids[kind]}`, needs: "reader" },
      { method: "PUT", path: `${P}/${kind}/${ids[kind]}`, body: validBody(kind), needs: "operator" },
      { method: "DELETE", path: `${P}/${kind}/${ids[kind]}`, needs: "operator" },
    );
  }
  return routes;
}

/** Authorization headers that must not get anyone in, built around the real tokens. */
function badAuthorizations(tokens: Tokens): [string, Record<string, string>][] {
  const t = tokens.admin;
  return [
    ["no Authorization header", {}],
    ["an empty Authorization header", { authorization: "" }],
    ["the scheme alone", { authorization: "Bearer" }],
    ["Basic with the token", { authorization: `Basic ${Buffer.from(`admin:${t}`).toString("base64")}` }],
    ["another scheme", { authorization: `Token ${t}` }],
    ["the token without a scheme", { authorization: t }],
    ["the token and more", { authorization: `Bearer ${t} ${t}` }],
    ["two bearer tokens", { authorization: `Bearer ${tokens.reader}, Bearer ${t}` }],
    ["the token plus a character", { authorization: `Bearer ${t}x` }],
    ["the token less its last character", { authorization: `Bearer ${t.slice(0, -1)}` }],
    ["the token in upper case", { authorization: `Bearer ${t.toUpperCase()}` }],
    ["the token percent-encoded", { authorization: `Bearer ${encodeURIComponent(`${t}/`)}` }],
    ["an unknown token", { authorization: "Bearer tok-nobody-0f1e2d3c4b5a69788796a5b4c3d2e1f0" }],
    ["a 10 000-character token", { authorization: `Bearer ${"k".repeat(10_000)}` }],
    ["the token in a query string only", {}],
  ];
}

function nearMisses(tokens: Tokens): string[] {
  return Object.values(tokens).flatMap((t) => [t, t.slice(0, -1), t.toUpperCase(), Buffer.from(`admin:${t}`).toString("base64")]);
}

function expectNoSecret(where: string, text: string, secrets: string[]) {
  for (const s of secrets) {
    expect(text.includes(s), `${where} contains a token (or a near miss of one)`).toBe(false);
    counts.secretsChecked++;
  }
}

describe("in-process: every route", () => {
  let svc: InProcessService;
  let db: Database.Database;
  let ids: Record<string, string>;
  const replies: Reply[] = [];
  const signature = () =>
    JSON.stringify(
      db
        .prepare(
          `SELECT (SELECT count(*) FROM pools) p, (SELECT count(*) FROM objects) o, (SELECT coalesce(sum(version),0) FROM objects) v,
                  (SELECT count(*) FROM idempotency) k, (SELECT coalesce(sum(version),0) FROM settings) s`,
        )
        .get(),
    );

  beforeAll(async () => {
    // Hundreds of 401s from one address on purpose; the limit on them has its own test below.
    svc = await startInProcessService({ authFailureLimit: "off" });
    ids = {};
    for (const kind of KINDS) {
      const r = await call(svc.url, "POST", `${P}/${kind}`, { token: svc.tokens.operator, body: validBody(kind)() });
      expect(r.status, r.text).toBe(201);
      ids[kind] = r.body.id;
    }
    db = new Database(join(svc.dataDir, "rgs.db"), { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await svc?.stop();
  });

  it("refuses a missing, malformed or unknown token with 401 on every route, and on unknown ones", async () => {
    const routes = [
      ...routesFor(ids),
      { method: "GET", path: "/v1/pools/pool99.contoso.com/queues", needs: "reader" as const },
      { method: "GET", path: "/v1/nothing-here", needs: "reader" as const },
      { method: "DELETE", path: `${P}/queues/not-an-id`, needs: "operator" as const },
    ];
    const before = signature();
    const variants = badAuthorizations(svc.tokens);
    for (const route of routes) {
      for (const [what, headers] of variants) {
        const path = what.includes("query string") ? `${route.path}${route.path.includes("?") ? "&" : "?"}access_token=${svc.tokens.admin}` : route.path;
        const r = await call(svc.url, route.method, path, { headers, body: route.body?.() });
        replies.push(r);
        const e = expectError(r, 401, "unauthorized");
        expect(e.message, `${route.method} ${route.path} with ${what}`).toMatch(/Bearer|token/);
        counts.unauthorized++;
      }
    }
    counts.routes = routes.length;
    counts.tokenVariants = variants.length;
    expect(signature()).toBe(before);
  });

  it("lets a reader read every route and write none, whatever the body", async () => {
    const before = signature();
    for (const route of routesFor(ids)) {
      if (route.needs === "reader") {
        const r = await call(svc.url, route.method, route.path, { token: svc.tokens.reader });
        expect(r.status, `${route.method} ${route.path}: ${r.text}`).toBe(200);
        continue;
      }
      for (const body of [route.body?.(), { name: "" }, [], "text"]) {
        const r = await call(svc.url, route.method, route.path, { token: svc.tokens.reader, body, headers: { "if-match": "*" } });
        replies.push(r);
        expectError(r, 403, "forbidden");
        counts.readerRefused++;
      }
      // Malformed JSON is refused before the route runs; a reader still writes nothing.
      const broken = await call(svc.url, route.method, route.path, { token: svc.tokens.reader, rawBody: "{", contentType: "application/json" });
      expect(broken.status, broken.text).toBeGreaterThanOrEqual(400);
      expect(broken.status).toBeLessThan(500);
      replies.push(broken);
      counts.readerRefused++;
    }
    expect(signature()).toBe(before);
  });

  it("lets an operator write objects but not provision pools or change settings", async () => {
    const before = signature();
    const adminOnly = routesFor(ids).filter((r) => r.needs === "admin");
    expect(adminOnly.map((r) => `${r.method} ${r.path}`)).toEqual(["PUT /v1/pools/pool07.contoso.com", `PUT ${P}/settings`]);
    for (const route of adminOnly) {
      for (const headers of [{}, { "if-match": "*" }, { "if-match": '"v1"' }] as Record<string, string>[]) {
        const r = await call(svc.url, route.method, route.path, { token: svc.tokens.operator, body: route.body?.(), headers });
        replies.push(r);
        expectError(r, 403, "forbidden");
        counts.operatorRefused++;
      }
    }
    // A pool that does not exist is still 403, not 201 and not 404.
    for (const fqdn of ["pool08.contoso.com", "POOL01.CONTOSO.COM", "not_a_pool"]) {
      const r = await call(svc.url, "PUT", `/v1/pools/${fqdn}`, { token: svc.tokens.operator });
      expectError(r, 403, "forbidden");
      counts.operatorRefused++;
    }
    expect(signature()).toBe(before);
    const pools = await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.operator });
    expect(pools.body.items.map((p: { fqdn: string }) => p.fqdn)).toEqual([POOL]);
    const settings = await call(svc.url, "GET", `${P}/settings`, { token: svc.tokens.operator });
    expect(settings.body).toMatchObject({ agentRingbackGracePeriod: 60, etag: "v1" });
  });

  it("has no token in any log line or error body", () => {
    expect(replies.length).toBeGreaterThan(300);
    expect(svc.logs.length).toBeGreaterThanOrEqual(replies.length);
    const secrets = nearMisses(svc.tokens);
    expectNoSecret("the app's log", JSON.stringify(svc.logs), secrets);
    for (const r of replies.filter((r) => r.status >= 400)) expectNoSecret("an error body", r.text, secrets);
  });
});

describe("in-process: an address past its failed authentications", () => {
  it("is answered 429 with Retry-After on every route, whatever token it sends, and writes nothing", async () => {
    const svc = await startInProcessService();
    const db = new Database(join(svc.dataDir, "rgs.db"), { readonly: true });
    try {
      const ids: Record<string, string> = {};
      for (const kind of KINDS) {
        const r = await call(svc.url, "POST", `${P}/${kind}`, { token: svc.tokens.operator, body: validBody(kind)() });
        ids[kind] = r.body.id;
      }
      const objects = () => JSON.stringify(db.prepare("SELECT id, version FROM objects ORDER BY id").all());
      const before = objects();
      const guesser = "203.0.113.66";
      const inject = (route: Route, authorization: string | undefined) =>
        svc.app.fastify.inject({
          method: route.method as "GET",
          url: route.path,
          remoteAddress: guesser,
          headers: { ...(authorization === undefined ? {} : { authorization }), ...(route.body ? { "content-type": "application/json" } : {}) },
          payload: route.body ? JSON.stringify(route.body()) : undefined,
        });
      const routes = routesFor(ids);
      let failures = 0;
      for (const [, headers] of badAuthorizations(svc.tokens)) {
        if (failures === 20) break;
        const r = await inject(routes[failures % routes.length], headers.authorization);
        expect(r.statusCode, r.body).toBe(401);
        failures++;
      }
      while (failures < 20) {
        expect((await inject(routes[0], `Bearer tok-guess-${failures}-0123456789abcdefghijklmnop`)).statusCode).toBe(401);
        failures++;
      }
      for (const route of routes) {
        for (const token of [svc.tokens.admin, svc.tokens.operator, svc.tokens.reader, "tok-guess-next-0123456789abcdefghijklmnop"]) {
          const r = await inject(route, `Bearer ${token}`);
          expect({ status: r.statusCode, code: JSON.parse(r.body).error?.code }, `${route.method} ${route.path}`).toEqual({ status: 429, code: "rate_limited" });
          expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
          expectNoSecret("a 429 body", r.body, [token]);
          counts.throttled++;
        }
      }
      expect(objects()).toBe(before);
      const other = await svc.app.fastify.inject({ method: "GET", url: "/v1/pools", remoteAddress: "203.0.113.67", headers: { authorization: `Bearer ${svc.tokens.reader}` } });
      expect(other.statusCode).toBe(200);
    } finally {
      db.close();
      await svc.stop();
    }
  });
});

describe.each(["sqlite", "postgres"] as const)("rgs serve on %s", (store) => {
  let db: TestDatabase | undefined;
  let skip: string | undefined;
  beforeAll(async () => {
    if (store !== "postgres") return;
    ({ db, skipReason: skip } = await testDatabaseOrSkip());
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("answers 401 and 403 the same way, and prints no token on stdout or stderr", async (ctx) => {
    if (store === "postgres" && !db) return ctx.skip(skip);
    const svc = await startService({ env: { RGS_AUTH_FAILURE_LIMIT: "off" }, database: db?.url });
    try {
      const ids: Record<string, string> = {};
      for (const kind of KINDS) {
        const r = await call(svc.url, "POST", `${P}/${kind}`, { token: svc.tokens.operator, body: validBody(kind)() });
        ids[kind] = r.body.id;
      }
      const texts: string[] = [];
      for (const route of routesFor(ids)) {
        for (const [, headers] of badAuthorizations(svc.tokens)) {
          const r = await call(svc.url, route.method, route.path, { headers, body: route.body?.() });
          expectError(r, 401, "unauthorized");
          texts.push(r.text);
          counts.childRequests++;
        }
        if (route.needs !== "reader") {
          const r = await call(svc.url, route.method, route.path, { token: svc.tokens.reader, body: route.body?.() });
          expectError(r, 403, "forbidden");
          texts.push(r.text);
          counts.childRequests++;
        }
      }
      await svc.stop();
      expect(svc.output.stdout).toMatch(/"status":401/);
      const secrets = nearMisses(svc.tokens);
      expectNoSecret("rgs serve's stdout and stderr", svc.output.stdout + svc.output.stderr, secrets);
      for (const t of texts) expectNoSecret("an error body", t, secrets);
    } finally {
      await svc.stop();
    }
  });

});

// The token file and data directory are the same whatever the store.
describe("rgs serve's data directory", () => {
  it("generates its admin token owner-only, in an owner-only directory, even under umask 000", async () => {
    const parent = makeTempDir("rgs-umask-");
    dirs.push(parent);
    const dataDir = join(parent, "data");
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.RGS_TOKENS;
    const child = spawn("/bin/sh", ["-c", 'umask 000; exec "$0" "$@"', process.execPath, CLI, "serve", "--port", "0", "--data", dataDir], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const exited = new Promise<void>((res) => child.once("exit", () => res()));
    try {
      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`rgs serve did not start: ${out}`)), 15_000);
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          if (out.includes('"msg":"listening"')) {
            clearTimeout(timer);
            res();
          }
        });
        child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.once("exit", () => rej(new Error(`rgs serve exited: ${out}`)));
      });
      expect(statSync(join(dataDir, "admin-token")).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      counts.permissionChecks += 2;
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    expect(out).toMatch(/"msg":"generated an admin token"/);
    expectNoSecret("rgs serve's output", out, [token]);
  });
});
