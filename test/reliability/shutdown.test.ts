/**
 * Graceful shutdown of `rgs serve`: SIGTERM while writes are under way, several times on one data
 * directory. Requests whose headers the service had read when the signal came (held open with
 * Expect: 100-continue, so that is known, not guessed) finish with 2xx; a request begun after the
 * service logged "stopping" is refused, with 503 unavailable on a connection it still holds or
 * with a refused connection once its listener is closed (both are counted); the process exits 0;
 * after a restart every acknowledged write is there, nothing answered 503 was written, and a
 * write whose answer was lost is whole or absent.
 *
 * Also: a service whose log reader goes away (EPIPE on stdout) keeps serving.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { call, expectError, expectRetryAfter, type Reply } from "../helpers/http";
import { CLI, makeTempDir, randomTokens, removeDir, startService, stopAllServices, tokenSpec, type RunningService } from "../helpers/service";
import { inspectDatabase, recordResults, rng, seedFrom, send, userFields } from "./support";

const ROUNDS = 5;
const WORKERS = 4;
const HELD = 3;
const P = "/v1/pools/pool01.contoso.com";
const dirs: string[] = [];

afterAll(async () => {
  await stopAllServices();
  for (const d of dirs) removeDir(d);
});

/** A raw HTTP/1.1 connection: requests written by hand, answers read as they come. */
class RawConnection {
  readonly socket: Socket;
  data = "";
  error: string | undefined;
  readonly closed: Promise<void>;
  readonly connected: Promise<boolean>;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.setEncoding("utf8").on("data", (d: string) => (this.data += d));
    this.socket.on("error", (e: NodeJS.ErrnoException) => (this.error = e.code ?? e.message));
    this.closed = new Promise((res) => this.socket.once("close", () => res()));
    this.connected = new Promise((res) => {
      this.socket.once("connect", () => res(true));
      this.socket.once("error", () => res(false));
    });
  }

  write(text: string): Promise<void> {
    return new Promise((res, rej) => this.socket.write(text, (e) => (e ? rej(e) : res())));
  }

  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.data)) {
      if (Date.now() > deadline || this.socket.destroyed) throw new Error(`no ${pattern} in ${JSON.stringify(this.data)} (${this.error ?? "open"})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The last response on the connection, once the server closed it. */
  async lastReply(): Promise<Reply | undefined> {
    await this.closed;
    const at = this.data.lastIndexOf("HTTP/1.1 ");
    if (at < 0 || this.data.slice(at).startsWith("HTTP/1.1 100")) return undefined;
    const text = this.data.slice(at);
    const split = text.indexOf("\r\n\r\n");
    const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
    const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]));
    const bodyText = text.slice(split + 4);
    return { status: Number(statusLine.split(" ")[1]), headers, text: bodyText, body: bodyText ? JSON.parse(bodyText) : undefined };
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("SIGTERM during a write load", () => {
  it(`finishes what it started, refuses what came later and loses nothing, ${ROUNDS} times`, async () => {
    const random = rng(seedFrom("shutdown"));
    const dataDir = makeTempDir("rgs-shutdown-");
    dirs.push(dataDir);
    const tokens = randomTokens();
    const acked = new Map<string, Record<string, unknown>>();
    const refusedNames: string[] = [];
    const unknown: { name: string; body: Record<string, unknown>; key: string }[] = [];
    const n = {
      rounds: 0,
      acknowledged: 0,
      heldInFlight: 0,
      heldFinished2xx: 0,
      sentBeforeAnsweredAfterSigterm2xx: 0,
      sentBeforeAnsweredAfterSigterm503: 0,
      loadRefused503: 0,
      loadConnectionErrors: 0,
      lateRequests: 0,
      late503: 0,
      lateConnectionRefused: 0,
      lateConnectionClosed: 0,
      unansweredFoundWhole: 0,
      unansweredAbsent: 0,
      cleanExits: 0,
    };
    let serial = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const svc: RunningService = await startService({ dataDir, tokens, pools: round === 0 ? ["pool01.contoso.com"] : [] });
      const port = Number(new URL(svc.url).port);
      let sigtermAt = Infinity;
      let stopped = false;
      const body = () => ({ name: `Shutdown ${round}-${serial++}`, agentAlertTime: 10 + Math.floor(random() * 590), agentsByUri: [`sip:s${serial}@contoso.com`] });

      const worker = async () => {
        while (!stopped) {
          const b = body();
          const key = randomUUID();
          const sentAt = performance.now();
          const out = await send(svc.url, "POST", `${P}/agent-groups`, { token: tokens.operator, body: b, headers: { "idempotency-key": key } });
          const answeredAt = performance.now();
          const straddled = sentAt < sigtermAt && answeredAt > sigtermAt;
          if (!out.ok) {
            n.loadConnectionErrors++;
            unknown.push({ name: b.name, body: b, key });
            // Refused or closed: the listener is going away, and so is this worker.
            return;
          }
          if (out.reply.status === 201) {
            acked.set(out.reply.body.id, out.reply.body);
            n.acknowledged++;
            if (straddled) n.sentBeforeAnsweredAfterSigterm2xx++;
          } else {
            const e = expectError(out.reply, 503, "unavailable");
            expect(e.message).toMatch(/shutting down/);
            expectRetryAfter(out.reply);
            refusedNames.push(b.name);
            n.loadRefused503++;
            if (straddled) n.sentBeforeAnsweredAfterSigterm503++;
          }
        }
      };

      // Requests the service has started on: their headers are read, and Node answered 100 Continue.
      const held = await Promise.all(
        Array.from({ length: HELD }, async () => {
          const c = new RawConnection(port);
          const b = JSON.stringify(body());
          await c.write(
            `POST ${P}/agent-groups HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.operator}\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(b)}\r\nExpect: 100-continue\r\n\r\n`,
          );
          await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
          return { c, b };
        }),
      );
      n.heldInFlight += held.length;

      const load = Promise.all(Array.from({ length: WORKERS }, worker));
      await new Promise((r) => setTimeout(r, 30 + Math.floor(random() * 300)));
      sigtermAt = performance.now();
      process.kill(svc.pid, "SIGTERM");
      await until(() => svc.output.stdout.includes('"msg":"stopping"'), "the service to log stopping");

      // Begun after "stopping": on a new connection, and by the load's own pooled connections.
      const late503Before = n.late503;
      for (let i = 0; i < 3; i++) {
        const c = new RawConnection(port);
        n.lateRequests++;
        if (!(await c.connected)) {
          expect(c.error).toBe("ECONNREFUSED");
          n.lateConnectionRefused++;
          continue;
        }
        await c.write(`GET /v1/pools HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.reader}\r\n\r\n`).catch(() => undefined);
        const r = await c.lastReply();
        if (r === undefined) {
          n.lateConnectionClosed++;
        } else {
          expectError(r, 503, "unavailable");
          n.late503++;
        }
      }

      // The held requests finish, though the service is stopping.
      for (const { c, b } of held) await c.write(b);
      for (const { c } of held) {
        const r = await c.lastReply();
        expect(r?.status, c.data).toBe(201);
        expect(r!.headers.get("connection")).toBe("close");
        acked.set(r!.body.id, r!.body);
        n.heldFinished2xx++;
        n.acknowledged++;
      }

      stopped = true;
      await load;
      expect(await svc.exit).toEqual({ code: 0, signal: null });
      expect(svc.output.stdout).toMatch(/"msg":"stopped"/);
      // The service's own record agrees with what the client saw: every late request it read
      // (the only GETs of /v1/pools) it answered 503, and each of those answers reached the client.
      const loggedAfterStopping = svc.output.stdout
        .slice(svc.output.stdout.indexOf('"msg":"stopping"'))
        .split("\n")
        .filter((l) => l.includes('"msg":"request"'))
        .map((l) => JSON.parse(l) as { method: string; path: string; status: number });
      const lateLogged = loggedAfterStopping.filter((e) => e.method === "GET" && e.path === "/v1/pools").map((e) => e.status);
      expect(lateLogged, "late requests in the service's log").toEqual(Array(n.late503 - late503Before).fill(503));
      // And the held requests, answered after "stopping", are in it as created.
      const heldLogged = loggedAfterStopping.filter((e) => e.method === "POST" && e.status === 201).length;
      expect(heldLogged, "201s logged after stopping").toBeGreaterThanOrEqual(HELD);
      n.cleanExits++;
      await svc.stop();
      expect(inspectDatabase(dataDir)).toMatchObject({ integrity: "ok", foreignKeyViolations: 0, orphanIdempotency: [] });
      n.rounds++;
    }

    // Everything acknowledged is there as it was answered; nothing refused with 503 was written.
    const svc = await startService({ dataDir, tokens, pools: [] });
    const listed = await call(svc.url, "GET", `${P}/agent-groups?limit=1000`, { token: tokens.reader });
    const byId = new Map<string, Record<string, any>>(listed.body.items.map((o: { id: string }) => [o.id, o]));
    for (const [id, view] of acked) expect(byId.get(id), `acknowledged ${id}`).toEqual(view);
    const names = new Map([...byId.values()].map((o) => [o.name as string, o]));
    for (const name of refusedNames) expect(names.has(name), `'${name}' was answered 503 but written`).toBe(false);
    for (const u of unknown) {
      const found = names.get(u.name);
      if (found) {
        expect(userFields(found)).toMatchObject(u.body);
        n.unansweredFoundWhole++;
      } else {
        n.unansweredAbsent++;
      }
      const retry = await call(svc.url, "POST", `${P}/agent-groups`, { token: tokens.operator, body: u.body, headers: { "idempotency-key": u.key } });
      expect(retry.status).toBe(201);
      if (found) expect(retry.body.id).toBe(found.id);
    }
    expect(byId.size).toBe(acked.size + n.unansweredFoundWhole);
    await svc.stop();

    await recordResults("shutdown", { ...n, objectsVerified: acked.size, refusedAndAbsent: refusedNames.length });
  }, 120_000);
});

describe("a log reader that goes away", () => {
  it("does not take the service down: it keeps answering and still stops cleanly", async () => {
    const dataDir = makeTempDir("rgs-epipe-");
    dirs.push(dataDir);
    const tokens = randomTokens();
    const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", dataDir, "--pool", "pool01.contoso.com"], {
      env: { ...process.env, RGS_TOKENS: tokenSpec(tokens) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exit = new Promise<{ code: number | null; signal: string | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    try {
      const url = await new Promise<string>((res, rej) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
          if (m) res(m[1]);
        });
        child.once("exit", () => rej(new Error(`rgs serve exited: ${stderr}`)));
      });
      // The reader of the service's stdout goes away, as a log shipper that dies would.
      child.stdout.destroy();
      for (let i = 0; i < 20; i++) {
        const r = await send(url, "POST", `${P}/queues`, { token: tokens.operator, body: { name: `After EPIPE ${i}` } });
        expect(r.ok && r.reply.status, `request ${i} after the log reader left: ${r.ok ? r.reply.text : r.error}; ${stderr}`).toBe(201);
      }
      const listed = await call(url, "GET", `${P}/queues`, { token: tokens.reader });
      expect(listed.body.items).toHaveLength(20);
      child.kill("SIGTERM");
      expect(await exit).toEqual({ code: 0, signal: null });
    } finally {
      child.kill("SIGKILL");
      await exit;
    }
  });
});
