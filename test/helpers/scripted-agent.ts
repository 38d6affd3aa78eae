/**
 * An agent whose behaviour a test writes in a few lines of JavaScript: for the protocol edges the
 * cmdlet-level fake agent has no reason to show (requests overlapping, stream lines, bytes on the
 * wire, a start that hangs).
 *
 *   scriptedAgent(body: string) → { command, dir }
 *     body runs in a Node script where these are defined:
 *       send(obj)       writes one JSON line to stdout
 *       raw(text)       writes text and a newline to stdout as it is
 *       ready()         writes the protocol 1 ready line
 *       onRequest(fn)   fn(request, line) for each line read from stdin
 *       log(obj)        appends a JSON line to <dir>/log, which the test can read()
 *     command: the command line that starts it (node <dir>/agent.js)
 *     read(): the objects logged so far
 */
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ScriptedAgent {
  command: string;
  dir: string;
  read(): unknown[];
}

const PRELUDE = `
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");
const logFile = path.join(__dirname, "log");
const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\\n");
const raw = (text) => process.stdout.write(text + "\\n");
const ready = () => send({ ready: true, protocol: 1, agent: "scripted", module: "SkypeForBusiness" });
const log = (obj) => fs.appendFileSync(logFile, JSON.stringify(obj) + "\\n");
const handlers = [];
const onRequest = (fn) => handlers.push(fn);
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  for (const fn of handlers) fn(JSON.parse(line), line);
}).on("close", () => process.exit(0));
`;

export function scriptedAgent(body: string): ScriptedAgent {
  const dir = mkdtempSync(join(tmpdir(), "rgs-scripted-agent-"));
  const file = join(dir, "agent.js");
  writeFileSync(file, `${PRELUDE}\n${body}\n`);
  const logFile = join(dir, "log");
  return {
    command: `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`,
    dir,
    read: () =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as unknown)
        : [],
  };
}
