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

/** What the serialized shim of `kind` calls for each method. */
export function call(kind: ShimKind, method: keyof Methods, args: unknown[]): Promise<unknown> {
  const a = args as [never, never, never];
  if (method === "configure") {
    configured = connectionFromConfig((a[0] as pulumi.dynamic.ConfigureRequest).config);
    return Promise.resolve();
  }
  if (kind === AUDIO_FILES) return callAudio(method, a);
  return kind === "settings" ? callSettings(method, a) : callKind(kind, method, a);
}

function callKind(kind: KindName, method: Exclude<keyof Methods, "configure">, a: [never, never, never]): Promise<unknown> {
  switch (method) {
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

function callAudio(method: Exclude<keyof Methods, "configure">, a: [never, never, never]): Promise<unknown> {
  switch (method) {
    case "check":
      return checkAudio(configured, a[1]);
    case "diff":
      return diffAudio(a[1], a[2]);
    case "create":
      return createAudio(configured, a[0]);
    case "read":
      return readAudio(configured, a[0], a[1] ?? {});
    // The diff replaces on every change that matters, so an update only keeps what is there.
    case "update":
      return Promise.resolve({ outs: a[1] });
    case "delete":
      return removeAudio(configured, a[0], a[1]);
  }
  return Promise.reject(new Error(`the provider has no method ${String(method)}`));
}

function callSettings(method: Exclude<keyof Methods, "configure">, a: [never, never, never]): Promise<unknown> {
  switch (method) {
    case "check":
      return checkSettings(configured, a[1]);
    case "diff":
      return diffSettings(a[1], a[2]);
    case "create":
      return createSettings(configured, a[0]);
    case "read":
      return readSettings(configured, a[0], a[1] ?? {});
    case "update":
      return updateSettings(configured, a[1], a[2]);
    case "delete":
      return removeSettings(configured, a[0], a[1]);
  }
  return Promise.reject(new Error(`the provider has no method ${String(method)}`));
}
