/**
 * `rgs serve`: the Response Group service on SQLite or PostgreSQL, or in front of a real pool
 * through the Management Shell agent (`--shell`).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildApp, stdoutLog, type Log, type RateLimit } from "../backend/app";
import { parseTokens, tokenEntry, type TokenEntry } from "../backend/auth";
import type { Configuration } from "../backend/configuration";
import { PoolGateway } from "../backend/gateway";
import { parseAuthFailureLimit } from "../backend/plugins/auth";
import { parseRateLimit } from "../backend/plugins/rate-limit";
import { maskUrl, redactPassword } from "../backend/store/mask-url";
import { PostgresStore } from "../backend/store/postgres";
import { SqliteStore } from "../backend/store/sqlite";
import type { Store } from "../backend/store/store";
import { RgsError } from "../sdk/errors";
import { maskSecrets, ShellBackend } from "../sdk/shell/index";
import { UsageError } from "./source";

/** How long the gateway answers reads from one list of a kind. */
const GATEWAY_CACHE_MS = 1000;

export const USAGE = `usage: rgs serve [--host 127.0.0.1] [--port 8080] [--data ./.rgs] [--pool <fqdn> ...] [--database-file <path> | --database postgres://... | --shell '<agent command>']

  --host           address to listen on (default 127.0.0.1)
  --port           port to listen on (default 8080; 0 picks a free one)
  --data           directory for the SQLite file and the generated admin token (default ./.rgs);
                   made owner-only (0700), its files 0600
  --pool           provision this pool at start; repeat for several (with --shell: pools that must exist)
  --database-file  a file whose first line is the postgres:// URL: PostgreSQL instead of the SQLite
                   file under --data, without the password in the command line
  --database       the postgres:// URL itself; other users see it in ps, so prefer --database-file
                   or RGS_DATABASE_URL. Precedence: --database, then --database-file, then RGS_DATABASE_URL
  --shell          serve a real pool through the Management Shell agent this command starts, e.g.
                   'ssh admin@jump01 powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1';
                   Idempotency-Keys are kept in the SQLite file under --data, the audio files
                   (recordings and the imports made from them) in <data>/audio

environment:
  RGS_TOKENS              "<token>:admin,<token>:operator,<token>:reader", each token at least 32
                          characters; without it an admin token is generated once and kept in
                          <data>/admin-token
  RGS_DATABASE_URL        the postgres:// URL, when neither --database nor --database-file is given
  RGS_RATE_LIMIT          requests per second per token, e.g. "200" or "200/400" (rate/burst);
                          rate 1 to 100000, burst 1 to 1000000 (default: no limit)
  RGS_AUTH_FAILURE_LIMIT  failed authentications per client address (IPv6: per /64),
                          "<failures>/<seconds>" (default "20/60"); past it the address is answered
                          429 until the oldest failure is that many seconds old. "off" where all
                          clients share one address (a proxy)
  RGS_AUDIO_STORE         with --shell: the audio store's directory instead of <data>/audio`;

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
        "database-file": { type: "string" },
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
  const log = stdoutLog();
  const data = privateDirectory(resolve(values.data), log);
  const tokens = loadTokens(data, log);
  const database = databaseUrl(values.database, values["database-file"]);
  if (values.shell !== undefined && database !== undefined) {
    throw new UsageError(`--shell and ${database.from} name two places for the configuration; a real pool keeps its own, so give one`);
  }
  const rateLimit = fromEnv(() => (process.env.RGS_RATE_LIMIT ? parseRateLimit(process.env.RGS_RATE_LIMIT) : undefined));
  const authFailureLimit = fromEnv(() => parseAuthFailureLimit(process.env.RGS_AUTH_FAILURE_LIMIT));
  if (database?.from === "--database" && maskUrl(database.url) !== database.url) {
    log({ level: "warn", msg: "the database password is in the command line, where other users see it; use --database-file or RGS_DATABASE_URL" });
  }
  const store = await openStore(database, data, log);
  let configuration: Configuration | undefined;
  const audioStore = process.env.RGS_AUDIO_STORE || join(data, "audio");
  if (values.shell !== undefined) {
    if (values.shell.trim() === "") throw new UsageError("--shell needs the command line that starts the agent");
    // A gateway serves many callers over time: reads share one list only briefly, so an edit made in
    // the pool is seen by the next caller; one command's parallel reads still share it.
    configuration = new PoolGateway(new ShellBackend({ command: values.shell, cacheTtlMs: GATEWAY_CACHE_MS, audioStore }), store);
  }
  const app = configuration
    ? buildApp({ configuration, tokens, rateLimit, authFailureLimit, log })
    : buildApp({ store, tokens, rateLimit, authFailureLimit, log });
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
    ...(database === undefined ? {} : { database: maskUrl(database.url), databaseFrom: database.from }),
    ...(values.shell === undefined ? {} : { shell: maskSecrets(values.shell), audioStore }),
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

