/**
 * What every top-level kind declares once: its Lync names, its route segment, its schema, what it
 * references, what must be unique and where, and its own rules. The service, the stores, the
 * provider, OpenAPI and the docs read these facts from the registry (registry.ts), never again
 * from code of their own.
 */
import type { z } from "zod";
import type { AudioUse } from "./audio-file";
import type { PoolLookup, PoolRuleViolation } from "./pool-rules";

/** Every kind, in the order a deployment creates them; the route segment of `/v1/pools/{fqdn}/{kind}`. */
export const KIND_NAMES = ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"] as const;
export type KindName = (typeof KIND_NAMES)[number];

/** One reference from an object to another of the same pool. */
export interface Reference {
  readonly kind: KindName;
  readonly id: string;
  /** Where in the referring object, dot-joined. */
  readonly path: string;
}

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A field whose value is unique beyond the name's scope. Names are unique per pool and kind for
 * every kind; these are unique across every pool of the deployment.
 */
export interface UniqueAcrossPools {
  readonly field: string;
  /** The form values are compared in. */
  key(value: string): string;
  /** Why, for the conflict message: "a primary URI is a directory contact". */
  readonly why: string;
}

/** An object that, in some state, serves one referrer only (a custom schedule serves one workflow). */
export interface Exclusive<B> {
  when(body: B): boolean;
  /** The state, for messages: "is a custom schedule (custom: true)". */
  readonly state: string;
  /** The change into that state, for messages: "become custom". */
  readonly becoming: string;
  readonly why: string;
}

export interface KindDef<S extends z.ZodType = z.ZodType> {
  /** The resource class in Pulumi: AgentGroup, Queue, … */
  readonly typeName: string;
  /** The noun of Lync's cmdlets: New-/Get-/Set-/Remove-<noun>. */
  readonly noun: string;
  /** The .NET type of the object the cmdlets return. */
  readonly dotNetType: string;
  /** A singular phrase for messages: "agent group". */
  readonly label: string;
  readonly schema: S;
  /** The kinds this kind's fields may reference, for store constraints, docs and ordering. */
  readonly referenceKinds: readonly KindName[];
  /** Objects this one references, each with its path. */
  references(body: z.output<S>): Reference[];
  /** Audio files this one plays (prompts, music on hold), each with its path; none for most kinds. */
  audioFiles?(body: z.output<S>): AudioUse[];
  readonly uniqueAcrossPools: readonly UniqueAcrossPools[];
  /** When an object of this kind, as it is, may be referenced by one object only. */
  readonly exclusive?: Exclusive<z.output<S>>;
  /** Rules across the objects of the pool, given the object's id when it exists already. */
  poolRules?(body: z.output<S>, self: string | undefined, pool: PoolLookup): Promise<PoolRuleViolation[]>;
  /** Rules on the body as written, before defaults fill it in (a field that must be given, not defaulted). */
  inputRules?(raw: Record<string, unknown>): FieldIssue[];
  /** Rules that hold only when the object is created (New-* asks more than Set-*). */
  createRules?(body: z.output<S>): FieldIssue[];
}

export function defineKind<S extends z.ZodType>(def: KindDef<S>): KindDef<S> {
  return def;
}

/** Issues for entries of a list that repeat an earlier one (compared with `key`). */
export function duplicates(list: readonly string[], field: string, key: (s: string) => string = (s) => s): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  list.forEach((v, i) => {
    const k = key(v);
    if (seen.has(k)) out.push({ path: `${field}.${i}`, message: `'${v}' appears more than once; each entry may appear once` });
    seen.add(k);
  });
  return out;
}

/** Adds list-duplicate issues to a zod refinement context. */
export function refineUnique(ctx: z.RefinementCtx, list: readonly string[], field: string, key?: (s: string) => string): void {
  for (const issue of duplicates(list, field, key)) {
    ctx.addIssue({ code: "custom", path: issue.path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: issue.message });
  }
}
