/**
 * Auth over HTTP: what each role may do, tokens that never reach a log or an answer, failed
 * authentication throttled per client address, and the admin token file rgs serve generates.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError, expectRetryAfter, type Reply } from "../helpers/http";
import { CLI, makeTempDir, removeDir, startInProcessService, startService, type InProcessService } from "../helpers/service";

const P = "/v1/pools/pool01.contoso.com";

describe("roles", () => {
  let svc: InProcessService;
  beforeAll(async () => {
    svc = await startInProcessService();
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it.each([
    ["reader", "GET", `${P}/queues`, undefined, 200],
    ["reader", "GET", `${P}/settings`, undefined, 200],
    ["reader", "GET", "/v1/pools", undefined, 200],
    ["reader", "POST", `${P}/queues`, { name: "By reader" }, 403],
    ["operator", "POST", `${P}/queues`, { name: "By operator" }, 201],
    ["operator", "PUT", `${P}/settings`, { agentRingbackGracePeriod: 45 }, 403],
    ["operator", "PUT", "/v1/pools/pool03.contoso.com", undefined, 403],
    ["admin", "POST", `${P}/queues`, { name: "By admin" }, 201],
    ["admin", "PUT", `${P}/settings`, { agentRingbackGracePeriod: 45 }, 200],
    ["admin", "PUT", "/v1/pools/pool03.contoso.com", undefined, 201],
    ["admin", "PUT", "/v1/pools/POOL03.contoso.com", undefined, 200],
  ] as const)("%s %s %s → %i", async (role, method, path, body, status) => {
    const r = await call(svc.url, method, path, { token: svc.tokens[role], body });
    expect(r.status, r.text).toBe(status);
    if (status === 403) expectError(r, 403, "forbidden");
  });

  it("never logs or answers with a token", async () => {
    const unknown = "tok-unknown-5f4dcc3b5aa765d61d8327deb882cf99";
    const requests = [
      call(svc.url, "GET", "/v1/pools", { token: svc.tokens.admin }),
      call(svc.url, "POST", `${P}/agent-groups`, { token: svc.tokens.operator, body: { name: "Logged" } }),
      call(svc.url, "POST", `${P}/agent-groups`, { token: svc.tokens.reader, body: { name: "Refused" } }),
      call(svc.url, "GET", "/v1/pools", { token: unknown }),
      call(svc.url, "GET", `/v1/pools?token=${svc.tokens.admin}`, { token: svc.tokens.admin }),
      call(svc.url, "GET", "/v1/pools", { headers: { authorization: `Basic ${svc.tokens.admin}` } }),
      call(svc.url, "POST", `${P}/queues`, { token: svc.tokens.operator, rawBody: `{"name": "${svc.tokens.operator}`, contentType: "application/json" }),
    ];
    const replies = await Promise.all(requests);
    expect(replies.map((r) => r.status)).toEqual([200, 201, 403, 401, 200, 401, 400]);
    const logged = JSON.stringify(svc.logs);
    expect(svc.logs.length).toBeGreaterThanOrEqual(requests.length);
    const secrets = [svc.tokens.admin, svc.tokens.operator, svc.tokens.reader, unknown];
    for (const secret of secrets) {
      expect(logged).not.toContain(secret);
      for (const r of replies.filter((r) => r.status >= 400)) expect(r.text).not.toContain(secret);
    }
    // The request log still says who asked for what, by request id.
    expect(svc.logs).toContainEqual(expect.objectContaining({ msg: "request", method: "GET", path: "/v1/pools", status: 401 }));
  });
});

describe("failed authentication, per client address", () => {
  let svc: InProcessService;
  beforeAll(async () => {
    svc = await startInProcessService();
  });
  afterAll(async () => {
    await svc?.stop();
  });

  /** A request from `address`, as the socket would give it. */
  async function from(address: string, path: string, token?: string): Promise<Reply> {
    const r = await svc.app.fastify.inject({ method: "GET", url: path, remoteAddress: address, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    const headers = new Headers(Object.entries(r.headers).map(([k, v]) => [k, String(v)] as [string, string]));
    return { status: r.statusCode, headers, text: r.body, body: r.body ? JSON.parse(r.body) : undefined };
  }

  it("answers 429 with Retry-After after 20 failures, whatever token comes next, and no one else", async () => {
    const guesser = "198.51.100.7";
    for (let i = 0; i < 20; i++) {
      const r = await from(guesser, "/v1/pools", i % 2 === 0 ? `tok-guess-${i}-0123456789abcdefghijklmnop` : undefined);
      expectError(r, 401, "unauthorized");
    }
    for (const token of ["tok-guess-21-0123456789abcdefghijklmnop", svc.tokens.admin, svc.tokens.reader]) {
      const r = await from(guesser, "/v1/pools", token);
      const e = expectError(r, 429, "rate_limited");
      expect(e.message).toMatch(/too many failed authentications from this address; retry in \d+ s/);
      const wait = expectRetryAfter(r);
      expect(wait).toBeGreaterThan(50);
      expect(wait).toBeLessThanOrEqual(60);
    }
    // Another address, with a good token or a bad one, is answered as ever.
    expect((await from("198.51.100.8", "/v1/pools", svc.tokens.reader)).status).toBe(200);
    expectError(await from("198.51.100.8", "/v1/pools", "tok-wrong-0123456789abcdefghijklmnopq"), 401, "unauthorized");
    // What needs no token still answers the throttled address.
    expect((await from(guesser, "/healthz")).status).toBe(200);
  });

  it("counts failures, not requests: known tokens between the failures neither count nor reset them", async () => {
    const address = "198.51.100.9";
    for (let i = 0; i < 19; i++) {
      expectError(await from(address, "/v1/pools", `tok-guess-${i}-0123456789abcdefghijklmnop`), 401, "unauthorized");
      expect((await from(address, "/v1/pools", svc.tokens.reader)).status).toBe(200);
    }
    expectError(await from(address, "/v1/pools", "tok-guess-19-0123456789abcdefghijklmnop"), 401, "unauthorized");
    expectError(await from(address, "/v1/pools", svc.tokens.reader), 429, "rate_limited");
  });

  it("counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address", async () => {
    for (let i = 0; i < 20; i++) expectError(await from(`2001:db8:0:7::${(i + 1).toString(16)}`, "/v1/pools", `tok-guess-${i}-0123456789abcdefghijklmnop`), 401, "unauthorized");
    expectError(await from("2001:db8:0:7:ffff:ffff:ffff:ffff", "/v1/pools", svc.tokens.reader), 429, "rate_limited");
    expect((await from("2001:db8:0:8::1", "/v1/pools", svc.tokens.reader)).status).toBe(200);

    for (let i = 0; i < 20; i++) expectError(await from("::ffff:192.0.2.44", "/v1/pools", `tok-guess-${i}-0123456789abcdefghijklmnop`), 401, "unauthorized");
    expectError(await from("192.0.2.44", "/v1/pools", svc.tokens.reader), 429, "rate_limited");
  });
});

