/**
 * A Pulumi program's declared objects, before anything is deployed: the program runs under
 * Pulumi's mocks (pulumi.runtime.setMocks), which record each resource and give it an id, so
 * references between resources resolve as they would after `pulumi up`. Its audio files are known
 * by the file names they are declared with, and its settings when it declares rgs.ServiceSettings;
 * the pool's other audio files are not.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { RgsError } from "../sdk/errors";
import { emptyPool, type FlowAudioFile, type PoolObjects } from "../sdk/flow/pool";
import { KIND_NAMES, kindDef, toFieldIssues, type KindName } from "../sdk/model/index";

export interface ProgramOptions {
  /** The stack whose Pulumi.<stack>.yaml config the program reads. */
  stack?: string;
  /** The pool of resources that set none, when the stack config names none either. */
  pool?: string;
}

interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

type PulumiModule = {
  runtime: {
    setMocks(mocks: { newResource(a: MockResourceArgs): { id: string; state: Record<string, unknown> }; call(a: { inputs: Record<string, unknown> }): Record<string, unknown> }, project?: string, stack?: string, preview?: boolean): Promise<void>;
    setAllConfig(config: Record<string, string>, secretKeys?: string[]): void;
  };
};

const ARG_FIELDS = ["pool", "adopt", "__key", "__provider"];

