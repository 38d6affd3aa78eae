/**
 * Logical names and variable names of exported objects, derived from the objects' names.
 *
 * A logical name is the object's name in lower-case ASCII words joined by hyphens ("Help Desk" is
 * `help-desk`); it is unique per kind, since Pulumi names a resource by its type and name. Objects
 * whose names give the same word list are ordered by pool and id: the first keeps the plain name,
 * the others take -2, -3, …, so the same configuration always exports the same names.
 *
 * A variable name is the kind's class name in camel case followed by the logical name's words
 * (`queueHelpDesk`): always a valid identifier, never a reserved word, unique in the program.
 */
import { AUDIO_FILES, kindDef } from "../model/index";
import type { KindName } from "../model/kind";
import { compareText } from "./normalize";

/** What an export declares: the objects of each kind, and audio files. */
export type ExportedKind = KindName | typeof AUDIO_FILES;

export interface Named {
  readonly kind: ExportedKind;
  readonly pool: string;
  readonly id: string;
  readonly name: string;
}

export interface Names {
  /** The resource's name in Pulumi. */
  readonly logical: string;
  /** The identifier of the variable holding it. */
  readonly variable: string;
}

/** The words of a name: letters and digits of its ASCII folding, lower case. */
export function slugOf(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The fallback words of a kind for a name with no letters or digits: "agent-group", "hours-of-business". */
function kindSlug(kind: ExportedKind): string {
  return slugOf(kind === AUDIO_FILES ? "audio file" : kindDef(kind).label);
}

/** The provider's class of a kind: Queue, AudioFile. */
export function typeNameOf(kind: ExportedKind): string {
  return kind === AUDIO_FILES ? "AudioFile" : kindDef(kind).typeName;
}

function camel(typeName: string): string {
  return typeName[0].toLowerCase() + typeName.slice(1);
}

function pascalWords(slug: string): string {
  return slug
    .split("-")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

/** Names for every object, keyed by `<kind>/<pool>/<id>`. */
export function assignNames(objects: readonly Named[]): Map<string, Names> {
  const sorted = [...objects].sort(
    (a, b) => compareText(a.kind, b.kind) || compareText(a.pool, b.pool) || compareText(a.id, b.id),
  );
  const logical = new Map<string, string>();
  for (const kind of new Set(sorted.map((o) => o.kind))) {
    const ofKind = sorted.filter((o) => o.kind === kind);
    const base = new Map(ofKind.map((o) => [keyOf(o), slugOf(o.name) || kindSlug(kind)]));
    // The plain names are claimed first, so a suffixed name never takes one that an object's own name gives.
    const taken = new Set<string>();
    const pending: Named[] = [];
    for (const o of ofKind) {
      const b = base.get(keyOf(o))!;
      if (taken.has(b)) pending.push(o);
      else {
        taken.add(b);
        logical.set(keyOf(o), b);
      }
    }
    for (const o of pending) {
      const b = base.get(keyOf(o))!;
      let n = 2;
      while (taken.has(`${b}-${n}`)) n++;
      taken.add(`${b}-${n}`);
      logical.set(keyOf(o), `${b}-${n}`);
    }
  }
  const out = new Map<string, Names>();
  const variables = new Set<string>();
  for (const o of sorted) {
    const l = logical.get(keyOf(o))!;
    const stem = `${camel(typeNameOf(o.kind))}${pascalWords(l)}`;
    let variable = stem;
    // Different word lists can meet in camel case ("a-1" and "a1"); the later one in id order gives way.
    for (let n = 2; variables.has(variable); n++) variable = `${stem}_${n}`;
    variables.add(variable);
    out.set(keyOf(o), { logical: l, variable });
  }
  return out;
}

export function keyOf(o: { kind: ExportedKind; pool: string; id: string }): string {
  return `${o.kind}/${o.pool}/${o.id}`;
}
