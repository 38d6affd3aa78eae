/**
 * The fake Management Shell agent: a process that speaks protocol v1 (shell-agent.md) on stdin and
 * stdout, one JSON object per line, and emulates the documented *-CsRgs* cmdlets against pools kept
 * in a JSON file. Run: `node -r ts-node/register/transpile-only test/helpers/fake-agent/main.ts`.
 *
 * Environment:
 *   RGS_FAKE_STATE        the pool state file (absent: the pools live in memory only)
 *   RGS_FAKE_POOLS        comma-separated pool FQDNs (default pool01.contoso.com)
 *   RGS_FAKE_LOG          a file to which one line per request is appended: {"op","cmdlet"}
 *   RGS_FAKE_FAULTS       a JSON list of faults; RGS_FAKE_FAULTS_FILE a file with one, re-read per request
 *   RGS_FAKE_STARTUP      junk | protocol2 | no-module: a start-up that the client must refuse
 */
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { CmdletError, type WireError } from "./cmdlet-error";
import { runStep, runUpdate, type Step, type UpdateRequest } from "./evaluate";
import { type Fault, Faults } from "./faults";
import { PoolState } from "./pool-state";
import { project } from "./projection";

export const AGENT_VERSION = "fake-1";
export const MODULE = "SkypeForBusiness";

interface Request {
  id?: unknown;
  op?: unknown;
  step?: Step;
  get?: Step;
  ifFingerprint?: string;
  set?: Record<string, unknown>;
  with?: string;
}

type Answer = { id: unknown; ok: true; value: unknown } | { id: unknown; ok: false; error: WireError };

const env = process.env;
const pools = (env.RGS_FAKE_POOLS ?? "pool01.contoso.com")
  .split(",")
  .map((p) => p.trim().toLowerCase())
  .filter((p) => p !== "");
const state = new PoolState(pools, env.RGS_FAKE_STATE || undefined);
const faults = new Faults(env, env.RGS_FAKE_STATE ? `${env.RGS_FAKE_STATE}.faults-fired.json` : undefined);

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

function errorAnswer(id: unknown, e: unknown): Answer {
  if (e instanceof CmdletError) return { id, ok: false, error: e.toWire() };
  const message = e instanceof Error ? e.message : String(e);
  return { id, ok: false, error: { code: "failed", message, errorId: "FakeAgentFailure", category: "NotSpecified" } };
}

function execute(req: Request): Answer {
  try {
    switch (req.op) {
      case "ping":
        return { id: req.id, ok: true, value: "pong" };
      case "run":
        return { id: req.id, ok: true, value: project(runStep(req.step as Step, state)) };
      case "update":
        return { id: req.id, ok: true, value: project(runUpdate(req as UpdateRequest, state)) };
      default:
        throw new CmdletError("invalid", `unknown op ${JSON.stringify(req.op)}: protocol 1 has run, update and ping`, "UnknownOp", "InvalidArgument");
    }
  } catch (e) {
    return errorAnswer(req.id, e);
  }
}

function cmdletOf(req: Request): string | undefined {
  if (req.op === "run") return typeof req.step?.cmdlet === "string" ? req.step.cmdlet : undefined;
  if (req.op === "update") return typeof req.with === "string" ? req.with : undefined;
  return undefined;
}

function idOf(line: string): unknown {
  try {
    return (JSON.parse(line) as Request).id ?? null;
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function handle(line: string): Promise<void> {
  let req: Request;
  try {
    req = JSON.parse(line) as Request;
    if (req === null || typeof req !== "object" || Array.isArray(req)) throw new Error("a request is a JSON object");
  } catch (e) {
    write(JSON.stringify(errorAnswer(null, new CmdletError("invalid", `not a request: ${(e as Error).message}`, "MalformedRequest", "InvalidData"))));
    return;
  }
  const op = typeof req.op === "string" ? req.op : "?";
  const cmdlet = cmdletOf(req);
  if (env.RGS_FAKE_LOG) appendFileSync(env.RGS_FAKE_LOG, `${JSON.stringify({ op, cmdlet: cmdlet ?? null })}\n`);
  const fault: Fault | undefined = faults.take(op, cmdlet);
  switch (fault?.fault) {
    case "crash":
      process.stderr.write(`fake agent: crash fault on ${cmdlet ?? op}\n`);
      process.exit(70);
    case "denied":
      // The remoting endpoint applies RBAC (shell-agent.md, "remoting": least privilege is CsResponseGroupAdministrator).
      write(JSON.stringify(errorAnswer(req.id, new CmdletError("denied", `Access is denied: the user holds no role that allows ${cmdlet ?? op}`, "AccessDenied", "PermissionDenied", cmdlet))));
      return;
    case "slow":
      await sleep(fault.ms ?? 2000);
      break;
  }
  state.refresh();
  const answer = execute(req);
  switch (fault?.fault) {
    case "lose-answer":
      process.stderr.write(`fake agent: answer to ${cmdlet ?? op} lost\n`);
      process.exit(71);
    case "malformed":
      write(`${JSON.stringify(answer).slice(0, 17)}<truncated>`);
      return;
  }
  write(JSON.stringify(answer));
}

function start(): void {
  switch (env.RGS_FAKE_STARTUP) {
    case "junk":
      write("Windows PowerShell  Copyright (C) Microsoft Corporation. All rights reserved.");
      break;
    case "protocol2":
      write(JSON.stringify({ ready: true, protocol: 2, agent: AGENT_VERSION, module: MODULE }));
      break;
    case "no-module":
      // What Import-Module reports when the module is not installed; the agent then exits.
      write(
        JSON.stringify({
          ready: false,
          protocol: 1,
          agent: AGENT_VERSION,
          error: {
            code: "unavailable",
            message: `The specified module '${MODULE}' was not loaded because no valid module file was found in any module directory.`,
            errorId: "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand",
            category: "ResourceUnavailable",
          },
        }),
      );
      process.exit(3);
    default:
      write(JSON.stringify({ ready: true, protocol: 1, agent: AGENT_VERSION, module: MODULE }));
  }
  let queue = Promise.resolve();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => {
    if (line.trim() === "") return;
    // A request that fails outside any cmdlet (a fault list that does not parse, a log that cannot be
    // written) is answered as failed, and the requests after it are still served.
    queue = queue.then(() => handle(line)).catch((e: unknown) => write(JSON.stringify(errorAnswer(idOf(line), e))));
  });
  rl.on("close", () => {
    void queue.then(() => process.exit(0));
  });
}

start();
