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

function rgs(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, RGS_TOKENS: "tok-cli-test-admin:admin", RGS_RATE_LIMIT: "", ...env },
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
  });

  it.each([
    ["no command", [], {}, /^$/, 2],
    ["an unknown command", ["start"], {}, /rgs: unknown command 'start'/, 2],
    ["an unknown option", ["serve", "--prot", "8080"], {}, /rgs: Unknown option '--prot'/, 2],
    ["a port that is not one", ["serve", "--port", "80a", "--data", dataDir], {}, /--port must be a port number from 0 to 65535 \(got '80a'\)/, 2],
    ["a port out of range", ["serve", "--port", "70000", "--data", dataDir], {}, /--port must be a port number from 0 to 65535 \(got '70000'\)/, 2],
    ["a bad RGS_RATE_LIMIT", ["serve", "--port", "0", "--data", dataDir], { RGS_RATE_LIMIT: "fast" }, /RGS_RATE_LIMIT must be "<rate>" or "<rate>\/<burst>" .*\(got 'fast'\)/, 2],
    ["a --database that is not postgres", ["serve", "--port", "0", "--data", dataDir, "--database", "mysql://root:hunter2@db/rgs"], {}, /--database must be a postgres:\/\/ URL \(got 'mysql:\/\/\*\*\*@db\/rgs'\)/, 2],
    [
      "a PostgreSQL server that does not answer",
      ["serve", "--port", "0", "--data", dataDir, "--database", "postgres://rgs:hunter2@127.0.0.1:1/rgs"],
      {},
      /^rgs: cannot open the PostgreSQL database postgres:\/\/rgs:\*\*\*@127\.0\.0\.1:1\/rgs: connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
      1,
    ],
    ["a pool that is not an FQDN", ["serve", "--port", "0", "--data", dataDir, "--pool", "pool_01"], {}, /--pool must be a pool FQDN such as pool01.contoso.com \(got "pool_01"\)/, 2],
  ])("refuses %s", (_what, args, env, message, status) => {
    const r = rgs(args as string[], env as Record<string, string>);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
