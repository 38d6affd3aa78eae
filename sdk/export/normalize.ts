/**
 * An object as a program declares it: fields at their schema default left out, in schema order.
 * And the whole configuration as sorted, stable JSON for diffing in git.
 */
import { stableJson } from "../json";
import { AUDIO_FILES, fieldsOf, kindDef } from "../model/index";
import { KIND_NAMES, type KindName } from "../model/kind";
import { SettingsSchema } from "../model/settings";
import { audioKey, audioPaths } from "./audio";
import type { ExportedObject, Snapshot } from "./snapshot";

const defaultsCache = new Map<KindName, Map<string, string>>();

/** The stable JSON of each top-level field's default, for fields that have one. */
function defaultsOf(kind: KindName): Map<string, string> {
  let known = defaultsCache.get(kind);
  if (known) return known;
  known = new Map();
  for (const [field, schema] of Object.entries(fieldsOf(kind))) {
    const r = schema.safeParse(undefined);
    if (r.success && r.data !== undefined) known.set(field, stableJson(r.data));
  }
  defaultsCache.set(kind, known);
  return known;
}

/** The fields a program must declare to reproduce the object: the schema's order first, then any others. */
export function declaredFields(kind: KindName, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defaults = defaultsOf(kind);
  const order = Object.keys(fieldsOf(kind));
  const keys = [...order.filter((k) => k in body), ...Object.keys(body).filter((k) => !order.includes(k))];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = body[k];
    if (v === undefined) continue;
    if (defaults.get(k) === stableJson(v)) continue;
    out[k] = withoutEmptyAnswers(v);
  }
  // Some fields must be written even at their default (a time zone once hours are set): those the kind's rules ask for come back.
  const inputRules = (kindDef(kind) as { inputRules?: (raw: Record<string, unknown>) => readonly { path: string }[] }).inputRules;
  if (inputRules) {
    for (const issue of inputRules(out)) {
      const field = issue.path.split(".")[0];
      if (!(field in out) && body[field] !== undefined) out[field] = body[field];
    }
    return Object.fromEntries(keys.filter((k) => k in out).map((k) => [k, out[k]]));
  }
  return out;
}

/**
 * The settings a program must declare to reproduce a pool's: those that differ from Lync's
 * defaults, in the schema's order; none when the pool keeps every default.
 */
export function declaredSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defaults = SettingsSchema.parse({}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(SettingsSchema.shape)) {
    const v = settings[k];
    if (v === undefined || stableJson(v) === stableJson(defaults[k])) continue;
    out[k] = v;
  }
  return out;
}

// A question's answers default to an empty list; nothing else below the top level has a default.
function withoutEmptyAnswers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmptyAnswers);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (child === undefined) continue;
    if (k === "answers" && Array.isArray(child) && child.length === 0 && "prompt" in v) continue;
    out[k] = withoutEmptyAnswers(child);
  }
  return out;
}

/** The order objects of one kind are listed in: by name without regard to case, then by id. */
export function byNameThenId(a: ExportedObject, b: ExportedObject): number {
  return compareText(nameOf(a).toLowerCase(), nameOf(b).toLowerCase()) || compareText(nameOf(a), nameOf(b)) || compareText(a.id, b.id);
}

export function nameOf(o: ExportedObject): string {
  return typeof o.body.name === "string" ? o.body.name : "";
}

/** Code-unit order, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The configuration as JSON: pools sorted, each kind's objects by name then id, every object's
 * keys sorted, with defaults filled in so a change of default does not hide in the diff. Audio
 * files are there by their metadata and the project path of their bytes (`file`), never the bytes.
 */
export function configurationJson(snapshot: Snapshot): string {
  const paths = audioPaths(snapshot.audioFiles ?? []);
  const pools = [...snapshot.pools].sort(compareText).map((fqdn) => {
    const kinds: Record<string, unknown> = {};
    if (snapshot.audioFiles) {
      kinds[AUDIO_FILES] = snapshot.audioFiles
        .filter((a) => a.pool === fqdn)
        .sort((x, y) => compareText(x.fileName, y.fileName) || compareText(x.id, y.id))
        .map(({ pool: _pool, content: _content, ...metadata }) => ({ ...metadata, file: paths.get(audioKey({ pool: fqdn, id: metadata.id })) }));
    }
    for (const kind of KIND_NAMES) {
      kinds[kind] = snapshot.objects
        .filter((o) => o.pool === fqdn && o.kind === kind)
        .sort(byNameThenId)
        .map((o) => ({ id: o.id, ...o.body }));
    }
    const settings = snapshot.settings?.[fqdn];
    return { pool: fqdn, ...kinds, ...(settings ? { settings } : {}) };
  });
  return `${JSON.stringify(sortKeys({ pools }), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort(compareText)
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** The label of a kind, for comments and warnings. */
export function labelOf(kind: KindName): string {
  return kindDef(kind).label;
}