// An id of the GUID form the model requires, the same for the same resource on every run.
function mockId(type: string, name: string): string {
  const h = createHash("sha256").update(`${type}\0${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function readYaml(file: string, fromDir: string): unknown {
  // js-yaml comes with @pulumi/pulumi, which a Pulumi program always has.
  const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [fromDir, __dirname] }));
  const yaml = require(require.resolve("js-yaml", { paths: [pulumiDir] })) as { load(text: string): unknown };
  return yaml.load(readFileSync(file, "utf8"));
}

/** The pools a program declares objects in, each with those objects, defaults filled in. */
export async function loadProgram(dir: string, options: ProgramOptions = {}): Promise<PoolObjects[]> {
  const root = resolve(dir);
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(root, f)).find(existsSync);
  if (!projectFile) throw new RgsError("not_found", `${root} is not a Pulumi program: it has no Pulumi.yaml`);
  const project = readYaml(projectFile, root) as { name?: string; main?: string };
  if (typeof project?.name !== "string") throw new RgsError("validation_failed", `${projectFile} has no project name`);

  const config: Record<string, string> = {};
  if (options.stack !== undefined) {
    const stackFile = join(root, `Pulumi.${options.stack}.yaml`);
    if (!existsSync(stackFile)) throw new RgsError("not_found", `the program has no stack ${options.stack}: ${stackFile} does not exist`);
    const values = ((readYaml(stackFile, root) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === "object" && v !== null && "secure" in v) continue;
      config[k.includes(":") ? k : `${project.name}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }

  const main = resolveMain(root, project.main);
  // The program's own @pulumi/pulumi, for the mocks to take effect in the copy its resources use.
  const pulumiEntry = require.resolve("@pulumi/pulumi", { paths: [root, __dirname] });
  const pulumi = require(pulumiEntry) as PulumiModule;
  const declared: MockResourceArgs[] = [];
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        declared.push(args);
        return { id: mockId(args.type, args.name), state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project.name,
    options.stack ?? "simulate",
    true,
  );
  if (/\.tsx?$/.test(main)) {
    const tsNode = require(require.resolve("ts-node", { paths: [root, __dirname] })) as { register(o: object): void };
    tsNode.register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
  }
  // Pulumi runs a program in its project's directory, so relative paths (an AudioFile's source) resolve there.
  const cwd = process.cwd();
  process.chdir(root);
  try {
    require(main);
    const settings = require(join(dirname(pulumiEntry), "runtime", "settings")) as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
  } catch (e) {
    throw new RgsError("validation_failed", `the program ${main} failed under Pulumi's mocks: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  } finally {
    process.chdir(cwd);
  }
  return collect(declared, config["rgs:pool"] ?? process.env.RGS_POOL ?? options.pool, root);
}

function resolveMain(root: string, main: string | undefined): string {
  const candidates = main ? [join(root, main), join(root, main, "index.ts"), join(root, main, "index.js")] : [join(root, "index.ts"), join(root, "index.js")];
  if (!main && existsSync(join(root, "package.json"))) {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { main?: string };
    if (pkg.main) candidates.unshift(join(root, pkg.main));
  }
  const found = candidates.find((c) => existsSync(c) && !c.endsWith("/"));
  if (!found) throw new RgsError("not_found", `cannot find the program's entry in ${root} (looked for ${candidates.map((c) => c.slice(root.length + 1)).join(", ")})`);
  return found;
}

const AUDIO_FILE_TYPE = "pulumi-nodejs:dynamic/rgs:AudioFile";
const SETTINGS_TYPE = "pulumi-nodejs:dynamic/rgs:ServiceSettings";

/**
 * An rgs.AudioFile as call flows name it: its file name (given, or the source's base name) and,
 * when the recording is there to read, its hash.
 */
async function audioFileOf(r: MockResourceArgs, root: string): Promise<FlowAudioFile | { problem: string }> {
  // rgs.AudioFile hands its shim the source's resolved path; a source as declared is read too.
  const source = (r.inputs.path ?? r.inputs.source) as unknown;
  const path = typeof source === "string" ? source : await (source as { path?: unknown } | undefined)?.path;
  if (typeof path !== "string" || path === "") return { problem: "source must be the recording's path or a pulumi.asset.FileAsset" };
  const fileName = typeof r.inputs.fileName === "string" ? r.inputs.fileName : basename(path);
  const file = resolve(root, path);
  const sha256 = existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : undefined;
  return { id: mockId(r.type, r.name), fileName, ...(sha256 ? { sha256 } : {}) };
}

async function collect(declared: MockResourceArgs[], defaultPool: string | undefined, root: string): Promise<PoolObjects[]> {
  const kindOf = new Map<string, KindName>(KIND_NAMES.map((k) => [`pulumi-nodejs:dynamic/rgs:${kindDef(k).typeName}`, k]));
  const pools = new Map<string, PoolObjects>();
  const problems: { path: string; message: string }[] = [];
  const poolOf = (pool: string) => {
    let objects = pools.get(pool);
    if (!objects) {
      objects = emptyPool(pool);
      pools.set(pool, objects);
    }
    return objects;
  };
  for (const r of declared) {
    const kind: KindName | undefined = kindOf.get(r.type);
    if (kind === undefined && r.type !== AUDIO_FILE_TYPE && r.type !== SETTINGS_TYPE) continue;
    const pool = typeof r.inputs.pool === "string" ? r.inputs.pool.toLowerCase() : defaultPool?.toLowerCase();
    if (pool === undefined) {
      problems.push({ path: r.name, message: "has no pool: set pool on the resource, rgs:pool in the stack config (--stack), or RGS_POOL" });
      continue;
    }
    if (r.type === SETTINGS_TYPE) {
      const music = r.inputs.defaultMusicOnHoldFileId ?? null;
      if (music !== null && typeof music !== "string") problems.push({ path: `${r.name}.defaultMusicOnHoldFileId`, message: "must be an audio file's id or null" });
      else poolOf(pool).settings = { defaultMusicOnHoldFileId: music };
      continue;
    }
    if (kind === undefined) {
      const audio = await audioFileOf(r, root);
      if ("problem" in audio) problems.push({ path: `${r.name}.source`, message: audio.problem });
      else (poolOf(pool).audioFiles ??= []).push(audio);
      continue;
    }
    const body = Object.fromEntries(Object.entries(r.inputs).filter(([k, v]) => !ARG_FIELDS.includes(k) && v !== undefined));
    const parsed = kindDef(kind).schema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      problems.push(...toFieldIssues(parsed.error, r.name));
      continue;
    }
    (poolOf(pool)[kind] as unknown[]).push({ ...(parsed.data as object), id: mockId(r.type, r.name) });
  }
  if (problems.length > 0) {
    throw new RgsError("validation_failed", `the program declares objects that are not valid: ${problems.length} problem${problems.length > 1 ? "s" : ""}`, { details: problems });
  }
  return [...pools.values()];
}
