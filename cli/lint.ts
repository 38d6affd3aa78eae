/**
 * `rgs lint`: policy warnings for a pool. They warn; `--strict` makes any warning fail the run.
 */
import { parseArgs } from "node:util";
import { formatWarning, lintPool } from "../sdk/flow/lint";
import { loadPool, refuseTokenInArgv, runCommand, SOURCE_OPTIONS, SOURCE_USAGE, UsageError } from "./source";

export const USAGE = `usage: rgs lint [--strict] [--json] [--now TIME] (--endpoint URL | --shell CMD | --file FILE | --program DIR) [--pool FQDN]

  --strict  exit 1 when there is any warning
  --json    print the warnings as a JSON list: rule, object {kind, id, name}, field, message
  --now     compare holidays with this instant instead of the current time (ISO, e.g. 2027-01-05T00:00:00Z)

${SOURCE_USAGE}

environment:
  RGS_TOKEN  bearer token for --endpoint`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  strict: { type: "boolean" },
  json: { type: "boolean" },
  now: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  return runCommand("lint", USAGE, async () => {
    refuseTokenInArgv(argv);
    const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    let now: Date | undefined;
    if (values.now !== undefined) {
      now = new Date(values.now);
      if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(values.now)) throw new UsageError(`--now must be an ISO date and time such as 2027-01-05T00:00:00Z (got '${values.now}')`);
    }
    const objects = await loadPool(values);
    const warnings = lintPool(objects, now ? { now } : {});
    if (values.json) {
      process.stdout.write(`${JSON.stringify(warnings, null, 2)}\n`);
    } else if (warnings.length === 0) {
      process.stdout.write(`no warnings for ${objects.pool ?? "the pool"}\n`);
    } else {
      for (const w of warnings) process.stdout.write(`warning: ${formatWarning(w)}\n`);
      process.stdout.write(`${warnings.length} warning${warnings.length > 1 ? "s" : ""}\n`);
    }
    return values.strict && warnings.length > 0 ? 1 : 0;
  });
}

// Runnable on its own too (node dist/cli/<command>.js ...), before and besides `rgs` dispatching to it.
if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
