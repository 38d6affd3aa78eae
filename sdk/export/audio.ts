/**
 * Where an export writes each audio file's bytes: `audio/<pool>/<file name>`, the name the
 * recording was imported with made safe as a file name on Windows, macOS and Linux alike, and
 * unique in its folder without regard to case. A path never leaves the project's folder.
 */
import { compareText } from "./normalize";
import type { ExportedAudioFile } from "./snapshot";

/** The folder of the project that holds the recordings. */
export const AUDIO_DIR = "audio";

// Windows refuses these as a file's stem, whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// Most file systems keep 255 bytes a name; UTF-8 takes up to 4 a character.
const MAX_NAME_CHARS = 60;

const EXTENSION: Record<ExportedAudioFile["format"], string> = { wav: ".wav", wma: ".wma" };

/**
 * A file name with nothing a file system refuses or reads as a path: letters, digits, spaces and
 * `._-()` kept, anything else `_`, no leading dot or trailing dot or space, never a reserved
 * device name, and ending in the format's extension.
 */
export function safeFileName(fileName: string, format: ExportedAudioFile["format"]): string {
  const ext = EXTENSION[format];
  const given = fileName.normalize("NFC");
  const hasExt = given.toLowerCase().endsWith(ext);
  // The extension keeps its case as given (.WAV), so a name that is safe already stays the same.
  return `${safeStem(hasExt ? given.slice(0, -ext.length) : given, "audio")}${hasExt ? given.slice(-ext.length) : ext}`;
}

/** A folder or file name without its extension, safe as above; `fallback` when nothing is left. */
export function safeStem(text: string, fallback: string): string {
  let stem = [...text.normalize("NFC")]
    .map((c) => (/[\p{L}\p{M}\p{N} ._()-]/u.test(c) ? c : "_"))
    .join("")
    .replace(/^[. ]+|[. ]+$/g, "");
  if (stem === "") stem = fallback;
  if (RESERVED.test(stem.split(".")[0])) stem = `_${stem}`;
  const chars = [...stem];
  if (chars.length > MAX_NAME_CHARS) stem = chars.slice(0, MAX_NAME_CHARS).join("").replace(/[. ]+$/, "");
  return stem;
}

/** The project path of every audio file, by `<pool>/<id>`; the same for the same audio files in any order. */
export function audioPaths(files: readonly ExportedAudioFile[]): Map<string, string> {
  const sorted = [...files].sort((a, b) => compareText(a.pool, b.pool) || compareText(a.fileName, b.fileName) || compareText(a.id, b.id));
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const a of sorted) {
    const folder = `${AUDIO_DIR}/${safeStem(a.pool, "pool")}`;
    const name = safeFileName(a.fileName, a.format);
    const ext = name.slice(-4);
    let path = `${folder}/${name}`;
    for (let n = 2; taken.has(path.toLowerCase()); n++) path = `${folder}/${name.slice(0, -4)}-${n}${ext}`;
    taken.add(path.toLowerCase());
    out.set(audioKey(a), path);
  }
  return out;
}

export function audioKey(a: { pool: string; id: string }): string {
  return `${a.pool}/${a.id.toLowerCase()}`;
}

/** The base name of a project path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
