/**
 * The lifecycle of a ServiceSettings resource: the one set of Response Group settings each pool
 * has (Get-/Set-CsRgsConfiguration). Creating it writes the declared settings over whatever the
 * pool had; deleting it puts Lync's defaults back, since the settings themselves cannot go.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../sdk/backend";
import { RgsError } from "../sdk/errors";
import { stableJson } from "../sdk/json";
import { toFieldIssues } from "../sdk/model/index";
import { SettingsSchema } from "../sdk/model/settings";
import { SETTINGS_SERVER_FIELDS } from "../sdk/views";
import { backendFor, resolveConnection, type Connection } from "./connection";
import { checkedPool, fail, UNKNOWN } from "./lifecycle";
import { userError } from "./user-error";

type Props = Record<string, unknown>;

const FIELDS = Object.keys(SettingsSchema.shape);


export async function checkSettings(conn: Connection | undefined, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const pool = checkedPool(news, conn, failures);
  const body = Object.fromEntries(FIELDS.filter((f) => news[f] !== undefined).map((f) => [f, news[f]]));
  const parsed = SettingsSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    // A value not yet known in preview is checked when it is known.
    for (const issue of toFieldIssues(parsed.error)) if (body[issue.path.split(".")[0]] !== UNKNOWN) failures.push({ property: issue.path, reason: issue.message });
    return { inputs: { ...body, pool }, failures };
  }
  return { inputs: { ...parsed.data, pool }, failures };
}

export async function diffSettings(olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const changed = [...FIELDS, "pool"].filter((k) => stableJson(olds[k] ?? null) !== stableJson(news[k] ?? null));
  return { changes: changed.length > 0, replaces: changed.includes("pool") ? ["pool"] : [] };
}

export async function createSettings(conn: Connection | undefined, inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const pool = String(inputs.pool);
  try {
    const s = await backendFor(conn).updateSettings(pool, settingsOf(inputs));
    return { id: pool, outs: settingsOutputs(s, pool) };
  } catch (e) {
    throw fail(e, `cannot write the Response Group settings of pool ${pool}`, conn);
  }
}

export async function readSettings(conn: Connection | undefined, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const pool = String(props.pool ?? id);
  try {
    const outs = settingsOutputs(await backendFor(conn).getSettings(pool), pool);
    return { id: pool, props: outs, inputs: { ...settingsOf(outs), pool } };
  } catch (e) {
    if (RgsError.isRgsError(e) && e.code === "not_found") return {};
    throw fail(e, `cannot read the Response Group settings of pool ${pool}`, conn);
  }
}

export async function updateSettings(conn: Connection | undefined, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const pool = String(news.pool);
  try {
    return { outs: settingsOutputs(await backendFor(conn).updateSettings(pool, settingsOf(news), String(olds.etag)), pool) };
  } catch (e) {
    if (RgsError.isRgsError(e) && e.code === "etag_mismatch") {
      throw userError(`the Response Group settings of pool ${pool} changed outside Pulumi since they were last read; run \`pulumi refresh\` to see the change, then \`pulumi up\` again`);
    }
    throw fail(e, `cannot write the Response Group settings of pool ${pool}`, conn);
  }
}

export async function removeSettings(conn: Connection | undefined, id: string, props: Props): Promise<void> {
  const pool = String(props.pool ?? id);
  try {
    await backendFor(conn).updateSettings(pool, SettingsSchema.parse({}));
  } catch (e) {
    if (RgsError.isRgsError(e) && e.code === "not_found") return;
    throw fail(e, `cannot put Lync's default Response Group settings back in pool ${pool}`, conn);
  }
}

function settingsOf(props: Props): Props {
  return Object.fromEntries(FIELDS.map((f) => [f, props[f]]));
}

function settingsOutputs(s: Settings, pool: string): Props {
  const outs: Props = { ...s };
  for (const f of SETTINGS_SERVER_FIELDS) if (f !== "etag") delete outs[f];
  return { ...outs, pool };
}
