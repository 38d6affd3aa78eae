/**
 * The agent process: started from its command line without a shell, one request at a time.
 *
 * Pulumi runs steps in parallel, and a PowerShell runspace runs one pipeline at a time, so every
 * request waits its turn in one queue. An agent that died, timed out or wrote junk is stopped and
 * a new one starts on the next request. A read is tried once more on the new agent; a write whose
 * outcome is unknown is never repeated here: it fails marked (isOutcomeUnknown), and the caller
 * looks at the pool before anything is written again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { RgsError } from "../errors";
import { agentError, isOutcomeUnknown, markOutcomeUnknown } from "./agent-errors";
import { maskSecrets, splitCommandLine } from "./command-line";
import { asciiJson, cmdletOf, PROTOCOL_VERSION, type AgentAnswer, type AgentRequest, type ReadyLine } from "./protocol";

export interface AgentProcessOptions {
  /** The command line that starts rgs-agent.ps1, split into words as sh would, without a shell. */
  command: string;
  /** How long one request may take, in milliseconds; default 120 s. */
  timeoutMs?: number;
  /** How long the agent may take to say it is ready; default `timeoutMs`. */
  readyTimeoutMs?: number;
  /** Variables added to the agent's environment (credentials belong here, never in the command line). */
  env?: Record<string, string>;
}

/** A read may be tried again on a new agent; a write may not. */
export type RequestMode = "read" | "write";

const STDERR_LINES = 20;
const SHOWN_STDERR_LINES = 5;
// Lines Windows PowerShell writes for its warning, verbose, debug and information streams.
const STREAM_LINE = /^(WARNING|VERBOSE|DEBUG|INFO|INFORMATION):/;

interface Pending {
  id: number;
  request: AgentRequest;
  resolve(value: unknown): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** One started agent. */
interface Live {
  child: ChildProcess;
  ready: ReadyLine;
  pending?: Pending;
  stderr: string[];
  dead: boolean;
}

const children = new Set<ChildProcess>();
let exitHook = false;

export class AgentProcess {
  /** The command line with its secrets masked, for messages. */
  readonly shownCommand: string;
  /** How many agents were started, the first one included. */
  starts = 0;
  private readonly argv: string[];
  private readonly timeoutMs: number;
  private readonly readyTimeoutMs: number;
  private readonly env: Record<string, string>;
  private live?: Live;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(options: AgentProcessOptions) {
    this.argv = splitCommandLine(options.command);
    this.shownCommand = maskSecrets(options.command.trim());
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.readyTimeoutMs = options.readyTimeoutMs ?? this.timeoutMs;
    this.env = options.env ?? {};
  }

  /** What the running agent said when it started, if one runs. */
  get ready(): ReadyLine | undefined {
    return this.live && !this.live.dead ? this.live.ready : undefined;
  }

  /** Sends a request when its turn comes, starting an agent if none runs; answers its value. */
  request(request: AgentRequest, mode: RequestMode): Promise<unknown> {
    const turn = this.queue.then(() => this.send(request, mode));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Ends the agent: its stdin closes, and it is killed if it has not exited soon after. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const live = this.live;
    this.live = undefined;
    if (!live || live.dead) return;
    await new Promise<void>((resolve) => {
      live.child.once("exit", () => resolve());
      live.child.stdin?.end();
      setTimeout(() => {
        stop(live.child);
        resolve();
      }, 2_000).unref();
    });
  }

  private async send(request: AgentRequest, mode: RequestMode): Promise<unknown> {
    try {
      return await this.once(request);
    } catch (e) {
      const retry = mode === "read" && (isOutcomeUnknown(e) || (RgsError.isRgsError(e) && e.code === "unavailable" && !isStartFailure(e)));
      if (!retry || this.closed) throw e;
      return await this.once(request);
    }
  }

