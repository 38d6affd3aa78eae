/**
 * Part 2 of the benchmark: the Response Group service under load from this process (autocannon),
 * against two floors measured in the same run: a no-op route on a Fastify server with the
 * service's options (the HTTP floor, floor-server.js) and raw better-sqlite3 inserts with the
 * service's durability settings (the storage floor).
 *
 * The service and the HTTP floor run the same way: each a plain `node <file>.js` process of its
 * own, from the built JavaScript, no loader, stdout to a file that nobody reads while the load
 * runs. So neither shares a core with the load generator, and neither pays for the other's way of
 * starting or logging: the service writes its request log as it does in production, to a file.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { CLI, makeTempDir, randomTokens, removeDir, tokenSpec, type Tokens } from "../test/helpers/service";

const FLOOR_PATH = "/bench/floor";
const FLOOR_SERVER = resolve(__dirname, "floor-server.js");

export const OPS = ["floor", "get", "listByName", "create", "update", "delete"] as const;
export type Op = (typeof OPS)[number];
export const READ_OPS: readonly Op[] = ["get", "listByName"];
export const WRITE_OPS: readonly Op[] = ["create", "update", "delete"];

export interface LoadResult {
  op: Op;
  concurrency: number;
  requests: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than the expected 2xx, and connection errors. */
  errors: number;
}

export interface StorageFloor {
  /** Single-row INSERT transactions per second, journal_mode=WAL, synchronous=FULL. */
  insertsPerSecond: number;
  /** The same INSERTs committed eight to a transaction: what group commit can reach at concurrency 8. */
  batchedInsertsPerSecond: number;
  /** Point SELECTs by primary key per second on the same connection. */
  selectsPerSecond: number;
  inserts: number;
  seconds: number;
}

const POOL = "pool01.contoso.com";
const BASE = `/v1/pools/${POOL}/agent-groups`;

function groupBody(name: string): string {
  return JSON.stringify({
    name,
    description: "A benchmark agent group",
    routingMethod: "LongestIdle",
    agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com", "sip:carol@contoso.com"],
  });
}

