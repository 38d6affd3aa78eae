/**
 * What every top-level kind declares once: its route segment, its schema, and the objects it references.
 */
import { z } from "zod";

export const KIND_NAMES = ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"] as const;
/** A collection segment of the HTTP contract: `/v1/pools/{fqdn}/{kind}`. */
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

export interface KindDef<S extends z.ZodType = z.ZodType> {
  readonly kind: KindName;
  /** The resource name in Pulumi and the noun in Lync's cmdlets (New-CsRgs<cmdlet>). */
  readonly typeName: string;
  readonly cmdlet: string;
  /** A singular phrase for messages: "agent group". */
  readonly label: string;
  readonly schema: S;
  /** Objects this one references, for integrity checks and delete ordering. */
  references(body: z.output<S>): Reference[];
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
