#!/usr/bin/env node
/**
 * The `rgs` command: one file per command beside this one.
 */
import { run as agent } from "./agent";
import { run as diagram } from "./diagram";
import { run as diff } from "./diff";
import { run as exportCommand } from "./export";
import { run as lint } from "./lint";
import { serve, USAGE as SERVE_USAGE } from "./serve";
import { run as simulate } from "./simulate";
import { UsageError } from "./source";

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve,
  export: exportCommand,
  simulate,
  diagram,
  lint,
  diff,
  agent,
};

const USAGE = `${SERVE_USAGE}

other commands (rgs <command> --help for each):
  rgs export     existing configuration as a Pulumi program
  rgs simulate   what happens to a call at a given time with given key presses
  rgs diagram    a workflow's call flow as Mermaid, DOT or SVG
  rgs lint       policy warnings for a pool's configuration
  rgs diff       what changed between two configurations, in call-flow terms
  rgs agent      print the Management Shell agent script (rgs agent print > rgs-agent.ps1)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const run = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw new UsageError(`unknown command '${command}'`);
  return run(rest);
}

// A command that finished sets exitCode rather than exiting, so output still going to a pipe is
// not cut off; a failure exits, so a half-started service does not linger on its open handles.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string })?.code?.startsWith?.("ERR_PARSE_ARGS_")) {
      process.stderr.write(`rgs: ${(e as Error).message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`rgs: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
