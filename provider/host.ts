/**
 * The provider's lifecycle, as it runs inside Pulumi's dynamic-provider process.
 *
 * The serialized provider stored in state is a small shim (see dynamic.ts) that loads this module
 * by package name at call time, so state never carries this code, the schemas or a credential.
 * Every version of this module must read state written by earlier ones.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { describeError, RgsError } from "../sdk/errors";
import { HttpBackend, stableJson, wasReplayed } from "../sdk/http-client";
import { KINDS, toFieldIssues } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import type { RgsObject } from "../sdk/backend";

/** Connection settings from stack config, captured by `configure` in the provider process. */
export interface Connection {
  endpoint?: string;
  token?: string;
  pool?: string;
}

/** Inputs that belong to the provider rather than to the Response Group object. */
const PROVIDER_INPUTS = ["pool", "adopt", "__key", "__provider"] as const;

/** Outputs besides the object's own fields. */
export const EXTRA_OUTPUTS = ["identity", "etag", "pool"] as const;

// Pulumi's marker for a value not known until another resource is created.
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;

/** Reads connection settings from stack config (`rgs:endpoint`, `rgs:token`, `rgs:pool`). */
export function connectionFromConfig(config: pulumi.dynamic.Config): Connection {
  return { endpoint: config.get("rgs:endpoint"), token: config.get("rgs:token"), pool: config.get("rgs:pool") };
}

/** The methods of a dynamic provider, as the serialized shim names them. */
export interface Methods {
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Props): Promise<void>;
}

// Set by `configure`, which the provider process calls before any other method of a shim. Every
// kind of one stack shares the stack's config, so one connection serves them all.
let configured: Connection | undefined;

/** What the serialized shim of `kind` calls for each method (see dynamic.ts). */
export function call(kind: KindName, method: keyof Methods, args: unknown[]): Promise<unknown> {
  const a = args as [never, never, never];
  switch (method) {
    case "configure":
      configured = connectionFromConfig((a[0] as pulumi.dynamic.ConfigureRequest).config);
      return Promise.resolve();
    case "check":
      return check(kind, configured, a[0], a[1]);
    case "diff":
      return diff(kind, a[1], a[2]);
    case "create":
      return create(kind, configured, a[0]);
    case "read":
      return read(kind, configured, a[0], a[1] ?? {});
    case "update":
      return update(kind, configured, a[0], a[1], a[2]);
    case "delete":
      return remove(kind, configured, a[0], a[1]);
  }
  return Promise.reject(new Error(`the provider has no method ${String(method)}`));
}

// The environment wins over stack config, so CI and a destroy after a credentials change work.
function resolve(conn: Connection | undefined): Required<Connection> {
  const endpoint = process.env.RGS_ENDPOINT || conn?.endpoint || "";
  const token = process.env.RGS_TOKEN || conn?.token || "";
  const pool = process.env.RGS_POOL || conn?.pool || "";
  return { endpoint, token, pool };
}

function backendFor(conn: Connection | undefined): HttpBackend {
  const c = resolve(conn);
  if (!c.endpoint) {
    throw userError("no Response Group service endpoint: run `pulumi config set rgs:endpoint http://host:port` or set RGS_ENDPOINT");
  }
  if (!c.token) {
    throw userError("no token for the Response Group service: run `pulumi config set --secret rgs:token <token>` or set RGS_TOKEN");
  }
  return new HttpBackend({ endpoint: c.endpoint, token: c.token, userAgent: "pulumi-rgs-provider" });
}

/** Defaults, then the kind's schema; every problem becomes a check failure at its property path. */
export async function check(kind: KindName, conn: Connection | undefined, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const def = KINDS[kind];
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const body = objectFields(news);
  const unknownPaths = findUnknowns(body, "");

  const pool = news.pool ?? resolve(conn).pool;
  if (pool === undefined || pool === "") {
    failures.push({ property: "pool", reason: "no pool: set `pool` on the resource or `pulumi config set rgs:pool <fqdn>`" });
  } else if (pool !== UNKNOWN && typeof pool !== "string") {
    failures.push({ property: "pool", reason: `must be a pool FQDN string (got ${JSON.stringify(pool)})` });
  }
  if (news.adopt !== undefined && news.adopt !== UNKNOWN && typeof news.adopt !== "boolean") {
    failures.push({ property: "adopt", reason: `must be true or false (got ${JSON.stringify(news.adopt)})` });
  }

  const parsed = def.schema.safeParse(body, { reportInput: true });
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
  const out: Props = { ...inputs, pool: typeof pool === "string" ? pool.toLowerCase() : pool };
  if (news.adopt !== undefined) out.adopt = news.adopt;
  if (typeof news.__key === "string") out.__key = news.__key;
  return { inputs: out, failures };
}

/** Normalised old outputs against checked new inputs; only a change of pool replaces. */
export async function diff(kind: KindName, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const changed = changedFields(kind, olds, news);
  const replaces = changed.includes("pool") ? ["pool"] : [];
  return {
    changes: changed.length > 0,
    replaces,
    // A primary URI is unique across pools, so the old workflow must go before its replacement exists.
    deleteBeforeReplace: replaces.length > 0 && kind === "workflows",
  };
}

