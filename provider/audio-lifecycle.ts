/**
 * The lifecycle of an AudioFile resource in the dynamic-provider process. The recording is read
 * from its path at check, so a preview refuses a file Lync would not play and the diff follows
 * the bytes' hash: unchanged audio deploys nothing, changed audio replaces the audio file.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { AudioFile } from "../sdk/backend";
import { AudioFileName, checkAudioUpload, CONTENT_TYPE_OF, type AudioFormat, type CheckedAudio } from "../sdk/model/audio-file";
import { backendFor, resolveConnection, type Connection } from "./connection";
import { checkedPool, fail, UNKNOWN } from "./lifecycle";
import { describe, userError } from "./user-error";

type Props = Record<string, unknown>;


/** What decides which audio file a resource is: the pool and the bytes. The file name is kept from the first import. */
const IDENTITY = ["pool", "sha256"] as const;

const FORMAT_OF_EXTENSION: Readonly<Record<string, AudioFormat>> = { ".wav": "wav", ".wma": "wma" };

/** The recording at `path`, checked as the service will check it. */
async function recording(path: string, fileName: string): Promise<{ checked: CheckedAudio; content: Uint8Array } | { problem: pulumi.dynamic.CheckFailure }> {
  let content: Uint8Array;
  try {
    content = await readFile(path);
  } catch (e) {
    return { problem: { property: "source", reason: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` } };
  }
  const format = FORMAT_OF_EXTENSION[extname(fileName).toLowerCase()];
  if (format === undefined) {
    return { problem: { property: "fileName", reason: `must end in .wav or .wma, the formats Lync plays (got ${JSON.stringify(fileName)})` } };
  }
  const r = checkAudioUpload(CONTENT_TYPE_OF[format], fileName, content);
  if (!r.ok) {
    const [first] = r.issues;
    const property = first.path === "X-File-Name" ? "fileName" : "source";
    return { problem: { property, reason: `${path} ${first.message}` } };
  }
  return { checked: r.value, content };
}

export async function checkAudio(conn: Connection | undefined, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const out: Props = { pool: checkedPool(news, conn, failures), path: news.path, fileName: news.fileName, holder: news.holder };
  if (news.path === UNKNOWN || news.fileName === UNKNOWN) return { inputs: { ...out, sha256: UNKNOWN }, failures };
  if (typeof news.path !== "string") {
    failures.push({ property: "source", reason: "must be a path or a pulumi.asset.FileAsset" });
    return { inputs: out, failures };
  }
  const name = AudioFileName.safeParse(news.fileName);
  if (!name.success) {
    failures.push({ property: "fileName", reason: `${name.error.issues[0].message} (got ${JSON.stringify(news.fileName)})` });
    return { inputs: out, failures };
  }
  const r = await recording(news.path, name.data);
  if ("problem" in r) {
    failures.push(r.problem);
  } else {
    Object.assign(out, { sha256: r.checked.sha256, size: r.checked.size });
    // On a pool, the recording lives in this machine's audio store, which only this check fills
    // when another machine imported it: a prompt that plays it can then be written from here too.
    if (resolveConnection(conn).shell && typeof out.pool === "string" && out.pool !== "") {
      try {
        await backendFor(conn).importAudioFile(out.pool, { fileName: name.data, contentType: r.checked.contentType, content: r.content });
      } catch (e) {
        failures.push({ property: "source", reason: `cannot keep ${news.path} in the audio store: ${describe(e)}` });
      }
    }
  }
  return { inputs: out, failures };
}

export async function diffAudio(olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const replaces = IDENTITY.filter((k) => news[k] === UNKNOWN || olds[k] !== news[k]);
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
}

export async function createAudio(conn: Connection | undefined, inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const pool = String(inputs.pool);
  const fileName = String(inputs.fileName);
  const r = await recording(String(inputs.path), fileName);
  if ("problem" in r) throw userError(`cannot import audio file '${fileName}': ${r.problem.reason}`);
  // What this run checked is what is imported: a file changed since its check is a new plan.
  if (inputs.sha256 !== r.checked.sha256) {
    throw userError(`cannot import audio file '${fileName}': ${String(inputs.path)} changed since it was checked; run \`pulumi up\` again`);
  }
  try {
    const holder = typeof inputs.holder === "string" ? inputs.holder : undefined;
    const { audioFile } = await backendFor(conn).importAudioFile(pool, { fileName, contentType: r.checked.contentType, content: r.content, holder });
    return { id: audioFile.id, outs: { ...audioOutputs(audioFile, pool, inputs.path), holder } };
  } catch (e) {
    throw fail(e, `cannot import audio file '${fileName}'`, conn);
  }
}

export async function readAudio(conn: Connection | undefined, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const pool = String(props.pool ?? resolveConnection(conn).pool);
  let found: AudioFile | undefined;
  try {
    found = await backendFor(conn).getAudioFile(pool, id);
  } catch (e) {
    throw fail(e, `cannot read audio file ${id}`, conn);
  }
  if (!found) return {};
  const outs = { ...audioOutputs(found, pool, props.path), holder: props.holder };
  return {
    id: found.id,
    props: outs,
    inputs: { pool, path: props.path, fileName: props.fileName ?? found.fileName, sha256: found.sha256, size: found.size, holder: props.holder },
  };
}

export async function removeAudio(conn: Connection | undefined, id: string, props: Props): Promise<void> {
  const pool = String(props.pool ?? resolveConnection(conn).pool);
  try {
    await backendFor(conn).deleteAudioFile(pool, id, { holder: typeof props.holder === "string" ? props.holder : undefined });
  } catch (e) {
    throw fail(e, `cannot delete audio file '${String(props.fileName ?? id)}'`, conn);
  }
}

function audioOutputs(a: AudioFile, pool: string, path: unknown): Props {
  const { id: _id, ownerPool: _owner, createdAt: _created, ...fields } = a;
  return { ...fields, pool, path };
}
