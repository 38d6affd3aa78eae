/**
 * The dynamic-provider shim stored in state, one per kind, and the helpers every resource file uses.
 *
 * Pulumi serializes a dynamic provider into every resource's state and runs that copy for delete and
 * refresh. The shim captures only its kind; each method loads `pulumi-rgs/provider-host` by package
 * name when it runs, and connection settings live on the shim object in the provider process only.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Host from "./host";
import type { KindArgs, KindBodies } from "../sdk/backend";
import type { KindName } from "../sdk/model/kind";
import { KINDS } from "../sdk/model/index";

/** A value or nested value that may be an Output of another resource. */
export type Inputs<T> = T extends readonly (infer U)[]
  ? pulumi.Input<Inputs<U>[]>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: Inputs<T[K]> }>
    : pulumi.Input<T>;

/** Arguments shared by every resource. */
export interface CommonArgs {
  /** Front End pool FQDN the object lives in; defaults to the stack's `rgs:pool`. Changing it replaces the object. */
  pool?: pulumi.Input<string>;
  /**
   * Take over an object of the same name that already exists in the pool, updating it to the
   * declared state, instead of failing with name_conflict. Pulumi's `import` option does not
   * work with dynamic resources; this is the way to bring existing configuration under Pulumi.
   */
  adopt?: pulumi.Input<boolean>;
}

/** The arguments of a kind: its fields as inputs, plus pool and adopt. */
export type ArgsOf<K extends KindName> = { [F in keyof KindArgs[K]]: Inputs<KindArgs[K][F]> } & CommonArgs;

/** The outputs of a kind: its fields with the service's defaults, plus identity, etag and pool. */
export type OutputsOf<K extends KindName> = { readonly [F in keyof KindBodies[K]]-?: pulumi.Output<KindBodies[K][F]> } & {
  /** service:ApplicationServer:<pool>/<id> */
  readonly identity: pulumi.Output<string>;
  /** The version the service last returned; updates send it in If-Match. */
  readonly etag: pulumi.Output<string>;
  readonly pool: pulumi.Output<string>;
};

interface Shim extends pulumi.dynamic.ResourceProvider {
  connection?: Host.Connection;
}

/** The serialized provider of one kind. Kept free of captures but `kind`: see the file comment. */
export function shimFor(kind: KindName): pulumi.dynamic.ResourceProvider {
  const shim: Shim = {
    async configure(req) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      this.connection = host.connectionFromConfig(req.config);
    },
    async check(olds, news) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.check(kind, this.connection, olds, news);
    },
    async diff(_id, olds, news) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.diff(kind, olds, news);
    },
    async create(inputs) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.create(kind, this.connection, inputs);
    },
    async read(id, props) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.read(kind, this.connection, id, props ?? {});
    },
    async update(id, olds, news) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.update(kind, this.connection, id, olds, news);
    },
    async delete(id, props) {
      const host: typeof Host = require("pulumi-rgs/provider-host");
      return host.remove(kind, this.connection, id, props);
    },
  };
  return shim;
}

/**
 * Props for the Resource constructor: every output seeded as undefined so Pulumi exposes it, and
 * the resource's place in the stack, from which create derives its Idempotency-Key: a create whose
 * answer was lost in one `pulumi up` is found again by the next instead of left behind.
 */
export function propsFor(kind: KindName, name: string, args: object): pulumi.Inputs {
  const seed: pulumi.Inputs = {};
  const shape = (KINDS[kind].schema as unknown as { shape: Record<string, unknown> }).shape;
  for (const k of [...Object.keys(shape), "identity", "etag", "pool"]) seed[k] = undefined;
  return { ...seed, ...args, __key: `${pulumi.getProject()}/${pulumi.getStack()}/${kind}/${name}` };
}

/** The module of every type token: pulumi-nodejs:dynamic/rgs:<Type>. */
export const TYPE_MODULE = "rgs";
