/**
 * The service's credentials, from outside `rgs serve`:
 *   - the database URL from --database, --database-file or RGS_DATABASE_URL, in that order, so
 *     the password need not be in the command line where `ps` shows it;
 *   - the database password never in its output, in every URL form the pg driver takes, whether
 *     it starts ("listening") or cannot open the database;
 *   - the data directory 0700 and the database, its WAL and shm files and the admin token 0600,
 *     whatever they were and whatever the umask;
 *   - the admin token file neither written nor read through a symbolic link.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/http";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";
import { CLI, makeTempDir, randomTokens, removeDir, tokenSpec } from "../helpers/service";

const S = "Pw0rd-s3cr3t";
const UNREACHABLE = "127.0.0.1:1";
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) removeDir(d);
});

function tempDir(prefix = "rgs-cred-"): string {
  const d = makeTempDir(prefix);
  dirs.push(d);
  return d;
}

interface Served {
  /** Set once the service logged "listening". */
  listening: boolean;
  code: number | null;
  out: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `rgs serve` as its own process (under `umask` when given): settles once it listens, or once it
 * has exited.
 */
function serve(args: string[], options: { env?: Record<string, string | undefined>; umask?: string } = {}): Promise<Served> {
  const env: Record<string, string | undefined> = { ...process.env, RGS_TOKENS: tokenSpec(randomTokens()), RGS_DATABASE_URL: "", RGS_RATE_LIMIT: "", ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const argv = [CLI, "serve", "--port", "0", ...args];
  const child =
    options.umask === undefined
      ? spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn("/bin/sh", ["-c", `umask ${options.umask}; exec "$0" "$@"`, process.execPath, ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
  const served: Served = {
    listening: false,
    code: null,
    out: "",
    pid: child.pid!,
    stop: async () => {
      if (served.code === null && child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
  const exited = new Promise<void>((res) =>
    child.once("exit", (code) => {
      served.code = code;
      res();
    }),
  );
  return new Promise<Served>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`rgs serve neither listened nor exited: ${served.out}`));
    }, 20_000);
    const onData = (d: string) => {
      served.out += d;
      if (!served.listening && served.out.includes('"msg":"listening"')) {
        served.listening = true;
        clearTimeout(timer);
        res(served);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      res(served);
    });
  });
}

