/**
 * `rgs agent print`: writes the Management Shell agent script, to copy to a management server or
 * jump host (agent/README.md says how to run it).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runCommand, UsageError } from "./source";

export const USAGE = `usage: rgs agent print > rgs-agent.ps1

  print   write rgs-agent.ps1, the agent the shell backend starts (rgs:shell, rgs serve --shell), to standard output`;

// The package root holds agent/; this file runs from cli/ in the sources and from dist/cli/ when built.
const ROOT = existsSync(resolve(__dirname, "../package.json")) ? resolve(__dirname, "..") : resolve(__dirname, "../..");
const SCRIPT = resolve(ROOT, "agent/rgs-agent.ps1");

export async function run(argv: string[]): Promise<number> {
  return runCommand("agent", USAGE, async () => {
    if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (argv.length !== 1 || argv[0] !== "print") throw new UsageError(argv.length === 0 ? "name what to do: print" : `unknown arguments '${argv.join(" ")}'`);
    process.stdout.write(readFileSync(SCRIPT));
    return 0;
  });
}
