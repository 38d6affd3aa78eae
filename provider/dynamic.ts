/**
 * The dynamic-provider shim stored in state, one per kind, and the resource base every kind's class extends.
 *
 * Pulumi serializes a dynamic provider into every resource's state and runs that copy for delete and
 * refresh. The shim captures only its kind; it loads `pulumi-rgs/provider-host` by package name when
 * a method runs, and connection settings live in that module, in the provider process only.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Host from "./host";
import { fieldsOf, kindDef, type KindArgs, type KindBodies } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import type { ServerFields } from "../sdk/views";
import { EXTRA_OUTPUTS } from "./lifecycle";
import type * as Report from "./preview-report";

let report: typeof Report | undefined;

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
  readonly identity: pulumi.Output<ServerFields["identity"]>;
  /** The version last read; an update is refused if the object has changed since. */
  readonly etag: pulumi.Output<ServerFields["etag"]>;
  readonly pool: pulumi.Output<string>;
};

type Method = keyof Host.Methods;

/** What a shim serves: a kind of the registry, or audio files. */
export type ShimKind = Host.ShimKind;

/**
 * The serialized provider of one kind. It is stored twice in every resource's state, so it is kept
 * as small as the serializer allows: one captured function that hands each call to the host by
 * method name, and methods that only name themselves. The connection lives in the host module.
 */
export function shimFor(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  const known = shims.get(kind);
  if (known) return known;
  const shim = makeShim(kind);
  shims.set(kind, shim);
  return shim;
}

// One shim per kind: Pulumi serializes a provider object once and reuses the text for every resource.
const shims = new Map<ShimKind, pulumi.dynamic.ResourceProvider>();

function makeShim(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  const call = (method: Method, args: unknown[]) => (require("pulumi-rgs/provider-host") as typeof Host).call(kind, method, args);
  return {
    configure: (...a) => call("configure", a),
    check: (...a) => call("check", a),
    diff: (...a) => call("diff", a),
    create: (...a) => call("create", a),
    read: (...a) => call("read", a),
    update: (...a) => call("update", a),
    delete: (...a) => call("delete", a),
  } as pulumi.dynamic.ResourceProvider;
}

/**
 * Props for the Resource constructor: every output seeded as undefined so Pulumi exposes it, and
 * the resource's place in the stack, from which create derives its Idempotency-Key: a create whose
 * answer was lost in one `pulumi up` is found again by the next instead of left behind.
 */
function propsFor(kind: KindName, name: string, args: object): pulumi.Inputs {
  const seed: pulumi.Inputs = {};
  for (const k of [...Object.keys(fieldsOf(kind)), ...EXTRA_OUTPUTS]) seed[k] = undefined;
  return { ...seed, ...args, __key: `${pulumi.getProject()}/${pulumi.getStack()}/${kind}/${name}` };
}

/**
 * Turns off stack traces until the caller restores the limit this returns. Resource constructors
 * run with them off: Pulumi's SDK formats a stack trace for each of the four promises it makes per
 * property, kept only for its report of leaked promises, and under ts-node's source maps that was
 * half the program's time per resource. The SDK sets its own limit for the source position it
 * records, so that is kept.
 */
function stackTracesOff(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return limit;
}

// The SDK's own test for a secret config key; internal to @pulumi/pulumi, so declared here.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { getConfig(k: string): string | undefined; isConfigSecret?(k: string): boolean };

/**
 * The engine stores the whole stack config in the state of the default provider, so a token set
 * without --secret would sit there in plaintext: such a stack is refused before anything is stored.
 */
function refusePlaintextToken(): void {
  if (runtimeConfig.getConfig("rgs:token") === undefined || runtimeConfig.isConfigSecret?.("rgs:token") !== false) return;
  throw new pulumi.RunError(
    "rgs:token is set in plain stack config, and Pulumi would store it in plaintext in the stack's state; " +
      "set it as a secret with `pulumi config set --secret rgs:token <token>`, or remove it (`pulumi config rm rgs:token`) and set RGS_TOKEN in the environment",
  );
}

/** The module of every type token: pulumi-nodejs:dynamic/rgs:<Type>. */
const TYPE_MODULE = "rgs";

/**
 * A Response Group object of kind K as a Pulumi resource, with the type token
 * `pulumi-nodejs:dynamic/rgs:<Type>` and the kind's shim as its provider.
 */
export abstract class RgsResource<K extends KindName> extends pulumi.dynamic.Resource {
  protected constructor(kind: K, name: string, args: ArgsOf<K>, opts?: pulumi.CustomResourceOptions) {
    refusePlaintextToken();
    const limit = stackTracesOff();
    try {
      super(shimFor(kind), name, propsFor(kind, name, args), opts, TYPE_MODULE, kindDef(kind).typeName);
    } finally {
      Error.stackTraceLimit = limit;
    }
    // Only a preview reports, so only a preview loads the call-flow code.
    if (pulumi.runtime.isDryRun()) (report ??= require("./preview-report") as typeof Report).declareForReport(kind, name, args, this);
  }
}
