/**
 * Audio files over HTTP on both stores: upload of the raw bytes, one audio file per pool and
 * content, metadata and bytes read back, references from prompts, music on hold and the pool's
 * settings that resolve like any other, and no delete while something plays the file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";
import { wav, wma } from "../helpers/audio";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";
import { startService, type RunningService } from "../helpers/service";

const POOL = "pool01.contoso.com";
const P1 = `/v1/pools/${POOL}`;
const P2 = "/v1/pools/pool02.contoso.com";

describe.each(["sqlite", "postgres"] as const)("audio files on %s", (store) => {
  let svc: RunningService | undefined;
  let db: TestDatabase | undefined;
  let skip: string | undefined;
  let n = 0;

  beforeAll(async () => {
    if (store === "postgres") {
      const r = await testDatabaseOrSkip();
      db = r.db;
      skip = r.skipReason;
      if (!db) return;
    }
    svc = await startService({ pools: [POOL, "pool02.contoso.com"], database: db?.url });
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.drop();
  });

  const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(svc!.url, method, path, { token: svc!.tokens.operator, body, headers });
  const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(svc!.url, method, path, { token: svc!.tokens.admin, body, headers });
  const upload = async (bytes: Uint8Array, fileName: string, contentType = "audio/wav", pool = P1, token = svc!.tokens.operator, holder?: string) => {
    const res = await fetch(`${svc!.url}${pool}/audio-files`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": contentType,
        "x-file-name": encodeURIComponent(fileName),
        ...(holder ? { "x-holder": holder } : {}),
      },
      body: bytes,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  const imported = async (bytes: Uint8Array, fileName: string, contentType?: string) => {
    const r = await upload(bytes, fileName, contentType);
    expect(r.status, r.text).toBe(201);
    return r.body as { id: string; etag: string; sha256: string; fileName: string };
  };
  const uniq = (s: string) => `${s} ${++n}`;
  const uri = (s: string) => `sip:${s}-${++n}@contoso.com`;

  it("imports a WAV once per content: the same bytes answer 200 with the same audio file", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const bytes = wav({ sampleRate: 16000, seconds: 0.25, tone: 1 });
    const first = await upload(bytes, "Welcome to Contoso.wav");
    expect(first.status, first.text).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ownerPool: POOL,
      fileName: "Welcome to Contoso.wav",
      contentType: "audio/wav",
      format: "wav",
      encoding: "pcm",
      channels: 1,
      sampleRate: 16000,
      bitsPerSample: 16,
      durationSeconds: 0.25,
      size: bytes.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      etag: first.body.sha256,
      createdAt: expect.any(String),
    });
    expect(first.headers.get("location")).toBe(`${P1}/audio-files/${first.body.id}`);
    expect(first.headers.get("etag")).toBe(`"${first.body.sha256}"`);

    const again = await upload(bytes, "another name.wav");
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    // Another pool keeps its own copy.
    const elsewhere = await upload(bytes, "Welcome to Contoso.wav", "audio/wav", P2);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(first.body.id);
    expect(elsewhere.body.sha256).toBe(first.body.sha256);

    const got = await op("GET", `${P1}/audio-files/${first.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first.body);

    const content = await fetch(`${svc.url}${P1}/audio-files/${first.body.id}/content`, { headers: { authorization: `Bearer ${svc.tokens.reader}` } });
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("audio/wav");
    expect(content.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''Welcome%20to%20Contoso.wav");
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
  });

  it("keeps a non-ASCII file name sent percent-encoded, and takes WMA by its ASF header", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const a = await imported(wav({ tone: 2 }), "Bienvenue à Montréal (it's) *.wav");
    expect(a.fileName).toBe("Bienvenue à Montréal (it's) *.wav");
    const content = await fetch(`${svc.url}${P1}/audio-files/${a.id}/content`, { headers: { authorization: `Bearer ${svc.tokens.reader}` } });
    expect(content.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''Bienvenue%20%C3%A0%20Montr%C3%A9al%20%28it%27s%29%20%2A.wav");
    const m = await imported(wma({ channels: 2, sampleRate: 44100, seconds: 4 }), "hold.wma", "audio/x-ms-wma");
    expect(m).toMatchObject({ fileName: "hold.wma", contentType: "audio/x-ms-wma", format: "wma", channels: 2, sampleRate: 44100, durationSeconds: 4, encoding: null });
  });

  it("refuses what Lync does not play with field errors that name what was found, and stores nothing", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const before = (await op("GET", `${P1}/audio-files?limit=1000`)).body.items.length;
    let e = expectError(await upload(wav({ bitsPerSample: 24, tone: 3 }), "deep.wav"), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "content", message: "is a 24-bit WAV file; Lync plays 8-bit or 16-bit files only" }]);
    // Another type is refused before the body is read.
    e = expectError(await upload(wav(), "song.mp3", "audio/mpeg"), 415, "unsupported_media_type");
    expect(e.details).toEqual([{ path: "Content-Type", message: 'must be audio/wav or audio/x-ms-wma (got "audio/mpeg"); Lync plays .wav and .wma only' }]);
    for (const type of ["application/octet-stream", "application/json", "text/plain"]) {
      expect(expectError(await upload(wav(), "x.wav", type), 415, "unsupported_media_type").details[0].path).toBe("Content-Type");
    }
    // UTF-8 sent raw in a header would be read as Latin-1: it must come percent-encoded.
    const raw = await fetch(`${svc.url}${P1}/audio-files`, {
      method: "POST",
      headers: { authorization: `Bearer ${svc.tokens.operator}`, "content-type": "audio/wav", "x-file-name": Buffer.from("wélcome.wav", "utf8").toString("latin1") },
      body: wav({ tone: 5 }),
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { details: { message: string }[] } }).error.details[0].message).toMatch(/must be ASCII, with other characters percent-encoded/);
    e = expectError(await upload(wav(), "welcome.wma"), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "X-File-Name", message: 'must end in .wav for audio/wav content (got "welcome.wma")' }]);
    const big = new Uint8Array(4 * 1024 * 1024 + 10);
    big.set(wav());
    e = expectError(await upload(big, "long.wav"), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "content", message: "is 4194314 bytes; Lync plays WAV files of 4 MB (4194304 bytes) or less" }]);
    const bad = await fetch(`${svc.url}${P1}/audio-files`, {
      method: "POST",
      headers: { authorization: `Bearer ${svc.tokens.operator}`, "content-type": "audio/wav", "x-file-name": "%E0%A4%A.wav" },
      body: wav(),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0].path).toBe("X-File-Name");
    // A reader may not upload.
    expect((await upload(wav({ tone: 4 }), "r.wav", "audio/wav", P1, svc.tokens.reader)).status).toBe(403);
    expect((await op("GET", `${P1}/audio-files?limit=1000`)).body.items.length).toBe(before);
  });

  it("answers bytes sent to any other route as an unsupported media type", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    for (const [method, path] of [
      ["POST", `${P1}/queues`],
      ["PUT", `${P1}/settings`],
      ["PUT", "/v1/pools/pool03.contoso.com"],
    ]) {
      const res = await fetch(`${svc.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${svc.tokens.admin}`, "content-type": "audio/wav" },
        body: wav(),
      });
      expect(res.status, `${method} ${path}`).toBe(415);
    }
    expectError(await op("GET", "/v1/pools/pool03.contoso.com/audio-files"), 404, "not_found");
  });

  it("resolves prompts, music on hold and the pool's default music like any reference, and refuses ids it does not hold", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const welcome = await imported(wav({ tone: 10 }), "welcome.wav");
    const music = await imported(wav({ tone: 11, channels: 2 }), "music.wav");
    const timeout = await imported(wav({ tone: 12 }), "timeout.wav");
    const other = await imported(wav({ tone: 13 }), "other-pool.wav").then(async () => {
      const r = await upload(wav({ tone: 14 }), "pool2.wav", "audio/wav", P2);
      return r.body as { id: string };
    });

    const group = (await op("POST", `${P1}/agent-groups`, { name: uniq("Audio group"), agentsByUri: ["sip:ann@contoso.com"] })).body;
    const queue = await op("POST", `${P1}/queues`, {
      name: uniq("Audio queue"),
      agentGroupIds: [group.id],
      timeoutThreshold: 60,
      timeoutAction: { action: "Terminate", prompt: { audioFileId: timeout.id, textToSpeech: "Goodbye." } },
    });
    expect(queue.status, queue.text).toBe(201);
    const workflow = await op("POST", `${P1}/workflows`, {
      name: uniq("Audio line"),
      primaryUri: uri("audio"),
      customMusicOnHoldFileId: music.id.toUpperCase(),
      defaultAction: { action: "TransferToQueue", queueId: queue.body.id, prompt: { audioFileId: welcome.id } },
    });
    expect(workflow.status, workflow.text).toBe(201);
    expect(workflow.body.customMusicOnHoldFileId).toBe(music.id);
    expect(workflow.body.defaultAction.prompt).toEqual({ audioFileId: welcome.id });

    // A GUID of no audio file, and one of another pool, are refused where they stand.
    const dangling = "00000000-0000-4000-8000-000000000000";
    const e = expectError(
      await op("POST", `${P1}/workflows`, {
        name: uniq("Dangling"),
        primaryUri: uri("dangling"),
        customMusicOnHoldFileId: other.id,
        defaultAction: { action: "TransferToQueue", queueId: queue.body.id, prompt: { audioFileId: dangling } },
      }),
      422,
      "reference_not_found",
    );
    expect(e.details).toEqual([
      { path: "defaultAction.prompt.audioFileId", message: `no audio file with id ${dangling} in pool ${POOL}` },
      { path: "customMusicOnHoldFileId", message: `no audio file with id ${other.id} in pool ${POOL}` },
    ]);
    expect(expectError(await op("POST", `${P1}/workflows`, { name: uniq("Bad id"), primaryUri: uri("bad"), customMusicOnHoldFileId: "welcome.wav" }), 400, "validation_failed").details).toEqual([
      { path: "customMusicOnHoldFileId", message: 'must be the id (a GUID) of an object in the same pool (got "welcome.wav")' },
    ]);

    const settings = (await op("GET", `${P1}/settings`)).body;
    expect(settings.defaultMusicOnHoldFileId).toBeNull();
    const put = await admin("PUT", `${P1}/settings`, { defaultMusicOnHoldFileId: music.id }, { "if-match": `"${settings.etag}"` });
    expect(put.status, put.text).toBe(200);
    expect(put.body.defaultMusicOnHoldFileId).toBe(music.id);
    expect(expectError(await admin("PUT", `${P1}/settings`, { defaultMusicOnHoldFileId: dangling }), 422, "reference_not_found").details).toEqual([
      { path: "defaultMusicOnHoldFileId", message: `no audio file with id ${dangling} in pool ${POOL}` },
    ]);

    // No delete while anything plays the file; each user is named.
    let d = expectError(await op("DELETE", `${P1}/audio-files/${music.id}`), 409, "in_use");
    expect(d.message).toMatch(/audio file 'music.wav' is still played by /);
    expect(d.details).toEqual({
      referencedBy: expect.arrayContaining([
        { kind: "workflows", id: workflow.body.id, name: workflow.body.name },
        { kind: "settings", id: POOL, name: "settings" },
      ]),
    });
    d = expectError(await op("DELETE", `${P1}/audio-files/${timeout.id}`), 409, "in_use");
    expect(d.details).toEqual({ referencedBy: [{ kind: "queues", id: queue.body.id, name: queue.body.name }] });

    // Once the users let go, the delete goes through and the id is gone.
    const wf = workflow.body;
    const changed = await op("PUT", `${P1}/workflows/${wf.id}`, { ...wf, customMusicOnHoldFileId: null }, { "if-match": `"${wf.etag}"` });
    expect(changed.status, changed.text).toBe(200);
    const s2 = (await op("GET", `${P1}/settings`)).body;
    expect((await admin("PUT", `${P1}/settings`, { ...s2, defaultMusicOnHoldFileId: null }, { "if-match": `"${s2.etag}"` })).status).toBe(200);
    expect((await op("DELETE", `${P1}/audio-files/${music.id}`)).status).toBe(204);
    expectError(await op("GET", `${P1}/audio-files/${music.id}`), 404, "not_found");
    expectError(await op("DELETE", `${P1}/audio-files/${music.id}`), 404, "not_found");

    // Deleting the user frees the file.
    expect((await op("DELETE", `${P1}/workflows/${wf.id}`)).status).toBe(204);
    expect((await op("DELETE", `${P1}/audio-files/${welcome.id}`)).status).toBe(204);
  });

  it("deletes an audio file with several holders only when the last lets go, and never while it is played", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const bytes = wav({ tone: 60 });
    const first = await upload(bytes, "shared.wav", "audio/wav", P1, svc.tokens.operator, "holder-a");
    expect(first.status).toBe(201);
    const second = await upload(bytes, "shared.wav", "audio/wav", P1, svc.tokens.operator, "holder-b");
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const id = first.body.id as string;
    const del = (holder?: string) => op("DELETE", `${P1}/audio-files/${id}`, undefined, holder ? { "x-holder": holder } : {});

    // holder-a lets go; holder-b still holds the file.
    expect((await del("holder-a")).status).toBe(204);
    expect((await op("GET", `${P1}/audio-files/${id}`)).status).toBe(200);
    // A second release by holder-a changes nothing.
    expect((await del("holder-a")).status).toBe(204);
    expect((await op("GET", `${P1}/audio-files/${id}`)).status).toBe(200);

    // The last holder cannot take it away while a queue plays it, and keeps its hold.
    const queue = await op("POST", `${P1}/queues`, { name: uniq("Held"), timeoutAction: { action: "Terminate", prompt: { audioFileId: id } } });
    expect(queue.status, queue.text).toBe(201);
    expectError(await del("holder-b"), 409, "in_use");
    expect((await op("DELETE", `${P1}/queues/${queue.body.id}`)).status).toBe(204);
    expect((await del("holder-b")).status).toBe(204);
    expectError(await op("GET", `${P1}/audio-files/${id}`), 404, "not_found");
    expectError(await op("DELETE", `${P1}/audio-files/${id}`, undefined, { "x-holder": "bad holder" }), 400, "validation_failed");
  });

  it("lists a pool's audio files a page at a time", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    for (let i = 0; i < 3; i++) await imported(wav({ tone: 40 + i }), `page-${i}.wav`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await op("GET", `${P1}/audio-files?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((a: { fileName: string }) => a.fileName));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(["page-0.wav", "page-1.wav", "page-2.wav"]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("answers concurrent uploads of the same bytes with one audio file", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const bytes = wav({ tone: 77, seconds: 0.5 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => upload(bytes, "race.wav")));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
  });
});
