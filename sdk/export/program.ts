/**
 * The Pulumi program of a snapshot, built as a TypeScript syntax tree and printed by TypeScript's
 * own printer, so every name and prompt is a correct string literal whatever it holds.
 *
 * Audio files come first, each an rgs.AudioFile whose source is the recording written beside the
 * program (audio.ts); prompts and music on hold reference them as variables. A pool's settings
 * follow as an rgs.ServiceSettings when they differ from Lync's defaults, since they may play one
 * of those audio files as the default music on hold.
 */
import ts from "typescript";
import { AUDIO_FILES, audioFilesOf } from "../model/index";
import { KIND_NAMES, type KindName } from "../model/kind";
import { AUDIO_DIR, audioKey, audioPaths, baseName } from "./audio";
import { assignNames, keyOf, slugOf, typeNameOf, type ExportedKind, type Names } from "./names";
import { compareText, declaredFields, declaredSettings, labelOf, nameOf } from "./normalize";
import { plan, type Planned } from "./order";
import type { ExportedAudioFile, ExportedObject, Snapshot } from "./snapshot";

/** Something the program keeps as it found it, that a person should look at. */
export interface ExportWarning {
  readonly code: "reference_not_found" | "queue_cycle" | "audio_file_not_found";
  readonly pool: string;
  /** `settings` for the pool's Response Group settings, whose id and name are the pool's FQDN. */
  readonly kind: KindName | typeof SETTINGS;
  readonly id: string;
  readonly name: string;
  /** The reference's place in the object, dot-joined. */
  readonly path: string;
  readonly message: string;
}

export interface Program {
  /** index.ts. */
  readonly text: string;
  /** Every module of the program by path, index.ts included. */
  readonly files: Readonly<Record<string, string>>;
  readonly warnings: readonly ExportWarning[];
  /** Resources declared. */
  readonly resources: number;
  /** Pools whose settings are declared: those that differ from Lync's defaults. */
  readonly settings: number;
  /** The project path each audio file's bytes go to, by `<pool>/<id>`. */
  readonly audioPaths: ReadonlyMap<string, string>;
}

const f = ts.factory;

/** What a warning about a pool's settings names as its kind. */
export const SETTINGS = "settings";

// A literal or object that fits this many characters stays on one line.
const ONE_LINE = 72;

const HEADINGS: Record<KindName, string> = {
  "agent-groups": "Agent groups",
  queues: "Queues",
  "hours-of-business": "Hours of business",
  "holiday-sets": "Holiday sets",
  workflows: "Workflows",
};

export interface ProgramOptions {
  /**
   * Above this many objects, each workflow gets a module of its own under workflows/, the objects
   * they share go to shared.ts, and index.ts imports them all. Default 100.
   */
  moduleThreshold?: number;
}

