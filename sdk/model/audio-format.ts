/**
 * What an audio file holds, read from its header: a RIFF/WAVE file's `fmt ` chunk, or an ASF
 * (Windows Media) file's Header Object. The Response Group service plays .wav and .wma only, and
 * of WAV only 8- or 16-bit LPCM, A-law or µ-law, mono or stereo, at most 4 MB
 * (learn.microsoft.com, "Response Group Audio File Requirements", gg398649).
 */

export type AudioFormat = "wav" | "wma";
export type WaveEncoding = "pcm" | "a-law" | "mu-law";

export interface AudioDetails {
  format: AudioFormat;
  /** WAV only: the sample encoding; null for WMA, whose codec Lync does not restrict. */
  encoding: WaveEncoding | null;
  channels: number;
  sampleRate: number;
  bitsPerSample: number | null;
  durationSeconds: number | null;
}

export type Inspection = { ok: true; value: AudioDetails } | { ok: false; message: string };

/** Largest WAV file Lync plays: "4MB or less". */
export const MAX_WAV_BYTES = 4 * 1024 * 1024;
/** Lync documents no size limit for WMA; this is the service's own. */
export const MAX_WMA_BYTES = 32 * 1024 * 1024;

export function maxBytes(format: AudioFormat): number {
  return format === "wav" ? MAX_WAV_BYTES : MAX_WMA_BYTES;
}

const WAVE_FORMAT_TAGS: Record<number, WaveEncoding> = { 1: "pcm", 6: "a-law", 7: "mu-law" };
const WAVE_FORMAT_NAMES: Record<number, string> = {
  2: "Microsoft ADPCM",
  3: "IEEE float",
  0x11: "IMA ADPCM",
  0x31: "GSM 6.10",
  0x55: "MPEG Layer 3",
  0x161: "Windows Media Audio",
};
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Reads a RIFF/WAVE header, and says what Lync would refuse in it. */
export function inspectWave(bytes: Uint8Array): Inspection {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") {
    return { ok: false, message: `is not a WAV file: it does not begin with a RIFF/WAVE header (found ${describeStart(bytes)})` };
  }
  let fmt: { tag: number; channels: number; sampleRate: number; bits: number } | undefined;
  let dataBytes: number | undefined;
  let byteRate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > bytes.length) return { ok: false, message: "is not a playable WAV file: its fmt chunk is shorter than 16 bytes" };
      let tag = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE names the encoding by a sub-format GUID: the format tag, then the
      // KSDATAFORMAT_SUBTYPE base. Another GUID names an encoding without a tag.
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        tag = size >= 40 && body + 40 <= bytes.length && sameBytes(bytes, body + 26, SUBTYPE_BASE) ? view.getUint16(body + 24, true) : -1;
      }
      fmt = { tag, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
      byteRate = view.getUint32(body + 8, true);
    } else if (id === "data") {
      dataBytes = Math.min(size, bytes.length - body);
      if (fmt) break;
    }
    at = body + size + (size % 2);
  }
  if (!fmt) return { ok: false, message: "is not a playable WAV file: it has no fmt chunk" };
  const encoding = WAVE_FORMAT_TAGS[fmt.tag];
  if (encoding === undefined) {
    const name = fmt.tag < 0 ? "a WAVE_FORMAT_EXTENSIBLE sub-format that is not PCM, A-law or µ-law" : (WAVE_FORMAT_NAMES[fmt.tag] ?? `format tag ${fmt.tag}`);
    return { ok: false, message: `is a WAV file encoded as ${name}; Lync plays LPCM, A-law or µ-law only` };
  }
  if (fmt.bits !== 8 && fmt.bits !== 16) {
    return { ok: false, message: `is a ${fmt.bits}-bit WAV file; Lync plays 8-bit or 16-bit files only` };
  }
  if (encoding !== "pcm" && fmt.bits !== 8) {
    return { ok: false, message: `is a ${fmt.bits}-bit ${encoding === "a-law" ? "A-law" : "µ-law"} WAV file; A-law and µ-law samples are 8-bit` };
  }
  if (fmt.channels !== 1 && fmt.channels !== 2) {
    return { ok: false, message: `is a WAV file with ${fmt.channels} channels; Lync plays mono or stereo only` };
  }
  if (fmt.sampleRate === 0) return { ok: false, message: "is not a playable WAV file: its sample rate is 0" };
  if (dataBytes === undefined) return { ok: false, message: "is not a playable WAV file: it has no data chunk" };
  if (dataBytes === 0) return { ok: false, message: "is a WAV file without sound: its data chunk is empty" };
  return {
    ok: true,
    value: {
      format: "wav",
      encoding,
      channels: fmt.channels,
      sampleRate: fmt.sampleRate,
      bitsPerSample: fmt.bits,
      durationSeconds: byteRate > 0 ? round3(dataBytes / byteRate) : null,
    },
  };
}

