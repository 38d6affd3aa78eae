/**
 * Recordings built byte by byte for tests, as the formats' specifications lay them out:
 *
 *   wav(options?) → Uint8Array   RIFF/WAVE with a fmt chunk (WAVEFORMATEX, or WAVE_FORMAT_EXTENSIBLE
 *                                with extensible: true) and a data chunk of silence.
 *     options: formatTag (1 PCM, 6 A-law, 7 µ-law, 3 float…), channels, sampleRate, bitsPerSample,
 *              seconds (length of the data), tone (a byte that makes the content differ),
 *              extensible, subFormatBase (false: a sub-format GUID of no format tag).
 *   wma(options?) → Uint8Array   an ASF Header Object with File Properties and one Stream
 *                                Properties object per stream (audio by default, or video).
 *     options: streams ("audio" | "video")[], channels, sampleRate, seconds.
 */

export interface WavOptions {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  seconds?: number;
  tone?: number;
  extensible?: boolean;
  subFormatBase?: boolean;
}

export function wav(o: WavOptions = {}): Uint8Array {
  const formatTag = o.formatTag ?? 1;
  const channels = o.channels ?? 1;
  const sampleRate = o.sampleRate ?? 8000;
  const bits = o.bitsPerSample ?? 16;
  const blockAlign = channels * Math.max(1, bits / 8);
  const byteRate = sampleRate * blockAlign;
  const dataBytes = Math.round((o.seconds ?? 0.01) * byteRate);
  const fmtSize = o.extensible ? 40 : 16;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + dataBytes + (dataBytes % 2));
  const v = new DataView(out.buffer);
  ascii(out, 0, "RIFF");
  v.setUint32(4, out.length - 8, true);
  ascii(out, 8, "WAVE");
  ascii(out, 12, "fmt ");
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, o.extensible ? 0xfffe : formatTag, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, byteRate, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  if (o.extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, bits, true);
    // The sub-format GUID: the format tag, then the KSDATAFORMAT_SUBTYPE base
    // (…-0000-0010-8000-00AA00389B71); `subFormatBase: false` writes another GUID.
    v.setUint16(44, formatTag, true);
    if (o.subFormatBase !== false) out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
  }
  const data = 20 + fmtSize;
  ascii(out, data, "data");
  v.setUint32(data + 4, dataBytes, true);
  out.fill(o.tone ?? 0, data + 8, data + 8 + dataBytes);
  return out;
}

const GUIDS = {
  header: "75B22630-668E-11CF-A6D9-00AA0062CE6C",
  fileProperties: "8CABDCA1-A947-11CF-8EE4-00C00C205365",
  streamProperties: "B7DC0791-A9B7-11CF-8EE6-00C00C205365",
  audio: "F8699E40-5B4D-11CF-A8FD-00805F5C442B",
  video: "BC19EFC0-5B4D-11CF-A8FD-00805F5C442B",
};

export interface WmaOptions {
  streams?: ("audio" | "video")[];
  channels?: number;
  sampleRate?: number;
  seconds?: number;
}

export function wma(o: WmaOptions = {}): Uint8Array {
  const streams = o.streams ?? ["audio"];
  const fileProps = new Uint8Array(104);
  const fv = new DataView(fileProps.buffer);
  guid(fileProps, 0, GUIDS.fileProperties);
  fv.setBigUint64(16, BigInt(fileProps.length), true);
  // Play duration in 100-ns units, with a preroll of 0 ms.
  fv.setBigUint64(64, BigInt(Math.round((o.seconds ?? 2) * 1e7)), true);
  const streamObjects = streams.map((kind, i) => {
    const s = new Uint8Array(78 + 18);
    const sv = new DataView(s.buffer);
    guid(s, 0, GUIDS.streamProperties);
    sv.setBigUint64(16, BigInt(s.length), true);
    guid(s, 24, kind === "audio" ? GUIDS.audio : GUIDS.video);
    sv.setUint32(64, 18, true);
    sv.setUint16(72, i + 1, true);
    // WAVEFORMATEX of WMA (0x161).
    sv.setUint16(78, 0x161, true);
    sv.setUint16(80, o.channels ?? 2, true);
    sv.setUint32(82, o.sampleRate ?? 44100, true);
    sv.setUint16(92, 16, true);
    return s;
  });
  const size = 30 + fileProps.length + streamObjects.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(size + 64);
  const v = new DataView(out.buffer);
  guid(out, 0, GUIDS.header);
  v.setBigUint64(16, BigInt(size), true);
  v.setUint32(24, 1 + streamObjects.length, true);
  out[28] = 1;
  out[29] = 2;
  let at = 30;
  for (const part of [fileProps, ...streamObjects]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function ascii(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

function guid(out: Uint8Array, at: number, g: string): void {
  const b = Uint8Array.from(g.replace(/-/g, "").match(/../g)!.map((h) => parseInt(h, 16)));
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  out.set(b, at);
}