export async function runService(
  options: { concurrencies: readonly number[]; seconds: number },
  log: (line: string) => void,
): Promise<{ load: LoadResult[]; storage: StorageFloor }> {
  const storage = storageFloor(Math.min(options.seconds, 3));
  log(
    `  storage floor: ${storage.insertsPerSecond.toFixed(0)} inserts/s, ${storage.batchedInsertsPerSecond.toFixed(0)} inserts/s eight to a commit, ${storage.selectsPerSecond.toFixed(0)} selects/s`,
  );
  const tokens = randomTokens();
  const data = makeTempDir("rgs-bench-service-");
  const service = { ...(await startServer("rgs serve", [CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--data", data, "--pool", POOL], { RGS_TOKENS: tokenSpec(tokens) })), tokens };
  const floor = await startServer("the HTTP floor", [FLOOR_SERVER, FLOOR_PATH], {});
  try {
    const bearer = { authorization: `Bearer ${service.tokens.operator}` };
    const auth = { ...bearer, "content-type": "application/json" };
    const seed = await call(service, "POST", BASE, auth, groupBody("Bench Get Target"));
    const target = (seed as { id: string }).id;
    // Warm the server's JIT before anything is measured.
    await load(floor, { op: "floor", concurrency: 8, seconds: Math.min(1, options.seconds), path: FLOOR_PATH, headers: {} });
    await load(service, { op: "get", concurrency: 8, seconds: Math.min(1, options.seconds), path: `${BASE}/${target}`, headers: bearer });

    const results: LoadResult[] = [];
    const record = (r: LoadResult) => {
      results.push(r);
      log(
        `  ${r.op.padEnd(10)} c=${String(r.concurrency).padStart(2)}: ${r.opsPerSecond.toFixed(0).padStart(6)} ops/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms${r.errors ? `  ${r.errors} errors` : ""}`,
      );
    };
    for (const c of options.concurrencies) {
      const s = options.seconds;
      // The floor runs before and after the service's operations; the two are averaged.
      const floorBefore = await load(floor, { op: "floor", concurrency: c, seconds: s, path: FLOOR_PATH, headers: {} });
      record(await load(service, { op: "get", concurrency: c, seconds: s, path: `${BASE}/${target}`, headers: bearer }));
      record(
        await load(service, {
          op: "listByName",
          concurrency: c,
          seconds: s,
          path: `${BASE}?name=${encodeURIComponent("bench get target")}`,
          headers: bearer,
        }),
      );

      const created: string[] = [];
      let n = 0;
      record(
        await load(service, {
          op: "create",
          concurrency: c,
          seconds: s,
          path: BASE,
          method: "POST",
          headers: auth,
          setup: (req) => ({ ...req, headers: { ...auth, "idempotency-key": randomUUID() }, body: groupBody(`Bench c${c} ${n++}`) }),
          onBody: (body) => created.push((JSON.parse(body) as { id: string }).id),
        }),
      );

      // Objects not being updated, each with the etag it was last seen at: every update takes one
      // and puts it back with the etag of its answer.
      const idle = created.slice(0, 4 * c).map((id) => ({ id, etag: "v1" }));
      let turn = 0;
      record(
        await load(service, {
          op: "update",
          concurrency: c,
          seconds: s,
          path: BASE,
          method: "PUT",
          headers: auth,
          setup: (req) => {
            const o = idle.shift();
            if (!o) return { ...req, path: `${BASE}/none` };
            const body = JSON.parse(groupBody(`Bench c${c} updated ${o.id}`)) as Record<string, unknown>;
            body.agentAlertTime = 20 + (turn++ % 100);
            return { ...req, path: `${BASE}/${o.id}`, headers: { ...auth, "if-match": `"${o.etag}"` }, body: JSON.stringify(body) };
          },
          onBody: (body) => {
            const o = JSON.parse(body) as { id: string; etag: string };
            idle.push({ id: o.id, etag: o.etag });
          },
        }),
      );

      let nextDelete = 0;
      record(
        await load(service, {
          op: "delete",
          concurrency: c,
          amount: created.length - (created.length % c),
          path: BASE,
          method: "DELETE",
          headers: bearer,
          setup: (req) => ({ ...req, path: `${BASE}/${created[nextDelete++] ?? "none"}`, headers: bearer }),
        }),
      );
      record(average(floorBefore, await load(floor, { op: "floor", concurrency: c, seconds: s, path: FLOOR_PATH, headers: {} })));
    }
    return { load: results, storage };
  } finally {
    await floor.stop();
    await service.stop();
    removeDir(data);
  }
}

interface Server {
  url: string;
  /** The process's stdout so far (its log). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node <args>` with stdout to a file, and waits for its {"msg":"listening","address"} line. */
async function startServer(what: string, args: string[], env: Record<string, string>): Promise<Server> {
  const dir = makeTempDir("rgs-bench-server-");
  const logFile = join(dir, "stdout.log");
  const fd = openSync(logFile, "w");
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  if (!env.RGS_TOKENS) delete childEnv.RGS_TOKENS;
  delete childEnv.RGS_RATE_LIMIT;
  const child = spawn(process.execPath, args, { stdio: ["ignore", fd, "inherit"], env: childEnv });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const output = () => readFileSync(logFile, "utf8");
  const url = await new Promise<string>((res, rej) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /"msg":"listening"[^\n]*"address":"([^"]+)"|"address":"([^"]+)"[^\n]*"msg":"listening"/.exec(output());
      if (m) {
        clearInterval(poll);
        res(m[1] ?? m[2]);
      } else if (Date.now() - started > 30_000) {
        clearInterval(poll);
        child.kill("SIGKILL");
        rej(new Error(`${what} did not log "listening" within 30 s`));
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(poll);
      rej(new Error(`${what} exited (${code}) before listening`));
    });
  });
  return {
    url,
    output,
    async stop() {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
      removeDir(dir);
    },
  };
}

function average(a: LoadResult, b: LoadResult): LoadResult {
  return {
    ...a,
    requests: a.requests + b.requests,
    seconds: a.seconds + b.seconds,
    opsPerSecond: (a.opsPerSecond + b.opsPerSecond) / 2,
    p50Ms: (a.p50Ms + b.p50Ms) / 2,
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
    errors: a.errors + b.errors,
  };
}

interface LoadOptions {
  op: Op;
  concurrency: number;
  /** Run for this long, or until `amount` requests are done. */
  seconds?: number;
  amount?: number;
  path: string;
  method?: "GET" | "POST" | "PUT" | "DELETE";
  headers: Record<string, string>;
  setup?: (req: autocannon.Request, ctx: Record<string, unknown>) => autocannon.Request;
  onBody?: (body: string, ctx: Record<string, unknown>) => void;
}

async function load(target: { url: string }, o: LoadOptions): Promise<LoadResult> {
  let bad = 0;
  const result = await autocannon({
    url: target.url,
    connections: o.concurrency,
    pipelining: 1,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.seconds ?? 1 }),
    timeout: 30,
    requests: [
      {
        method: o.method ?? "GET",
        path: o.path,
        headers: o.headers,
        ...(o.setup ? { setupRequest: o.setup as never } : {}),
        onResponse: ((status: number, body: string, ctx: Record<string, unknown>) => {
          if (status < 200 || status >= 300) {
            bad++;
            return;
          }
          o.onBody?.(body, ctx);
        }) as never,
      },
    ],
  });
  const requests = result.requests.total;
  return {
    op: o.op,
    concurrency: o.concurrency,
    requests,
    seconds: result.duration,
    opsPerSecond: (requests - bad) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: bad + result.errors + result.timeouts,
  };
}

async function call(service: { url: string; tokens: Tokens }, method: string, path: string, headers: Record<string, string>, body?: string): Promise<unknown> {
  const res = await fetch(`${service.url}${path}`, { method, headers, body });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** What better-sqlite3 does alone with the service's pragmas: one INSERT per transaction. */
function storageFloor(seconds: number): StorageFloor {
  const dir = makeTempDir("rgs-bench-sqlite-");
  const db = new Database(join(dir, "floor.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE objects (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO objects (id, body) VALUES (?, ?)");
    const select = db.prepare("SELECT * FROM objects WHERE id = ?");
    const body = groupBody("Storage Floor");
    const ids: string[] = [];
    const t0 = process.hrtime.bigint();
    const end = t0 + BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() < end) {
      const id = randomUUID();
      insert.run(id, body);
      ids.push(id);
    }
    const insertSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const eight = db.transaction(() => {
      for (let i = 0; i < 8; i++) insert.run(randomUUID(), body);
    });
    const tb = process.hrtime.bigint();
    let batched = 0;
    while (process.hrtime.bigint() - tb < BigInt(Math.round(seconds * 1e9))) {
      eight();
      batched += 8;
    }
    const batchedSeconds = Number(process.hrtime.bigint() - tb) / 1e9;
    const t1 = process.hrtime.bigint();
    let selects = 0;
    while (selects < 200_000 && process.hrtime.bigint() - t1 < BigInt(1e9)) {
      select.get(ids[selects % ids.length]);
      selects++;
    }
    const selectSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    return {
      insertsPerSecond: ids.length / insertSeconds,
      batchedInsertsPerSecond: batched / batchedSeconds,
      selectsPerSecond: selects / selectSeconds, inserts: ids.length, seconds: insertSeconds };
  } finally {
    db.close();
    removeDir(dir);
  }
}
