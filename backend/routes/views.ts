/**
 * The bodies the routes take and answer with, named as the OpenAPI document lists them: the sdk's
 * views, and per kind its object, its page and what a caller writes.
 */
import { z } from "zod";
import { AudioFileView } from "../../sdk/model/audio-file";
import { fieldsOf, kindDef } from "../../sdk/model/index";
import { KIND_NAMES, type KindName } from "../../sdk/model/kind";
import { SettingsSchema } from "../../sdk/model/settings";
import { ErrorEnvelope, FieldProblemView, pageOf, PoolView, ReferrerView, ServerFields, SettingsView } from "../../sdk/views";
import type { Named } from "./route";

export interface KindViews {
  /** An object as answered: its fields, defaults filled in, and the server fields. */
  object: Named;
  page: Named;
  /** An object as a caller writes it: defaults may be left out, server fields are ignored. */
  input: Named;
}

function kindViews(kind: KindName): KindViews {
  const def = kindDef(kind);
  const object = z.strictObject({ ...fieldsOf(kind), ...ServerFields.shape }).describe(def.schema.description ?? `A ${def.label}.`);
  return {
    object: { id: def.typeName, schema: object },
    page: { id: `${def.typeName}Page`, schema: pageOf(object) },
    input: { id: `${def.typeName}Input`, schema: def.schema },
  };
}

export const KIND_VIEWS = Object.fromEntries(KIND_NAMES.map((k) => [k, kindViews(k)])) as Readonly<Record<KindName, KindViews>>;

export const AUDIO_FILE: Named = { id: "AudioFile", schema: AudioFileView };
export const AUDIO_FILE_PAGE: Named = { id: "AudioFilePage", schema: pageOf(AudioFileView) };
export const SETTINGS: Named = { id: "SettingsView", schema: SettingsView };
export const SETTINGS_INPUT: Named = { id: "Settings", schema: SettingsSchema };
export const POOL: Named = { id: "Pool", schema: PoolView };
export const POOL_PAGE: Named = { id: "PoolPage", schema: pageOf(PoolView) };
export const ERROR: Named = { id: "Error", schema: ErrorEnvelope };
/** Named in the sdk (`.meta({id})`), so the document lists them wherever they appear. */
export const ERROR_PARTS: readonly Named[] = [
  { id: "FieldProblem", schema: FieldProblemView },
  { id: "Referrer", schema: ReferrerView },
];
export const HEALTH: Named = {
  id: "Health",
  schema: z.object({ status: z.literal("ok") }).describe("The store answers."),
};

/** How the document names a kind's operations: from its route segment and the registry. */
export function kindWords(kind: KindName): { typeName: string; label: string; collection: string; Collection: string; noun: string } {
  const def = kindDef(kind);
  return {
    typeName: def.typeName,
    label: def.label,
    /** "agent groups", "hours of business" */
    collection: kind.replace(/-/g, " "),
    /** "AgentGroups", "HoursOfBusiness" */
    Collection: kind.replace(/(?:^|-)(\w)/g, (_m, c: string) => c.toUpperCase()),
    noun: def.noun,
  };
}
