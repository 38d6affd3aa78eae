/**
 * Starting the Response Group service for tests: the real `rgs serve` as a child process, or the
 * same app in this process. Both listen on 127.0.0.1 on a free port and keep their SQLite file in
 * a directory of their own.
 *
 *   startService(options?: ServiceOptions): Promise<RunningService>
 *     Runs `node dist/cli/main.js serve --host 127.0.0.1 --port 0 --data <dir> --pool <fqdn>...`
 *     (build first: `npm run build`). Resolves once the service logged "listening".
 *     options.dataDir   where rgs.db lives; omitted: a new temp dir, removed by stop()/kill().
 *                       Pass your own (see makeTempDir) to restart on the same data.
 *     options.pools     pools to provision (default ["pool01.contoso.com"]).
 *     options.tokens    bearer tokens per role (default: random ones), sent as RGS_TOKENS;
 *                       "generated" sends none, so the service makes <dataDir>/admin-token and
 *                       tokens.admin is read from it.
 *     options.rateLimit RGS_RATE_LIMIT ("<rate>" or "<rate>/<burst>").
 *     options.env       more environment variables for the child.
 *     options.shell     an agent command line, passed as --shell (the service then fronts a pool)
 *     options.database  a postgres:// URL, passed as --database (the store; dataDir then only
 *                       holds a generated admin token).
 *   RunningService: { url, pools, tokens: {admin, operator, reader}, dataDir, pid, output, exit,
 *                     stop(): SIGTERM and wait for exit, kill(): SIGKILL and wait for exit }
 *
 *   startInProcessService(options?: InProcessOptions): Promise<InProcessService>
 *     buildApp() + SqliteStore from source, for tests that need the app's options (log capture,
 *     rate limit, body limit, clock) or its handles (drain(), the store). Same url/tokens/stop().
 *
 *   stopAllServices(): stops every service this module started and has not stopped yet.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { buildApp, type RateLimit, type RgsApp } from "../../backend/app";
import { parseTokens } from "../../backend/auth";
import type { AuthFailureLimit } from "../../backend/plugins/auth";
import { SqliteStore } from "../../backend/store/sqlite";

export const CLI = resolve(__dirname, "../../dist/cli/main.js");
export const DEFAULT_POOL = "pool01.contoso.com";

export interface Tokens {
  admin: string;
  operator: string;
  reader: string;
}

export interface ServiceOptions {
  dataDir?: string;
  pools?: string[];
  tokens?: Tokens | "generated";
  rateLimit?: string;
  env?: Record<string, string>;
  /** A postgres:// URL for --database; without it the service uses SQLite under dataDir. */
  database?: string;
  /** An agent command line for --shell: the service in front of a (fake) real pool. */
  shell?: string;
  /** How long to wait for "listening", in milliseconds. */
  startTimeoutMs?: number;
}

export interface RunningService {
  url: string;
  pools: string[];
  tokens: Tokens;
  dataDir: string;
  pid: number;
  /** Everything the process wrote so far. */
  output: { stdout: string; stderr: string };
  /** Settles when the process has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the process to exit: a crash, as far as the service can tell. */
  kill(): Promise<void>;
}

export interface InProcessOptions {
  dataDir?: string;
  pools?: string[];
  tokens?: Tokens;
  rateLimit?: RateLimit;
  bodyLimit?: number;
  /** The service's clock (idempotency keys expire by it). */
  clock?: () => Date;
  authFailureLimit?: AuthFailureLimit;
}

export interface InProcessService {
  url: string;
  pools: string[];
  tokens: Tokens;
  dataDir: string;
  app: RgsApp;
  store: SqliteStore;
  /** Every entry the app logged. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

const running = new Set<() => Promise<void>>();

/** A new empty directory under the system temp dir; remove it with removeDir. */
export function makeTempDir(prefix = "rgs-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Fresh random tokens, one per role. */
export function randomTokens(): Tokens {
  const t = (role: string) => `tok-${role}-${randomBytes(12).toString("hex")}`;
  return { admin: t("admin"), operator: t("operator"), reader: t("reader") };
}

export function tokenSpec(tokens: Tokens): string {
  return `${tokens.admin}:admin,${tokens.operator}:operator,${tokens.reader}:reader`;
}

export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run npm run build first`);
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeTempDir();
  const pools = options.pools ?? [DEFAULT_POOL];
  const generated = options.tokens === "generated";
  const tokens: Tokens = options.tokens === undefined || generated ? randomTokens() : (options.tokens as Tokens);

  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env.RGS_TOKENS;
  delete env.RGS_RATE_LIMIT;
  if (!generated) env.RGS_TOKENS = tokenSpec(tokens);
  if (options.rateLimit !== undefined) env.RGS_RATE_LIMIT = options.rateLimit;

  const args = [CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir, ...pools.flatMap((p) => ["--pool", p])];
  if (options.database !== undefined) args.push("--database", options.database);
  if (options.shell !== undefined) args.push("--shell", options.shell);
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once("exit", (code, signal) => res({ code, signal })),
  );
  const onParentExit = () => child.kill("SIGKILL");
  process.once("exit", onParentExit);

  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`rgs serve did not log "listening" within ${options.startTimeoutMs ?? 15_000} ms\n${output.stderr}`));
    }, options.startTimeoutMs ?? 15_000);
    let pending = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output.stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const entry = parseLine(line);
        if (entry?.msg === "listening" && typeof entry.address === "string") {
          clearTimeout(timer);
          res(entry.address);
        }
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`rgs serve exited (${code ?? signal}) before listening\n${output.stderr}`));
    });
  }).catch(async (e) => {
    process.removeListener("exit", onParentExit);
    await exit;
    if (ownsDir) removeDir(dataDir);
    throw e;
  });

  if (generated) tokens.admin = readFileSync(join(dataDir, "admin-token"), "utf8").trim();

  const finish = async (signal: NodeJS.Signals) => {
    running.delete(stop);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(force);
    }
    process.removeListener("exit", onParentExit);
    if (ownsDir) removeDir(dataDir);
  };
  const stop = () => finish("SIGTERM");
  running.add(stop);
  return { url, pools, tokens, dataDir, pid: child.pid!, output, exit, stop, kill: () => finish("SIGKILL") };
}

export async function startInProcessService(options: InProcessOptions = {}): Promise<InProcessService> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeTempDir();
  const pools = options.pools ?? [DEFAULT_POOL];
  const tokens = options.tokens ?? randomTokens();
  const store = new SqliteStore({ file: join(dataDir, "rgs.db") });
  const logs: Record<string, unknown>[] = [];
  const app = buildApp({
    store,
    tokens: parseTokens(tokenSpec(tokens)),
    log: (entry) => logs.push(entry),
    rateLimit: options.rateLimit,
    bodyLimit: options.bodyLimit,
    clock: options.clock,
    authFailureLimit: options.authFailureLimit,
  });
  for (const pool of pools) await app.service.putPool(pool);
  await app.fastify.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.fastify.server.address() as AddressInfo;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    await app.fastify.close();
    await store.close();
    if (ownsDir) removeDir(dataDir);
  };
  running.add(stop);
  return { url: `http://127.0.0.1:${port}`, pools, tokens, dataDir, app, store, logs, stop };
}

export async function stopAllServices(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