/** The "listening" entry of the service's log. */
function listeningLine(out: string): Record<string, unknown> {
  const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
  if (!line) throw new Error(`no "listening" line in ${out}`);
  return JSON.parse(line);
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("where the database URL comes from", () => {
  const url = (port: number) => `postgres://rgs:${S}@127.0.0.1:${port}/rgs`;
  const opened = (port: number) => new RegExp(`^rgs: cannot open the PostgreSQL database postgres://rgs:\\*\\*\\*@127\\.0\\.0\\.1:${port}/rgs: `, "m");

  it.each([
    ["--database over --database-file and RGS_DATABASE_URL", { flag: 1, file: 2, env: 3 }, 1],
    ["--database-file over RGS_DATABASE_URL", { file: 2, env: 3 }, 2],
    ["RGS_DATABASE_URL alone", { env: 3 }, 3],
  ])("takes %s", async (_what, given: { flag?: number; file?: number; env?: number }, used) => {
    const dataDir = tempDir();
    const args = ["--data", dataDir];
    if (given.flag) args.push("--database", url(given.flag));
    if (given.file) {
      writeFileSync(join(dataDir, "database-url"), `${url(given.file)}\nthe rest of the file is not read\n`);
      args.push("--database-file", join(dataDir, "database-url"));
    }
    const r = await serve(args, { env: { RGS_DATABASE_URL: given.env ? url(given.env) : "" } });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(opened(used));
    expect(r.out).not.toContain(S);
  });

  it.each([
    ["a --database-file that does not exist", (d: string) => join(d, "missing"), /--database-file \S+missing cannot be read \(ENOENT\); it must hold the postgres:\/\/ URL on its first line/],
    ["a --database-file with an empty first line", (d: string) => (writeFileSync(join(d, "empty"), `\n${url(1)}\n`), join(d, "empty")), /--database-file \S+empty has an empty first line/],
  ])("refuses %s with exit 2", async (_what, file, message) => {
    const dataDir = tempDir();
    const r = await serve(["--data", dataDir, "--database-file", file(dataDir)]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(message);
    expect(r.out).not.toContain(S);
  });

  it("names the source of a URL that is not PostgreSQL's, masked", async () => {
    const r = await serve(["--data", tempDir()], { env: { RGS_DATABASE_URL: `mysql://root:${S}@db/rgs` } });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/RGS_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(got 'mysql:\/\/root:\*\*\*@db\/rgs'\)/);
    expect(r.out).not.toContain(S);
  });
});

// Every form the driver takes, with the password where that form puts it; the server does not answer.
const FORMS: [string, string][] = [
  ["postgres://", `postgres://rgs:${S}@${UNREACHABLE}/rgs`],
  ["postgresql://", `postgresql://rgs:${S}@${UNREACHABLE}/rgs`],
  ["a password with /", `postgres://rgs:ab/${S}@${UNREACHABLE}/rgs`],
  ["a password with / encoded", `postgres://rgs:ab%2F${S}@${UNREACHABLE}/rgs`],
  ["a password with @", `postgres://rgs:ab@${S}@${UNREACHABLE}/rgs`],
  ["a password with :", `postgres://rgs:ab:${S}@${UNREACHABLE}/rgs`],
  ["a password with #", `postgres://rgs:ab#${S}@${UNREACHABLE}/rgs`],
  ["a password with # encoded", `postgres://rgs:ab%23${S}@${UNREACHABLE}/rgs`],
  ["?password=", `postgres://rgs@${UNREACHABLE}/rgs?password=${S}`],
  ["?sslpassword=", `postgres://rgs@${UNREACHABLE}/rgs?sslpassword=${S}`],
  ["socket://", `socket://rgs:${S}@/nonexistent/run/postgresql?db=rgs`],
  ["a socket directory in ?host=", `postgres:///rgs?host=/nonexistent/run/postgresql&password=${S}`],
  ["a port new URL refuses", `postgres://rgs:${S}@127.0.0.1:port/rgs`],
];

describe("the database password in rgs serve's output", () => {
  it.each(FORMS)("is masked in %s when the database cannot be opened", async (_what, url) => {
    const r = await serve(["--data", tempDir(), "--database", url]);
    expect(r.listening).toBe(false);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/^rgs: cannot open the PostgreSQL database /m);
    expect(r.out).not.toContain(S);
  });

  describe("once it listens", () => {
    let db: TestDatabase | undefined;
    let skipReason: string | undefined;
    beforeAll(async () => {
      ({ db, skipReason } = await testDatabaseOrSkip());
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("masks the user info and every password parameter of the listening line, and keeps it out of argv", async (ctx) => {
      if (!db) return ctx.skip(skipReason);
      // The driver takes ?password= over the user info, so both can be given and only one is the real one.
      const u = new URL(db.url);
      const decoy = `decoy/${S}#1`;
      const url = `postgres://${u.username}:${encodeURIComponent(decoy)}@${u.host}${u.pathname}?password=${u.password}&sslpassword=${encodeURIComponent(S)}`;
      const dataDir = tempDir();
      writeFileSync(join(dataDir, "database-url"), `${url}\n`, { mode: 0o600 });
      const r = await serve(["--data", dataDir, "--database-file", join(dataDir, "database-url")]);
      try {
        expect(r.listening, r.out).toBe(true);
        // What ps shows: the path of the file, not the URL.
        expect(readFileSync(`/proc/${r.pid}/cmdline`, "utf8")).not.toMatch(/postgres:|decoy/);
      } finally {
        await r.stop();
      }
      expect(listeningLine(r.out)).toMatchObject({
        database: `postgres://${u.username}:***@${u.host}${u.pathname}?password=***&sslpassword=***`,
        databaseFrom: `--database-file ${join(dataDir, "database-url")}`,
      });
      for (const secret of [S, decoy, encodeURIComponent(decoy), encodeURIComponent(S)]) expect(r.out).not.toContain(secret);
      if (u.password !== u.username) expect(r.out).not.toContain(u.password);
    });

    it("warns that a password given with --database is in the command line", async (ctx) => {
      if (!db) return ctx.skip(skipReason);
      const r = await serve(["--data", tempDir(), "--database", db.url]);
      await r.stop();
      expect(r.listening, r.out).toBe(true);
      expect(r.out).toMatch(/"level":"warn","msg":"the database password is in the command line, where other users see it; use --database-file or RGS_DATABASE_URL"/);
      expect(listeningLine(r.out).database).toMatch(/^postgres:\/\/[^:]+:\*\*\*@/);
    });
  });
});

describe("the data directory and its files", () => {
  it("are made owner-only whatever they were before, under umask 000", async () => {
    const dataDir = tempDir("rgs-perm-");
    chmodSync(dataDir, 0o777);
    // Left by an earlier run, world-readable: SQLite keeps using files that exist.
    for (const f of ["rgs.db", "rgs.db-wal", "rgs.db-shm"]) writeFileSync(join(dataDir, f), "", { mode: 0o666 });
    for (const f of ["rgs.db", "rgs.db-wal", "rgs.db-shm"]) chmodSync(join(dataDir, f), 0o666);
    const tokens = randomTokens();
    const r = await serve(["--data", dataDir, "--pool", "pool01.contoso.com"], { umask: "000", env: { RGS_TOKENS: tokenSpec(tokens) } });
    try {
      expect(r.listening, r.out).toBe(true);
      const address = listeningLine(r.out).address as string;
      const created = await call(address, "POST", "/v1/pools/pool01.contoso.com/queues", { token: tokens.operator, body: { name: "Private" } });
      expect(created.status, created.text).toBe(201);
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ["rgs.db", "rgs.db-wal", "rgs.db-shm"]) expect(mode(join(dataDir, f)), f).toBe(0o600);
    } finally {
      await r.stop();
    }
    expect(r.out).toMatch(/"msg":"made private","path":"[^"]+","was":"0777","now":"0700"/);
  });

  it("creates the database, its WAL and shm files owner-only under umask 000", async () => {
    const dataDir = join(tempDir("rgs-perm-"), "fresh");
    const tokens = randomTokens();
    const r = await serve(["--data", dataDir, "--pool", "pool01.contoso.com"], { umask: "000", env: { RGS_TOKENS: tokenSpec(tokens) } });
    try {
      expect(r.listening, r.out).toBe(true);
      const address = listeningLine(r.out).address as string;
      expect((await call(address, "POST", "/v1/pools/pool01.contoso.com/queues", { token: tokens.operator, body: { name: "Fresh" } })).status).toBe(201);
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ["rgs.db", "rgs.db-wal", "rgs.db-shm"]) {
        expect(existsSync(join(dataDir, f)), f).toBe(true);
        expect(mode(join(dataDir, f)), f).toBe(0o600);
      }
    } finally {
      await r.stop();
    }
  });
});

