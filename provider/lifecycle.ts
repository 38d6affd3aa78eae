/**
 * The provider's lifecycle methods, as they run inside Pulumi's dynamic-provider process: check,
 * diff, create, read, update and delete of one kind, against whichever backend the stack uses.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { RgsObject } from "../sdk/backend";
import { RgsError } from "../sdk/errors";
import { stableJson } from "../sdk/json";
import { defaultsOf, fieldsOf, kindDef, toFieldIssues, type KindArgs } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import { backendFor, resolveConnection, type Connection } from "./connection";
import { describe, userError } from "./user-error";

/** Inputs that belong to the provider rather than to the Response Group object. */
const PROVIDER_INPUTS = ["pool", "adopt", "__key", "__provider"] as const;

/** Outputs besides the object's own fields. */
export const EXTRA_OUTPUTS = ["identity", "etag", "pool"] as const;

/** Inputs whose change replaces any object: an object cannot move between pools. */
const REPLACE_ON_CHANGE = ["pool"] as const;

// Pulumi's marker for a value not known until another resource is created.
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;

/** Defaults, then the kind's schema; every problem becomes a check failure at its property path. */
export async function check(kind: KindName, conn: Connection | undefined, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const def = kindDef(kind);
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const body = objectFields(news);
  const unknownPaths = findUnknowns(body, "");

  const pool = checkedPool(news, conn, failures);
  if (news.adopt !== undefined && news.adopt !== UNKNOWN && typeof news.adopt !== "boolean") {
    failures.push({ property: "adopt", reason: `must be true or false (got ${JSON.stringify(news.adopt)})` });
  }

  const parsed = def.schema.safeParse(body, { reportInput: true });
  for (const issue of def.inputRules?.(body) ?? []) {
    if (!unknownPaths.some((u) => related(u, issue.path))) failures.push({ property: issue.path, reason: issue.message });
  }
  let inputs: Props;
  if (parsed.success) {
    inputs = parsed.data as Props;
  } else {
    for (const issue of toFieldIssues(parsed.error)) {
      // A value not yet known in preview is checked when it is known.
      if (unknownPaths.some((u) => related(u, issue.path))) continue;
      failures.push({ property: issue.path, reason: issue.message });
    }
    inputs = withTopLevelDefaults(kind, body);
  }
  // Old inputs are empty only when the resource is about to be created.
  const creating = Object.keys(olds).length === 0;
  if (failures.length === 0 && unknownPaths.length === 0 && def.createRules && creating) {
    for (const issue of def.createRules(inputs)) failures.push({ property: issue.path, reason: issue.message });
  }
  const out: Props = { ...inputs, pool };
  if (news.adopt !== undefined) out.adopt = news.adopt;
  if (typeof news.__key === "string") out.__key = news.__key;
  return { inputs: out, failures };
}

/** The resource's pool, its own or the stack's `rgs:pool`, in lower case; a failure when there is none. */
export function checkedPool(news: Props, conn: Connection | undefined, failures: pulumi.dynamic.CheckFailure[]): unknown {
  const pool = news.pool ?? resolveConnection(conn).pool;
  if (pool === undefined || pool === "") {
    failures.push({ property: "pool", reason: "no pool: set `pool` on the resource or `pulumi config set rgs:pool <fqdn>`" });
  } else if (pool !== UNKNOWN && typeof pool !== "string") {
    failures.push({ property: "pool", reason: `must be a pool FQDN string (got ${JSON.stringify(pool)})` });
  }
  return typeof pool === "string" ? pool.toLowerCase() : pool;
}

/** Normalised old outputs against checked new inputs; only a change of pool replaces. */
export async function diff(kind: KindName, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const changed = changedFields(kind, olds, news);
  const replaces = changed.filter((f) => (REPLACE_ON_CHANGE as readonly string[]).includes(f));
  return {
    changes: changed.length > 0,
    replaces,
    // A value unique across pools must be free before the replacement can take it.
    deleteBeforeReplace: replaces.length > 0 && kindDef(kind).uniqueAcrossPools.length > 0,
  };
}

/** The fields whose declared value differs from what state holds. */
export function changedFields(kind: KindName, olds: Props, news: Props): string[] {
  const keys = [...Object.keys(fieldsOf(kind)), "pool"];
  return keys.filter((k) => news[k] === UNKNOWN || stableJson(olds[k] ?? null) !== stableJson(news[k] ?? null));
}

