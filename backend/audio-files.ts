/**
 * What the service answers about audio files, and how it refuses them: views, the check of an
 * upload, and the errors of a use that does not resolve or a delete while in use.
 */
import { RgsError, type FieldProblem } from "../sdk/errors";
import { checkAudioUpload, type AudioFileView, type AudioUse, type CheckedAudio } from "../sdk/model/audio-file";
import type { AudioUploadRequest } from "./configuration";
import type { AudioFileRow, AudioUser, StoreTx } from "./store/store";

export function audioFileView(row: AudioFileRow): AudioFileView {
  return {
    id: row.id,
    ownerPool: row.pool,
    ...(row.body as Omit<AudioFileView, "id" | "ownerPool" | "etag" | "createdAt">),
    etag: row.sha256,
    createdAt: row.createdAt,
  };
}

/** The body stored with the bytes: what the checks found. */
export function audioFileBody(a: CheckedAudio): Record<string, unknown> {
  return { fileName: a.fileName, contentType: a.contentType, ...a.details, size: a.size, sha256: a.sha256 };
}

export function checkUpload(upload: AudioUploadRequest): CheckedAudio {
  const checked = checkAudioUpload(upload.contentType, upload.fileName, upload.content);
  if (!checked.ok) {
    throw new RgsError("validation_failed", `the audio file is not one Lync plays: ${checked.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, {
      details: checked.issues,
    });
  }
  return checked.value;
}

/** The uses that name no audio file of the pool, as field problems. */
export async function unresolvedAudio(tx: StoreTx, pool: string, uses: readonly AudioUse[]): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const use of uses) {
    if (!(await tx.getAudioFile(pool, use.id))) problems.push({ path: use.path, message: `no audio file with id ${use.id} in pool ${pool}` });
  }
  return problems;
}

/** The distinct ids a list of uses names. */
export function audioIds(uses: readonly AudioUse[]): string[] {
  return [...new Set(uses.map((u) => u.id))];
}

export function audioNotFound(id: string, pool: string): RgsError {
  return new RgsError("not_found", `no audio file with id ${id} in pool ${pool}`);
}

export function audioInUse(row: AudioFileRow, users: readonly AudioUser[]): RgsError {
  const who = users.map((u) => (u.kind === "settings" ? `the settings of pool ${u.id} (defaultMusicOnHoldFileId)` : `${u.kind} '${u.name}'`));
  return new RgsError("in_use", `audio file '${String(row.body.fileName)}' is still played by ${who.join(", ")}; change or delete those first`, {
    details: { referencedBy: users.map((u) => ({ kind: u.kind, id: u.id, name: u.name })) },
  });
}