/** The program declaring every object of the snapshot, and the warnings about what it keeps as found. */
export function generateProgram(snapshot: Snapshot, options: ProgramOptions = {}): Program {
  const audioFiles = snapshot.audioFiles ?? [];
  const names = assignNames([
    ...audioFiles.map((a) => ({ kind: AUDIO_FILES as ExportedKind, pool: a.pool, id: a.id, name: a.fileName })),
    ...snapshot.objects.map((o) => ({ kind: o.kind, pool: o.pool, id: o.id, name: nameOf(o) })),
  ]);
  const paths = audioPaths(audioFiles);
  const audioByKey = new Map(audioFiles.map((a) => [audioKey(a), a]));
  const severalPools = snapshot.pools.length > 1;
  const settingsNames = settingsLogicalNames(snapshot, severalPools);
  const resources = snapshot.objects.length + audioFiles.length + settingsNames.size;
  const modules = resources > (options.moduleThreshold ?? 100);
  const plans = [...snapshot.pools].sort().map((pool) => ({
    pool,
    audio: audioFiles.filter((a) => a.pool === pool).sort((a, b) => compareText(paths.get(audioKey(a))!, paths.get(audioKey(b))!)),
    planned: plan(snapshot.objects.filter((o) => o.pool === pool)),
  }));
  const referenced = new Set<string>();
  const audioOf = (o: ExportedObject, id: string) => audioByKey.get(audioKey({ pool: o.pool, id }));
  for (const { planned } of plans) {
    for (const p of planned) {
      for (const r of p.references) if (r.resolution.how === "variable") referenced.add(keyOf(r.resolution.target));
      for (const use of audioUses(p.object)) {
        const a = audioOf(p.object, use.id);
        if (a) referenced.add(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }));
      }
    }
  }

  for (const pool of settingsNames.keys()) {
    const music = declaredSettings(snapshot.settings![pool]).defaultMusicOnHoldFileId;
    const a = typeof music === "string" ? audioByKey.get(audioKey({ pool, id: music })) : undefined;
    if (a) referenced.add(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }));
  }

  const warnings: ExportWarning[] = [];
  const pools = snapshot.pools.length > 0 ? [...snapshot.pools].sort().join(", ") : "no pool";
  const header = [
    ` Response Group configuration of ${pools}, exported by \`rgs export\`.`,
    " Every resource sets adopt: true: the first `pulumi up` takes over the existing object of its name",
    " instead of creating one. `pulumi preview` shows no changes until this program is edited.",
  ];
  if (audioFiles.length > 0) {
    header.push(
      ` The audio files' recordings are under ${AUDIO_DIR}/, beside this program. An audio file needs no adopt:`,
      " the pool keeps one per recording, and importing the same bytes answers the one that exists.",
    );
  }
  if (settingsNames.size > 0) {
    header.push(
      " A pool's settings that differ from Lync's defaults are an rgs.ServiceSettings, which needs no",
      " adopt: it writes the settings the pool has.",
    );
  }
  if (resources === 0) header.push(" The pool holds no Response Group objects yet.");

  // Shared objects, in order, with their headings; workflows apart when each gets a module.
  const shared: ts.Statement[] = [];
  const workflows: { logical: string; statement: ts.Statement; uses: string[]; pool: string; name: string }[] = [];
  for (const { pool, audio, planned } of plans) {
    let first = true;
    audio.forEach((a, i) => {
      const notes: string[] = [];
      if (i === 0) {
        if (severalPools) notes.push(` Pool ${pool}`, "");
        notes.push(" Audio files");
        first = false;
      }
      const isReferenced = referenced.has(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }));
      shared.push(withCommentsFirst(audioStatement(a, paths.get(audioKey(a))!, names, isReferenced, severalPools, modules), notes));
    });
    const settingsName = settingsNames.get(pool);
    if (settingsName !== undefined) {
      const notes: string[] = first && severalPools ? [` Pool ${pool}`, ""] : [];
      notes.push(" Response Group settings: writing them needs a token of role admin");
      first = false;
      const stmt = settingsStatement(pool, settingsName, snapshot.settings![pool], names, severalPools, warnings, audioByKey);
      shared.push(withCommentsFirst(stmt, notes));
    }
    for (const kind of KIND_NAMES) {
      const ofKind = planned.filter((p) => p.object.kind === kind);
      if (ofKind.length === 0) continue;
      const apart = modules && kind === "workflows";
      ofKind.forEach((p, i) => {
        const stmt = resourceStatement(p, names, referenced.has(keyOf(p.object)), severalPools, modules, warnings, audioByKey);
        if (apart) {
          const uses = [
            ...new Set([
              ...p.references.flatMap((r) => (r.resolution.how === "variable" ? [names.get(keyOf(r.resolution.target))!.variable] : [])),
              ...audioUses(p.object).flatMap((u) => {
                const a = audioOf(p.object, u.id);
                return a ? [names.get(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }))!.variable] : [];
              }),
            ]),
          ];
          workflows.push({ logical: names.get(keyOf(p.object))!.logical, statement: stmt, uses: uses.sort(), pool, name: nameOf(p.object) });
          return;
        }
        const notes: string[] = [];
        if (i === 0) {
          if (severalPools && first) notes.push(` Pool ${pool}`, "");
          notes.push(` ${HEADINGS[kind]}`);
          first = false;
        }
        shared.push(withCommentsFirst(stmt, notes));
      });
    }
  }

  // FileAsset comes from @pulumi/pulumi, which the project depends on; only the module declaring audio files needs it.
  const importRgs = [
    ...(audioFiles.length > 0 ? [namespaceImport("pulumi", "@pulumi/pulumi")] : []),
    ...(shared.length + workflows.length > 0 ? [namespaceImport()] : []),
  ];
  if (!modules) {
    const text = printModule(header, [importRgs, ...shared.map((s) => [s])]);
    return { text, files: { "index.ts": text }, warnings, resources, settings: settingsNames.size, audioPaths: paths };
  }
  const files: Record<string, string> = {};
  files["shared.ts"] = printModule(
    [
      ` The ${audioFiles.length > 0 ? "audio files, " : ""}${settingsNames.size > 0 ? "settings, " : ""}agent groups, queues, hours of business and holiday sets of ${pools}, which workflows/ use.`,
    ],
    [importRgs, ...shared.map((s) => [s])],
  );
  const imports: ts.Statement[] = [sideEffectImport("./shared")];
  for (const w of workflows) {
    const file = `workflows/${w.logical}.ts`;
    const named = w.uses.length > 0 ? [namedImport(w.uses, "../shared")] : [];
    files[file] = printModule([` Workflow ${quoted(w.name)} of ${w.pool}.`], [[namespaceImport(), ...named], [w.statement]]);
    imports.push(sideEffectImport(`./workflows/${w.logical}`));
  }
  const text = printModule([...header, ` Each workflow is in a module of its own under workflows/; what they share is in shared.ts.`], [imports]);
  files["index.ts"] = text;
  return { text, files, warnings, resources, settings: settingsNames.size, audioPaths: paths };
}

