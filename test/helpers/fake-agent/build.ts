/**
 * The agent compiled to plain JavaScript once per version of its sources, in the system's temp
 * directory, so that a start of the agent costs a Node start and not a TypeScript load: tests and
 * benchmarks restart it often. `main.ts` also runs as it is under ts-node (see README.md).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";

const SOURCES = __dirname;

/** The path of the compiled main.js, building it first if these sources were not built yet. */
export function compiledAgentMain(): string {
  const files = readdirSync(SOURCES)
    .filter((f) => (f.endsWith(".ts") && !f.endsWith(".d.ts")) || f.endsWith(".json"))
    .sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(readFileSync(join(SOURCES, f)));
  const target = join(tmpdir(), `rgs-fake-agent-${hash.digest("hex").slice(0, 16)}`);
  const main = join(target, "main.js");
  if (existsSync(main)) return main;

  mkdirSync(tmpdir(), { recursive: true });
  const staging = mkdtempSync(`${target}.`);
  for (const f of files) {
    const text = readFileSync(join(SOURCES, f), "utf8");
    if (f.endsWith(".json")) {
      writeFileSync(join(staging, f), text);
      continue;
    }
    const out = ts.transpileModule(text, {
      fileName: f,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
    });
    writeFileSync(join(staging, f.replace(/\.ts$/, ".js")), out.outputText);
  }
  try {
    renameSync(staging, target);
  } catch (e) {
    // Another test file built the same sources at the same time; theirs is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(main)) throw e;
  }
  return main;
}
