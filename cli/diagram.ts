/**
 * `rgs diagram`: a workflow's call flow, or a whole pool's, as Mermaid, DOT or SVG.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DIAGRAM_FORMATS, drawDiagram, type DiagramFormat } from "../sdk/flow/diagram";
import { buildGraph, workflowGraph } from "../sdk/flow/graph";
import { findWorkflow } from "../sdk/flow/pool";
import { loadPool, refuseTokenInArgv, runCommand, SOURCE_OPTIONS, SOURCE_USAGE, UsageError } from "./source";

export const USAGE = `usage: rgs diagram (--workflow NAME | --pool FQDN) [--format mermaid|svg|dot] [--out FILE]
                   (--endpoint URL | --shell CMD | --file FILE | --program DIR) [--pool FQDN]

  --workflow  draw one workflow's call flow (by name, or its primary URI sip:...)
  --pool      without --workflow: draw every workflow and queue of the pool
  --format    mermaid (default: text for READMEs and pull requests), svg (drawn by Graphviz) or dot
  --out       write to FILE instead of standard output

${SOURCE_USAGE}

environment:
  RGS_TOKEN  bearer token for --endpoint`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  workflow: { type: "string" },
  format: { type: "string", default: "mermaid" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  return runCommand("diagram", USAGE, async () => {
    refuseTokenInArgv(argv);
    const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const format = values.format as DiagramFormat;
    if (!DIAGRAM_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${DIAGRAM_FORMATS.join(", ")} (got '${values.format}')`);
    if (values.workflow === undefined && values.pool === undefined) throw new UsageError("name what to draw: --workflow NAME, or --pool FQDN for the whole pool");
    const objects = await loadPool(values);
    const graph = buildGraph(objects);
    let title = objects.pool ?? "pool";
    let drawn = graph;
    if (values.workflow !== undefined) {
      const byUri = /^sip:/i.test(values.workflow);
      const w = findWorkflow(objects, byUri ? { uri: values.workflow } : { name: values.workflow });
      drawn = workflowGraph(graph, w.id);
      title = w.name;
    }
    const text = await drawDiagram(drawn, format, title);
    if (values.out !== undefined) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  });
}

// Runnable on its own too (node dist/cli/<command>.js ...), before and besides `rgs` dispatching to it.
if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
