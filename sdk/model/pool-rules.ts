/**
 * Rules that span objects of a pool, written once against a read-only view of the pool so the
 * service (over its store) and the shell backend (over a pool's cmdlets) hold the same rules.
 */
import type { FieldIssue, KindName } from "./kind";
import { queueTargets } from "./call-action";

export interface PooledObject {
  id: string;
  name: string;
  body: Record<string, unknown>;
}

export interface PoolLookup {
  get(kind: KindName, id: string): Promise<PooledObject | undefined>;
  /** Objects that reference this one. */
  referrers(id: string): Promise<{ kind: KindName; id: string; name: string }[]>;
}

/** A refusal by a rule across objects: field problems, or objects in the way. */
export type PoolRuleViolation =
  | { code: "validation_failed"; message: string; issues: FieldIssue[] }
  | { code: "in_use"; message: string; referencedBy: { kind: KindName; id: string; name: string }[] };

const WORKFLOW_SLOTS = ["defaultAction", "nonBusinessHoursAction", "holidayAction"] as const;

/** Queues a workflow sends calls to, each with the path of the reference. */
export function workflowQueues(w: Record<string, unknown>): { id: string; path: string }[] {
  return WORKFLOW_SLOTS.flatMap((slot) => queueTargets(w[slot], slot));
}

function groupsOf(q: PooledObject | undefined): string[] {
  return Array.isArray(q?.body.agentGroupIds) ? (q!.body.agentGroupIds as string[]) : [];
}

/** Workflows other than `self` that send calls to the queue. */
async function workflowsUsing(pool: PoolLookup, queueId: string, self: string | undefined): Promise<PooledObject[]> {
  const out: PooledObject[] = [];
  for (const r of await pool.referrers(queueId)) {
    if (r.kind !== "workflows" || r.id === self) continue;
    const w = await pool.get("workflows", r.id);
    if (w) out.push(w);
  }
  return out;
}

/** Workflows other than `self` whose queues offer calls to the agent group, through queues other than `viaQueue`. */
async function workflowsThroughGroup(pool: PoolLookup, groupId: string, viaQueue: string | undefined, self: string | undefined) {
  const out: PooledObject[] = [];
  for (const r of await pool.referrers(groupId)) {
    if (r.kind !== "queues" || r.id === viaQueue) continue;
    out.push(...(await workflowsUsing(pool, r.id, self)));
  }
  return out;
}

function clash(message: string, users: PooledObject[]): PoolRuleViolation {
  const seen = new Map(users.map((u) => [u.id, { kind: "workflows" as KindName, id: u.id, name: u.name }]));
  return { code: "in_use", message, referencedBy: [...seen.values()] };
}

/**
 * A workflow's rules across objects: on an active workflow every queue it sends calls to has an
 * agent group; a managed workflow's queues and agent groups serve no other workflow (Lync 2013
 * and later), and no workflow shares a managed workflow's.
 */
export async function workflowPoolRules(w: Record<string, unknown>, self: string | undefined, pool: PoolLookup): Promise<PoolRuleViolation[]> {
  const violations: PoolRuleViolation[] = [];
  const targets = workflowQueues(w);
  if (w.active === true) {
    const issues: FieldIssue[] = [];
    for (const t of targets) {
      const q = await pool.get("queues", t.id);
      if (q && groupsOf(q).length === 0) {
        issues.push({ path: t.path, message: `queue '${q.name}' has no agent groups: on an active workflow, a call sent there finds no agent` });
      }
    }
    if (issues.length > 0) violations.push({ code: "validation_failed", message: "the workflow sends calls to queues without agents", issues });
  }
  for (const t of new Map(targets.map((t) => [t.id, t])).values()) {
    const q = await pool.get("queues", t.id);
    const direct = await workflowsUsing(pool, t.id, self);
    const shared = [...direct];
    for (const g of groupsOf(q)) shared.push(...(await workflowsThroughGroup(pool, g, t.id, self)));
    if (w.managed === true && shared.length > 0) {
      violations.push(clash(`queue '${q?.name ?? t.id}' or its agent groups already serve another workflow, and a managed workflow's queues and agent groups serve it alone`, shared));
    } else {
      const managed = shared.filter((o) => o.body.managed === true);
      if (managed.length > 0) {
        violations.push(clash(`queue '${q?.name ?? t.id}' or its agent groups belong to a managed workflow, whose queues and agent groups serve it alone`, managed));
      }
    }
  }
  return violations;
}

/**
 * A queue's rules across objects: it keeps an agent group while an active workflow sends calls to
 * it, and its agent groups are not shared with a managed workflow it does not serve.
 */
export async function queuePoolRules(q: Record<string, unknown>, self: string | undefined, pool: PoolLookup): Promise<PoolRuleViolation[]> {
  const violations: PoolRuleViolation[] = [];
  const groups = Array.isArray(q.agentGroupIds) ? (q.agentGroupIds as string[]) : [];
  const mine = self === undefined ? [] : await workflowsUsing(pool, self, undefined);
  const active = mine.filter((w) => w.body.active === true);
  if (groups.length === 0 && active.length > 0) {
    violations.push({
      code: "validation_failed",
      message: "the queue would lose its agents while an active workflow sends calls to it",
      issues: [{ path: "agentGroupIds", message: `must list at least one agent group while active workflow '${active[0].name}' sends calls here` }],
    });
  }
  const mineIds = new Set(mine.map((w) => w.id));
  for (const g of groups) {
    const others = (await workflowsThroughGroup(pool, g, self, undefined)).filter((w) => !mineIds.has(w.id));
    const managedHere = mine.filter((w) => w.body.managed === true);
    const managedThere = others.filter((w) => w.body.managed === true);
    // A queue no workflow uses yet serves nobody; the workflow that takes it up is checked then.
    if ((managedHere.length > 0 && others.length > 0) || (managedThere.length > 0 && mine.length > 0)) {
      violations.push(clash("an agent group of this queue serves another workflow, and a managed workflow's agent groups serve it alone", [...managedThere, ...others]));
      break;
    }
  }
  return violations;
}
