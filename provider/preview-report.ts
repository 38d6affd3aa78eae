/**
 * What `pulumi preview` says beyond the engine's diff, computed in the program from the objects
 * it declares: the policy warnings of sdk/flow (they warn, never refuse), and the semantic diff
 * of the call flows against what the Response Group service holds now.
 *
 * Objects not created yet have no id; each declared resource stands in with an id derived from
 * its kind and name, so references between declared objects still resolve.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { Backend } from "../sdk/backend";
// The parts of sdk/flow a preview needs, not its index: diagrams load Graphviz, which a preview never draws.
import { describeChanges, formatChange } from "../sdk/flow/describe";
import { lintPool } from "../sdk/flow/lint";
import type { FlowObject, PoolObjects } from "../sdk/flow/pool";
import { kindDef } from "../sdk/model/index";
import { KIND_NAMES, type KindName } from "../sdk/model/kind";
import { HttpBackend } from "../sdk/http-client";
import { resolveConnection } from "./connection";

// The SDK's own reads of config and of the RPC keep-alive; internal to @pulumi/pulumi, so declared here.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { getConfig(k: string): string | undefined };
const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as { rpcKeepAlive(): () => void; isDryRun(): boolean };

interface Declared {
  kind: KindName;
  name: string;
  standIn: string;
  args: Record<string, unknown>;
  resource: pulumi.CustomResource;
}

interface InternalOutput {
  promise(withUnknowns?: boolean): Promise<unknown>;
  isKnown: Promise<boolean>;
}

const declared: Declared[] = [];
const standIns = new WeakMap<object, string>();
let scheduled = false;

/** Records a resource the program declared; the report runs once the program has declared them all. */
export function declareForReport(kind: KindName, name: string, args: object, resource: pulumi.CustomResource): void {
  if (process.env.RGS_PREVIEW_REPORT === "0" || !runtimeSettings.isDryRun()) return;
  const standIn = standInId(kind, name);
  standIns.set(resource.id, standIn);
  declared.push({ kind, name, standIn, args: args as Record<string, unknown>, resource });
  if (!scheduled) {
    scheduled = true;
    // After the program's own code: the resources it declares in one go are all known by then.
    setImmediate(() => void report());
  }
}

async function report(): Promise<void> {
  const done = runtimeSettings.rpcKeepAlive();
  try {
    const pools = await poolsOfDeclared();
    for (const [pool, objects] of pools) {
      await warn(objects);
      await diff(pool, objects);
    }
  } catch (e) {
    await pulumi.log.warn(`pulumi-rgs could not compute its preview report: ${(e as Error)?.message ?? String(e)}`);
  } finally {
    declared.length = 0;
    scheduled = false;
    done();
  }
}

interface Resolved {
  declared: Declared;
  /** The object's real id when it exists already, else its stand-in. */
  id: string;
  body: Record<string, unknown>;
}

async function poolsOfDeclared(): Promise<Map<string, Resolved[]>> {
  const ids = new Map<string, string>();
  const resolved: { d: Declared; pool: string; body: Record<string, unknown> | undefined; id: string | undefined }[] = [];
  for (const d of declared) {
    const id = (await known(d.resource.id)) as string | undefined;
    if (id) ids.set(d.standIn, id);
    const pool = (await resolve(d.args.pool)) ?? runtimeConfig.getConfig("rgs:pool") ?? resolveConnection(undefined).pool;
    resolved.push({ d, pool: String(pool ?? "").toLowerCase(), body: (await resolve(withoutProviderArgs(d.args))) as Record<string, unknown> | undefined, id });
  }
  const pools = new Map<string, Resolved[]>();
  for (const r of resolved) {
    // An object with a value not known before deploy is left out rather than judged on a guess.
    if (r.body === undefined || r.pool === "") continue;
    const body = rewriteIds(r.body, ids) as Record<string, unknown>;
    const parsed = kindDef(r.d.kind).schema.safeParse(body);
    if (!parsed.success) continue;
    const list = pools.get(r.pool) ?? [];
    list.push({ declared: r.d, id: r.id ?? r.d.standIn, body: parsed.data as Record<string, unknown> });
    pools.set(r.pool, list);
  }
  return pools;
}

function poolObjects(objects: readonly Resolved[], pool: string): PoolObjects {
  const out = Object.fromEntries(KIND_NAMES.map((k) => [k, [] as unknown[]])) as unknown as PoolObjects;
  for (const o of objects) (out[o.declared.kind] as unknown as FlowObject<KindName>[]).push({ ...o.body, id: o.id } as FlowObject<KindName>);
  out.pool = pool;
  return out;
}

async function warn(objects: readonly Resolved[]): Promise<void> {
  const byId = new Map(objects.map((o) => [o.id, o]));
  for (const w of lintPool(poolObjects(objects, ""))) {
    const owner = byId.get(w.object.id);
    await pulumi.log.warn(`${kindDef(w.object.kind).label} '${w.object.name}', ${w.field}: ${w.message} (${w.rule})`, owner?.declared.resource);
  }
}

/** The change in call-flow terms, against the objects of this program that exist in the pool now. */
async function diff(pool: string, objects: readonly Resolved[]): Promise<void> {
  const existing = new Set(objects.filter((o) => o.id !== o.declared.standIn).map((o) => o.id));
  const c = resolveConnection({ endpoint: runtimeConfig.getConfig("rgs:endpoint"), token: runtimeConfig.getConfig("rgs:token") });
  // A real pool is read through its agent only by the provider; the program reads the service.
  if (!c.endpoint || !c.token || c.shell) return;
  // A preview works without the service; the report waits for it briefly, then says it could not.
  const backend: Backend = new HttpBackend({ endpoint: c.endpoint, token: c.token, maxRetries: 1, timeoutMs: 5_000, userAgent: "pulumi-rgs-preview" });
  const before = Object.fromEntries(KIND_NAMES.map((k) => [k, [] as unknown[]])) as unknown as PoolObjects;
  for (const kind of KIND_NAMES) {
    let cursor: string | undefined;
    do {
      const page = await backend.list(pool, kind, { limit: 1000, cursor });
      for (const o of page.items) if (existing.has(o.id)) (before[kind] as unknown as unknown[]).push(o);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const lines = describeChanges(before, poolObjects(objects, pool)).filter((l) => l.change !== "removed");
  if (lines.length > 0) await pulumi.log.info(`call flows in ${pool}:\n${lines.map((l) => `  ${formatChange(l)}`).join("\n")}`);
}

function standInId(kind: KindName, name: string): string {
  const h = createHash("sha256").update(`${pulumi.getStack()}/${kind}/${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function withoutProviderArgs(args: Record<string, unknown>): Record<string, unknown> {
  const { pool: _pool, adopt: _adopt, ...rest } = args;
  return rest;
}

/** A value with every Output in it resolved; undefined when one is not known before deploy. */
async function resolve(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) {
    const standIn = standIns.get(v);
    if (standIn) return standIn;
    return known(v);
  }
  if (v instanceof Promise) return resolve(await v);
  if (Array.isArray(v)) {
    const out = [];
    for (const x of v) {
      const r = await resolve(x);
      if (r === undefined && x !== undefined) return undefined;
      out.push(r);
    }
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = await resolve(x);
      if (r === undefined && x !== undefined) return undefined;
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return v;
}

async function known(o: unknown): Promise<unknown> {
  const out = o as InternalOutput;
  if (!(await out.isKnown)) return undefined;
  return out.promise();
}

function rewriteIds(v: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof v === "string") return ids.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => rewriteIds(x, ids));
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewriteIds(x, ids)]));
  return v;
}