describe("RGS_AUTH_FAILURE_LIMIT", () => {
  it("sets the failures and the window, after which the address is let in again", async () => {
    const svc = await startService({ env: { RGS_AUTH_FAILURE_LIMIT: "3/2" } });
    try {
      for (let i = 0; i < 3; i++) expectError(await call(svc.url, "GET", "/v1/pools", { token: `tok-guess-${i}-0123456789abcdefghijklmnop` }), 401, "unauthorized");
      const refused = await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.reader });
      expectError(refused, 429, "rate_limited");
      const wait = expectRetryAfter(refused);
      expect(wait).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, wait * 1000 + 100));
      expect((await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.reader })).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  it("is off with \"off\", for a service every client reaches through one proxy", async () => {
    const svc = await startService({ env: { RGS_AUTH_FAILURE_LIMIT: "off" } });
    try {
      for (let i = 0; i < 30; i++) expectError(await call(svc.url, "GET", "/v1/pools", { token: `tok-guess-${i}-0123456789abcdefghijklmnop` }), 401, "unauthorized");
      expect((await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.reader })).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});

describe("the per-token rate limit", () => {
  it("keeps its buckets by token digest: one token's burst spent leaves another's whole", async () => {
    const svc = await startService({ rateLimit: "1/2" });
    try {
      const statuses = async (token: string) => {
        const out: number[] = [];
        for (let i = 0; i < 3; i++) out.push((await call(svc.url, "GET", "/v1/pools", { token })).status);
        return out;
      };
      expect(await statuses(svc.tokens.reader)).toEqual([200, 200, 429]);
      expect(await statuses(svc.tokens.operator)).toEqual([200, 200, 429]);
    } finally {
      await svc.stop();
    }
  });
});

describe("rgs serve and its tokens", () => {
  it("generates an admin token file readable by its owner only, and never prints the token", async () => {
    const dataDir = makeTempDir();
    try {
      const svc = await startService({ dataDir, tokens: "generated" });
      const file = join(dataDir, "admin-token");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(svc.tokens.admin).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.admin })).status).toBe(200);
      expectError(await call(svc.url, "GET", "/v1/pools", { token: `${svc.tokens.admin}x` }), 401, "unauthorized");
      await svc.stop();
      expect(svc.output.stdout).toMatch(/"msg":"generated an admin token"/);
      expect(svc.output.stdout + svc.output.stderr).not.toContain(svc.tokens.admin);
    } finally {
      removeDir(dataDir);
    }
  });

  it("makes an existing admin token file private again", async () => {
    const dataDir = makeTempDir();
    try {
      const file = join(dataDir, "admin-token");
      writeFileSync(file, "tok-handmade-admin-token-0123456789abcdef\n");
      chmodSync(file, 0o644);
      const svc = await startService({ dataDir, tokens: "generated" });
      expect(svc.tokens.admin).toBe("tok-handmade-admin-token-0123456789abcdef");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await svc.stop();
    } finally {
      removeDir(dataDir);
    }
  });

  it("does not print the tokens of RGS_TOKENS", async () => {
    const svc = await startService();
    await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.reader });
    await call(svc.url, "POST", `${P}/queues`, { token: svc.tokens.reader, body: { name: "x" } });
    await call(svc.url, "GET", "/v1/pools", { token: `${svc.tokens.admin}-wrong` });
    await svc.stop();
    const printed = svc.output.stdout + svc.output.stderr;
    expect(printed).toMatch(/"msg":"request"/);
    for (const token of Object.values(svc.tokens)) expect(printed).not.toContain(token);
  });

  it("refuses a bad RGS_TOKENS at start without printing the token", () => {
    const dataDir = makeTempDir();
    try {
      const r = spawnSync(process.execPath, [CLI, "serve", "--port", "0", "--data", dataDir], {
        env: { ...process.env, RGS_TOKENS: "tok-very-secret-1-0123456789abcdefghij:admin,tok-very-secret-2-0123456789abcdefghij:root" },
        encoding: "utf8",
        timeout: 15_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/RGS_TOKENS entry 2 must be <token>:<role> with role one of reader, operator, admin/);
      expect(r.stdout + r.stderr).not.toContain("tok-very-secret");
    } finally {
      removeDir(dataDir);
    }
  });
});
