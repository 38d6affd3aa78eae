/**
 * How tests configure a shell backend with the fake agent instead of powershell.exe.
 *
 *   fakeAgentCommand(options?: FakeAgentOptions): FakeAgentCommand
 *     options.dir          directory for the state, log and faults files (default: a new temp dir)
 *     options.pools        pool FQDNs the fake serves (default ["pool01.contoso.com"]), RGS_FAKE_POOLS
 *     options.faults       faults fixed for the agent's life, RGS_FAKE_FAULTS (see faults.ts)
 *     options.startup      "junk" | "protocol2" | "no-module": a start-up the client must refuse
 *     options.env          more environment variables for the agent
 *     options.runner       "compiled" (default): the sources compiled once to JavaScript in the temp
 *                          directory (build.ts), started as [node, <tmp>/main.js], ~10x faster to start;
 *                          "ts-node": [node, "-r", <abs>/ts-node/register/transpile-only, <abs>/main.ts]
 *   FakeAgentCommand:
 *     command      argv of one agent process
 *     commandLine  the same argv as one shell-quoted command line
 *     env          the variables to start it with (merge over process.env): RGS_FAKE_STATE,
 *                  RGS_FAKE_LOG, RGS_FAKE_POOLS, RGS_FAKE_FAULTS_FILE (+ TS_NODE_PROJECT for ts-node)
 *     stateFile    the pools' state (survives agent restarts; delete it to start from empty pools)
 *     logFile      one line per request the agent received
 *     faultsFile   the control file, re-read on every request
 *     requests()   the requests logged so far, in order: { op, cmdlet } (cmdlet null for ping)
 *     setFaults(faults)  writes the control file: these faults apply from the next request on
 *     clearRequests()    empties the log, to count the requests of one step
 *
 * Each start of the command is one agent process; all share the state file, as restarts of a real
 * agent share one pool.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compiledAgentMain } from "./build";
import type { Fault } from "./faults";

export type { Fault, FaultKind } from "./faults";

export const FAKE_AGENT_MAIN = resolve(__dirname, "main.ts");
export const DEFAULT_FAKE_POOL = "pool01.contoso.com";

export interface FakeAgentOptions {
  dir?: string;
  pools?: string[];
  faults?: Fault[];
  startup?: "junk" | "protocol2" | "no-module";
  env?: Record<string, string>;
  runner?: "compiled" | "ts-node";
}

export interface LoggedRequest {
  op: string;
  cmdlet: string | null;
}

export interface FakeAgentCommand {
  command: string[];
  commandLine: string;
  env: Record<string, string>;
  stateFile: string;
  logFile: string;
  faultsFile: string;
  requests(): LoggedRequest[];
  setFaults(faults: Fault[]): void;
  clearRequests(): void;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function fakeAgentCommand(options: FakeAgentOptions = {}): FakeAgentCommand {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "rgs-fake-agent-"));
  const stateFile = join(dir, "pool-state.json");
  const logFile = join(dir, "requests.log");
  const faultsFile = join(dir, "faults.json");
  const tsNode = options.runner === "ts-node";
  const command = tsNode
    ? [process.execPath, "-r", require.resolve("ts-node/register/transpile-only"), FAKE_AGENT_MAIN]
    : [process.execPath, compiledAgentMain()];
  const env: Record<string, string> = {
    RGS_FAKE_STATE: stateFile,
    RGS_FAKE_LOG: logFile,
    RGS_FAKE_POOLS: (options.pools ?? [DEFAULT_FAKE_POOL]).join(","),
    RGS_FAKE_FAULTS_FILE: faultsFile,
    // ts-node looks for a tsconfig from the working directory; the agent may be started from anywhere.
    ...(tsNode ? { TS_NODE_PROJECT: resolve(__dirname, "../../../tsconfig.json") } : {}),
    ...(options.faults ? { RGS_FAKE_FAULTS: JSON.stringify(options.faults) } : {}),
    ...(options.startup ? { RGS_FAKE_STARTUP: options.startup } : {}),
    ...options.env,
  };
  return {
    command,
    commandLine: command.map(shellQuote).join(" "),
    env,
    stateFile,
    logFile,
    faultsFile,
    requests: () =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as LoggedRequest)
        : [],
    setFaults: (faults) => writeFileSync(faultsFile, JSON.stringify(faults)),
    clearRequests: () => writeFileSync(logFile, ""),
  };
}
