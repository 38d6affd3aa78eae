/**
 * `rgs diff A B`: what changes for callers and agents from configuration A to configuration B.
 */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { describeChanges, formatChange } from "../sdk/flow/describe";
import type { PoolObjects } from "../sdk/flow/pool";
import { loadPool, refuseTokenInArgv, runCommand, UsageError } from "./source";

export const USAGE = `usage: rgs diff A B [--pool FQDN] [--stack NAME] [--json]

  A, B     each a configuration: an export file (JSON), a Pulumi program's directory (run under
           Pulumi's mocks, before it is deployed), or the service's URL (http://... or https://...,
           the token read from RGS_TOKEN)
  --pool   the pool, when a configuration holds more than one
  --stack  the stack whose Pulumi.<NAME>.yaml config a program reads
  --json   print the changes as a JSON list: kind, name, change, text

  Prints one line per change, e.g. "Main Line: key 2 now goes to queue Billing (was Support)".

environment:
  RGS_TOKEN  bearer token for a service URL`;

const OPTIONS = {
  pool: { type: "string" },
  stack: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  return runCommand("diff", USAGE, async () => {
    refuseTokenInArgv(argv);
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError(`give two configurations, A and B (got ${positionals.length})`);
    // One after the other: a program runs under process-wide mocks.
    const a = await load(positionals[0], values.pool, values.stack);
    const b = await load(positionals[1], values.pool, values.stack);
    const changes = describeChanges(a, b);
    if (values.json) process.stdout.write(`${JSON.stringify(changes, null, 2)}\n`);
    else if (changes.length === 0) process.stdout.write("no changes\n");
    else for (const c of changes) process.stdout.write(`${formatChange(c)}\n`);
    return 0;
  });
}

function load(source: string, pool: string | undefined, stack: string | undefined): Promise<PoolObjects> {
  if (/^https?:\/\//i.test(source)) return loadPool({ endpoint: source, pool });
  if (!existsSync(source)) throw new UsageError(`'${source}' is neither a file, a program's directory nor a service URL (http://...)`);
  if (statSync(source).isDirectory()) return loadPool({ program: source, pool, stack });
  return loadPool({ file: source, pool });
}

// Runnable on its own too (node dist/cli/<command>.js ...), before and besides `rgs` dispatching to it.
if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
