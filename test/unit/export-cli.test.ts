/**
 * `rgs export` as a command: its usage, its exit codes and messages, and the files it writes from
 * the Response Group service (in this process, on a real SQLite file).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run, USAGE } from "../../cli/export";
import { HttpBackend } from "../../sdk/http-client";
import { ShellBackend } from "../../sdk/shell/index";
import { fakeAgentCommand } from "../helpers/fake-agent/spawn";
import { makeTempDir, removeDir, startInProcessService, type InProcessService } from "../helpers/service";
import { POOL_A, POOL_B, richAudio, richConfiguration, richSettings, seed } from "./export-fixtures";

let service: InProcessService;
const dirs: string[] = [];

beforeAll(async () => {
  service = await startInProcessService({ pools: [POOL_A, POOL_B, "pool03.contoso.com"] });
  await seed(new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 }), richConfiguration(), richAudio(), richSettings());
}, 60_000);

afterAll(async () => {
  await service?.stop();
  for (const d of dirs) removeDir(d);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function exportWith(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  vi.stubEnv("RGS_TOKEN", env.RGS_TOKEN ?? service.tokens.reader);
  vi.stubEnv("RGS_ENDPOINT", env.RGS_ENDPOINT ?? "");
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await run(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function outDir(): string {
  const d = makeTempDir("rgs-export-cli-");
  dirs.push(d);
  return join(d, "contoso-rgs");
}

describe("rgs export usage", () => {
  it.each([
    [[], "--out <dir> is required"],
    [["--out"], "argument missing"],
    [["--out", "x", "--format", "yaml"], "--format must be json (got 'yaml')"],
    [["--out", "x", "--stack", "no spaces"], "--stack must be 1 to 100 letters"],
    [["--out", "x", "--bogus"], "Unknown option '--bogus'"],
    [["--out", "x", "--endpoint", "ftp://host"], "--endpoint must be an http:// or https:// URL (got 'ftp://host')"],
    [["--out", "x", "--endpoint", "http://h", "--shell", "agent"], "--endpoint and --shell both name a source"],
    [["--out", "x", "--token", "secret-on-argv"], "a token is never given on the command line: set RGS_TOKEN instead"],
    [["--out", "-"], "--out - (standard output) is not supported: an export is a project of several files, the audio files' recordings among them; give a directory"],
  ])("%j is refused with exit 2, the problem and the usage", async (argv, problem) => {
    const r = await exportWith(argv.includes("--endpoint") ? argv : ["--endpoint", service.url, ...argv]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(problem);
    expect(r.stderr).toContain(USAGE);
    expect(r.stderr).not.toContain("secret-on-argv");
  });

  it("needs a source and a token", async () => {
    const none = await exportWith(["--out", outDir()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no source: give --endpoint <url> (or set RGS_ENDPOINT)");
    const noToken = await exportWith(["--out", outDir(), "--endpoint", service.url], { RGS_TOKEN: "" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("no token: set RGS_TOKEN");
  });

  it("prints the usage for --help with exit 0", async () => {
    const r = await exportWith(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(USAGE);
  });
});

describe("rgs export from the service", () => {
  it("writes the project of every pool, reading with a reader's token", async () => {
    const out = outDir();
    const r = await exportWith(["--out", out, "--endpoint", service.url, "--stack", "prod"]);
    expect(r.stderr).toContain("warning: pool01.contoso.com: queue \"Night B\": overflowAction.queueId keeps the id of queue \"Night A\"");
    expect(r.code).toBe(0);
    const count = richConfiguration().length;
    const audio = richAudio();
    expect(r.stdout).toContain(`exported ${count} objects and ${audio.length} audio files of ${POOL_A}, ${POOL_B}, pool03.contoso.com to ${out} with 1 warning`);
    expect(readdirSync(out).sort()).toEqual(["Pulumi.prod.yaml", "Pulumi.yaml", "README.md", "audio", "index.ts", "package.json", "tsconfig.json"]);
    expect(readdirSync(join(out, "audio")).sort()).toEqual([POOL_A, POOL_B]);
    expect(readdirSync(join(out, "audio", POOL_A)).sort()).toEqual(["Hold music _ Contoso_ 2026.wav", "spare.wav", "welcome.wav"]);
    const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    expect(sha(readFileSync(join(out, "audio", POOL_A, "Hold music _ Contoso_ 2026.wav")))).toBe(sha(audio.find((a) => a.key === "hold")!.content));
    expect(sha(readFileSync(join(out, "audio", POOL_B, "welcome.wav")))).toBe(sha(audio.find((a) => a.key === "b-welcome")!.content));
    expect(readFileSync(join(out, "Pulumi.prod.yaml"), "utf8")).toBe(`config:\n  rgs:endpoint: "${service.url}"\n  rgs:pool: "${POOL_A}"\n`);
    expect(readFileSync(join(out, "Pulumi.yaml"), "utf8")).toContain('name: "contoso-rgs"');
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string };
    expect(pkg.dependencies).toEqual({ "@pulumi/pulumi": "3.248.0", "pulumi-rgs": own.version });
    const program = readFileSync(join(out, "index.ts"), "utf8");
    // Pool A's settings differ from Lync's defaults; the others' do not.
    expect(program.match(/new rgs\./g)).toHaveLength(count + audio.length + 1);
    expect(program.match(/new rgs\.AudioFile\(/g)).toHaveLength(audio.length);
    expect(program).toContain(
      `new rgs.ServiceSettings("settings-pool01-contoso-com", {\n    agentRingbackGracePeriod: 45,\n    disableCallContext: true,\n    defaultMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id,\n    pool: "${POOL_A}"\n});`,
    );
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("an admin's token (the settings need one)");
    const everything = [out, ...readdirSync(out).filter((f) => f !== "audio").map((f) => readFileSync(join(out, f), "utf8"))].join("\n");
    expect(everything).not.toContain(service.tokens.reader);
  });

  it("writes one pool's project with --pool, and the sorted configuration with --format json, the same on every run", async () => {
    const out = outDir();
    const first = await exportWith(["--out", out, "--endpoint", service.url, "--pool", POOL_B, "--format", "json"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const program = readFileSync(join(out, "index.ts"), "utf8");
    expect(program).not.toContain("pool:");
    const json = readFileSync(join(out, "configuration.json"), "utf8");
    const pools = (JSON.parse(json) as { pools: { pool: string; "audio-files": { fileName: string; file: string; sha256: string }[]; settings: unknown }[] }).pools;
    expect(pools.map((p) => p.pool)).toEqual([POOL_B]);
    expect(pools[0]["audio-files"].map((a) => [a.fileName, a.file])).toEqual([["welcome.wav", `audio/${POOL_B}/welcome.wav`]]);
    expect(createHash("sha256").update(readFileSync(join(out, pools[0]["audio-files"][0].file))).digest("hex")).toBe(pools[0]["audio-files"][0].sha256);
    expect(pools[0].settings).toEqual({ agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null });
    const again = await exportWith(["--out", out, "--endpoint", service.url, "--pool", POOL_B, "--format", "json"]);
    expect(again.code).toBe(0);
    expect(readFileSync(join(out, "configuration.json"), "utf8")).toBe(json);
    expect(readFileSync(join(out, "index.ts"), "utf8")).toBe(program);
  });

  it("exports an empty pool as a program without resources", async () => {
    const out = outDir();
    const r = await exportWith(["--out", out, "--endpoint", service.url, "--pool", "pool03.contoso.com"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("exported 0 objects of pool03.contoso.com");
    expect(readFileSync(join(out, "index.ts"), "utf8")).not.toContain("new rgs.");
  });

  it("fails with exit 1 and a message, no stack trace, for a pool that is not there", async () => {
    const out = outDir();
    const r = await exportWith(["--out", out, "--endpoint", service.url, "--pool", "pool09.contoso.com"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`rgs export: pool 'pool09.contoso.com' is not a pool of this source; its pools are: ${POOL_A}, ${POOL_B}, pool03.contoso.com\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("fails with exit 1 for a wrong token, says to check RGS_TOKEN and never prints it", async () => {
    const r = await exportWith(["--out", outDir(), "--endpoint", service.url], { RGS_TOKEN: "tok-wrong-0123456789" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rgs export: .*\(check RGS_TOKEN\)\n$/s);
    expect(r.stderr).not.toContain("tok-wrong-0123456789");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("fails with exit 1 when nothing answers at the endpoint", async () => {
    const r = await exportWith(["--out", outDir(), "--endpoint", "http://127.0.0.1:9"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rgs export: .+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe("rgs export from a pool's Management Shell", () => {
  it("reads the pool through the agent, and names the agent's command in the stack's config", async () => {
    const agent = fakeAgentCommand({ pools: [POOL_A] });
    for (const [k, v] of Object.entries(agent.env)) vi.stubEnv(k, v);
    // The shell backend keeps recordings in its audio store; the export's own backend reads the same one.
    const store = makeTempDir("rgs-export-audio-store-");
    dirs.push(store);
    vi.stubEnv("RGS_AUDIO_STORE", store);
    const shell = new ShellBackend({ command: agent.commandLine });
    const declared = richConfiguration().filter((d) => d.pool === POOL_A);
    const audio = richAudio().filter((a) => a.pool === POOL_A);
    try {
      await seed(shell, declared, audio, richSettings());
    } finally {
      await shell.close();
    }
    const out = outDir();
    const r = await exportWith(["--out", out, "--shell", agent.commandLine, "--format", "json"]);
    expect(r.stderr).toContain('warning: pool01.contoso.com: queue "Night B"');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`exported ${declared.length} objects and ${audio.length} audio files of ${POOL_A}`);
    const program = readFileSync(join(out, "index.ts"), "utf8");
    expect(program.match(/new rgs\./g)).toHaveLength(declared.length + audio.length + 1);
    expect(program).toContain("customMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id");
    expect(program).toContain('new rgs.ServiceSettings("settings", {\n    agentRingbackGracePeriod: 45,\n    disableCallContext: true,\n    defaultMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id\n});');
    expect(readFileSync(join(out, "audio", POOL_A, "welcome.wav"))).toEqual(Buffer.from(audio.find((a) => a.key === "welcome")!.content));
    expect(readFileSync(join(out, "Pulumi.dev.yaml"), "utf8")).toBe(`config:\n  rgs:shell: ${JSON.stringify(agent.commandLine)}\n  rgs:pool: "${POOL_A}"\n`);
    expect(readFileSync(join(out, "README.md"), "utf8")).not.toContain("rgs:token");
    expect(readFileSync(join(out, "README.md"), "utf8")).not.toContain("token of role admin");
  }, 120_000);

  it("leaves a command line that carries a secret out of the stack's config", async () => {
    const agent = fakeAgentCommand({ pools: [POOL_A] });
    for (const [k, v] of Object.entries(agent.env)) vi.stubEnv(k, v);
    const withSecret = `${agent.commandLine} -Password hunter2-secret`;
    const out = outDir();
    const r = await exportWith(["--out", out, "--shell", withSecret]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "Pulumi.dev.yaml"), "utf8")).toBe(`config:\n  rgs:pool: "${POOL_A}"\n`);
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("pulumi config set rgs:shell '<agent command>'");
    const everything = readdirSync(out).map((f) => readFileSync(join(out, f), "utf8")).join("\n") + r.stdout + r.stderr;
    expect(everything).not.toContain("hunter2-secret");
  }, 120_000);
});

