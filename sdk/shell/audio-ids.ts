/**
 * The ids of audio files on a real pool. Lync has no audio file object to take an id from, so ids
 * are name-based GUIDs (RFC 4122 version 5): the same recording in the same pool has the same id
 * on every machine that holds it, and an import made outside Pulumi reads as the same id on every
 * refresh.
 */
import { createHash } from "node:crypto";

/** Namespace of the ids of recordings: name `<pool>\n<sha256 hex>`. */
const RECORDING_NAMESPACE = "4e901ff2-a391-4f76-9646-b3cfa575be02";
/** Namespace of the ids of imports the audio store does not know: name `<pool>\n<UniqueName>`. */
const IMPORT_NAMESPACE = "1caef058-b610-4907-8741-815f58ef8d5e";

/** The id of the recording with these bytes (their SHA-256, hex) in a pool. */
export function recordingId(pool: string, sha256: string): string {
  return uuidV5(RECORDING_NAMESPACE, `${pool.toLowerCase()}\n${sha256.toLowerCase()}`);
}

/** The id an import made outside Pulumi reads as: stable, and never that of a recording in the store. */
export function foreignImportId(pool: string, uniqueName: string): string {
  return uuidV5(IMPORT_NAMESPACE, `${pool.toLowerCase()}\n${uniqueName}`);
}

function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
