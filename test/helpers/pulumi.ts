/**
 * Drives the real Pulumi CLI (scripts/ensure-pulumi) through the Automation API, with a local file
 * backend, against programs copied from examples/ into temporary directories.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

export const ROOT = resolve(__dirname, "../..");

let cliDir: string | undefined;

/** The directory holding pulumi, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs. */
export function pulumiBinDir(): string {
  if (cliDir === undefined) {
    execFileSync("node", [join(ROOT, "scripts/link-self.js")]);
    const out = execFileSync(join(ROOT, "scripts/ensure-pulumi"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 3_600_000 });
    cliDir = out.trim().split("\n").pop()!;
  }
  return cliDir;
}

export interface Project {
  /** The copy of the program the stacks run from. */
  dir: string;
  /** The file backend's directory. */
  stateDir: string;
  passphrase: string;
  cleanup(): void;
}

/**
 * Copies an example, the benchmark's program or the repository's quickstart to a temporary
 * directory that resolves `pulumi-rgs` as a user's would.
 */
export function copyProject(source: "quickstart" | `examples/${string}` | `bench/${string}`): Project {
  const base = mkdtempSync(join(tmpdir(), "rgs-e2e-"));
  const dir = join(base, "program");
  const stateDir = join(base, "state");
  mkdirSync(stateDir);
  if (source === "quickstart") {
    mkdirSync(dir);
    for (const f of ["Pulumi.yaml", "quickstart.ts", "tsconfig.json"]) cpSync(join(ROOT, f), join(dir, f));
  } else {
    cpSync(join(ROOT, source), dir, { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "rgs-e2e-program", private: true }));
  return { dir, stateDir, passphrase: "e2e-passphrase", cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface StackOptions {
  /** Variables for the CLI, the program and the provider process (RGS_ENDPOINT, …). */
  env?: Record<string, string>;
}

export async function selectStack(project: Project, stackName: string, options: StackOptions = {}): Promise<Stack> {
  const bin = pulumiBinDir();
  const pulumiCommand = await PulumiCommand.get({ root: dirname(bin) });
  return LocalWorkspace.createOrSelectStack(
    { stackName, workDir: project.dir },
    {
      pulumiCommand,
      pulumiHome: join(project.stateDir, ".pulumi-home"),
      envVars: {
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        PULUMI_BACKEND_URL: `file://${project.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: project.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
        RGS_ENDPOINT: "",
        RGS_TOKEN: "",
        RGS_POOL: "",
        ...options.env,
      },
    },
  );
}

/** Every file of the file backend, concatenated: what a person could read from disk. */
export function stateFilesText(project: Project): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(readFileSync(p, "utf8"));
    }
  };
  walk(project.stateDir);
  return out.join("\n");
}

/** The properties `pulumi preview --diff` marks as changed (`~ name : old => new`). */
export function changedProperties(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => /^\s*~ ([A-Za-z]\w*)\s*:/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
}
