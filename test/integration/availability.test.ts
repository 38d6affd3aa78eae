/**
 * 503 unavailable: while the service drains, and when its store is gone. In-process, because the
 * test needs the app's drain() and its store; the HTTP is still real, on 127.0.0.1.
 */
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../backend/app";
import { parseTokens } from "../../backend/auth";
import { SqliteStore } from "../../backend/store/sqlite";
import type { Store } from "../../backend/store/store";
import { call, expectError, expectRetryAfter, type Reply } from "../helpers/http";
import { makeTempDir, randomTokens, removeDir, startInProcessService, stopAllServices, tokenSpec } from "../helpers/service";

afterEach(async () => {
  await stopAllServices();
});

/** Sends a request on a raw socket in two parts, so it can start before an event and end after it. */
class SplitRequest {
  private readonly socket: Socket;
  private data = "";
  private readonly ended: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.setEncoding("utf8").on("data", (d: string) => (this.data += d));
    this.ended = new Promise((res) => this.socket.on("close", () => res()));
  }

  async write(text: string): Promise<void> {
    await new Promise<void>((res, rej) => this.socket.write(text, (e) => (e ? rej(e) : res())));
  }

  /** The reply, once the server has answered and closed the connection. */
  async reply(): Promise<Reply> {
    await this.ended;
    const [head, body] = this.data.split("\r\n\r\n");
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]));
    return { status: Number(statusLine.split(" ")[1]), headers, text: body, body: JSON.parse(body) };
  }
}

describe("503 unavailable", () => {
  it("while draining: new requests are refused with Retry-After, the one in flight finishes", async () => {
    const dir = makeTempDir();
    const tokens = randomTokens();
    const sqlite = new SqliteStore({ file: join(dir, "rgs.db") });
    // Holds the first write until the test lets it go, so it is in flight while the service drains.
    let entered!: () => void;
    const inFlight = new Promise<void>((res) => (entered = res));
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    let holdNext = false;
    const store: Store = {
      transaction: async (fn) => {
        if (holdNext) {
          holdNext = false;
          entered();
          await gate;
        }
        return sqlite.transaction(fn);
      },
      ping: () => sqlite.ping(),
      close: () => sqlite.close(),
    };
    const app = buildApp({ store, tokens: parseTokens(tokenSpec(tokens)), log: () => undefined });
    try {
      await app.service.putPool("pool01.contoso.com");
      await app.fastify.listen({ host: "127.0.0.1", port: 0 });
      const port = (app.fastify.server.address() as { port: number }).port;
      const url = `http://127.0.0.1:${port}`;

      const late = new SplitRequest(port);
      await late.write("GET /v1/pools HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      holdNext = true;
      const create = call(url, "POST", "/v1/pools/pool01.contoso.com/queues", { token: tokens.operator, body: { name: "In flight" } });
      await inFlight;

      const drained = app.drain();
      await late.write(`Authorization: Bearer ${tokens.reader}\r\nConnection: close\r\n\r\n`);
      const refused = await late.reply();
      const e = expectError(refused, 503, "unavailable");
      expect(e.message).toMatch(/shutting down/);
      expectRetryAfter(refused);

      release();
      const done = await create;
      expect(done.status, done.text).toBe(201);
      // Without it the idle keep-alive connection would hold drain() open until its timeout.
      expect(done.headers.get("connection")).toBe("close");
      await drained;
    } finally {
      release();
      await app.fastify.close();
      await sqlite.close();
      removeDir(dir);
    }
  });

  it("when the store is closed: /healthz and every call say unavailable", async () => {
    const svc = await startInProcessService();
    expect((await call(svc.url, "GET", "/healthz")).status).toBe(200);
    await svc.store.close();

    const health = await call(svc.url, "GET", "/healthz");
    expectError(health, 503, "unavailable");
    expectRetryAfter(health);
    const list = await call(svc.url, "GET", "/v1/pools", { token: svc.tokens.reader });
    expectError(list, 503, "unavailable");
    expectRetryAfter(list);
    const write = await call(svc.url, "POST", "/v1/pools/pool01.contoso.com/queues", { token: svc.tokens.operator, body: { name: "Lost" } });
    expectError(write, 503, "unavailable");
  });
});
