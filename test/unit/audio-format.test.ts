/**
 * The checks of an uploaded recording against what Lync plays ("Response Group Audio File
 * Requirements": WAV 8- or 16-bit, LPCM, A-law or µ-law, mono or stereo, 4 MB or less; WMA).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAudioUpload, inspectAsf, inspectWave, MAX_WAV_BYTES } from "../../sdk/model/audio-file";
import { wav, wma } from "../helpers/audio";

describe("WAV files", () => {
  it.each([
    [1, 16, 1, "pcm"],
    [1, 8, 2, "pcm"],
    [6, 8, 1, "a-law"],
    [7, 8, 2, "mu-law"],
  ] as const)("takes format tag %i at %i bits with %i channel(s) as %s", (formatTag, bitsPerSample, channels, encoding) => {
    const r = inspectWave(wav({ formatTag, bitsPerSample, channels, sampleRate: 16000, seconds: 0.5 }));
    expect(r).toEqual({
      ok: true,
      value: { format: "wav", encoding, channels, sampleRate: 16000, bitsPerSample, durationSeconds: 0.5 },
    });
  });

  it("reads the encoding of WAVE_FORMAT_EXTENSIBLE from its sub-format", () => {
    expect(inspectWave(wav({ extensible: true, formatTag: 1 }))).toMatchObject({ ok: true, value: { encoding: "pcm" } });
    expect(inspectWave(wav({ extensible: true, formatTag: 3, bitsPerSample: 32 }))).toEqual({
      ok: false,
      message: "is a WAV file encoded as IEEE float; Lync plays LPCM, A-law or µ-law only",
    });
  });

  it.each([
    [{ bitsPerSample: 24 }, "is a 24-bit WAV file; Lync plays 8-bit or 16-bit files only"],
    [{ channels: 6 }, "is a WAV file with 6 channels; Lync plays mono or stereo only"],
    [{ formatTag: 0x55 }, "is a WAV file encoded as MPEG Layer 3; Lync plays LPCM, A-law or µ-law only"],
    [{ formatTag: 2, bitsPerSample: 4 }, "is a WAV file encoded as Microsoft ADPCM; Lync plays LPCM, A-law or µ-law only"],
    [{ formatTag: 6, bitsPerSample: 16 }, "is a 16-bit A-law WAV file; A-law and µ-law samples are 8-bit"],
    [{ formatTag: 7, bitsPerSample: 16 }, "is a 16-bit µ-law WAV file; A-law and µ-law samples are 8-bit"],
    [{ seconds: 0 }, "is a WAV file without sound: its data chunk is empty"],
    [{ extensible: true, subFormatBase: false }, "is a WAV file encoded as a WAVE_FORMAT_EXTENSIBLE sub-format that is not PCM, A-law or µ-law; Lync plays LPCM, A-law or µ-law only"],
  ])("refuses %j, naming what it found", (options, message) => {
    expect(inspectWave(wav(options))).toEqual({ ok: false, message });
  });

  it("refuses bytes that are not RIFF/WAVE, quoting how they begin", () => {
    expect(inspectWave(new TextEncoder().encode("ID3\u0004 an mp3"))).toEqual({
      ok: false,
      message: 'is not a WAV file: it does not begin with a RIFF/WAVE header (found bytes 49 44 33 04 20 61 6e 20)',
    });
    expect(inspectWave(new Uint8Array(0)).ok).toBe(false);
    // A header cut off before its data chunk.
    expect(inspectWave(wav().subarray(0, 36))).toEqual({ ok: false, message: "is not a playable WAV file: it has no data chunk" });
  });
});

describe("WMA files", () => {
  it("reads an ASF header with one audio stream", () => {
    expect(inspectAsf(wma({ channels: 1, sampleRate: 22050, seconds: 3 }))).toEqual({
      ok: true,
      value: { format: "wma", encoding: null, channels: 1, sampleRate: 22050, bitsPerSample: 16, durationSeconds: 3 },
    });
  });

  it("refuses a file with a video stream, and one without audio", () => {
    expect(inspectAsf(wma({ streams: ["audio", "video"] }))).toEqual({
      ok: false,
      message: "is an ASF file with 1 stream(s) other than audio; Lync plays audio only",
    });
    expect(inspectAsf(wma({ streams: ["video"] }))).toEqual({ ok: false, message: "is not a WMA file: its ASF header has no audio stream" });
    expect(inspectAsf(wma({ sampleRate: 0 }))).toEqual({
      ok: false,
      message: "is not a playable WMA file: its audio stream has 2 channels at 0 samples per second",
    });
    expect(inspectAsf(wav()).ok).toBe(false);
  });
});

describe("an upload", () => {
  it("takes a WAV under its content type and a .wav name, with its hash", () => {
    const bytes = wav();
    const r = checkAudioUpload("audio/wav", "Welcome.WAV", bytes);
    expect(r).toMatchObject({ ok: true, value: { fileName: "Welcome.WAV", contentType: "audio/wav", size: bytes.length } });
    expect(r.ok && r.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Aliases of the WAV type name the same format.
    expect(checkAudioUpload("audio/x-wav; codec=1", "a.wav", bytes).ok).toBe(true);
  });

  it("names each problem with the header or the content", () => {
    expect(checkAudioUpload(undefined, undefined, wav())).toEqual({
      ok: false,
      issues: [
        { path: "Content-Type", message: "is required; Lync plays .wav and .wma only" },
        { path: "X-File-Name", message: "is required: the recording's file name, such as welcome.wav" },
      ],
    });
    expect(checkAudioUpload("audio/mpeg", "song.mp3", wav())).toEqual({
      ok: false,
      issues: [{ path: "Content-Type", message: 'must be audio/wav or audio/x-ms-wma (got "audio/mpeg"); Lync plays .wav and .wma only' }],
    });
    expect(checkAudioUpload("audio/wav", "welcome.wma", wav())).toEqual({
      ok: false,
      issues: [{ path: "X-File-Name", message: 'must end in .wav for audio/wav content (got "welcome.wma")' }],
    });
    expect(checkAudioUpload("audio/wav", "../etc/welcome.wav", wav())).toEqual({
      ok: false,
      issues: [{ path: "X-File-Name", message: 'must be a file name without a folder (no / or \\) (got "../etc/welcome.wav")' }],
    });
    expect(checkAudioUpload("audio/wav", ".wav", wav())).toEqual({
      ok: false,
      issues: [{ path: "X-File-Name", message: 'must have a name before its extension (got ".wav")' }],
    });
    expect(checkAudioUpload("audio/x-ms-wma", "hold.wma", wav())).toMatchObject({ ok: false, issues: [{ path: "content", message: expect.stringMatching(/^is not a WMA file/) }] });
  });

  it("refuses a WAV over 4 MB, and takes one of exactly 4 MB", () => {
    const big = wav({ sampleRate: 16000, seconds: (MAX_WAV_BYTES - 44) / 32000 });
    expect(big.length).toBe(MAX_WAV_BYTES);
    expect(checkAudioUpload("audio/wav", "big.wav", big).ok).toBe(true);
    const over = new Uint8Array(MAX_WAV_BYTES + 1);
    over.set(big);
    expect(checkAudioUpload("audio/wav", "big.wav", over)).toEqual({
      ok: false,
      issues: [{ path: "content", message: `is ${MAX_WAV_BYTES + 1} bytes; Lync plays WAV files of 4 MB (${MAX_WAV_BYTES} bytes) or less` }],
    });
  });
});

describe("any bytes", () => {
  it("are answered with a verdict, never an exception, whatever their header claims", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom("audio/wav", "audio/x-ms-wma"), (bytes, type) => {
        const r = checkAudioUpload(type, type === "audio/wav" ? "x.wav" : "x.wma", bytes);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("survive headers whose sizes lie: a real header with its chunk and object sizes scrambled", () => {
    const real = [wav({ seconds: 0.05 }), wma()];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.array(fc.tuple(fc.nat(120), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (which, edits) => {
        const bytes = new Uint8Array(real[which]);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        const r = which === 0 ? inspectWave(bytes) : inspectAsf(bytes);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 3000 },
    );
  });
});
