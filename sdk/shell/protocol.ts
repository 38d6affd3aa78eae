/**
 * Protocol version 1 of the Management Shell agent (shared/design/shell-agent.md): the shapes of
 * steps, values, projections, requests and answers, as JSON lines on the agent's stdin and stdout.
 */

export const PROTOCOL_VERSION = 1;

/** One cmdlet call; `params` are splatted, `switches` passed as `-Name`. */
export interface Step {
  cmdlet: string;
  params?: Record<string, Value>;
  switches?: string[];
}

/**
 * A parameter or property value: a JSON scalar or array (PowerShell's binding converts strings to
 * Uri, TimeSpan, DateTime, enums and RgsIdentity), a step evaluated first, or bytes.
 */
export type Value = string | number | boolean | null | Value[] | { step: Step } | { bytes: string };

/** An object as the agent answers it: its .NET type, properties, and a fingerprint on persisted objects. */
export interface Projection {
  $type?: string;
  $fingerprint?: string;
  [property: string]: unknown;
}

export type AgentRequest =
  | { op: "run"; step: Step }
  | { op: "update"; get: Step; ifFingerprint: string; set: Record<string, Value>; with: string }
  | { op: "ping" };

/** The error codes an agent answers with. */
export const AGENT_ERROR_CODES = ["not_found", "conflict", "version_mismatch", "invalid", "denied", "unavailable", "failed"] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

export interface AgentErrorData {
  code: AgentErrorCode;
  message: string;
  cmdlet?: string;
  errorId?: string;
  category?: string;
}

export type AgentAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: AgentErrorData };

/** The first line an agent writes; `ready: false` with an error when it cannot serve (no module, no session). */
export interface ReadyLine {
  ready: boolean;
  protocol?: number;
  agent?: string;
  module?: string;
  error?: Partial<AgentErrorData>;
}

/** The cmdlet a request runs, for messages. */
export function cmdletOf(request: AgentRequest): string {
  switch (request.op) {
    case "run":
      return request.step.cmdlet;
    case "update":
      return request.with;
    case "ping":
      return "ping";
  }
}

/**
 * JSON with every character outside ASCII escaped: Windows PowerShell reads stdin in the console's
 * code page, and escapes survive any code page.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