export async function create(kind: KindName, conn: Connection | undefined, inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const backend = backendFor(conn);
  const pool = String(inputs.pool);
  const body = argsOf(kind, inputs);
  const label = `${kindDef(kind).label} '${String(body.name)}'`;
  try {
    const created = await backend.create(pool, kind, body, { requestKey: requestKey(inputs, pool, body) });
    let obj: RgsObject = created.object;
    // A replayed answer belongs to an earlier create of this resource whose answer was lost, or
    // to an object since deleted: take the object as it is now, or create it anew.
    if (created.replayed) obj = (await backend.get(pool, kind, obj.id)) ?? (await backend.create(pool, kind, body)).object;
    return { id: obj.id, outs: outputsOf(obj, pool) };
  } catch (e) {
    if (!(RgsError.isRgsError(e) && e.code === "name_conflict" && inputs.adopt === true)) throw fail(e, `cannot create ${label}`, conn);
  }
  const existing = await backend.findByName(pool, kind, String(body.name));
  if (!existing) throw userError(`cannot adopt ${label}: a name conflict was reported, but no object of that name is in pool ${pool}`);
  try {
    const obj = await backend.update(pool, kind, existing.id, body, existing.etag);
    return { id: obj.id, outs: outputsOf(obj, pool) };
  } catch (e) {
    // The object exists and is now Pulumi's, but not in the declared state: keep its id in state.
    const reason = describe(e);
    throw Object.assign(userError(`adopted ${label} (${existing.id}) but could not update it: ${reason}`), {
      id: existing.id,
      properties: outputsOf(existing, pool),
      reasons: [reason],
    });
  }
}

/** The object as it is now; nothing when it is gone, so refresh drops it. */
export async function read(kind: KindName, conn: Connection | undefined, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const pool = String(props.pool ?? resolveConnection(conn).pool);
  let obj: RgsObject | undefined;
  try {
    obj = await backendFor(conn).get(pool, kind, id);
  } catch (e) {
    throw fail(e, `cannot read ${kindDef(kind).label} ${id}`, conn);
  }
  if (!obj) return {};
  const outs = outputsOf(obj, pool);
  const inputs: Props = { ...objectFields(outs), pool };
  if (props.adopt !== undefined) inputs.adopt = props.adopt;
  return { id: obj.id, props: outs, inputs };
}

export async function update(kind: KindName, conn: Connection | undefined, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const pool = String(news.pool);
  const body = argsOf(kind, news);
  const label = `${kindDef(kind).label} '${String(body.name)}'`;
  try {
    const obj = await backendFor(conn).update(pool, kind, id, body, String(olds.etag));
    return { outs: outputsOf(obj, pool) };
  } catch (e) {
    if (RgsError.isRgsError(e) && e.code === "etag_mismatch") {
      throw userError(`${label} changed outside Pulumi since it was last read; run \`pulumi refresh\` to see the change, then \`pulumi up\` again`);
    }
    if (RgsError.isRgsError(e) && e.code === "not_found") {
      throw userError(`${label} (${id}) was deleted outside Pulumi; run \`pulumi refresh\` and then \`pulumi up\` to create it again`);
    }
    throw fail(e, `cannot update ${label}`, conn);
  }
}

export async function remove(kind: KindName, conn: Connection | undefined, id: string, props: Props): Promise<void> {
  const pool = String(props.pool ?? resolveConnection(conn).pool);
  try {
    // Already gone is what delete wants.
    await backendFor(conn).delete(pool, kind, id);
  } catch (e) {
    throw fail(e, `cannot delete ${kindDef(kind).label} '${String(props.name ?? id)}'`, conn);
  }
}

/** The outputs of an object: its fields with defaults filled in, plus identity, etag and pool. */
export function outputsOf(obj: RgsObject | Props, pool: string): Props {
  const outs: Props = {};
  const o = obj as Props;
  for (const k of Object.keys(o)) {
    if (k === "id" || k === "ownerPool" || k === "createdAt" || k === "updatedAt") continue;
    outs[k] = o[k];
  }
  outs.pool = pool;
  return outs;
}

/** The same resource declaring the same body gets the same key, so a retried create finds its object. */
function requestKey(inputs: Props, pool: string, body: Props): string | undefined {
  if (typeof inputs.__key !== "string") return undefined;
  return createHash("sha256").update(inputs.__key).update("\n").update(pool).update("\n").update(stableJson(body)).digest("hex");
}

/** The object's own fields from a property bag, without provider inputs or server fields. */
function objectFields(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if ((PROVIDER_INPUTS as readonly string[]).includes(k) || (EXTRA_OUTPUTS as readonly string[]).includes(k)) continue;
    if (v === undefined) continue;
    out[k] = v;
  }
  return out;
}

/** The body of inputs that `check` passed: Pulumi calls create and update only with checked inputs. */
function argsOf<K extends KindName>(_kind: K, props: Props): KindArgs[K] & Props {
  return objectFields(props) as KindArgs[K] & Props;
}

function withTopLevelDefaults(kind: KindName, body: Props): Props {
  const out: Props = { ...body };
  for (const [k, v] of Object.entries(defaultsOf(kind))) if (out[k] === undefined) out[k] = v;
  return out;
}

function findUnknowns(v: unknown, path: string): string[] {
  if (v === UNKNOWN) return [path];
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, child]) => findUnknowns(child, path === "" ? k : `${path}.${k}`));
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a === "" || b === "";
}

/** A backend's refusal as an error for people, with a hint when the credentials are the cause. */
export function fail(e: unknown, what: string, conn: Connection | undefined): Error {
  const credentials = RgsError.isRgsError(e) && (e.code === "unauthorized" || e.code === "forbidden");
  const hint = credentials && !resolveConnection(conn).shell ? " (check rgs:token or RGS_TOKEN)" : "";
  return userError(`${what}: ${describe(e)}${hint}`);
}
