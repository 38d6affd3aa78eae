/**
 * Auth over HTTP: what each role may do, tokens that never reach a log or an answer, and the
 * admin token file rgs serve generates.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";
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
      writeFileSync(file, "tok-handmade-admin-token\n");
      chmodSync(file, 0o644);
      const svc = await startService({ dataDir, tokens: "generated" });
      expect(svc.tokens.admin).toBe("tok-handmade-admin-token");
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
        env: { ...process.env, RGS_TOKENS: "tok-very-secret-1:admin,tok-very-secret-2:root" },
        encoding: "utf8",
        timeout: 15_000,
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/RGS_TOKENS entry 2 must be <token>:<role> with role one of reader, operator, admin/);
      expect(r.stdout + r.stderr).not.toContain("tok-very-secret");
    } finally {
      removeDir(dataDir);
    }
  });
});
