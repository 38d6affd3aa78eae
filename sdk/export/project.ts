/**
 * The files of an exported Pulumi project besides the program: Pulumi.yaml, package.json,
 * tsconfig.json, the stack's config and a README with the next commands.
 *
 * YAML values are written as JSON strings, which YAML reads as the same double-quoted scalars.
 */
import { slugOf } from "./names";

export interface ProjectOptions {
  /** The Pulumi project's name. */
  project: string;
  stack: string;
  pools: readonly string[];
  /** Where the stack reaches the Response Group service (`rgs:endpoint`). */
  endpoint?: string;
  /** The Management Shell agent's command line (`rgs:shell`), when it holds no secret. */
  shell?: string;
  /** The project holds audio files' recordings under audio/. */
  audio?: boolean;
  /** The program declares a pool's settings (rgs.ServiceSettings), which only an admin's token may write. */
  settings?: boolean;
  /** Versions the project's package.json pins. */
  versions: { pulumiRgs: string; pulumi: string; typescript: string; typesNode: string };
}

/** A Pulumi project name from any text: its words joined by hyphens, or `rgs-export`. */
export function projectNameOf(text: string): string {
  return slugOf(text) || "rgs-export";
}

/** A stack name Pulumi accepts: letters, digits, `-`, `_` and `.`. */
export function isStackName(s: string): boolean {
  return /^[A-Za-z0-9_.-]{1,100}$/.test(s);
}

export function projectFiles(options: ProjectOptions): Record<string, string> {
  const q = (s: string) => JSON.stringify(s);
  const pools = options.pools.length > 0 ? options.pools.join(", ") : "no pool";
  const pulumiYaml = [
    `name: ${q(options.project)}`,
    `description: ${q(`Response Group configuration of ${pools}, exported by rgs export`)}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    "main: index.ts",
    "",
  ].join("\n");

  const config: [string, string][] = [];
  if (options.endpoint !== undefined) config.push(["rgs:endpoint", options.endpoint]);
  if (options.shell !== undefined) config.push(["rgs:shell", options.shell]);
  // A program of several pools names each resource's pool; the stack's pool is the first, for resources added later.
  if (options.pools.length > 0) config.push(["rgs:pool", options.pools[0]]);
  const stackYaml = config.length > 0 ? ["config:", ...config.map(([k, v]) => `  ${k}: ${q(v)}`), ""].join("\n") : "config: {}\n";

  const packageJson = {
    name: options.project,
    private: true,
    main: "index.ts",
    dependencies: { "@pulumi/pulumi": options.versions.pulumi, "pulumi-rgs": options.versions.pulumiRgs },
    devDependencies: { "@types/node": options.versions.typesNode, typescript: options.versions.typescript },
  };
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node",
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: "bin",
    },
    files: ["index.ts"],
  };

  const readme = [
    `# ${options.project}`,
    "",
    `The Response Group configuration of ${pools}, exported by \`rgs export\`: one resource per object, each`,
    "with `adopt: true`, so the first `pulumi up` takes over the objects that exist instead of creating them.",
    "",
    "```sh",
    ...commandLines([
      ["npm install", ""],
      ["pulumi login --local", "or the state backend your team uses"],
      [`pulumi stack select --create ${options.stack}`, ""],
      ...(options.endpoint === undefined && options.shell === undefined
        ? [["pulumi config set rgs:shell '<agent command>'", "how the provider reaches the pool; or set RGS_SHELL"] as const]
        : []),
      ...(options.endpoint !== undefined
        ? [["pulumi config set --secret rgs:token <token>", options.settings ? "an admin's token (the settings need one); or set RGS_TOKEN" : "an operator's or admin's token; or set RGS_TOKEN"] as const]
        : []),
      ["pulumi preview", "expect no changes"],
      ["pulumi up", "takes the objects over; changes nothing in the pool"],
    ]),
    "```",
    "",
    `\`Pulumi.${options.stack}.yaml\` holds where the pool is reached and \`rgs:pool\`; the token is never written there in plain text.`,
    ...(options.pools.length > 1 ? ["Each resource names its pool; `rgs:pool` is the first, for resources added without one."] : []),
    "A reference `rgs export` could not write as a variable (a circle of queues, or an object missing from",
    "the pool) keeps its id, with a comment above the resource saying why.",
    ...(options.audio
      ? [
          "",
          "`audio/<pool>/` holds the recordings of the pool's audio files, each an `rgs.AudioFile` whose source is",
          "that file; keep them with the program. The pool keeps one audio file per recording, so the first",
          "`pulumi up` finds each one as it is, and replacing a file's bytes imports a new audio file.",
        ]
      : []),
    ...(options.settings
      ? [
          "",
          "A pool whose Response Group settings differ from Lync's defaults has an `rgs.ServiceSettings` resource",
          "with them; destroying it puts Lync's default settings back.",
          ...(options.endpoint !== undefined ? ["Writing settings needs a token of role admin: with an operator's token `pulumi up` is refused."] : []),
        ]
      : []),
    "",
  ].join("\n");

  return {
    "Pulumi.yaml": pulumiYaml,
    [`Pulumi.${options.stack}.yaml`]: stackYaml,
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    "README.md": readme,
  };
}

/** Shell commands with their comments lined up. */
function commandLines(lines: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...lines.map(([c]) => c.length)) + 3;
  return lines.map(([command, comment]) => (comment === "" ? command : `${command.padEnd(width)}# ${comment}`));
}

