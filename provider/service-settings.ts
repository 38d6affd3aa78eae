/**
 * ServiceSettings: a pool's Response Group settings (Set-CsRgsConfiguration).
 */
import * as pulumi from "@pulumi/pulumi";
import type { SettingsArgs, SettingsBody } from "../sdk/model/settings";
import { shimFor } from "./dynamic";

export type ServiceSettingsArgs = { [F in keyof SettingsArgs]?: pulumi.Input<SettingsArgs[F]> } & {
  /** Front End pool FQDN; defaults to the stack's `rgs:pool`. */
  pool?: pulumi.Input<string>;
};

export interface ServiceSettings {
  readonly agentRingbackGracePeriod: pulumi.Output<SettingsBody["agentRingbackGracePeriod"]>;
  readonly disableCallContext: pulumi.Output<SettingsBody["disableCallContext"]>;
  readonly defaultMusicOnHoldFileId: pulumi.Output<SettingsBody["defaultMusicOnHoldFileId"]>;
  readonly etag: pulumi.Output<string>;
  readonly pool: pulumi.Output<string>;
}

// A pool has one set of settings; two resources for it would overwrite each other on every run.
const declared = new Map<string, string>();

/**
 * The Response Group settings of a pool: one resource per pool. Creating it writes the declared
 * settings over the pool's (a setting left out takes Lync's default); destroying it puts Lync's
 * defaults back. Writing settings needs a token of role admin.
 *
 * @example
 * new rgs.ServiceSettings("settings", { agentRingbackGracePeriod: 30, defaultMusicOnHoldFileId: music.id });
 */
export class ServiceSettings extends pulumi.dynamic.Resource {
  constructor(name: string, args: ServiceSettingsArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const pool = args.pool ?? (process.env.RGS_POOL || new pulumi.Config("rgs").get("pool"));
    if (pool === undefined || typeof pool === "string") {
      const key = (pool ?? "").toLowerCase();
      const first = declared.get(key);
      if (first !== undefined && first !== name) {
        throw new pulumi.RunError(`ServiceSettings '${name}' and '${first}' both declare the settings of pool ${pool ?? "(rgs:pool)"}; a pool has one set of settings, so declare them once`);
      }
      declared.set(key, name);
    }
    const seed = { agentRingbackGracePeriod: undefined, disableCallContext: undefined, defaultMusicOnHoldFileId: undefined, etag: undefined };
    super(shimFor("settings"), name, { ...seed, ...args, pool: args.pool }, opts, "rgs", "ServiceSettings");
  }
}
