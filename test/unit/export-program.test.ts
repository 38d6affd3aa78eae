/**
 * The generated program, run against a stand-in for pulumi-rgs that records every resource: it
 * declares each object once, with the same fields once the schema's defaults are filled in, its
 * references as variables declared before it, and adopt: true; each audio file once, its
 * recording a FileAsset of a file the project holds; a pool's settings once, when they differ from
 * Lync's defaults.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { audioPaths, buildProject, configurationJson, generateProgram, readSnapshot, safeFileName, type ExportedAudioFile, type Snapshot } from "../../sdk/export/index";
import { parseExport } from "../../cli/source";
import type { AudioFile, Backend, RgsObject } from "../../sdk/backend";
import { KINDS, parseBody } from "../../sdk/model/index";
import { KIND_NAMES, type KindName } from "../../sdk/model/kind";
import { SettingsSchema } from "../../sdk/model/settings";
import { audioOf, idFor, POOL_A, POOL_B, richAudio, richConfiguration, richSettings, snapshotOf, wav, type Declared } from "./export-fixtures";

interface Declaration {
  kind: KindName | "audio-files" | "settings";
  logical: string;
  args: Record<string, unknown>;
}

/** The pulumi.asset.FileAsset of the stand-in @pulumi/pulumi. */
class FileAsset {
  constructor(readonly path: string) {}
}

/**
 * Runs a program, one file or modules by path, with a recording pulumi-rgs; a resource's id is the
 * id of the object its name and pool find.
 */
