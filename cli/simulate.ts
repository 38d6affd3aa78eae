/**
 * `rgs simulate`: what happens to a call, before anything is deployed.
 */
import { parseArgs } from "node:util";
import { CHOICE_VALUES, type AssumptionChoices } from "../sdk/flow/assumptions";
import { AGENT_STATES, type AgentState, type Call, type CallerInput, outcomeText, simulate, type Simulation } from "../sdk/flow/simulate";
import { findWorkflow } from "../sdk/flow/pool";
import { ianaZone, instantOfLocal, tryIanaZone } from "../sdk/flow/time";
import { loadPool, refuseTokenInArgv, runCommand, SOURCE_OPTIONS, SOURCE_USAGE, UsageError } from "./source";

export const USAGE = `usage: rgs simulate (--workflow NAME | --uri sip:...) [--at TIME [--tz ZONE]] [--press KEY ...] [--say WORDS ...]
                    [--agents URI=STATE,... | --no-agents] [--queue-calls N | NAME=N ...] [--assume NAME=VALUE ...] [--json]
                    (--endpoint URL | --shell CMD | --file FILE | --program DIR) [--pool FQDN]

  --workflow     the workflow by name; or --uri, its primary URI (the number dialled)
  --at           when the call comes: an instant such as 2026-12-04T17:05:00Z or 2026-12-04T17:05+01:00,
                 or a local time 2026-12-04T17:05, read in --tz or else in the workflow's own time zone
  --tz           a Windows time zone id ("W. Europe Standard Time") or an IANA zone ("Europe/Berlin")
  --press        a key the caller presses at a question (0-9, * or #); repeat, in order
  --say          words the caller says at a question; repeat, in order with --press
  --agents       presence of agents: sip:alice@contoso.com=busy,sip:bob@contoso.com=offline
                 (available, busy or offline; agents not named are available)
  --no-agents    every agent is offline
  --queue-calls  calls already waiting: N in every queue, or NAME=N for one queue
  --assume       a choice where Lync's behaviour is undocumented: ${Object.entries(CHOICE_VALUES)
    .map(([k, v]) => `${k}=${v.join("|")}`)
    .join(", ")}
  --json         print one JSON object: outcome, steps, assumptions

${SOURCE_USAGE}

environment:
  RGS_TOKEN  bearer token for --endpoint`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  workflow: { type: "string" },
  uri: { type: "string" },
  at: { type: "string" },
  tz: { type: "string" },
  press: { type: "string", multiple: true },
  say: { type: "string", multiple: true },
  agents: { type: "string", multiple: true },
  "no-agents": { type: "boolean" },
  "queue-calls": { type: "string", multiple: true },
  assume: { type: "string", multiple: true },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const KEYS = /^[0-9*#]$/;

export async function run(argv: string[]): Promise<number> {
  return runCommand("simulate", USAGE, async () => {
    refuseTokenInArgv(argv);
    const { values, tokens } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if ((values.workflow === undefined) === (values.uri === undefined)) throw new UsageError("name the workflow with --workflow NAME or --uri sip:..., one of them");
    if (values.uri !== undefined && !/^sip:/i.test(values.uri)) throw new UsageError(`--uri must be a SIP URI such as sip:helpdesk@contoso.com (got '${values.uri}')`);

    // --press and --say are one sequence, in the order given.
    const inputs: CallerInput[] = [];
    for (const t of tokens) {
      if (t.kind !== "option" || (t.name !== "press" && t.name !== "say")) continue;
      const v = t.value ?? "";
      if (t.name === "press") {
        for (const key of v.split(",")) {
          if (!KEYS.test(key)) throw new UsageError(`--press must be one keypad key, 0-9, * or # (got '${key}')`);
          inputs.push({ kind: "dtmf", key });
        }
      } else {
        if (v.trim() === "") throw new UsageError("--say needs the words the caller says");
        inputs.push({ kind: "voice", phrase: v });
      }
    }
    if (values["no-agents"] && values.agents !== undefined) throw new UsageError("give --agents or --no-agents, not both");
    const agents: Record<string, AgentState> = {};
    for (const entry of (values.agents ?? []).flatMap((a) => a.split(","))) {
      const m = /^\s*(sip:[^=\s]+|[^=\s]+@[^=\s]+)\s*=\s*(\w+)\s*$/i.exec(entry);
      if (!m) throw new UsageError(`--agents takes URI=STATE entries such as sip:alice@contoso.com=busy (got '${entry}')`);
      if (!AGENT_STATES.includes(m[2] as AgentState)) throw new UsageError(`--agents: the state of ${m[1]} must be one of ${AGENT_STATES.join(", ")} (got '${m[2]}')`);
      agents[m[1]] = m[2] as AgentState;
    }
    let queueCalls: Call["queueCalls"];
    for (const entry of values["queue-calls"] ?? []) {
      const m = /^(?:(.+)=)?(\d+)$/.exec(entry.trim());
      if (!m) throw new UsageError(`--queue-calls takes a number of calls, N or QUEUE=N (got '${entry}')`);
      if (m[1] === undefined) {
        if (typeof queueCalls === "object") throw new UsageError("--queue-calls N applies to every queue; give it alone or give QUEUE=N entries");
        queueCalls = Number(m[2]);
      } else {
        if (typeof queueCalls === "number") throw new UsageError("--queue-calls N applies to every queue; give it alone or give QUEUE=N entries");
        queueCalls = { ...(queueCalls ?? {}), [m[1]]: Number(m[2]) };
      }
    }
    const choices: Partial<AssumptionChoices> = {};
    for (const entry of values.assume ?? []) {
      const [name, value] = entry.split("=", 2);
      const allowed = (CHOICE_VALUES as Record<string, readonly string[]>)[name];
      if (!allowed) throw new UsageError(`--assume: '${name}' is not a choice; the choices are ${Object.keys(CHOICE_VALUES).join(", ")}`);
      if (!allowed.includes(value)) throw new UsageError(`--assume ${name} must be one of ${allowed.join(", ")} (got '${value ?? ""}')`);
      (choices as Record<string, string>)[name] = value;
    }

    const objects = await loadPool(values);
    const workflow = findWorkflow(objects, { name: values.workflow, uri: values.uri });
    const at = callTime(values.at, values.tz, workflow.timeZone);

    const sim = simulate(objects, {
      workflow: values.workflow,
      uri: values.uri,
      at: at.at,
      inputs,
      agents,
      otherAgents: values["no-agents"] ? "offline" : "available",
      queueCalls,
      choices,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...sim, ...(at.note ? { timeNote: at.note } : {}) }, null, 2)}\n`);
    } else {
      process.stdout.write(render(sim, at.note));
    }
    return 0;
  });
}

function callTime(at: string | undefined, tz: string | undefined, workflowZone: string): { at: Date; note?: string } {
  if (at === undefined) {
    if (tz !== undefined) throw new UsageError("--tz reads a local --at time; give --at too");
    return { at: new Date() };
  }
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(at)) {
    if (tz !== undefined) throw new UsageError(`--at ${at} already carries its offset; leave out --tz, or give a local time`);
    const d = new Date(at);
    if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(at)) throw new UsageError(`--at must be an ISO date and time such as 2026-12-04T17:05:00Z (got '${at}')`);
    return { at: d };
  }
  const zone = tz === undefined ? ianaZone(workflowZone, "workflow timeZone") : zoneOf(tz);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(at)) throw new UsageError(`--at must be an instant (…Z or …+01:00) or a local time YYYY-MM-DDTHH:MM (got '${at}')`);
  const r = instantOfLocal(at, zone);
  const note =
    r.fit === "repeated-earlier"
      ? `${at} happens twice in ${zone} (clocks go back); the first is taken, ${r.at.toISOString()}`
      : r.fit === "skipped-later"
        ? `${at} does not exist in ${zone} (clocks go forward); it is read as ${r.at.toISOString()}`
        : undefined;
  return { at: r.at, ...(note ? { note } : {}) };
}

function zoneOf(tz: string): string {
  const windows = tryIanaZone(tz);
  if (windows !== undefined) return windows;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`--tz must be a Windows time zone id such as "W. Europe Standard Time" or an IANA zone such as Europe/Berlin (got '${tz}')`);
  }
}

function render(sim: Simulation, note: string | undefined): string {
  const lines = [`${sim.workflow.name} (${sim.workflow.primaryUri}), call at ${sim.at}${sim.local ? ` = ${sim.local.wall.replace("T", " ")} ${sim.local.zone}` : ""}`];
  if (note) lines.push(`  note: ${note}`);
  sim.steps.forEach((s, i) => {
    const mark = s.check ? `[${s.check.name}: ${s.check.passed ? "yes" : "no"}] ` : "";
    const t = s.queueSeconds === null ? "" : ` [${s.queueSeconds} s]`;
    lines.push(`${String(i + 1).padStart(3)}. ${mark}${s.text}${t}`);
  });
  lines.push("", `outcome: ${sim.outcome.action}${sim.outcome.queue ? ` ${sim.outcome.queue.name}` : ""}${sim.outcome.uri ? ` ${sim.outcome.uri}` : ""} (${sim.outcome.result})`);
  lines.push(`  ${sim.outcome.result === "transferred" ? sim.outcome.reason : outcomeText(sim.outcome)}`);
  lines.push("", "assumptions this path relied on:");
  for (const a of sim.assumptions) lines.push(`  ${a.name} [${a.evidence}]: ${a.rule}`);
  return `${lines.join("\n")}\n`;
}

// Runnable on its own too (node dist/cli/<command>.js ...), before and besides `rgs` dispatching to it.
if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
