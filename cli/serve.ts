/**
 * `rgs serve`: the Response Group service on SQLite or PostgreSQL, or in front of a real pool
 * through the Management Shell agent (`--shell`).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildApp, stdoutLog, type Log, type RateLimit } from "../backend/app";
import { parseTokens, type TokenEntry } from "../backend/auth";
import type { Configuration } from "../backend/configuration";
import { PoolGateway } from "../backend/gateway";
import { maskUrl, PostgresStore } from "../backend/store/postgres";
import { SqliteStore } from "../backend/store/sqlite";
import type { Store } from "../backend/store/store";
import { RgsError } from "../sdk/errors";
import { maskSecrets, ShellBackend } from "../sdk/shell/index";
import { UsageError } from "./source";

/** How long the gateway answers reads from one list of a kind. */
const GATEWAY_CACHE_MS = 1000;

export const USAGE = `usage: rgs serve [--host 127.0.0.1] [--port 8080] [--data ./.rgs] [--pool <fqdn> ...] [--database postgres://... | --shell '<agent command>']

  --host      address to listen on (default 127.0.0.1)
  --port      port to listen on (default 8080; 0 picks a free one)
  --data      directory for the SQLite file and the generated admin token (default ./.rgs)
  --pool      provision this pool at start; repeat for several (with --shell: pools that must exist)
  --database  postgres://... to use PostgreSQL instead of the SQLite file under --data
  --shell     serve a real pool through the Management Shell agent this command starts, e.g.
              'ssh admin@jump01 powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1';
              Idempotency-Keys are kept in the SQLite file under --data

environment:
  RGS_TOKENS      "<token>:admin,<token>:operator,<token>:reader"; without it an admin token
                  is generated once and kept in <data>/admin-token
  RGS_RATE_LIMIT  requests per second per token, e.g. "200" or "200/400" (rate/burst)`;

export async function serve(args: string[]): Promise<number> {
  // The request log goes to stdout. If its reader goes away (EPIPE), the log is lost but the
  // service must keep serving: an unhandled stream error would end the process.
  process.stdout.on("error", () => undefined);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "8080" },
        data: { type: "string", default: "./.rgs" },
        pool: { type: "string", multiple: true, default: [] },
        database: { type: "string" },
        shell: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (got '${values.port}')`);
  const data = resolve(values.data);
  mkdirSync(data, { recursive: true, mode: 0o700 });

  const log = stdoutLog();
  const tokens = loadTokens(data, log);
  if (values.shell !== undefined && values.database !== undefined) {
    throw new UsageError("--shell and --database name two places for the configuration; a real pool keeps its own, so give one");
  }
  const rateLimit = rateLimitFromEnv();
  const store = await openStore(values.database, data, log);
  let configuration: Configuration | undefined;
  if (values.shell !== undefined) {
    if (values.shell.trim() === "") throw new UsageError("--shell needs the command line that starts the agent");
    // A gateway serves many callers over time: reads share one list only briefly, so an edit made in
    // the pool is seen by the next caller; one command's parallel reads still share it.
    configuration = new PoolGateway(new ShellBackend({ command: values.shell, cacheTtlMs: GATEWAY_CACHE_MS }), store);
  }
  const app = configuration ? buildApp({ configuration, tokens, rateLimit, log }) : buildApp({ store, tokens, rateLimit, log });
  for (const pool of values.pool) {
    try {
      await app.service.putPool(pool);
    } catch (e) {
      if (RgsError.isRgsError(e) && e.code === "validation_failed") {
        throw new UsageError(`--pool ${e.fieldProblems[0]?.message ?? `'${pool}' is not a pool FQDN`}`);
      }
      throw e;
    }
  }

  const address = await app.fastify.listen({ host: values.host, port });
  log({
    level: "info",
    msg: "listening",
    address,
    data,
    ...(values.database === undefined ? {} : { database: maskUrl(values.database) }),
    ...(values.shell === undefined ? {} : { shell: maskSecrets(values.shell) }),
    pools: values.pool,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ level: "info", msg: "stopping", signal });
    await app.drain();
    await app.configuration.close();
    log({ level: "info", msg: "stopped" });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  return new Promise<number>(() => undefined);
}

function loadTokens(data: string, log: Log): TokenEntry[] {
  const spec = process.env.RGS_TOKENS;
  if (spec !== undefined && spec.trim() !== "") return parseTokens(spec);
  const file = resolve(data, "admin-token");
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    log({ level: "info", msg: "generated an admin token", file });
  } else {
    log({ level: "info", msg: "using the admin token", file });
  }
  chmodSync(file, 0o600);
  return parseTokens(`${readFileSync(file, "utf8").trim()}:admin`);
}

async function openStore(database: string | undefined, data: string, log: Log): Promise<Store> {
  if (database === undefined) return new SqliteStore({ file: resolve(data, "rgs.db") });
  if (/^postgres(ql)?:\/\//.test(database)) {
    return PostgresStore.open({
      url: database,
      onRetry: ({ attempt, code }) => log({ level: "info", msg: "transaction retried", attempt, code }),
      onIdleError: (e) => log({ level: "warn", msg: "PostgreSQL connection lost while idle", error: e.message }),
    });
  }
  throw new UsageError(`--database must be a postgres:// URL (got '${database.replace(/\/\/[^@]*@/, "//***@")}')`);
}

function rateLimitFromEnv(): RateLimit | undefined {
  const v = process.env.RGS_RATE_LIMIT;
  if (v === undefined || v === "") return undefined;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(v.trim());
  if (!m || Number(m[1]) < 1) throw new UsageError(`RGS_RATE_LIMIT must be "<rate>" or "<rate>/<burst>" in requests per second (got '${v}')`);
  const perSecond = Number(m[1]);
  return { perSecond, burst: m[2] ? Number(m[2]) : perSecond * 2 };
}