/** The fields whose declared value differs from what state holds. */
export function changedFields(kind: KindName, olds: Props, news: Props): string[] {
  const keys = [...Object.keys(shapeOf(kind)), "pool"];
  return keys.filter((k) => news[k] === UNKNOWN || stableJson(olds[k] ?? null) !== stableJson(news[k] ?? null));
}

export async function create(kind: KindName, conn: Connection | undefined, inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const backend = backendFor(conn);
  const pool = String(inputs.pool);
  const body = objectFields(inputs);
  const label = `${KINDS[kind].label} '${String(body.name)}'`;
  try {
    let obj = await backend.create(pool, kind, body as never, { idempotencyKey: idempotencyKey(inputs, pool, body) });
    // A replayed answer belongs to an earlier create of this resource whose answer was lost, or
    // to an object since deleted: take the object as it is now, or create it anew.
    if (wasReplayed(obj)) {
      obj = (await backend.tryGet(pool, kind, obj.id)) ?? (await backend.create(pool, kind, body as never));
    }
    return { id: obj.id, outs: outputsOf(obj, pool) };
  } catch (e) {
    if (!(RgsError.isRgsError(e) && e.code === "name_conflict" && inputs.adopt === true)) throw fail(e, `cannot create ${label}`);
  }
  const existing = await backend.tryGetByName(pool, kind, String(body.name));
  if (!existing) throw userError(`cannot adopt ${label}: the service reported a name conflict, but no object of that name is in pool ${pool}`);
  try {
    const obj = await backend.update(pool, kind, existing.id, body as never, existing.etag);
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

/** The object as the service has it now; nothing when it is gone, so refresh drops it. */
export async function read(kind: KindName, conn: Connection | undefined, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const pool = String(props.pool ?? resolve(conn).pool);
  let obj: RgsObject | undefined;
  try {
    obj = await backendFor(conn).tryGet(pool, kind, id);
  } catch (e) {
    throw fail(e, `cannot read ${KINDS[kind].label} ${id}`);
  }
  if (!obj) return {};
  const outs = outputsOf(obj, pool);
  const inputs: Props = { ...objectFields(outs), pool };
  if (props.adopt !== undefined) inputs.adopt = props.adopt;
  return { id: obj.id, props: outs, inputs };
}

export async function update(kind: KindName, conn: Connection | undefined, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const pool = String(news.pool);
  const body = objectFields(news);
  const label = `${KINDS[kind].label} '${String(body.name)}'`;
  try {
    const obj = await backendFor(conn).update(pool, kind, id, body as never, String(olds.etag));
    return { outs: outputsOf(obj, pool) };
  } catch (e) {
    if (RgsError.isRgsError(e) && e.code === "etag_mismatch") {
      throw userError(`${label} changed outside Pulumi since it was last read; run \`pulumi refresh\` to see the change, then \`pulumi up\` again`);
    }
    if (RgsError.isRgsError(e) && e.code === "not_found") {
      throw userError(`${label} (${id}) was deleted outside Pulumi; run \`pulumi refresh\` and then \`pulumi up\` to create it again`);
    }
    throw fail(e, `cannot update ${label}`);
  }
}

export async function remove(kind: KindName, conn: Connection | undefined, id: string, props: Props): Promise<void> {
  const pool = String(props.pool ?? resolve(conn).pool);
  try {
    // Already gone is what delete wants.
    await backendFor(conn).delete(pool, kind, id);
  } catch (e) {
    throw fail(e, `cannot delete ${KINDS[kind].label} '${String(props.name ?? id)}'`);
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
function idempotencyKey(inputs: Props, pool: string, body: Props): string | undefined {
  if (typeof inputs.__key !== "string") return undefined;
  return createHash("sha256").update(inputs.__key).update("\n").update(pool).update("\n").update(stableJson(body)).digest("hex");
}

/** The fields of a kind, from its schema. */
export function shapeOf(kind: KindName): Record<string, unknown> {
  return (KINDS[kind].schema as unknown as { shape: Record<string, unknown> }).shape;
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

function withTopLevelDefaults(kind: KindName, body: Props): Props {
  const out: Props = { ...body };
  for (const [k, field] of Object.entries(shapeOf(kind))) {
    if (out[k] !== undefined) continue;
    const r = (field as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
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

function describe(e: unknown): string {
  return RgsError.isRgsError(e) ? describeError(e) : String((e as Error)?.message ?? e);
}

/** An error for people: Pulumi prints it as it is, without a stack trace. */
function userError(message: string): Error {
  const e = new Error(message);
  // The dynamic-provider process prints `${error}: ${error.stack}`; the message alone is what users need.
  e.stack = "";
  e.toString = () => message;
  return e;
}

function fail(e: unknown, what: string): Error {
  if (RgsError.isRgsError(e)) {
    const hint = e.code === "unauthorized" || e.code === "forbidden" ? " (check rgs:token or RGS_TOKEN)" : "";
    return userError(`${what}: ${describeError(e)}${hint}`);
  }
  return userError(`${what}: ${String((e as Error)?.message ?? e)}`);
}