  private async once(request: AgentRequest): Promise<unknown> {
    if (this.closed) throw new RgsError("unavailable", `the agent (${this.shownCommand}) was closed`);
    const live = this.live && !this.live.dead ? this.live : await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          live,
          markOutcomeUnknown(
            new RgsError(
              "timeout",
              `the agent (${this.shownCommand}) did not answer ${describe(request)} within ${this.timeoutMs} ms; ` +
                "it was stopped and a new one starts on the next request. Raise the timeout if the pool is slow",
            ),
          ),
        );
      }, this.timeoutMs);
      live.pending = { id, request, resolve, reject, timer };
      live.child.stdin?.write(`${asciiJson({ id, ...request })}\n`);
    });
  }

  private onLine(live: Live, line: string): void {
    const pending = live.pending;
    if (line.trim() === "" || STREAM_LINE.test(line)) return;
    let answer: AgentAnswer;
    try {
      answer = JSON.parse(line) as AgentAnswer;
    } catch {
      answer = undefined as unknown as AgentAnswer;
    }
    if (typeof answer !== "object" || answer === null || typeof answer.id !== "number" || typeof answer.ok !== "boolean") {
      this.fail(
        live,
        markOutcomeUnknown(
          new RgsError(
            "bad_response",
            `the agent (${this.shownCommand}) wrote a line that is not a protocol ${PROTOCOL_VERSION} answer${pending ? ` to ${describe(pending.request)}` : ""}: ` +
              `${preview(line)}. The agent was stopped; check that rgs-agent.ps1 writes nothing else to stdout`,
          ),
        ),
      );
      return;
    }
    // An answer to a request that is no longer waited for is dropped.
    if (!pending || answer.id !== pending.id) return;
    live.pending = undefined;
    clearTimeout(pending.timer);
    if (answer.ok) {
      pending.resolve(answer.value ?? null);
      return;
    }
    const error = agentError({ cmdlet: cmdletOf(pending.request), ...answer.error }, this.shownCommand);
    // A session the agent itself calls unusable is replaced before the next request.
    if (error.code === "unavailable") this.kill(live);
    pending.reject(error);
  }

  /** Stops an agent, failing its pending request with `error`. */
  private fail(live: Live, error: RgsError): void {
    const pending = live.pending;
    live.pending = undefined;
    this.kill(live);
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  private kill(live: Live): void {
    if (live.dead) return;
    live.dead = true;
    if (this.live === live) this.live = undefined;
    stop(live.child);
  }

  private start(): Promise<Live> {
    this.starts++;
    installExitHook();
    return new Promise<Live>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(this.argv[0], this.argv.slice(1), {
          stdio: ["pipe", "pipe", "pipe"],
          env: { ...process.env, ...this.env },
          windowsHide: true,
        });
      } catch (e) {
        reject(startFailure("connection_failed", `cannot start the agent (${this.shownCommand}): ${String(e)}`, e));
        return;
      }
      children.add(child);
      const stderr: string[] = [];
      let live: Live | undefined;
      let settled = false;
      const settle = (e: RgsError | undefined, l?: Live) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (e) {
          stop(child);
          reject(e);
        } else {
          resolve(l!);
        }
      };
      const timer = setTimeout(() => {
        settle(
          startFailure(
            "timeout",
            `the agent (${this.shownCommand}) did not say it was ready within ${this.readyTimeoutMs} ms${tail(stderr)}. ` +
              "Check that the command runs rgs-agent.ps1 and that nothing on the way waits for input (a password or host-key prompt)",
          ),
        );
      }, this.readyTimeoutMs);

      child.stdin?.on("error", () => undefined);
      child.on("error", (e: NodeJS.ErrnoException) => {
        const what = e.code === "ENOENT" ? `${this.argv[0]} was not found on PATH` : e.message;
        settle(startFailure("connection_failed", `cannot start the agent (${this.shownCommand}): ${what}. Set rgs:shell to a command that exists on this machine`, e));
      });
      createInterface({ input: child.stderr! }).on("line", (l) => {
        stderr.push(maskSecrets(l));
        if (stderr.length > STDERR_LINES) stderr.shift();
      });
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (live) {
          this.onLine(live, line);
          return;
        }
        if (settled || line.trim() === "" || STREAM_LINE.test(line)) return;
        const problem = this.checkReady(line);
        if (typeof problem !== "string" && !(problem instanceof RgsError)) {
          live = { child, ready: problem, stderr, dead: false };
          this.live = live;
          settle(undefined, live);
        } else {
          settle(problem instanceof RgsError ? problem : startFailure("bad_response", problem));
        }
      });
      // "close" comes after the last stdout line, so an answer written just before exiting is read.
      child.on("close", (code, signal) => {
        children.delete(child);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        if (!live) {
          settle(startFailure("connection_failed", `the agent (${this.shownCommand}) ${how} before it was ready${tail(stderr)}. ${this.startHint()}`));
          return;
        }
        const pending = live.pending;
        this.kill(live);
        if (pending) {
          live.pending = undefined;
          clearTimeout(pending.timer);
          pending.reject(
            markOutcomeUnknown(
              new RgsError(
                "unavailable",
                `the agent (${this.shownCommand}) ${how} while running ${describe(pending.request)}${tail(stderr)}; a new one starts on the next request`,
              ),
            ),
          );
        }
      });
      // An idle agent does not keep the process alive; a pending request's timer does.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?(): void } | null)?.unref?.();
    });
  }

  /** The ready line's meaning: what the agent said, or why it is refused. */
  private checkReady(line: string): ReadyLine | string | RgsError {
    let ready: ReadyLine;
    try {
      ready = JSON.parse(line) as ReadyLine;
    } catch {
      return `the agent (${this.shownCommand}) did not start with a ready line; it wrote ${preview(line)}. Check that the command runs rgs-agent.ps1 (-File, not -Command) and that nothing else writes to stdout first`;
    }
    if (typeof ready !== "object" || ready === null || typeof ready.ready !== "boolean") {
      return `the agent (${this.shownCommand}) wrote ${preview(line)} where its ready line belongs; check that the command runs rgs-agent.ps1`;
    }
    if (!ready.ready) {
      const e = agentError({ code: "unavailable", cmdlet: "rgs-agent.ps1", ...ready.error }, this.shownCommand);
      return startFailure(e.code, e.message);
    }
    if (ready.protocol !== PROTOCOL_VERSION) {
      return (
        `the agent (${this.shownCommand}) speaks protocol ${JSON.stringify(ready.protocol ?? null)} (agent ${ready.agent ?? "of unknown version"}), ` +
        `and this pulumi-rgs speaks protocol ${PROTOCOL_VERSION}: copy the rgs-agent.ps1 of this pulumi-rgs version to the agent's host`
      );
    }
    return ready;
  }

  private startHint(): string {
    if (basename(this.argv[0]).replace(/\.exe$/i, "") === "ssh") {
      return "Check that ssh reaches the host without a prompt (keys, known_hosts, BatchMode) and that the remote command starts rgs-agent.ps1";
    }
    return "Check that the command starts rgs-agent.ps1 and that it can load the Lync or SkypeForBusiness module";
  }
}

const START_FAILURE = Symbol.for("pulumi-rgs.shell.startFailure");

function startFailure(code: RgsError["code"], message: string, cause?: unknown): RgsError {
  const e = new RgsError(code, message, cause === undefined ? {} : { cause });
  Object.defineProperty(e, START_FAILURE, { value: true });
  return e;
}

function isStartFailure(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[START_FAILURE] === true;
}

function describe(request: AgentRequest): string {
  return request.op === "ping" ? "a ping" : `${request.op} ${cmdletOf(request)}`;
}

function tail(stderr: readonly string[]): string {
  const last = stderr.filter((l) => l.trim() !== "").slice(-SHOWN_STDERR_LINES);
  return last.length === 0 ? "" : `; its last stderr lines: ${last.join(" | ")}`;
}

function preview(line: string): string {
  const s = maskSecrets(line.trim());
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 117)}...` : s);
}

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 2_000).unref();
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on("exit", () => {
    for (const c of children) c.kill("SIGKILL");
  });
}