// The last 14 bytes of every KSDATAFORMAT_SUBTYPE GUID of a wave format tag (…-0000-0010-8000-00AA00389B71).
const SUBTYPE_BASE = Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

// ASF GUIDs as they are laid out on disk: the first three fields little-endian.
const ASF_HEADER = guidBytes("75B22630-668E-11CF-A6D9-00AA0062CE6C");
const ASF_FILE_PROPERTIES = guidBytes("8CABDCA1-A947-11CF-8EE4-00C00C205365");
const ASF_STREAM_PROPERTIES = guidBytes("B7DC0791-A9B7-11CF-8EE6-00C00C205365");
const ASF_AUDIO_MEDIA = guidBytes("F8699E40-5B4D-11CF-A8FD-00805F5C442B");

/** Reads an ASF Header Object: Windows Media Audio has one audio stream and no other. */
export function inspectAsf(bytes: Uint8Array): Inspection {
  if (bytes.length < 30 || !sameBytes(bytes, 0, ASF_HEADER)) {
    return { ok: false, message: `is not a WMA file: it does not begin with an ASF header (found ${describeStart(bytes)})` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(16, true));
  const objects = view.getUint32(24, true);
  const end = Math.min(headerSize, bytes.length);
  let audio: { channels: number; sampleRate: number; bits: number } | undefined;
  let otherStreams = 0;
  let durationSeconds: number | null = null;
  let at = 30;
  for (let i = 0; i < objects && at + 24 <= end; i++) {
    const size = Number(view.getBigUint64(at + 16, true));
    if (size < 24) break;
    if (sameBytes(bytes, at, ASF_STREAM_PROPERTIES) && at + 78 + 16 <= end) {
      if (sameBytes(bytes, at + 24, ASF_AUDIO_MEDIA)) {
        // The type-specific data of an audio stream is a WAVEFORMATEX.
        const wfx = at + 78;
        audio ??= { channels: view.getUint16(wfx + 2, true), sampleRate: view.getUint32(wfx + 4, true), bits: view.getUint16(wfx + 14, true) };
      } else {
        otherStreams++;
      }
    } else if (sameBytes(bytes, at, ASF_FILE_PROPERTIES) && at + 88 <= end) {
      const playDuration = Number(view.getBigUint64(at + 64, true)) / 1e7;
      const preroll = Number(view.getBigUint64(at + 80, true)) / 1000;
      durationSeconds = round3(Math.max(0, playDuration - preroll));
    }
    at += size;
  }
  if (!audio) return { ok: false, message: "is not a WMA file: its ASF header has no audio stream" };
  if (otherStreams > 0) return { ok: false, message: `is an ASF file with ${otherStreams} stream(s) other than audio; Lync plays audio only` };
  if (audio.channels === 0 || audio.sampleRate === 0) {
    return { ok: false, message: `is not a playable WMA file: its audio stream has ${audio.channels} channels at ${audio.sampleRate} samples per second` };
  }
  return {
    ok: true,
    value: { format: "wma", encoding: null, channels: audio.channels, sampleRate: audio.sampleRate, bitsPerSample: audio.bits || null, durationSeconds },
  };
}

export function inspectAudio(format: AudioFormat, bytes: Uint8Array): Inspection {
  return format === "wav" ? inspectWave(bytes) : inspectAsf(bytes);
}

function guidBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, "");
  const b = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  const swap = (from: number, len: number) => b.subarray(from, from + len).reverse();
  swap(0, 4);
  swap(4, 2);
  swap(6, 2);
  return b;
}

function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > bytes.length) return false;
  return expected.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return "no bytes";
  const head = bytes.subarray(0, Math.min(8, bytes.length));
  const printable = [...head].every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(ascii(head, 0, head.length)) : `bytes ${[...head].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