function fromEnv<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The data directory, made owner-only whatever it was: it holds the admin token and the database. */
function privateDirectory(data: string, log: Log): string {
  mkdirSync(data, { recursive: true, mode: 0o700 });
  makePrivate(data, 0o700, log, "--data");
  return data;
}

/** Takes group and other permissions away from `path`, telling the log when there were some. */
function makePrivate(path: string, mode: number, log: Log, what: string): void {
  let was: number;
  try {
    was = statSync(path).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (was === mode) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    throw new UsageError(`${what} ${path} is ${octal(was)} and cannot be made ${octal(mode)} (${(e as NodeJS.ErrnoException).code}); it must belong to the user rgs serve runs as`);
  }
  if ((was & 0o077) !== 0) log({ level: "warn", msg: "made private", path, was: octal(was), now: octal(mode) });
}

const octal = (mode: number) => `0${mode.toString(8)}`;

/** The database URL and where it came from: --database, then --database-file, then RGS_DATABASE_URL. */
function databaseUrl(flag: string | undefined, file: string | undefined): { url: string; from: string } | undefined {
  if (flag !== undefined) return { url: flag, from: "--database" };
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new UsageError(`--database-file ${file} cannot be read (${(e as NodeJS.ErrnoException).code}); it must hold the postgres:// URL on its first line`);
    }
    const url = text.split(/\r?\n/, 1)[0].trim();
    if (url === "") throw new UsageError(`--database-file ${file} has an empty first line; it must hold the postgres:// URL there`);
    return { url, from: `--database-file ${file}` };
  }
  const env = process.env.RGS_DATABASE_URL?.trim();
  return env ? { url: env, from: "RGS_DATABASE_URL" } : undefined;
}

function loadTokens(data: string, log: Log): TokenEntry[] {
  const spec = process.env.RGS_TOKENS;
  if (spec !== undefined && spec.trim() !== "") return fromEnv(() => parseTokens(spec));
  const file = resolve(data, "admin-token");
  const token = readAdminToken(file, log) ?? createAdminToken(file, log);
  try {
    return [tokenEntry(token, "admin", `the admin token in ${file}`)];
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; or remove the file and rgs serve writes a new one`);
  }
}

/** The admin token file, read without following a link to somewhere else; undefined when there is none. */
function readAdminToken(file: string, log: Log): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new UsageError(`${file} is a symbolic link; the admin token must be a file of its own there (remove the link, and rgs serve writes a new token)`);
    throw e;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${file} is not a regular file; the admin token must be a file of its own there`);
    if (typeof process.getuid === "function" && stat.uid !== process.getuid()) {
      throw new UsageError(`${file} belongs to another user (uid ${stat.uid}); the admin token must belong to the user rgs serve runs as`);
    }
    if ((stat.mode & 0o777) !== 0o600) {
      fchmodSync(fd, 0o600);
      log({ level: "warn", msg: "made private", path: file, was: octal(stat.mode & 0o777), now: "0600" });
    }
    log({ level: "info", msg: "using the admin token", file });
    return readFileSync(fd, "utf8").trim();
  } finally {
    closeSync(fd);
  }
}

/** A new admin token, in a file that did not exist (O_EXCL: neither a file nor a link of that name). */
function createAdminToken(file: string, log: Log): string {
  const token = randomBytes(32).toString("base64url");
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (e) {
    // Made since we looked, or a dangling link: reading says which.
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      const existing = readAdminToken(file, log);
      if (existing !== undefined) return existing;
    }
    throw e;
  }
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  log({ level: "info", msg: "generated an admin token", file });
  return token;
}

async function openStore(database: { url: string; from: string } | undefined, data: string, log: Log): Promise<Store> {
  if (database === undefined) return openSqlite(resolve(data, "rgs.db"), log);
  const { url, from } = database;
  if (/^(postgres(ql)?|socket):\/\//.test(url)) {
    return PostgresStore.open({
      url,
      onRetry: ({ attempt, code }) => log({ level: "info", msg: "transaction retried", attempt, code }),
      onIdleError: (e) => log({ level: "warn", msg: "PostgreSQL connection lost while idle", error: redactPassword(e.message, url) }),
    });
  }
  throw new UsageError(`${from} must be a postgres:// or postgresql:// URL (got '${maskUrl(url)}')`);
}

/**
 * The SQLite file and its WAL and shared-memory files, owner-only: created under umask 077, and
 * existing ones tightened before SQLite opens them (it gives the WAL and shm files the database
 * file's mode) and after.
 */
function openSqlite(file: string, log: Log): SqliteStore {
  const files = [file, `${file}-wal`, `${file}-shm`];
  for (const f of files) makePrivate(f, 0o600, log, "the database file");
  const umask = process.umask(0o077);
  let store: SqliteStore;
  try {
    store = new SqliteStore({ file });
  } finally {
    process.umask(umask);
  }
  for (const f of files) makePrivate(f, 0o600, log, "the database file");
  return store;
}