function audioUses(o: ExportedObject) {
  try {
    // A body a real pool holds may lack a field added since (customMusicOnHoldFileId): no id, no use.
    return audioFilesOf(o.kind, o.body as Record<string, unknown>).filter((u) => typeof u.id === "string");
  } catch {
    // As with references: a body the schema would not fill in plays nothing it can be found by.
    return [];
  }
}

function namespaceImport(name = "rgs", from = "pulumi-rgs"): ts.Statement {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(name))),
    f.createStringLiteral(from),
  );
}

function namedImport(names: readonly string[], from: string): ts.Statement {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(false, undefined, f.createNamedImports(names.map((n) => f.createImportSpecifier(false, undefined, f.createIdentifier(n))))),
    f.createStringLiteral(from),
  );
}

function sideEffectImport(from: string): ts.Statement {
  return f.createImportDeclaration(undefined, undefined, f.createStringLiteral(from));
}

/** A module's text: its header comment, then its blocks of statements with a blank line between blocks. */
function printModule(header: readonly string[], blocks: readonly (readonly ts.Statement[])[]): string {
  const sourceFile = f.createSourceFile([], f.createToken(ts.SyntaxKind.EndOfFileToken), ts.NodeFlags.None);
  // neverAsciiEscape keeps names and prompts in their own letters; the printer still escapes what a literal cannot hold.
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, neverAsciiEscape: true } as ts.PrinterOptions);
  const printed = blocks.filter((b) => b.length > 0).map((b) => b.map((st) => printer.printNode(ts.EmitHint.Unspecified, st, sourceFile)).join("\n"));
  return [header.map((l) => `//${l}`).join("\n"), ...printed].join("\n\n") + "\n";
}

function resourceStatement(
  p: Planned,
  names: Map<string, Names>,
  isReferenced: boolean,
  severalPools: boolean,
  exported: boolean,
  warnings: ExportWarning[],
  audioByKey: ReadonlyMap<string, ExportedAudioFile>,
): ts.Statement {
  const o = p.object;
  const own = names.get(keyOf(o))!;
  const refs = new Map<string, ts.Expression>();
  const notes: string[] = [];
  for (const use of audioUses(o)) {
    const a = audioByKey.get(audioKey({ pool: o.pool, id: use.id }));
    if (a) {
      refs.set(use.path, f.createPropertyAccessExpression(f.createIdentifier(names.get(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }))!.variable), "id"));
      continue;
    }
    const message = `${use.path} names audio file ${use.id}, which is not in pool ${o.pool}; the id is kept as found, and \`pulumi up\` cannot write this ${labelOf(o.kind)} until that audio file is imported and named here, or the reference is removed`;
    warnings.push(warning("audio_file_not_found", o, use.path, `${labelOf(o.kind)} ${quoted(nameOf(o))}: ${message}`));
    notes.push(...wrap(message, 96).map((l) => ` ${l}`));
  }
  for (const r of p.references) {
    const res = r.resolution;
    if (res.how === "variable") {
      refs.set(r.path, f.createPropertyAccessExpression(f.createIdentifier(names.get(keyOf(res.target))!.variable), "id"));
      continue;
    }
    const what = `${labelOf(r.kind)} ${r.id}`;
    let message: string;
    if (res.how === "dangling") {
      message = `${r.path} names ${what}, which is not in pool ${o.pool}; the id is kept as found, and \`pulumi up\` cannot write this ${labelOf(o.kind)} until that ${labelOf(r.kind)} exists or the reference is removed`;
      warnings.push(warning("reference_not_found", o, r.path, `${labelOf(o.kind)} ${quoted(nameOf(o))}: ${message}`));
    } else {
      const circle = res.through.map((q) => quoted(nameOf(q))).join(" -> ");
      message = `${r.path} keeps the id of queue ${quoted(nameOf(res.target))}: these queues send calls in a circle (${circle}), which a program cannot declare in order; with the existing queue's id the program takes the queues over, but cannot create them in an empty pool`;
      warnings.push(warning("queue_cycle", o, r.path, `${labelOf(o.kind)} ${quoted(nameOf(o))}: ${message}`));
    }
    notes.push(...wrap(message, 96).map((l) => ` ${l}`));
  }

  const fields = declaredFields(o.kind, o.body);
  const props: ts.ObjectLiteralElementLike[] = Object.entries(fields).map(([k, v]) => property(k, valueOf(v, k, refs)));
  if (severalPools) props.push(property("pool", f.createStringLiteral(o.pool)));
  props.push(property("adopt", f.createTrue()));

  return withComments(declaration(typeNameOf(o.kind), own, props, isReferenced, exported), notes);
}

