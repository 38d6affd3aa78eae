/**
 * AudioFile: a recording that prompts and music on hold play (Import-CsRgsAudioFile).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AUDIO_FILES } from "../sdk/model/audio-file";
import { shimFor } from "./dynamic";

export interface AudioFileArgs {
  /** The recording: a path (relative to the program) or a `pulumi.asset.FileAsset`. A .wav or .wma file. */
  source: pulumi.Input<string> | pulumi.asset.FileAsset;
  /** Kept as Lync's OriginalFileName; defaults to the source's base name. */
  fileName?: pulumi.Input<string>;
  /** Front End pool FQDN; defaults to the stack's `rgs:pool`. Changing it replaces the audio file. */
  pool?: pulumi.Input<string>;
}

export interface AudioFile {
  /** The name the pool keeps, from the first import of these bytes. */
  readonly fileName: pulumi.Output<string>;
  readonly contentType: pulumi.Output<"audio/wav" | "audio/x-ms-wma">;
  readonly format: pulumi.Output<"wav" | "wma">;
  readonly size: pulumi.Output<number>;
  /** SHA-256 of the bytes: what the diff compares. */
  readonly sha256: pulumi.Output<string>;
  readonly encoding: pulumi.Output<"pcm" | "a-law" | "mu-law" | null>;
  readonly channels: pulumi.Output<number>;
  readonly sampleRate: pulumi.Output<number>;
  readonly bitsPerSample: pulumi.Output<number | null>;
  readonly durationSeconds: pulumi.Output<number | null>;
  readonly etag: pulumi.Output<string>;
  readonly pool: pulumi.Output<string>;
}

const OUTPUTS = ["fileName", "contentType", "format", "size", "sha256", "encoding", "channels", "sampleRate", "bitsPerSample", "durationSeconds", "etag", "pool"];

// Recordings declared by this program, by pool and hash: a pool keeps each recording once, so a
// second resource with the same bytes would share the first one's audio file and delete it with its own.
const declared = new Map<string, string>();

/**
 * A recording in a pool. Its `id` is what prompts name in `audioFileId`, and what a workflow's
 * `customMusicOnHoldFileId` names. Deploying unchanged bytes does nothing; new bytes replace it.
 *
 * @example
 * const welcome = new rgs.AudioFile("welcome", { source: new pulumi.asset.FileAsset("audio/welcome.wav") });
 * new rgs.Workflow("help-desk", { ..., defaultAction: { action: "TransferToQueue", queueId: support.id,
 *   prompt: { audioFileId: welcome.id, textToSpeech: "Welcome to the help desk." } } });
 */
export class AudioFile extends pulumi.dynamic.Resource {
  constructor(name: string, args: AudioFileArgs, opts?: pulumi.CustomResourceOptions) {
    const source = args.source instanceof pulumi.asset.FileAsset ? pulumi.output(args.source.path) : pulumi.output(args.source);
    const pool = args.pool ?? (process.env.RGS_POOL || new pulumi.Config("rgs").get("pool"));
    // Known now, refused now: a refusal inside an output waits for the rest of the program first.
    if (typeof args.source === "string" && (pool === undefined || typeof pool === "string")) refuseSecondCopy(name, resolve(args.source), pool);
    // The path is an input of the resource, so a refusal fails this resource's registration.
    const path = pulumi.all([source, pool]).apply(([s, poolName]) => {
      if (typeof s !== "string" || s === "") throw new pulumi.RunError(`AudioFile '${name}': source must be a path or a pulumi.asset.FileAsset`);
      const absolute = resolve(s);
      refuseSecondCopy(name, absolute, poolName);
      return absolute;
    });
    const fileName = args.fileName !== undefined ? pulumi.output(args.fileName) : source.apply((s) => basename(String(s)));
    const seed = Object.fromEntries(OUTPUTS.map((k) => [k, undefined]));
    super(shimFor(AUDIO_FILES), name, { ...seed, path, fileName, pool: args.pool }, opts, "rgs", "AudioFile");
  }
}

function refuseSecondCopy(name: string, path: string, pool: string | undefined): void {
  let hash: string;
  try {
    hash = createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return;
  }
  const key = `${(pool ?? "").toLowerCase()}/${hash}`;
  const first = declared.get(key);
  if (first !== undefined && first !== name) {
    throw new pulumi.RunError(
      `AudioFile '${name}' declares the same recording as AudioFile '${first}'${pool ? ` in pool ${pool}` : ""}: a pool keeps each recording once, so use '${first}'.id wherever '${name}' is played`,
    );
  }
  declared.set(key, name);
}
