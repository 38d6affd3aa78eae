/**
 * `pulumi-rgs/provider-host`: the one entry the serialized provider in state calls.
 *
 * The shim stored in every resource's state (see dynamic.ts) loads this module by package name at
 * call time and calls `call(kind, method, args)`, so state never carries this code, the schemas or
 * a credential. Stacks deployed by every earlier release carry such a shim: this signature stays.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KindName } from "../sdk/model/kind";
import { connectionFromConfig, type Connection } from "./connection";
import { AUDIO_FILES } from "../sdk/model/audio-file";
import { checkAudio, createAudio, diffAudio, readAudio, removeAudio } from "./audio-lifecycle";
import { check, create, diff, read, remove, update } from "./lifecycle";
import { checkSettings, createSettings, diffSettings, readSettings, removeSettings, updateSettings } from "./settings-lifecycle";
import "./shell";

type Props = Record<string, unknown>;

/** What a shim serves: a kind of the registry, audio files (uploaded rather than written), or a pool's settings. */
export type ShimKind = KindName | typeof AUDIO_FILES | "settings";

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

/** One shim's methods, with the connection `configure` captured. */
type Lifecycle = Omit<Methods, "configure">;

function lifecycleOf(kind: ShimKind): Lifecycle {
  const c = () => configured;
  if (kind === AUDIO_FILES) {
    return {
      check: (_olds, news) => checkAudio(c(), news),
      diff: (_id, olds, news) => diffAudio(olds, news),
      create: (inputs) => createAudio(c(), inputs),
      read: (id, props) => readAudio(c(), id, props ?? {}),
      // The diff replaces on every change that matters, so an update only keeps what is there.
      update: async (_id, olds) => ({ outs: olds }),
      delete: (id, props) => removeAudio(c(), id, props),
    };
  }
  if (kind === "settings") {
    return {
      check: (_olds, news) => checkSettings(c(), news),
      diff: (_id, olds, news) => diffSettings(olds, news),
      create: (inputs) => createSettings(c(), inputs),
      read: (id, props) => readSettings(c(), id, props ?? {}),
      update: (_id, olds, news) => updateSettings(c(), olds, news),
      delete: (id, props) => removeSettings(c(), id, props),
    };
  }
  return {
    check: (olds, news) => check(kind, c(), olds, news),
    diff: (_id, olds, news) => diff(kind, olds, news),
    create: (inputs) => create(kind, c(), inputs),
    read: (id, props) => read(kind, c(), id, props ?? {}),
    update: (id, olds, news) => update(kind, c(), id, olds, news),
    delete: (id, props) => remove(kind, c(), id, props),
  };
}

const lifecycles = new Map<ShimKind, Lifecycle>();

/** What the serialized shim of `kind` calls for each method. */
export function call(kind: ShimKind, method: keyof Methods, args: unknown[]): Promise<unknown> {
  const a = args as [never, never, never];
  if (method === "configure") {
    configured = connectionFromConfig((a[0] as pulumi.dynamic.ConfigureRequest).config);
    return Promise.resolve();
  }
  let lifecycle = lifecycles.get(kind);
  if (!lifecycle) lifecycles.set(kind, (lifecycle = lifecycleOf(kind)));
  if (!Object.hasOwn(lifecycle, method)) return Promise.reject(new Error(`the provider has no method ${String(method)}`));
  return (lifecycle[method] as (...xs: unknown[]) => Promise<unknown>)(...a);
}
