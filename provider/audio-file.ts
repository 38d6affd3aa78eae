/**
 * AudioFile: a recording that prompts and music on hold play (Import-CsRgsAudioFile).
 */
import { createHash } from "node:crypto";
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
  /** What holds the audio file for this resource: a hash of the project, stack and resource name. */
  readonly holder: pulumi.Output<string>;
}

const OUTPUTS = ["holder", "fileName", "contentType", "format", "size", "sha256", "encoding", "channels", "sampleRate", "bitsPerSample", "durationSeconds", "etag", "pool"];

/**
 * A recording in a pool. Its `id` is what prompts name in `audioFileId`, and what a workflow's
 * `customMusicOnHoldFileId` names. Deploying unchanged bytes does nothing; new bytes replace it.
 * Resources with the same bytes in one pool share its audio file, which goes with the last of them.
 *
 * @example
 * const welcome = new rgs.AudioFile("welcome", { source: new pulumi.asset.FileAsset("audio/welcome.wav") });
 * new rgs.Workflow("help-desk", { ..., defaultAction: { action: "TransferToQueue", queueId: support.id,
 *   prompt: { audioFileId: welcome.id, textToSpeech: "Welcome to the help desk." } } });
 */
export class AudioFile extends pulumi.dynamic.Resource {
  constructor(name: string, args: AudioFileArgs, opts?: pulumi.CustomResourceOptions) {
    const source = args.source instanceof pulumi.asset.FileAsset ? pulumi.output(args.source.path) : pulumi.output(args.source);
    const path = source.apply((s) => {
      if (typeof s !== "string" || s === "") throw new pulumi.RunError(`AudioFile '${name}': source must be a path or a pulumi.asset.FileAsset`);
      return resolve(s);
    });
    const fileName = args.fileName !== undefined ? pulumi.output(args.fileName) : source.apply((s) => basename(String(s)));
    const seed = Object.fromEntries(OUTPUTS.map((k) => [k, undefined]));
    // The resource's place in the stack holds the audio file: the same bytes are one audio file in a
    // pool, and a resource deleted (renamed, or replaced by another holding those bytes) lets go of
    // its hold only.
    const holder = createHash("sha256").update(`${pulumi.getProject()}/${pulumi.getStack()}/${AUDIO_FILES}/${name}`).digest("hex");
    super(shimFor(AUDIO_FILES), name, { ...seed, path, fileName, pool: args.pool, holder }, opts, "rgs", "AudioFile");
  }
}