/**
 * The logical name of each pool's settings, for the pools whose settings differ from Lync's
 * defaults: `settings`, or with several pools `settings-<pool's words>`, -2, -3, … should two
 * pools give the same words.
 */
function settingsLogicalNames(snapshot: Snapshot, severalPools: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const pool of [...snapshot.pools].sort()) {
    const settings = snapshot.settings?.[pool];
    if (!settings || Object.keys(declaredSettings(settings)).length === 0) continue;
    const base = severalPools ? `settings-${slugOf(pool)}` : "settings";
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    out.set(pool, name);
  }
  return out;
}

/**
 * A pool's settings, those at Lync's default left out. The resource needs no adopt: creating it
 * writes the settings the pool has already, so the first `pulumi up` changes nothing.
 */
function settingsStatement(
  pool: string,
  logical: string,
  settings: Readonly<Record<string, unknown>>,
  names: Map<string, Names>,
  severalPools: boolean,
  warnings: ExportWarning[],
  audioByKey: ReadonlyMap<string, ExportedAudioFile>,
): ts.Statement {
  const fields = declaredSettings(settings);
  const refs = new Map<string, ts.Expression>();
  const notes: string[] = [];
  const music = fields.defaultMusicOnHoldFileId;
  if (typeof music === "string") {
    const a = audioByKey.get(audioKey({ pool, id: music }));
    if (a) {
      refs.set("defaultMusicOnHoldFileId", f.createPropertyAccessExpression(f.createIdentifier(names.get(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }))!.variable), "id"));
    } else {
      const message = `defaultMusicOnHoldFileId names audio file ${music}, which is not in pool ${pool}; the id is kept as found, and \`pulumi up\` cannot write these settings until that audio file is imported and named here, or the setting is removed`;
      warnings.push({ code: "audio_file_not_found", pool, kind: SETTINGS, id: pool, name: pool, path: "defaultMusicOnHoldFileId", message: `Response Group settings: ${message}` });
      notes.push(...wrap(message, 96).map((l) => ` ${l}`));
    }
  }
  const props: ts.ObjectLiteralElementLike[] = Object.entries(fields).map(([k, v]) => property(k, valueOf(v, k, refs)));
  if (severalPools) props.push(property("pool", f.createStringLiteral(pool)));
  const created = f.createNewExpression(
    f.createPropertyAccessExpression(f.createIdentifier("rgs"), "ServiceSettings"),
    undefined,
    [f.createStringLiteral(logical), f.createObjectLiteralExpression(props, true)],
  );
  return withComments(f.createExpressionStatement(created), notes);
}

/**
 * An audio file: its recording as a FileAsset, the name it was imported with when the file on disk
 * had to be named otherwise. The service keeps one audio file per pool and content, so importing
 * the same bytes again answers the audio file that exists: the first `pulumi up` takes it over.
 */
function audioStatement(a: ExportedAudioFile, path: string, names: Map<string, Names>, isReferenced: boolean, severalPools: boolean, exported: boolean): ts.Statement {
  const own = names.get(keyOf({ kind: AUDIO_FILES, pool: a.pool, id: a.id }))!;
  const asset = f.createNewExpression(
    f.createPropertyAccessExpression(f.createPropertyAccessExpression(f.createIdentifier("pulumi"), "asset"), "FileAsset"),
    undefined,
    [f.createStringLiteral(path)],
  );
  const props: ts.ObjectLiteralElementLike[] = [property("source", asset)];
  if (baseName(path) !== a.fileName) props.push(property("fileName", f.createStringLiteral(a.fileName)));
  if (severalPools) props.push(property("pool", f.createStringLiteral(a.pool)));
  return declaration("AudioFile", own, props, isReferenced, exported);
}