describe("the admin token file", () => {
  const noTokens = { RGS_TOKENS: undefined };

  it("is not written through a dangling symbolic link", async () => {
    const dataDir = tempDir();
    const elsewhere = join(tempDir("rgs-elsewhere-"), "planted");
    symlinkSync(elsewhere, join(dataDir, "admin-token"));
    const r = await serve(["--data", dataDir], { env: noTokens });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/admin-token is a symbolic link; the admin token must be a file of its own there/);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it("is not read through a symbolic link, nor is the file it points to changed", async () => {
    const dataDir = tempDir();
    const target = join(tempDir("rgs-elsewhere-"), "someone-elses-token");
    writeFileSync(target, `${"k".repeat(43)}\n`);
    chmodSync(target, 0o644);
    symlinkSync(target, join(dataDir, "admin-token"));
    const r = await serve(["--data", dataDir], { env: noTokens });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/admin-token is a symbolic link/);
    expect(r.out).not.toContain("k".repeat(43));
    expect(mode(target)).toBe(0o644);
  });

  it("refuses a token file whose token is short enough to guess, without printing it", async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "admin-token"), "tok-handmade-short\n", { mode: 0o600 });
    const r = await serve(["--data", dataDir], { env: noTokens });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/the admin token in \S+admin-token \(admin\): a token must be at least 32 characters, since a shorter one can be guessed/);
    expect(r.out).not.toContain("tok-handmade-short");
  });

  it("is a directory's own: a directory named admin-token is refused", async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, "admin-token"));
    const r = await serve(["--data", dataDir], { env: noTokens });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/admin-token is not a regular file/);
  });
});

describe("scripts/ensure-postgres", () => {
  const SCRIPT = join(__dirname, "../../scripts/ensure-postgres");

  /**
   * The script against stand-ins for the server's tools: a server that answers, a postgres user,
   * and runuser (role creation) and psql (the login check) that succeed or fail as told.
   */
  function ensurePostgres(tools: { createRole: boolean; login: "ok" | "refused" | "no-createdb" }) {
    const bin = tempDir("rgs-ensure-");
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub("pg_isready", "exit 0");
    stub("id", "exit 0");
    stub("runuser", tools.createRole ? "cat >/dev/null; exit 0" : 'cat >/dev/null; echo "ERROR:  permission denied to create role" >&2; exit 3');
    stub(
      "psql",
      { ok: "echo t", refused: 'echo "FATAL:  password authentication failed for user \\"rgs_test\\"" >&2; exit 2', "no-createdb": "echo f" }[tools.login],
    );
    return spawnSync("bash", [SCRIPT], { env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8", timeout: 15_000 });
  }

  it.each([
    ["the role cannot be made", { createRole: false, login: "ok" as const }, /could not create role rgs_test as the postgres user/],
    ["the role cannot log in", { createRole: true, login: "refused" as const }, /cannot log in as rgs_test at 127\.0\.0\.1:5432: .*password authentication failed/],
    ["the role may not create databases", { createRole: true, login: "no-createdb" as const }, /the role rgs_test may not create databases \(got 'f'\)/],
  ])("exits 1 without printing a URL when %s", (_what, tools, message) => {
    const r = ensurePostgres(tools);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/no URL printed/);
    expect(r.stdout).toBe("");
  });

  it("prints the URL once the role logs in and may create databases", () => {
    const r = ensurePostgres({ createRole: true, login: "ok" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("postgres://rgs_test:rgs_test@127.0.0.1:5432/postgres\n");
  });
});
