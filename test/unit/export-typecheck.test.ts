/**
 * The generated program type-checks against this repository's provider, as a user's project
 * checks it against the installed pulumi-rgs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateProgram } from "../../sdk/export/index";
import { idFor, POOL_A, richAudio, richConfiguration, richSettings, snapshotOf } from "./export-fixtures";

const ROOT = resolve(__dirname, "../..");
const dirs: string[] = [];

/** Type errors of each program, with `pulumi-rgs` mapped to provider/index.ts; one compilation for all. */
function typeErrors(programs: readonly (string | Readonly<Record<string, string>>)[]): string[][] {
  const projects = programs.map((p) => {
    const dir = mkdtempSync(join(tmpdir(), "rgs-export-tsc-"));
    dirs.push(dir);
    const files = Object.entries(typeof p === "string" ? { "index.ts": p } : p).map(([name, text]) => {
      const file = join(dir, ...name.split("/"));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    });
    return { index: join(dir, "index.ts"), files };
  });
  const program = ts.createProgram(projects.map((p) => p.index), {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
    baseUrl: ROOT,
    // The project depends on @pulumi/pulumi (FileAsset) as on pulumi-rgs; both resolve to this repository.
    paths: { "pulumi-rgs": [join(ROOT, "provider/index.ts")], "@pulumi/pulumi": [join(ROOT, "node_modules/@pulumi/pulumi")] },
  });
  const global = program.getGlobalDiagnostics().concat(program.getOptionsDiagnostics());
  return projects.map((p) => [
    ...global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    ...p.files.flatMap((file) => {
      const source = program.getSourceFile(file);
      if (!source) return [`${file} is not part of the program: index.ts does not import it`];
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
        (d) => `${file}:${source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    }),
  ]);
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the generated program with the provider's types", () => {
  const text = generateProgram(snapshotOf(richConfiguration(), { audio: richAudio(), settings: richSettings() })).text;
  const kept = generateProgram(
    snapshotOf([{ key: "q", kind: "queues", pool: POOL_A, body: { name: "Support", agentGroupIds: [idFor("gone")] } }], {
      settings: [{ pool: POOL_A, body: { agentRingbackGracePeriod: 120, defaultMusicOnHoldFileId: idFor("gone-music") } }],
    }),
  ).text;
  const wrong = text.replace('routingMethod: "Serial"', 'routingMethod: "Sequential"');
  const empty = generateProgram({ pools: [POOL_A], objects: [] }).text;
  const modules = generateProgram(snapshotOf(richConfiguration(), { audio: richAudio(), settings: richSettings() }), { moduleThreshold: 10 }).files;
  let errors: string[][] = [];
  beforeAll(() => {
    errors = typeErrors([text, kept, wrong, empty, modules]);
  }, 120_000);

  it("has no type errors, every kind and field of two pools and a pool's settings included", () => {
    expect(text).toContain("new rgs.ServiceSettings(");
    expect(errors[0]).toEqual([]);
  });

  it("has no type errors with a reference kept as an id, or with no objects", () => {
    expect(kept).toContain(`defaultMusicOnHoldFileId: "${idFor("gone-music")}"`);
    expect(errors[1]).toEqual([]);
    expect(errors[3]).toEqual([]);
  });

  it("has no type errors as one module per workflow", () => {
    expect(Object.keys(modules).length).toBeGreaterThan(5);
    expect(errors[4]).toEqual([]);
  });

  it("is checked for real: a value the provider's types refuse is reported", () => {
    expect(wrong).not.toBe(text);
    expect(errors[2]).toHaveLength(1);
    expect(errors[2][0]).toContain('"Sequential"');
  });
});
