/**
 * `rgs export`: the Response Group configuration of pools as a Pulumi program that takes it over
 * without changing it.
 */
import type { Backend } from "../backend";
import { RgsError } from "../errors";
import { audioKey } from "./audio";
import { configurationJson } from "./normalize";
import { generateProgram, type ExportWarning, type ProgramOptions } from "./program";
import { projectFiles, type ProjectOptions } from "./project";
import { readSnapshot, type Snapshot } from "./snapshot";

export { AUDIO_DIR, audioPaths, safeFileName } from "./audio";
export { assignNames, slugOf, type Names } from "./names";
export { configurationJson, declaredFields, declaredSettings } from "./normalize";
export { plan, type Planned, type Resolution } from "./order";
export { generateProgram, SETTINGS, type ExportWarning, type Program, type ProgramOptions } from "./program";
export { isStackName, projectFiles, projectNameOf, type ProjectOptions } from "./project";
export { readSnapshot, type ExportedAudioFile, type ExportedObject, type ReadOptions, type Snapshot } from "./snapshot";

/** The name of the normalized configuration written with `--format json`. */
export const CONFIGURATION_FILE = "configuration.json";

export interface ExportOptions extends Omit<ProjectOptions, "pools">, ProgramOptions {
  /** Pools to export; every pool of the backend when absent or empty. */
  pools?: readonly string[];
  /** Also write the normalized configuration as JSON. */
  json?: boolean;
}

export interface ExportResult {
  /** Every text file of the project, by path relative to its directory (`/`-separated). */
  files: Record<string, string>;
  /** The recordings of the audio files, by path relative to the project's directory (`/`-separated). */
  assets: Record<string, Uint8Array>;
  warnings: readonly ExportWarning[];
  snapshot: Snapshot;
}

/** Reads the pools through the backend and builds the project's files. */
export async function exportProject(backend: Backend, options: ExportOptions): Promise<ExportResult> {
  const snapshot = await readSnapshot(backend, { pools: options.pools });
  return buildProject(snapshot, options);
}

/** The project's files for a snapshot already read. */
export function buildProject(snapshot: Snapshot, options: Omit<ExportOptions, "pools">): ExportResult {
  const program = generateProgram(snapshot, { moduleThreshold: options.moduleThreshold });
  const files: Record<string, string> = {
    ...projectFiles({ ...options, pools: snapshot.pools, audio: (snapshot.audioFiles?.length ?? 0) > 0, settings: program.settings > 0 }),
    ...program.files,
  };
  if (options.json) files[CONFIGURATION_FILE] = configurationJson(snapshot);
  const assets: Record<string, Uint8Array> = {};
  for (const a of snapshot.audioFiles ?? []) {
    const path = program.audioPaths.get(audioKey(a))!;
    if (a.content === undefined) {
      throw new RgsError("internal", `the bytes of audio file ${a.id} (${JSON.stringify(a.fileName)}) of pool ${a.pool} were not read; read the snapshot with its audio content`);
    }
    assets[path] = a.content;
  }
  return { files, assets, warnings: program.warnings, snapshot };
}
