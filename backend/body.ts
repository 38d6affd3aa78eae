/**
 * Reading a request body into the model, the same for the service over its store and for the
 * gateway in front of a pool: depth first, then the kind's schema, every problem reported together.
 */
import { RgsError } from "../sdk/errors";
import { aLabel, kindDef, parseBody, preview, toFieldIssues } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import { SettingsSchema, type SettingsBody } from "../sdk/model/settings";
import { SERVER_FIELDS, SETTINGS_SERVER_FIELDS } from "../sdk/views";

/** Deepest JSON nesting a body may have before it is refused unread; an IVR level nests four deep. */
export const MAX_BODY_DEPTH = 256;

/** The body of an object of the kind, defaults filled in; server fields sent back are ignored. */
export function readObjectBody(kind: KindName, raw: unknown, mode: "create" | "update"): Record<string, unknown> {
  checkDepth(raw);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw validation(`the body must be a JSON object describing ${aLabel(kind)}`, [
      { path: "", message: `must be a JSON object (got ${raw === undefined ? "no body" : preview(raw)})` },
    ]);
  }
  const result = parseBody(kind, without(raw, SERVER_FIELDS), mode);
  if (!result.ok) {
    throw validation(`the ${kindDef(kind).label} is not valid: ${result.issues.length} problem${result.issues.length > 1 ? "s" : ""}`, result.issues);
  }
  return result.value;
}

/** A pool's settings from a body; the view's own fields sent back are ignored. */
export function readSettingsBody(raw: unknown): SettingsBody {
  checkDepth(raw);
  const parsed = SettingsSchema.safeParse(without(raw, SETTINGS_SERVER_FIELDS), { reportInput: true });
  if (!parsed.success) throw validation("the settings are not valid", toFieldIssues(parsed.error));
  return parsed.data;
}

function without(raw: unknown, fields: readonly string[]): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy;
}

/** Refuses bodies nested deeper than any valid object, before the schema walks them. */
export function checkDepth(raw: unknown): void {
  const stack: [unknown, number][] = [[raw, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > MAX_BODY_DEPTH) {
      throw validation(`the body is nested more than ${MAX_BODY_DEPTH} levels deep`, [{ path: "", message: `nesting deeper than ${MAX_BODY_DEPTH} levels is refused` }]);
    }
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}

function validation(message: string, details: { path: string; message: string }[]): RgsError {
  return new RgsError("validation_failed", message, { details });
}