function declaration(typeName: string, own: Names, props: ts.ObjectLiteralElementLike[], isReferenced: boolean, exported: boolean): ts.Statement {
  const created = f.createNewExpression(
    f.createPropertyAccessExpression(f.createIdentifier("rgs"), typeName),
    undefined,
    [f.createStringLiteral(own.logical), f.createObjectLiteralExpression(props, true)],
  );
  return isReferenced
    ? f.createVariableStatement(
        exported ? [f.createModifier(ts.SyntaxKind.ExportKeyword)] : undefined,
        f.createVariableDeclarationList([f.createVariableDeclaration(own.variable, undefined, undefined, created)], ts.NodeFlags.Const),
      )
    : f.createExpressionStatement(created);
}

function warning(code: ExportWarning["code"], o: ExportedObject, path: string, message: string): ExportWarning {
  return { code, pool: o.pool, kind: o.kind, id: o.id, name: nameOf(o), path, message };
}

/** A name as a comment may hold it: in quotes, with nothing that would end the comment's line. */
function quoted(name: string): string {
  return JSON.stringify(name).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Words of a message in lines of at most `max` characters (a longer word stands alone). */
function wrap(message: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of message.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Comment lines above those the node has already. */
function withCommentsFirst<T extends ts.Node>(node: T, lines: readonly string[]): T {
  const before: ts.SynthesizedComment[] = lines.map((text) => ({ kind: ts.SyntaxKind.SingleLineCommentTrivia, text, hasTrailingNewLine: true, pos: -1, end: -1 }));
  return ts.setSyntheticLeadingComments(node, [...before, ...(ts.getSyntheticLeadingComments(node) ?? [])]);
}

function withComments<T extends ts.Node>(node: T, lines: readonly string[]): T {
  for (const line of lines) ts.addSyntheticLeadingComment(node, ts.SyntaxKind.SingleLineCommentTrivia, line, true);
  return node;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function property(key: string, value: ts.Expression): ts.PropertyAssignment {
  return f.createPropertyAssignment(IDENTIFIER.test(key) ? f.createIdentifier(key) : f.createStringLiteral(key), value);
}

/** A value as an expression; a reference at `path` becomes the variable's id. */
function valueOf(v: unknown, path: string, refs: Map<string, ts.Expression>): ts.Expression {
  const ref = refs.get(path);
  if (ref) return ref;
  if (v === null || v === undefined) return f.createNull();
  if (typeof v === "string") return f.createStringLiteral(v);
  if (typeof v === "boolean") return v ? f.createTrue() : f.createFalse();
  if (typeof v === "number") {
    const literal = f.createNumericLiteral(Math.abs(v));
    return v < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, literal) : literal;
  }
  const oneLine = width(v, path, refs, 0) <= ONE_LINE;
  if (Array.isArray(v)) {
    const items = v.map((item, i) => valueOf(item, `${path}.${i}`, refs));
    return f.createArrayLiteralExpression(items, !oneLine);
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, child]) => child !== undefined);
  return f.createObjectLiteralExpression(
    entries.map(([k, child]) => property(k, valueOf(child, `${path}.${k}`, refs))),
    !oneLine,
  );
}

/**
 * About how wide a value prints on one line, or Infinity when it should take several: an object
 * holding an object, or a list of more than one object, reads best one field a line.
 */
function width(v: unknown, path: string, refs: Map<string, ts.Expression>, depth: number): number {
  const ref = refs.get(path);
  if (ref) return printedWidth(ref);
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null).length;
  if (depth > 1) return Infinity;
  const isObject = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
  if (Array.isArray(v)) {
    if (v.length > 1 && v.some(isObject)) return Infinity;
    return v.reduce<number>((sum, x, i) => sum + width(x, `${path}.${i}`, refs, depth + 1) + 2, 2);
  }
  if (Object.values(v).some(isObject)) return Infinity;
  return Object.entries(v).reduce<number>((sum, [k, x]) => sum + k.length + 2 + width(x, `${path}.${k}`, refs, depth + 1) + 2, 2);
}

/** The width of `variable.id`. */
function printedWidth(e: ts.Expression): number {
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) ? e.expression.text.length + 3 : 40;
}
