/**
 * The order a program declares objects in, and how each reference is written.
 *
 * Kinds come in the registry's order (agent groups, queues, hours of business, holiday sets,
 * workflows); queues that send calls to other queues come after them. Queues can send calls to
 * each other in a circle (A overflows to B, B times out to A), which a program cannot declare as
 * variables: the reference that closes the circle, found by a depth-first walk in name order, keeps
 * the existing queue's id as text. A reference to an object that is not in the pool keeps its id too.
 */
import { kindDef } from "../model/index";
import { KIND_NAMES, type KindName, type Reference } from "../model/kind";
import { keyOf } from "./names";
import { byNameThenId } from "./normalize";
import type { ExportedObject } from "./snapshot";

/** How one reference is written in the program. */
export type Resolution =
  | { readonly how: "variable"; readonly target: ExportedObject }
  /** The queue is declared later: a circle of queues. `through` is the circle, from the referrer. */
  | { readonly how: "cycle"; readonly target: ExportedObject; readonly through: readonly ExportedObject[] }
  | { readonly how: "dangling" };

export interface Planned {
  readonly object: ExportedObject;
  /** Every reference of the object, with its path and how it is written. */
  readonly references: readonly (Reference & { readonly resolution: Resolution })[];
}

/** The objects of one pool in declaration order, each with its references resolved. */
export function plan(objects: readonly ExportedObject[]): Planned[] {
  const byKey = new Map(objects.map((o) => [keyOf(o), o]));
  const refsOf = new Map(objects.map((o) => [keyOf(o), referencesOf(o)]));
  const target = (o: ExportedObject, r: Reference) => byKey.get(keyOf({ kind: r.kind, pool: o.pool, id: r.id.toLowerCase() }));

  const ordered: ExportedObject[] = [];
  const cycles = new Map<string, readonly ExportedObject[]>();
  for (const kind of KIND_NAMES) {
    const ofKind = objects.filter((o) => o.kind === kind).sort(byNameThenId);
    if (kindDef(kind).referenceKinds.includes(kind)) ordered.push(...walk(ofKind, kind, refsOf, target, cycles));
    else ordered.push(...ofKind);
  }
  return ordered.map((o) => ({
    object: o,
    references: refsOf.get(keyOf(o))!.map((r) => {
      const t = target(o, r);
      const through = cycles.get(edgeKey(o, r));
      const resolution: Resolution = !t ? { how: "dangling" } : through ? { how: "cycle", target: t, through } : { how: "variable", target: t };
      return { ...r, resolution };
    }),
  }));
}

function referencesOf(o: ExportedObject): Reference[] {
  try {
    return kindDef(o.kind).references(o.body as never);
  } catch {
    // A body a real pool holds may miss a list the schema would fill in; such an object references nothing it can be found by.
    return [];
  }
}

function edgeKey(o: ExportedObject, r: Reference): string {
  return `${keyOf(o)}#${r.path}`;
}

/** Depth-first, post-order: an object after those of its own kind it references; a back edge closes a circle. */
function walk(
  objects: readonly ExportedObject[],
  kind: KindName,
  refsOf: Map<string, Reference[]>,
  target: (o: ExportedObject, r: Reference) => ExportedObject | undefined,
  cycles: Map<string, readonly ExportedObject[]>,
): ExportedObject[] {
  const out: ExportedObject[] = [];
  const done = new Set<string>();
  const stack: ExportedObject[] = [];
  const visit = (o: ExportedObject) => {
    const k = keyOf(o);
    if (done.has(k)) return;
    stack.push(o);
    for (const r of refsOf.get(k)!) {
      if (r.kind !== kind) continue;
      const t = target(o, r);
      if (!t) continue;
      const onStack = stack.findIndex((s) => keyOf(s) === keyOf(t));
      if (onStack >= 0) cycles.set(edgeKey(o, r), [...stack.slice(onStack), t]);
      else visit(t);
    }
    stack.pop();
    done.add(k);
    out.push(o);
  };
  for (const o of objects) visit(o);
  return out;
}
