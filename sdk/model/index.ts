/**
 * The Response Group object model: one schema per kind, and the registry of kinds.
 */
import { z } from "zod";
import { AgentGroupKind } from "./agent-group";
import type { AudioUse } from "./audio-file";
import { HolidaySetKind } from "./holiday-set";
import { HoursOfBusinessKind } from "./hours-of-business";
import { type FieldIssue, type KindDef, type KindName, KIND_NAMES } from "./kind";
import { QueueKind } from "./queue";
import { WorkflowKind } from "./workflow";

export * from "./agent-group";
export * from "./audio-file";
export * from "./call-action";
export * from "./calendar";
export * from "./common";
export * from "./holiday-set";
export * from "./hours-of-business";
export * from "./kind";
export * from "./pool-rules";
export * from "./queue";
export * from "./settings";
export * from "./workflow";

/** Every kind, in the order a deployment creates them, with its facts and rules. */
export const KINDS = {
  "agent-groups": AgentGroupKind,
  queues: QueueKind,
  "hours-of-business": HoursOfBusinessKind,
  "holiday-sets": HolidaySetKind,
  workflows: WorkflowKind,
} satisfies { readonly [K in KindName]: KindDef<z.ZodType> };

type Registry = typeof KINDS;

/** The stored body of each kind, defaults filled in. */
export type KindBodies = { [K in KindName]: z.output<Registry[K]["schema"]> };
/** The body of each kind as a caller may write it, defaults left out. */
export type KindArgs = { [K in KindName]: z.input<Registry[K]["schema"]> };

/** The facts of a kind, for code that handles every kind alike. */
export function kindDef(kind: KindName): KindDef {
  return KINDS[kind] as KindDef;
}

export function isKindName(s: string): s is KindName {
  return (KIND_NAMES as readonly string[]).includes(s);
}

/** The kind's label with its article: "an agent group", "a queue", "an hours of business". */
export function aLabel(kind: KindName): string {
  const label = kindDef(kind).label;
  return `${/^(?:[aeiou]|hours)/.test(label) ? "an" : "a"} ${label}`;
}

/** The fields of a kind, from its schema. */
export function fieldsOf(kind: KindName): Record<string, z.ZodType> {
  return (kindDef(kind).schema as unknown as z.ZodObject).shape;
}

const defaults = new Map<KindName, Readonly<Record<string, unknown>>>();

/**
 * The value each field with a default takes when left out. An object stored before a field was
 * added lacks it, and is answered as if it had been written with the default.
 */
export function defaultsOf(kind: KindName): Readonly<Record<string, unknown>> {
  let found = defaults.get(kind);
  if (!found) {
    const out: Record<string, unknown> = {};
    for (const [field, schema] of Object.entries(fieldsOf(kind))) {
      const r = schema.safeParse(undefined);
      if (r.success && r.data !== undefined) out[field] = r.data;
    }
    found = Object.freeze(out);
    defaults.set(kind, found);
  }
  return found;
}

/** The values of a body that must be unique across pools, each as `<kind>/<field>/<key>`. */
export function uniqueKeysOf(kind: KindName, body: Record<string, unknown>): { field: string; value: string; key: string }[] {
  return kindDef(kind).uniqueAcrossPools.flatMap((u) => {
    const value = body[u.field];
    return typeof value === "string" ? [{ field: u.field, value, key: `${kind}/${u.field}/${u.key(value)}` }] : [];
  });
}

/** The audio files an object of a kind plays, each with its path. */
export function audioFilesOf(kind: KindName, body: Record<string, unknown>): AudioUse[] {
  return kindDef(kind).audioFiles?.(body) ?? [];
}

/** True when an object of a kind, as it is, may be referenced by one object only. */
export function isExclusive(kind: KindName, body: Record<string, unknown>): boolean {
  return kindDef(kind).exclusive?.when(body) ?? false;
}

/** Zod issues as field problems whose message names the value that was given. */
export function toFieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
    return { path, message: withValue(issue) };
  });
}

function withValue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}; remove ${issue.keys.length > 1 ? "them" : "it"}`;
  }
  if (!("input" in issue)) return issue.message;
  const input = (issue as { input?: unknown }).input;
  // zod's own wording for a wrong type, said the way the rest of the messages are.
  const wrongType = /^Invalid input: expected (\w+), received (\w+)$/.exec(issue.message);
  if (input === undefined) {
    // A missing value whose type has its own list of allowed values: say both.
    if (issue.code === "invalid_type" && /^must be one of /.test(issue.message)) return `is required; ${issue.message}`;
    if (wrongType || issue.code === "invalid_type") return "is required";
    // A missing enum: say so, then list what is allowed.
    return issue.code === "invalid_value" ? `is required; ${issue.message}` : issue.message;
  }
  const message = wrongType ? `must be ${article(wrongType[1])}` : issue.message;
  return `${message} (got ${preview(input)})`;
}

function article(type: string): string {
  const word = type === "int" ? "whole number" : type;
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

/** A short JSON rendering of a value for error messages. */
export function preview(value: unknown): string {
  // A long string is most likely refused for its length, so the length is given.
  if (typeof value === "string" && value.length > 60) return `${JSON.stringify(value.slice(0, 40))}... (${value.length} characters)`;
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Parses a body of a kind: the schema, then the rules that hold only on create. */
export function parseBody(
  kind: KindName,
  body: unknown,
  mode: "create" | "update",
): { ok: true; value: Record<string, unknown> } | { ok: false; issues: FieldIssue[] } {
  const def = kindDef(kind);
  const raw = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const r = def.schema.safeParse(body, { reportInput: true });
  const written = def.inputRules ? def.inputRules(raw) : [];
  if (!r.success) return { ok: false, issues: [...toFieldIssues(r.error), ...written] };
  const value = r.data as Record<string, unknown>;
  const issues = [...written, ...(mode === "create" && def.createRules ? def.createRules(value) : [])];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
