/**
 * Injected faults. A fault names the request it fires on (`when`: a cmdlet, the `with` cmdlet of an
 * update, an op name "run" / "update" / "ping", or "*") and fires `times` times (default once).
 * Sources: env RGS_FAKE_FAULTS (a JSON list) and the file named by RGS_FAKE_FAULTS_FILE, re-read on
 * every request. How often each fault fired is kept beside the state file, so that a fault that
 * kills the agent does not fire again in the agent started after it, nor in another agent on the
 * same state file; a fault is known by its `id`,
 * or else by its position and content, so give a new `id` to fire the same fault again.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export type FaultKind = "crash" | "slow" | "malformed" | "lose-answer" | "denied";

export interface Fault {
  when: string;
  fault: FaultKind;
  /** How many matching requests it fires on; default 1. */
  times?: number;
  /** For `slow`: how long to wait before answering, in milliseconds. */
  ms?: number;
  id?: string;
}

const KINDS: ReadonlySet<string> = new Set(["crash", "slow", "malformed", "lose-answer", "denied"]);

function parseFaults(text: string, source: string): Fault[] {
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) throw new Error(`${source} must be a JSON list of faults`);
  return list.map((f: Fault, i) => {
    if (typeof f?.when !== "string" || !KINDS.has(f?.fault)) {
      throw new Error(`${source}[${i}] must be {"when":"<cmdlet or op>","fault":"crash|slow|malformed|lose-answer|denied"}`);
    }
    return f;
  });
}

export class Faults {
  private fired: Record<string, number>;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly firedFile?: string,
  ) {
    this.fired = {};
  }

  private current(): [string, Fault][] {
    const out: [string, Fault][] = [];
    if (this.env.RGS_FAKE_FAULTS) {
      parseFaults(this.env.RGS_FAKE_FAULTS, "RGS_FAKE_FAULTS").forEach((f, i) => out.push([f.id ?? `env:${i}:${JSON.stringify(f)}`, f]));
    }
    const file = this.env.RGS_FAKE_FAULTS_FILE;
    if (file && existsSync(file)) {
      const text = readFileSync(file, "utf8").trim();
      if (text) parseFaults(text, file).forEach((f, i) => out.push([f.id ?? `file:${i}:${JSON.stringify(f)}`, f]));
    }
    return out;
  }

  /** The fault to apply to this request, if one is due; it is counted as fired before it acts. */
  take(op: string, cmdlet: string | undefined): Fault | undefined {
    if (this.firedFile && existsSync(this.firedFile)) this.fired = JSON.parse(readFileSync(this.firedFile, "utf8")) as Record<string, number>;
    for (const [key, f] of this.current()) {
      if (f.when !== "*" && f.when !== op && f.when !== cmdlet) continue;
      if ((this.fired[key] ?? 0) >= (f.times ?? 1)) continue;
      this.fired[key] = (this.fired[key] ?? 0) + 1;
      if (this.firedFile) {
        writeFileSync(`${this.firedFile}.tmp`, JSON.stringify(this.fired));
        renameSync(`${this.firedFile}.tmp`, this.firedFile);
      }
      return f;
    }
    return undefined;
  }
}
