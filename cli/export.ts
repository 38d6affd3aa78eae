/**
 * `rgs export`: writes the Response Group configuration of pools as a Pulumi project that takes it
 * over without changing it.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Backend } from "../sdk/backend";
import { describeError, RgsError } from "../sdk/errors";
import { exportProject, isStackName, projectNameOf, type ProjectOptions } from "../sdk/export/index";
import { HttpBackend } from "../sdk/http-client";
import { maskSecrets, ShellBackend } from "../sdk/shell/index";

export const USAGE = `usage: rgs export --out <dir> [--pool <fqdn> ...] [--stack <name>] [--endpoint <url> | --shell '<command>'] [--format json]

  --out       directory to write the Pulumi project to (created if missing; the files it writes are replaced),
              the audio files' recordings under audio/<pool>/
  --pool      pool to export; repeat for several (default: every pool)
  --stack     the stack whose config file is written, Pulumi.<name>.yaml (default dev)
  --endpoint  base URL of the Response Group service (default: RGS_ENDPOINT)
  --shell     the command line that starts the Management Shell agent of a real pool, instead of --endpoint
  --format    json: also write configuration.json, the configuration sorted for diffing

environment:
  RGS_TOKEN     bearer token for --endpoint (never on the command line)
  RGS_ENDPOINT  the service's URL when --endpoint is not given`;

class UsageError extends Error {}

interface Options {
  out: string;
  pools: string[];
  stack: string;
  endpoint?: string;
  shell?: string;
  json: boolean;
}

/** Runs `rgs export` with the arguments after `export`; answers the exit code. */
export async function run(argv: string[]): Promise<number> {
  let options: Options | "help";
  try {
    options = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`rgs export: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let backend: Backend | undefined;
  try {
    backend = options.shell !== undefined ? new ShellBackend({ command: options.shell }) : httpBackend(options.endpoint!);
    const result = await exportProject(backend, {
      pools: options.pools,
      json: options.json,
      ...projectOptions(options),
    });
    writeProject(options.out, result.files, result.assets);
    for (const w of result.warnings) process.stderr.write(`rgs export: warning: ${w.pool}: ${w.message}\n`);
    const objects = result.snapshot.objects.length;
    const audio = result.snapshot.audioFiles?.length ?? 0;
    const pools = result.snapshot.pools.length > 0 ? result.snapshot.pools.join(", ") : "no pool";
    process.stdout.write(
      `exported ${objects} object${objects === 1 ? "" : "s"}${audio > 0 ? ` and ${audio} audio file${audio === 1 ? "" : "s"}` : ""} of ${pools} to ${options.out}` +
        `${result.warnings.length > 0 ? ` with ${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"}` : ""}\n` +
        `next: cd ${options.out} && npm install && pulumi stack select --create ${options.stack}` +
        `${options.shell === undefined ? " && pulumi config set --secret rgs:token <token>" : ""} && pulumi preview\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`rgs export: ${messageOf(e)}\n`);
    return 1;
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

function parse(argv: string[]): Options | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        pool: { type: "string", multiple: true, default: [] },
        stack: { type: "string", default: "dev" },
        endpoint: { type: "string" },
        shell: { type: "string" },
        format: { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  if (values.token !== undefined) throw new UsageError("a token is never given on the command line: set RGS_TOKEN instead");
  if (values.out === undefined || values.out === "") throw new UsageError("--out <dir> is required");
  if (values.out === "-") {
    throw new UsageError("--out - (standard output) is not supported: an export is a project of several files, the audio files' recordings among them; give a directory");
  }
  if (!isStackName(values.stack)) {
    throw new UsageError(`--stack must be 1 to 100 letters, digits, '-', '_' or '.' (got '${values.stack}')`);
  }
  if (values.format !== undefined && values.format !== "json") throw new UsageError(`--format must be json (got '${values.format}')`);
  const endpoint = values.endpoint ?? (values.shell === undefined ? process.env.RGS_ENDPOINT || undefined : undefined);
  if (values.shell !== undefined && values.endpoint !== undefined) {
    throw new UsageError("--endpoint and --shell both name a source; give one");
  }
  if (values.shell !== undefined && values.shell.trim() === "") throw new UsageError("--shell needs the agent's command line");
  if (values.shell === undefined) {
    if (endpoint === undefined) throw new UsageError("no source: give --endpoint <url> (or set RGS_ENDPOINT), or --shell '<command>'");
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new UsageError(`--endpoint must be an http:// or https:// URL (got '${endpoint}')`);
    if (!process.env.RGS_TOKEN) throw new UsageError("no token: set RGS_TOKEN to an operator's, admin's or reader's token for the service");
  }
  return { out: resolve(values.out), pools: values.pool, stack: values.stack, endpoint, shell: values.shell, json: values.format === "json" };
}

function httpBackend(endpoint: string): Backend {
  return new HttpBackend({ endpoint, token: process.env.RGS_TOKEN!, userAgent: "rgs-export", maxRetries: 3 });
}

function projectOptions(options: Options): Omit<ProjectOptions, "pools"> {
  // A command line that carries a secret stays out of the stack's config; the README says how to set it.
  const shell = options.shell !== undefined && maskSecrets(options.shell) === options.shell ? options.shell : undefined;
  return {
    project: projectNameOf(basename(options.out)),
    stack: options.stack,
    endpoint: options.endpoint,
    shell,
    versions: versions(),
  };
}

/** The versions the exported project pins: this package's own, and what it was built and tested with. */
function versions(): ProjectOptions["versions"] {
  const pkg = ownPackage();
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  return {
    pulumiRgs: pkg.version,
    pulumi: deps["@pulumi/pulumi"],
    typescript: deps.typescript,
    typesNode: deps["@types/node"],
  };
}

interface PackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function ownPackage(): PackageJson {
  // From cli/ when run from source, from dist/cli/ when built.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
    if (pkg.name === "pulumi-rgs") return pkg;
  }
  throw new RgsError("internal", "cannot find the package.json of pulumi-rgs above this command");
}

function writeProject(out: string, files: Record<string, string>, assets: Record<string, Uint8Array>): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new RgsError("validation_failed", `--out ${out} is a file; give a directory`);
  }
  mkdirSync(out, { recursive: true });
  for (const [name, content] of [...Object.entries(files), ...Object.entries(assets)]) {
    const file = resolve(out, ...name.split("/"));
    // Audio file names come from the pool; sdk/export makes them safe, and this keeps any path inside --out.
    if (relative(out, file).startsWith("..") || isAbsolute(relative(out, file))) {
      throw new RgsError("internal", `refusing to write ${JSON.stringify(name)} outside ${out}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function messageOf(e: unknown): string {
  if (RgsError.isRgsError(e)) {
    const hint = e.code === "unauthorized" || e.code === "forbidden" ? " (check RGS_TOKEN)" : "";
    return `${describeError(e)}${hint}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