function runProgram(program: string | Readonly<Record<string, string>>, snapshot: Snapshot): Declaration[] {
  const files = typeof program === "string" ? { "index.ts": program } : program;
  const out: Declaration[] = [];
  const fake: Record<string, unknown> = {};
  fake.AudioFile = class {
    readonly id: string;
    constructor(logical: string, args: Record<string, unknown>) {
      out.push({ kind: "audio-files", logical, args });
      const pool = (args.pool as string | undefined) ?? snapshot.pools[0];
      if (!(args.source instanceof FileAsset)) throw new Error(`${logical}: source is not a FileAsset`);
      const fileName = (args.fileName as string | undefined) ?? posix.basename(args.source.path);
      const found = snapshot.audioFiles?.find((a) => a.pool === pool && a.fileName === fileName);
      if (!found) throw new Error(`no audio file named ${fileName} in ${pool}`);
      this.id = found.id;
    }
  };
  fake.ServiceSettings = class {
    constructor(logical: string, args: Record<string, unknown>) {
      out.push({ kind: "settings", logical, args });
    }
  };
  const pulumi = { asset: { FileAsset } };
  for (const kind of KIND_NAMES) {
    fake[KINDS[kind].typeName] = class {
      readonly id: string;
      constructor(logical: string, args: Record<string, unknown>) {
        out.push({ kind, logical, args });
        const pool = (args.pool as string | undefined) ?? snapshot.pools[0];
        const found = snapshot.objects.find((o) => o.kind === kind && o.pool === pool && o.body.name === args.name);
        if (!found) throw new Error(`no ${kind} named ${String(args.name)} in ${pool}`);
        this.id = found.id;
      }
    };
  }
  const loaded = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const known = loaded.get(file);
    if (known) return known;
    if (files[file] === undefined) throw new Error(`the program imports ${file}, which it does not have`);
    const module = { exports: {} as Record<string, unknown> };
    loaded.set(file, module.exports);
    const js = ts.transpileModule(files[file], { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const requireFrom = (m: string) =>
      m === "pulumi-rgs" ? fake : m === "@pulumi/pulumi" ? pulumi : m.startsWith(".") ? load(`${posix.join(posix.dirname(file), m)}.ts`) : unknownModule(m);
    new Function("require", "exports", "module", js)(requireFrom, module.exports, module);
    return module.exports;
  };
  load("index.ts");
  return out;
}

function unknownModule(m: string): never {
  throw new Error(`the program requires ${m}`);
}

/** What the service would store for a declaration: its fields through the schema, pool and adopt aside. */
function stored(d: Declaration): Record<string, unknown> {
  const { pool: _pool, adopt: _adopt, ...fields } = d.args;
  if (d.kind === "audio-files" || d.kind === "settings") throw new Error(`${d.logical} is not an object`);
  const parsed = parseBody(d.kind, fields, "update");
  if (!parsed.ok) throw new Error(`${d.logical}: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

function syntaxErrors(text: string): string[] {
  const r = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
  return (r.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const objectsOf = (ds: readonly Declaration[]) => ds.filter((d) => d.kind !== "audio-files" && d.kind !== "settings");

describe("the program of a configuration with every kind and field in two pools", () => {
  const snapshot = snapshotOf(richConfiguration(), { audio: richAudio(), settings: richSettings() });
  const program = generateProgram(snapshot);
  const all = runProgram(program.text, snapshot);
  const declared = objectsOf(all);

  it("parses", () => {
    expect(syntaxErrors(program.text)).toEqual([]);
  });

  it("declares each object once, and the service would store exactly the object that exists", () => {
    expect(declared).toHaveLength(snapshot.objects.length);
    for (const o of snapshot.objects) {
      const mine = declared.filter((d) => d.kind === o.kind && (d.args.pool ?? POOL_A) === o.pool && d.args.name === o.body.name);
      expect(mine, `${o.kind} ${String(o.body.name)} in ${o.pool}`).toHaveLength(1);
      expect(stored(mine[0])).toEqual(o.body);
    }
  });

  it("sets adopt: true on every resource, and the pool on each when two pools are exported", () => {
    expect(declared.every((d) => d.args.adopt === true)).toBe(true);
    expect(new Set(declared.map((d) => d.args.pool))).toEqual(new Set([POOL_A, POOL_B]));
  });

  it("leaves out fields at their schema default", () => {
    const plain = declared.find((d) => d.kind === "agent-groups" && d.args.name === "1st Line")!;
    expect(Object.keys(plain.args).sort()).toEqual(["adopt", "agentsByUri", "name", "pool"]);
    const inactive = declared.find((d) => d.kind === "workflows" && d.args.name === "Help-Desk")!;
    expect(Object.keys(inactive.args).sort()).toEqual(["adopt", "name", "pool", "primaryUri"]);
    expect(program.text).not.toMatch(/answers: \[\]/);
    expect(program.text).not.toMatch(/description: null/);
  });

  it("writes references as variables, except the one that closes the circle of queues", () => {
    const literal = [...program.text.matchAll(GUID)].map((m) => m[0]);
    expect(literal).toEqual([idFor("night")]);
    expect(program.text).toContain("customMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id,");
    expect(program.text).toContain("noAnswerPrompt: { audioFileId: audioFileWelcomeWav.id }");
    expect(program.text).toMatch(/prompt: \{\n {12}textToSpeech: "Welcome to the help desk\.",\n {12}audioFileId: audioFileWelcomeWav\.id\n/);
    expect(program.text).toMatch(/agentGroupIds: \[agentGroupHelpDeskTier1\.id, agentGroupTier2ExpertsEscalations\.id\]/);
    expect(program.warnings.map((w) => [w.code, w.name, w.path])).toEqual([["queue_cycle", "Night B", "overflowAction.queueId"]]);
    expect(program.warnings[0].message).toContain('"Night A" -> "Night B" -> "Night A"');
    expect(program.text).toContain(`// overflowAction.queueId keeps the id of queue "Night A": these queues send calls in a circle\n`);
  });

  it("declares kinds in dependency order, a queue after the queues it sends calls to", () => {
    const a = declared.filter((d) => d.args.pool === POOL_A);
    const firstOf = (k: KindName) => a.findIndex((d) => d.kind === k);
    const lastOf = (k: KindName) => a.map((d) => d.kind).lastIndexOf(k);
    for (let i = 1; i < KIND_NAMES.length; i++) expect(lastOf(KIND_NAMES[i - 1])).toBeLessThan(firstOf(KIND_NAMES[i]));
    const queues = a.filter((d) => d.kind === "queues").map((d) => d.args.name);
    expect(queues.indexOf("Overflow")).toBeLessThan(queues.indexOf("Help Desk"));
    // The walk starts at Night A, the first by name; Night B closes the circle and so comes first.
    expect(queues.indexOf("Night B")).toBeLessThan(queues.indexOf("Night A"));
  });

  it("gives unique logical names per kind, resolved in id order", () => {
    const logical = (k: KindName) => declared.filter((d) => d.kind === k).map((d) => d.logical);
    for (const k of KIND_NAMES) expect(new Set(logical(k)).size).toBe(logical(k).length);
    const helpDesks = declared
      .filter((d) => d.kind === "workflows" && String(d.args.name).toLowerCase().replace("-", " ") === "help desk")
      .map((d) => ({ key: `${String(d.args.pool)}/${String(d.args.name)}`, logical: d.logical }));
    expect(helpDesks.map((h) => h.logical).sort()).toEqual(["help-desk", "help-desk-2", "help-desk-3"]);
    expect(logical("agent-groups")).toContain("agent-group");
    expect(logical("agent-groups")).toContain("class");
    expect(logical("agent-groups")).toContain("1st-line");
  });

  it("writes IVR trees and prompts as nested literals, one field a line", () => {
    expect(program.text).toContain('prompt: { textToSpeech: "Welcome to Contoso." }');
    expect(program.text).toMatch(/\n {8}question: \{\n {12}name: "Main menu",\n {12}prompt: \{ textToSpeech: "For support press 1, for the night line press 2." \},\n {12}answers: \[\n/);
    expect(program.text).toContain('name: "📞 Operators ${team}"');
    expect(program.text).toContain('name: "Tier 2 \\"Experts\\" \\\\ Escalations"');
    expect(program.text).toContain('description: "Second line.\\nCalls from tier 1."');
  });

  it("is the same text for the same configuration listed in another order", () => {
    const shuffled: Snapshot = { ...snapshot, pools: [...snapshot.pools].reverse(), objects: [...snapshot.objects].reverse(), audioFiles: [...snapshot.audioFiles!].reverse() };
    expect(generateProgram({ ...shuffled, pools: [...shuffled.pools].sort() }).text).toBe(program.text);
  });

  it("declares each audio file once, first in its pool, its source a file of the project with its bytes", () => {
    const audio = all.filter((d) => d.kind === "audio-files");
    expect(audio).toHaveLength(snapshot.audioFiles!.length);
    const { assets } = buildProject(snapshot, { project: "p", stack: "dev", versions: { pulumiRgs: "0.1.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.43" } });
    for (const a of snapshot.audioFiles!) {
      const mine = audio.filter((d) => d.args.pool === a.pool && (d.args.fileName ?? posix.basename((d.args.source as FileAsset).path)) === a.fileName);
      expect(mine, `${a.fileName} in ${a.pool}`).toHaveLength(1);
      const path = (mine[0].args.source as FileAsset).path;
      expect(path.startsWith(`audio/${a.pool}/`)).toBe(true);
      expect(createHash("sha256").update(assets[path]).digest("hex")).toBe(a.sha256);
      expect(mine[0].args).not.toHaveProperty("adopt");
    }
    expect(Object.keys(assets)).toHaveLength(snapshot.audioFiles!.length);
    for (const pool of [POOL_A, POOL_B]) {
      const ofPool = all.filter((d) => d.args.pool === pool && d.kind !== "settings");
      expect(ofPool.findIndex((d) => d.kind !== "audio-files")).toBe(ofPool.filter((d) => d.kind === "audio-files").length);
    }
  });

  it("names an audio file by the name it was imported with when the file on disk must be named otherwise", () => {
    const hold = all.find((d) => d.kind === "audio-files" && d.logical === "hold-music-contoso-2026-wav")!;
    expect(hold.args).toEqual({ source: new FileAsset("audio/pool01.contoso.com/Hold music _ Contoso_ 2026.wav"), fileName: "Hold music — Contoso: 2026.wav", pool: POOL_A });
    const welcome = all.find((d) => d.kind === "audio-files" && d.logical === "welcome-wav")!;
    expect(welcome.args).toEqual({ source: new FileAsset("audio/pool01.contoso.com/welcome.wav"), pool: POOL_A });
    expect(program.text).toContain('import * as pulumi from "@pulumi/pulumi";\nimport * as rgs from "pulumi-rgs";');
  });

  it("keeps an audio file no object plays as a statement, without a variable", () => {
    expect(program.text).toContain('\nnew rgs.AudioFile("spare-wav", {');
    expect(program.text).toContain('const audioFileWelcomeWav2 = new rgs.AudioFile("welcome-wav-2", {');
  });

  it("declares the settings of the pool that differ from Lync's defaults once, after its audio files and before its objects", () => {
    const settings = all.filter((d) => d.kind === "settings");
    expect(settings).toEqual([
      { kind: "settings", logical: `settings-pool01-contoso-com`, args: { agentRingbackGracePeriod: 45, disableCallContext: true, defaultMusicOnHoldFileId: idFor("hold"), pool: POOL_A } },
    ]);
    const ofPool = all.filter((d) => d.args.pool === POOL_A);
    expect(ofPool.map((d) => d.kind).indexOf("settings")).toBe(ofPool.filter((d) => d.kind === "audio-files").length);
    // What the service would store: the settings the pool has, defaults filled in.
    const { pool: _pool, ...fields } = settings[0].args;
    expect(SettingsSchema.parse(fields)).toEqual(snapshot.settings![POOL_A]);
    expect(program.text).toContain(
      '// Response Group settings: writing them needs a token of role admin\nnew rgs.ServiceSettings("settings-pool01-contoso-com", {\n    agentRingbackGracePeriod: 45,\n    disableCallContext: true,\n    defaultMusicOnHoldFileId: audioFileHoldMusicContoso2026Wav.id,\n',
    );
    expect(program.resources).toBe(snapshot.objects.length + snapshot.audioFiles!.length + 1);
    expect(program.settings).toBe(1);
  });
});

describe("a pool's settings", () => {
  const objects: Declared[] = [{ key: "g", kind: "agent-groups", pool: POOL_A, body: { name: "Tier 1", agentsByUri: ["sip:a@contoso.com"] } }];
  const audio = [{ key: "music", pool: POOL_A, fileName: "music.wav", content: wav([1, 2, 3]) }];

  it("are declared without the settings at Lync's default, and without pool when one pool is exported", () => {
    const snapshot = snapshotOf(objects, { audio, settings: [{ pool: POOL_A, body: { agentRingbackGracePeriod: 90, defaultMusicOnHoldFileId: "@music" } }] });
    const program = generateProgram(snapshot);
    expect(syntaxErrors(program.text)).toEqual([]);
    expect(program.text).toContain('new rgs.ServiceSettings("settings", {\n    agentRingbackGracePeriod: 90,\n    defaultMusicOnHoldFileId: audioFileMusicWav.id\n});');
    expect(program.text).toContain("const audioFileMusicWav = new rgs.AudioFile(");
    expect(program.warnings).toEqual([]);
    expect(runProgram(program.text, snapshot).filter((d) => d.kind === "settings")).toEqual([
      { kind: "settings", logical: "settings", args: { agentRingbackGracePeriod: 90, defaultMusicOnHoldFileId: idFor("music") } },
    ]);
  });

  it("at Lync's defaults, or not read, declare nothing", () => {
    for (const snapshot of [snapshotOf(objects, { audio, settings: [] }), snapshotOf(objects, { audio })]) {
      const program = generateProgram(snapshot);
      expect(program.text).not.toContain("ServiceSettings");
      expect(program.settings).toBe(0);
      expect(program.resources).toBe(2);
      expect(runProgram(program.text, snapshot).map((d) => d.kind)).toEqual(["audio-files", "agent-groups"]);
    }
  });

  it("keep a default music on hold that is not in the pool as its id, with a comment and a warning", () => {
    const gone = idFor("gone-music");
    const snapshot = snapshotOf(objects, { audio, settings: [{ pool: POOL_A, body: { disableCallContext: true, defaultMusicOnHoldFileId: gone } }] });
    const program = generateProgram(snapshot);
    expect(syntaxErrors(program.text)).toEqual([]);
    expect(program.warnings.map((w) => [w.code, w.pool, w.kind, w.id, w.path])).toEqual([["audio_file_not_found", POOL_A, "settings", POOL_A, "defaultMusicOnHoldFileId"]]);
    expect(program.warnings[0].message).toBe(
      `Response Group settings: defaultMusicOnHoldFileId names audio file ${gone}, which is not in pool ${POOL_A}; the id is kept as found, and \`pulumi up\` cannot write these settings until that audio file is imported and named here, or the setting is removed`,
    );
    expect(program.text).toContain(`// defaultMusicOnHoldFileId names audio file ${gone}, which is not in\n// pool ${POOL_A}; the id is kept`);
    expect(program.text).toContain(`defaultMusicOnHoldFileId: "${gone}"`);
    // The recording nothing plays stays a statement.
    expect(program.text).toContain('\nnew rgs.AudioFile("music-wav", {');
  });

  it("of several pools each name their pool and get a name of their own", () => {
    const snapshot = snapshotOf(objects, {
      settings: [
        { pool: POOL_A, body: { disableCallContext: true } },
        { pool: POOL_B, body: { agentRingbackGracePeriod: 30 } },
      ],
    });
    const settings = runProgram(generateProgram(snapshot).text, snapshot).filter((d) => d.kind === "settings");
    expect(settings).toEqual([
      { kind: "settings", logical: "settings-pool01-contoso-com", args: { disableCallContext: true, pool: POOL_A } },
      { kind: "settings", logical: "settings-pool02-fabrikam-com", args: { agentRingbackGracePeriod: 30, pool: POOL_B } },
    ]);
    expect(generateProgram(snapshot).text).toContain(`// Pool ${POOL_B}\n//\n// Response Group settings: writing them needs a token of role admin\nnew rgs.ServiceSettings(`);
  });
});

describe("an audio file that is not in the pool", () => {
  const gone = idFor("gone-audio");
  const snapshot = snapshotOf(
    [
      { key: "g", kind: "agent-groups", pool: POOL_A, body: { name: "Tier 1", agentsByUri: ["sip:a@contoso.com"] } },
      { key: "q", kind: "queues", pool: POOL_A, body: { name: "Support", agentGroupIds: ["@g"], timeoutThreshold: 60, timeoutAction: { action: "Terminate", prompt: { audioFileId: gone } } } },
      { key: "w", kind: "workflows", pool: POOL_A, body: { name: "Support", primaryUri: "sip:support@contoso.com", customMusicOnHoldFileId: gone.toUpperCase(), defaultAction: { action: "TransferToQueue", queueId: "@q", prompt: { audioFileId: "@here" } } } },
    ],
    { audio: [{ key: "here", pool: POOL_A, fileName: "here.wav", content: wav([1, 2, 3]) }] },
  );

  it("keeps the id with a comment and warns, as for an object that is not there, and references the one that is", () => {
    const program = generateProgram(snapshot);
    expect(syntaxErrors(program.text)).toEqual([]);
    expect(program.warnings.map((w) => [w.code, w.kind, w.name, w.path])).toEqual([
      ["audio_file_not_found", "queues", "Support", "timeoutAction.prompt.audioFileId"],
      ["audio_file_not_found", "workflows", "Support", "customMusicOnHoldFileId"],
    ]);
    expect(program.warnings[0].message).toContain(`names audio file ${gone}, which is not in pool ${POOL_A}; the id is kept as found`);
    expect(program.text).toContain(`// timeoutAction.prompt.audioFileId names audio file ${gone}, which is\n// not in pool ${POOL_A}; the id is kept`);
    expect(program.text).toContain("audioFileId: audioFileHereWav.id");
    const declared = objectsOf(runProgram(program.text, snapshot));
    for (const o of snapshot.objects) expect(stored(declared.find((d) => d.kind === o.kind)!)).toEqual(o.body);
  });
});

describe("a workflow stored before music on hold existed", () => {
  it("exports without customMusicOnHoldFileId, its prompts' audio files still as variables", () => {
    const snapshot = snapshotOf(
      [{ key: "w", kind: "workflows", pool: POOL_A, body: { name: "Old", primaryUri: "sip:old@contoso.com", defaultAction: { action: "Terminate", prompt: { audioFileId: "@a" } } } }],
      { unchecked: true, audio: [{ key: "a", pool: POOL_A, fileName: "a.wav", content: wav([1]) }] },
    );
    const program = generateProgram(snapshot);
    expect(program.warnings).toEqual([]);
    expect(program.text).toContain("prompt: { audioFileId: audioFileAWav.id }");
    expect(program.text).not.toContain("customMusicOnHoldFileId");
  });
});

describe("the files audio files are written to", () => {
  const file = (fileName: string, id: string, format: "wav" | "wma" = "wav", pool = POOL_A): ExportedAudioFile => ({ ...audioOf({ key: id, pool, fileName: "x.wav", content: wav([0]) }, id), fileName, format });

  it("keep a name a file system takes as it is", () => {
    expect(safeFileName("welcome.wav", "wav")).toBe("welcome.wav");
    expect(safeFileName("Bienvenue à Contoso (2026).wav", "wav")).toBe("Bienvenue à Contoso (2026).wav");
    expect(safeFileName("song.WMA", "wma")).toBe("song.WMA");
  });

  it("are never a path, a hidden file, a device name or a name without the format's extension", () => {
    expect(safeFileName("../../etc/passwd", "wav")).toBe("_.._etc_passwd.wav");
    expect(safeFileName("..", "wav")).toBe("audio.wav");
    expect(safeFileName(".hidden.wav", "wav")).toBe("hidden.wav");
    expect(safeFileName("CON.wav", "wav")).toBe("_CON.wav");
    expect(safeFileName("nul.txt.wav", "wav")).toBe("_nul.txt.wav");
    expect(safeFileName('a<b>c:d"e|f?g*h\u0000\u001f.wav', "wav")).toBe("a_b_c_d_e_f_g_h__.wav");
    expect(safeFileName("music.mp3", "wma")).toBe("music.mp3.wma");
    expect(safeFileName("trailing. .wav", "wav")).toBe("trailing.wav");
    expect([...safeFileName(`${"é".repeat(300)}.wav`, "wav")]).toHaveLength(64);
  });

  it("are unique in their pool's folder without regard to case, the same in any order, and inside audio/", () => {
    const files = [file("Welcome.wav", "b"), file("welcome.wav", "a"), file("welcome.WAV", "c"), file("welcome.wav", "d", "wav", POOL_B), file("../x.wav", "e")];
    const paths = audioPaths(files);
    expect(Object.fromEntries(paths)).toEqual({
      // In code-unit order of the names: "Welcome.wav", "welcome.WAV", "welcome.wav".
      [`${POOL_A}/b`]: `audio/${POOL_A}/Welcome.wav`,
      [`${POOL_A}/c`]: `audio/${POOL_A}/welcome-2.WAV`,
      [`${POOL_A}/a`]: `audio/${POOL_A}/welcome-3.wav`,
      [`${POOL_B}/d`]: `audio/${POOL_B}/welcome.wav`,
      [`${POOL_A}/e`]: `audio/${POOL_A}/_x.wav`,
    });
    expect(audioPaths([...files].reverse())).toEqual(paths);
    for (const p of paths.values()) expect(p.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..")).toBe(true);
  });
});

describe("hard names", () => {
  const names = [
    'He said "hi"',
    "back\\slash\\\\",
    "emoji 🎧📞 only",
    "🎧📞",
    "${process.exit(1)}",
    "`tick` ${x}",
    "1234",
    "0 leading zero",
    "class",
    "constructor",
    "__proto__",
    "new",
    "Ünïcödé Çafé",
    "line\u2028separator",
    "*/ /* // comment",
    "</script>",
  ];
  const declaredList: Declared[] = names.map((name, i) => ({ key: `n${i}`, kind: "agent-groups", pool: POOL_A, body: { name } }));
  declaredList.push({
    key: "q",
    kind: "queues",
    pool: POOL_A,
    body: { name: "Queue of hard names", agentGroupIds: names.map((_n, i) => `@n${i}`) },
  });
  // Some of these names the service refuses today (U+2028); a real pool may hold them.
  const snapshot = snapshotOf(declaredList, { unchecked: true });
  const program = generateProgram(snapshot);

  it("each exports as a string literal of the same text, in a program that parses and runs", () => {
    expect(syntaxErrors(program.text)).toEqual([]);
    const declared = runProgram(program.text, snapshot);
    expect(declared.filter((d) => d.kind === "agent-groups").map((d) => d.args.name).sort()).toEqual([...names].sort());
    const queue = declared.find((d) => d.kind === "queues")!;
    expect(queue.args.agentGroupIds).toEqual(names.map((_n, i) => idFor(`n${i}`)));
    expect(program.text).not.toMatch(GUID);
  });

  it("each gets a logical name of ASCII words and a variable that is a plain identifier", () => {
    const declared = runProgram(program.text, snapshot);
    for (const d of declared) expect(d.logical).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const variables = [...program.text.matchAll(/const (\S+) = new/g)].map((m) => m[1]);
    expect(variables).toHaveLength(names.length);
    for (const v of variables) expect(v).toMatch(/^agentGroup[A-Z0-9][A-Za-z0-9_]*$/);
    expect(variables).toContain("agentGroupClass");
    expect(variables).toContain("agentGroup1234");
  });
});

describe("a reference to an object that does not exist", () => {
  const missing = idFor("gone");
  const snapshot = snapshotOf([
    { key: "g", kind: "agent-groups", pool: POOL_A, body: { name: "Tier 1" } },
    { key: "q", kind: "queues", pool: POOL_A, body: { name: "Support", agentGroupIds: ["@g", missing], overflowThreshold: 3, overflowAction: { action: "TransferToQueue", queueId: idFor("gone-queue") } } },
    { key: "w", kind: "workflows", pool: POOL_A, body: { name: "Support", primaryUri: "sip:support@contoso.com", timeZone: "UTC", businessHoursId: idFor("gone-hours"), defaultAction: { action: "TransferToQueue", queueId: "@q" } } },
  ]);

  it("keeps the id with a comment, and warns, instead of failing", () => {
    const program = generateProgram(snapshot);
    expect(syntaxErrors(program.text)).toEqual([]);
    expect(program.warnings.map((w) => [w.code, w.kind, w.name, w.path])).toEqual([
      ["reference_not_found", "queues", "Support", "agentGroupIds.1"],
      ["reference_not_found", "queues", "Support", "overflowAction.queueId"],
      ["reference_not_found", "workflows", "Support", "businessHoursId"],
    ]);
    expect(program.warnings[0].message).toContain(`agent group ${missing}, which is not in pool ${POOL_A}`);
    expect(program.text).toContain(`// Queues\n// agentGroupIds.1 names agent group ${missing}, which is not in pool`);
    const declared = runProgram(program.text, snapshot);
    for (const o of snapshot.objects) expect(stored(declared.find((d) => d.kind === o.kind)!)).toEqual(o.body);
  });
});

describe("an empty pool", () => {
  it("exports a program without resources, and the project files", () => {
    const snapshot: Snapshot = { pools: [POOL_A], objects: [] };
    const program = generateProgram(snapshot);
    expect(program.resources).toBe(0);
    expect(program.warnings).toEqual([]);
    expect(syntaxErrors(program.text)).toEqual([]);
    expect(program.text).not.toContain("new rgs.");
    expect(runProgram(program.text, snapshot)).toEqual([]);
    const project = buildProject(snapshot, { project: "empty", stack: "dev", endpoint: "http://127.0.0.1:1", versions: { pulumiRgs: "0.1.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.43" } });
    expect(Object.keys(project.files).sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
  });
});

describe("the project files", () => {
  const snapshot = snapshotOf(richConfiguration(), { audio: richAudio(), settings: richSettings() });
  const { files } = buildProject(snapshot, {
    project: "contoso-rgs",
    stack: "prod",
    endpoint: "http://rgs.contoso.com:8080",
    json: true,
    versions: { pulumiRgs: "0.1.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.43" },
  });

  it("pin @pulumi/pulumi and depend on pulumi-rgs", () => {
    const pkg = JSON.parse(files["package.json"]) as { dependencies: Record<string, string> };
    expect(pkg.dependencies).toEqual({ "@pulumi/pulumi": "3.248.0", "pulumi-rgs": "0.1.0" });
  });

  it("set rgs:endpoint and rgs:pool in the stack's config, never a token", () => {
    expect(files["Pulumi.prod.yaml"]).toBe(`config:\n  rgs:endpoint: "http://rgs.contoso.com:8080"\n  rgs:pool: "${POOL_A}"\n`);
    expect(files["Pulumi.yaml"]).toContain("main: index.ts");
    expect(files["README.md"]).toContain("pulumi config set --secret rgs:token");
    expect(files["README.md"]).toContain("`audio/<pool>/` holds the recordings of the pool's audio files");
    expect(Object.values(files).join("\n")).not.toMatch(/rgs:token:/);
  });

  it("say that the settings need an admin's token, and only when the program declares them", () => {
    expect(files["README.md"]).toContain("pulumi config set --secret rgs:token <token>   # an admin's token (the settings need one); or set RGS_TOKEN");
    expect(files["README.md"]).toContain("has an `rgs.ServiceSettings` resource\nwith them; destroying it puts Lync's default settings back.\nWriting settings needs a token of role admin");
    const plain = buildProject(snapshotOf(richConfiguration(), { audio: richAudio(), settings: [] }), {
      project: "contoso-rgs",
      stack: "prod",
      endpoint: "http://rgs.contoso.com:8080",
      versions: { pulumiRgs: "0.1.0", pulumi: "3.248.0", typescript: "5.9.3", typesNode: "20.19.43" },
    }).files["README.md"];
    expect(plain).toContain("# an operator's or admin's token; or set RGS_TOKEN");
    expect(plain).not.toContain("ServiceSettings");
  });

  it("with --format json, hold the configuration sorted, with keys sorted, the same for any listing order", () => {
    const json = files["configuration.json"];
    const parsed = JSON.parse(json) as { pools: Record<string, { id: string; name: string }[] | string>[] };
    expect(parsed.pools.map((p) => p.pool)).toEqual([POOL_A, POOL_B]);
    const groups = parsed.pools[0]["agent-groups"] as { name: string }[];
    expect(groups.map((g) => g.name)).toEqual(["1st Line", "class", "Help Desk Tier 1", "Managed Agents", "Tier 2 \"Experts\" \\ Escalations", "日本語", "📞 Operators ${team}"]);
    const keys = Object.keys(groups[0]);
    expect(keys).toEqual([...keys].sort());
    expect(configurationJson({ ...snapshot, pools: [...snapshot.pools].reverse(), objects: [...snapshot.objects].reverse(), audioFiles: [...snapshot.audioFiles!].reverse() })).toBe(json);
    // The settings as read, defaults included, as before the program declared them.
    const settings = (JSON.parse(json) as { pools: { settings: unknown }[] }).pools.map((p) => p.settings);
    expect(settings).toEqual([
      { agentRingbackGracePeriod: 45, defaultMusicOnHoldFileId: idFor("hold"), disableCallContext: true },
      { agentRingbackGracePeriod: 60, defaultMusicOnHoldFileId: null, disableCallContext: false },
    ]);
  });

  it("with --format json, is an export file that rgs simulate, diagram, lint and diff read", () => {
    const pools = parseExport(JSON.parse(files["configuration.json"]));
    expect(pools.map((p) => p.pool)).toEqual([POOL_A, POOL_B]);
    const count = pools.reduce((sum, p) => sum + KIND_NAMES.reduce((n, k) => n + (p[k] as unknown[]).length, 0), 0);
    expect(count).toBe(snapshot.objects.length);
    expect(pools[0].audioFiles!.map((a) => a.fileName)).toEqual(["Hold music — Contoso: 2026.wav", "spare.wav", "welcome.wav"]);
  });

  it("with --format json, hold each audio file's metadata and the path of its bytes, not the bytes", () => {
    const parsed = JSON.parse(files["configuration.json"]) as { pools: { "audio-files": Record<string, unknown>[] }[] };
    const welcome = parsed.pools[1]["audio-files"];
    const b = snapshot.audioFiles!.find((a) => a.pool === POOL_B)!;
    expect(welcome).toEqual([
      {
        bitsPerSample: 16,
        channels: 1,
        contentType: "audio/wav",
        durationSeconds: b.durationSeconds,
        encoding: "pcm",
        file: `audio/${POOL_B}/welcome.wav`,
        fileName: "welcome.wav",
        format: "wav",
        id: idFor("b-welcome"),
        sampleRate: 8000,
        sha256: createHash("sha256").update(b.content!).digest("hex"),
        size: 60,
      },
    ]);
    expect(files["configuration.json"]).not.toContain('"content"');
  });
});

describe("reading a backend", () => {
  /** A backend answering lists from the snapshot in pages of two, and each audio file's bytes. */
  function pagedBackend(snapshot: Snapshot, options: { corrupt?: string; gone?: string } = {}) {
    const counter = { backend: undefined as unknown as Backend, lists: 0, audioLists: 0, contents: 0, reading: 0, mostAtOnce: 0, settings: 0 };
    const page = <T>(all: readonly T[], cursor: string | undefined) => {
      const from = Number(cursor ?? 0);
      return { items: all.slice(from, from + 2), nextCursor: from + 2 < all.length ? String(from + 2) : null };
    };
    counter.backend = {
      listPools: async () => snapshot.pools.map((fqdn) => ({ fqdn: fqdn.toUpperCase(), identity: `service:ApplicationServer:${fqdn}`, createdAt: null })),
      list: async (pool: string, kind: KindName, options: { limit?: number; cursor?: string } = {}) => {
        counter.lists++;
        const all = snapshot.objects.filter((o) => o.pool === pool && o.kind === kind);
        const p = page(all, options.cursor);
        return { ...p, items: p.items.map((o) => ({ ...o.body, id: o.id.toUpperCase(), identity: "x", etag: "e", ownerPool: pool, createdAt: null, updatedAt: null }) as unknown as RgsObject) };
      },
      listAudioFiles: async (pool: string, options: { limit?: number; cursor?: string } = {}) => {
        counter.audioLists++;
        const p = page((snapshot.audioFiles ?? []).filter((a) => a.pool === pool), options.cursor);
        return { ...p, items: p.items.map(({ pool: _p, content: _c, ...a }) => ({ ...a, id: a.id.toUpperCase(), ownerPool: pool, etag: "e", createdAt: null }) as AudioFile) };
      },
      getAudioFileContent: async (pool: string, id: string) => {
        counter.contents++;
        counter.reading++;
        counter.mostAtOnce = Math.max(counter.mostAtOnce, counter.reading);
        await new Promise((r) => setTimeout(r, 5));
        counter.reading--;
        const a = snapshot.audioFiles?.find((x) => x.pool === pool && x.id === id.toLowerCase());
        if (a?.fileName === options.corrupt) return wav([9, 9, 9]);
        if (a?.fileName === options.gone) return undefined;
        return a?.content;
      },
      getSettings: async (pool: string) => {
        counter.settings++;
        return { pool, identity: `service:ApplicationServer:${pool}`, etag: "s", updatedAt: null, agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null };
      },
    } as unknown as Backend;
    return counter;
  }

  it("reads every page of every kind, without server fields", async () => {
    const snapshot = snapshotOf(richConfiguration(), { audio: richAudio() });
    const source = pagedBackend(snapshot);
    const read = await readSnapshot(source.backend, { pageSize: 2 });
    expect(read.pools).toEqual([POOL_A, POOL_B]);
    const sortById = <T extends { id: string }>(list: readonly T[]) => [...list].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(sortById(read.objects)).toEqual(sortById(snapshot.objects));
    expect(source.lists).toBeGreaterThan(KIND_NAMES.length * 2);
  });

  it("reads every audio file with its bytes, one request per page and per file, a few at a time", async () => {
    const audio = [...richAudio(), ...Array.from({ length: 9 }, (_, i) => ({ key: `extra${i}`, pool: POOL_A, fileName: `extra ${i}.wav`, content: wav([i, -i]) }))];
    const snapshot = snapshotOf(richConfiguration(), { audio });
    const source = pagedBackend(snapshot);
    const read = await readSnapshot(source.backend, { pageSize: 2 });
    const sortById = <T extends { id: string }>(list: readonly T[]) => [...list].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(sortById(read.audioFiles!)).toEqual(sortById(snapshot.audioFiles!));
    expect(source.contents).toBe(audio.length);
    // Pages of two: pool A holds 12 audio files (6 pages), pool B one (1 page).
    expect(source.audioLists).toBe(7);
    expect(source.mostAtOnce).toBeGreaterThan(1);
    expect(source.mostAtOnce).toBeLessThanOrEqual(4);
    expect(source.settings).toBe(2);
    expect(read.settings).toEqual({
      [POOL_A]: { agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null },
      [POOL_B]: { agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null },
    });
  });

  it("reads no bytes when asked for the metadata alone", async () => {
    const source = pagedBackend(snapshotOf(richConfiguration(), { audio: richAudio() }));
    const read = await readSnapshot(source.backend, { audioContent: false });
    expect(source.contents).toBe(0);
    expect(read.audioFiles).toHaveLength(richAudio().length);
    expect(read.audioFiles!.every((a) => a.content === undefined)).toBe(true);
  });

  it("refuses bytes that are not the ones the service lists, naming the audio file", async () => {
    const source = pagedBackend(snapshotOf(richConfiguration(), { audio: richAudio() }), { corrupt: "spare.wav" });
    await expect(readSnapshot(source.backend)).rejects.toMatchObject({
      code: "bad_response",
      message: expect.stringMatching(new RegExp(`^audio file ${idFor("spare")} \\("spare\\.wav"\\) of pool ${POOL_A.replace(/\./g, "\\.")} answered 50 bytes with SHA-256 [0-9a-f]{64}, but the service lists 52 bytes`)),
    });
  });

  it("fails naming the audio file whose content is gone between the list and the read", async () => {
    const source = pagedBackend(snapshotOf(richConfiguration(), { audio: richAudio() }), { gone: "welcome.wav" });
    await expect(readSnapshot(source.backend)).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining('"welcome.wav") of pool pool01.contoso.com was listed but its content could not be read'),
    });
  });

  it("reads only the pools asked for, and names the known pools for one that is not there", async () => {
    const source = pagedBackend(snapshotOf(richConfiguration(), { audio: richAudio() }));
    const read = await readSnapshot(source.backend, { pools: ["POOL02.fabrikam.com"] });
    expect(read.pools).toEqual([POOL_B]);
    expect(new Set(read.objects.map((o) => o.pool))).toEqual(new Set([POOL_B]));
    expect(read.audioFiles!.map((a) => [a.pool, a.fileName])).toEqual([[POOL_B, "welcome.wav"]]);
    await expect(readSnapshot(source.backend, { pools: ["pool09.contoso.com"] })).rejects.toMatchObject({
      code: "not_found",
      message: `pool 'pool09.contoso.com' is not a pool of this source; its pools are: ${POOL_A}, ${POOL_B}`,
    });
    await expect(readSnapshot(source.backend, { pools: ["not a pool"] })).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("a large configuration", () => {
  const snapshot = snapshotOf(richConfiguration(), { audio: richAudio(), settings: richSettings() });
  const program = generateProgram(snapshot, { moduleThreshold: 10 });

  it("gets one module per workflow, the objects they share in shared.ts, and an index importing them", () => {
    const workflows = snapshot.objects.filter((o) => o.kind === "workflows").length;
    const paths = Object.keys(program.files).sort();
    expect(paths.filter((p) => p.startsWith("workflows/"))).toHaveLength(workflows);
    expect(paths).toContain("shared.ts");
    expect(paths).toContain("workflows/main-line.ts");
    expect(program.files["index.ts"]).toContain('import "./shared";\nimport "./workflows/');
    expect(program.files["workflows/main-line.ts"]).toContain('import { audioFileWelcomeWav, hoursOfBusinessMainLineCustom, queueHelpDesk, queueNightA, queueNightB } from "../shared";');
    expect(program.files["shared.ts"]).toContain("export const queueHelpDesk = new rgs.Queue(");
    expect(program.files["shared.ts"]).toContain('import * as pulumi from "@pulumi/pulumi";');
    expect(program.files["shared.ts"]).toContain("export const audioFileWelcomeWav = new rgs.AudioFile(");
    expect(program.files["shared.ts"]).toContain('new rgs.ServiceSettings("settings-pool01-contoso-com", {');
    expect(program.files["shared.ts"]).toContain("// The audio files, settings, agent groups,");
    expect(program.files["workflows/help-desk.ts"]).toContain(
      'import { audioFileHoldMusicContoso2026Wav, audioFileWelcomeWav, holidaySetHolidays2026, holidaySetOfficeClosures, hoursOfBusinessOfficeHours, queueHelpDesk } from "../shared";',
    );
    expect(program.files["workflows/help-desk.ts"]).not.toContain("@pulumi/pulumi");
    for (const [path, text] of Object.entries(program.files)) expect(syntaxErrors(text), path).toEqual([]);
  });

  it("declares the same resources with the same arguments as the single file", () => {
    const single = runProgram(generateProgram(snapshot).text, snapshot);
    const split = runProgram(program.files, snapshot);
    const byName = (ds: Declaration[]) => [...ds].sort((a, b) => (`${a.kind}/${a.logical}` < `${b.kind}/${b.logical}` ? -1 : 1));
    expect(byName(split)).toEqual(byName(single));
  });

  it("stays one file up to the threshold", () => {
    const resources = snapshot.objects.length + snapshot.audioFiles!.length + 1;
    expect(Object.keys(generateProgram(snapshot, { moduleThreshold: resources }).files)).toEqual(["index.ts"]);
    expect(Object.keys(generateProgram(snapshot, { moduleThreshold: resources - 1 }).files)).toContain("shared.ts");
  });
});

