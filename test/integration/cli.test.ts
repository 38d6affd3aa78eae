/**
 * The `rgs` command's arguments and environment: mistakes are refused with exit code 2 and a
 * message that names the option, the value and what is allowed.
 */
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, makeTempDir, removeDir } from "../helpers/service";

const dataDir = makeTempDir();

afterAll(() => {
  removeDir(dataDir);
});

/** What is refused, the arguments, the environment, the message and the exit code. */
type Case = [string, string[], Record<string, string>, RegExp, number];

const ADMIN = "tok-cli-test-admin-0123456789abcdef";

function rgs(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, RGS_TOKENS: `${ADMIN}:admin`, RGS_RATE_LIMIT: "", RGS_AUTH_FAILURE_LIMIT: "", RGS_DATABASE_URL: "", ...env },
    encoding: "utf8",
    timeout: 15_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("rgs", () => {
  it("prints its usage on help", () => {
    const r = rgs(["help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: rgs serve .*--pool <fqdn>/);
    expect(r.stdout).toMatch(/RGS_TOKENS/);
    expect(r.stdout).toMatch(/Precedence: --database, then --database-file, then RGS_DATABASE_URL/);
    expect(r.stdout).toMatch(/RGS_AUTH_FAILURE_LIMIT .*\(default "20\/60"\)/s);
  });

  it.each<Case>([
    ["no command", [], {}, /^$/, 2],
    ["an unknown command", ["start"], {}, /rgs: unknown command 'start'/, 2],
    ["an unknown option", ["serve", "--prot", "8080"], {}, /rgs: Unknown option '--prot'/, 2],
    ["a port that is not one", ["serve", "--port", "80a", "--data", dataDir], {}, /--port must be a port number from 0 to 65535 \(got '80a'\)/, 2],
    ["a port out of range", ["serve", "--port", "70000", "--data", dataDir], {}, /--port must be a port number from 0 to 65535 \(got '70000'\)/, 2],
    ["a bad RGS_RATE_LIMIT", ["serve", "--port", "0", "--data", dataDir], { RGS_RATE_LIMIT: "fast" }, /RGS_RATE_LIMIT must be "<rate>" or "<rate>\/<burst>" .*\(got 'fast'\)/, 2],
    ...(
      [
        ["5/0", /a burst below 1 would refuse every request/],
        ["0", /a rate from 1 to 100000/],
        ["0/10", /a rate from 1 to 100000/],
        ["-5", /a rate from 1 to 100000/],
        ["5/-1", /a burst from 1 to 1000000/],
        ["1.5", /a rate from 1 to 100000/],
        ["100001", /a rate from 1 to 100000/],
        ["10/1000001", /a burst from 1 to 1000000/],
        ["99999999999999999999", /a rate from 1 to 100000/],
      ] as const
    ).map(([v, why]): Case => [
      `RGS_RATE_LIMIT=${v}`,
      ["serve", "--port", "0", "--data", dataDir],
      { RGS_RATE_LIMIT: v },
      // The range allowed and the value refused, on the one line, in whichever order.
      new RegExp(`^(?=.*${why.source})(?=.*\\(got '${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}')rgs: RGS_RATE_LIMIT must be "<rate>" or "<rate>/<burst>"`, "m"),
      2,
    ]),
    ...["0/60", "20/0", "-1/60", "20", "20/86401", "100001/60", "lots", "20/60s"].map((v): Case => [
      `RGS_AUTH_FAILURE_LIMIT=${v}`,
      ["serve", "--port", "0", "--data", dataDir],
      { RGS_AUTH_FAILURE_LIMIT: v },
      new RegExp(`RGS_AUTH_FAILURE_LIMIT must be "<failures>/<seconds>" with failures from 1 to 100000 and seconds from 1 to 86400, or "off" \\(got '${v}'; default "20/60"\\)`),
      2,
    ]),
    [
      "a token shorter than 32 characters",
      ["serve", "--port", "0", "--data", dataDir],
      { RGS_TOKENS: `${ADMIN}:admin,hunter2-is-31-characters-long!!:reader` },
      /RGS_TOKENS entry 2 \(reader\): a token must be at least 32 characters, since a shorter one can be guessed/,
      2,
    ],
    ["a --database that is not postgres", ["serve", "--port", "0", "--data", dataDir, "--database", "mysql://root:hunter2@db/rgs"], {}, /--database must be a postgres:\/\/ or postgresql:\/\/ URL \(got 'mysql:\/\/root:\*\*\*@db\/rgs'\)/, 2],
    [
      "a PostgreSQL server that does not answer",
      ["serve", "--port", "0", "--data", dataDir, "--database", "postgres://rgs:hunter2@127.0.0.1:1/rgs"],
      {},
      /^rgs: cannot open the PostgreSQL database postgres:\/\/rgs:\*\*\*@127\.0\.0\.1:1\/rgs: connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
      1,
    ],
    ["a pool that is not an FQDN", ["serve", "--port", "0", "--data", dataDir, "--pool", "pool_01"], {}, /--pool must be a pool FQDN such as pool01.contoso.com \(got "pool_01"\)/, 2],
  ])("refuses %s", (_what, args, env, message, status) => {
    const r = rgs(args, env);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
