/**
 * The OpenAPI document the service serves at /v1/openapi.json: valid OpenAPI 3.0 by two standard
 * checkers, every $ref resolving, and good enough to generate a typed client from.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApi } from "../../backend/openapi";
import { ROUTES } from "../../backend/routes/index";
import { KIND_NAMES } from "../../sdk/model/kind";

const doc = buildOpenApi(ROUTES) as unknown as OpenAPI3 & Record<string, any>;
const METHODS = ["get", "put", "post", "delete"] as const;

function operations(): { path: string; method: string; op: Record<string, any> }[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );
}

/** Every `$ref` in the document, with where it is. */
function refs(node: unknown, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [{ at, ref: v }] : refs(v, `${at}/${k}`)));
}

function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI by @readme/openapi-parser", async () => {
    // validate() dereferences in place; the document is checked as served.
    const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([]);
  });

  it("passes @redocly/openapi-core's recommended rules", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: "openapi.json", config });
    // /healthz takes no token and nothing else a caller could get wrong, so it has no 4XX answer.
    expect(problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}`)).toEqual([
      "warn operation-4xx-response at #/paths/~1healthz/get/responses",
    ]);
  });

  it("resolves every $ref inside itself", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    const broken = all.filter(({ ref }) => !ref.startsWith("#/components/schemas/") || resolve(ref) === undefined);
    expect(broken).toEqual([]);
    // The recursive question is a component that refers to itself through its answers.
    expect(JSON.stringify(resolve("#/components/schemas/Question"))).toContain('"$ref":"#/components/schemas/Question"');
    expect(JSON.stringify(resolve("#/components/schemas/QuestionInput"))).toContain('"$ref":"#/components/schemas/QuestionInput"');
  });

  it("describes the audio upload and the content as bytes of the audio types", () => {
    const doc = buildOpenApi(ROUTES) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const upload = doc.paths["/v1/pools/{pool}/audio-files"].post;
    expect(upload.requestBody!.content).toEqual({
      "audio/wav": { schema: { type: "string", format: "binary" } },
      "audio/x-ms-wma": { schema: { type: "string", format: "binary" } },
    });
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(["200", "201", "400", "413", "415"]));
    const content = doc.paths["/v1/pools/{pool}/audio-files/{id}/content"].get;
    expect(Object.keys(content.responses["200"].content!)).toEqual(["audio/wav", "audio/x-ms-wma"]);
  });

  it("names every operation once and describes every answer", () => {
    const ops = operations();
    // healthz, the document, pools (2), settings (2), audio files (5), and five per kind.
    expect(ops.length).toBe(11 + 5 * KIND_NAMES.length);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of ops) {
      for (const [status, response] of Object.entries(op.responses as Record<string, { description?: string }>)) {
        expect(response.description, `${method} ${path} ${status}`).toMatch(/\w{3}/);
      }
    }
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
  });

  it("declares paging and the Idempotency-Key as the service checks them", () => {
    const list = (doc.paths as any)["/v1/pools/{pool}/queues"].get;
    expect(list.parameters.find((p: { name: string }) => p.name === "limit")).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    });
    const create = (doc.paths as any)["/v1/pools/{pool}/queues"].post;
    expect(create.parameters.find((p: { name: string }) => p.name === "Idempotency-Key")).toMatchObject({
      in: "header",
      required: false,
      schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
    });
    expect(Object.keys(create.responses)).toEqual(["201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"]);
    expect((doc.paths as any)["/healthz"].get.security).toEqual([]);
  });
});

describe("a client typed from the document", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rgs-openapi-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("type-checks with the types openapi-typescript generates, and refuses what the service refuses", async () => {
    // A field with a default may be left out of a request; the answers list every field as required.
    writeFileSync(join(dir, "schema.d.ts"), astToString(await openapiTS(structuredClone(doc), { defaultNonNullable: false })));
    writeFileSync(
      join(dir, "client.ts"),
      `import type { components, paths } from "./schema";

type Collection = paths["/v1/pools/{pool}/agent-groups"];
export type NewGroup = Collection["post"]["requestBody"]["content"]["application/json"];
export type Group = Collection["post"]["responses"][201]["content"]["application/json"];

export const minimal: NewGroup = { name: "Help desk agents" };
export const full: NewGroup = { name: "Sales", routingMethod: "Serial", agentAlertTime: 30, agentsByUri: ["sip:alice@contoso.com"] };
export const query: NonNullable<Collection["get"]["parameters"]["query"]> = { name: "Sales", limit: 10 };

export function firstEtag(page: Collection["get"]["responses"][200]["content"]["application/json"]): string | undefined {
  const first: Group | undefined = page.items[0];
  return first?.etag;
}

export function welcome(w: components["schemas"]["Workflow"]): string | undefined {
  const answer = w.defaultAction?.question?.answers[0];
  return answer?.action.question?.prompt.textToSpeech;
}

export function code(e: paths["/v1/pools/{pool}/queues/{id}"]["get"]["responses"][404]["content"]["application/json"]): string {
  return e.error.code;
}

// @ts-expect-error routingMethod is one of Lync's five methods
export const unknownMethod: NewGroup = { name: "Sales", routingMethod: "Random" };
// @ts-expect-error the name is required
export const nameless: NewGroup = { routingMethod: "Serial" };
// @ts-expect-error fields the model does not have are refused
export const extra: NewGroup = { name: "Sales", color: "red" };
`,
    );
    const tsc = require.resolve("typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "ES2022", "--module", "commonjs", join(dir, "client.ts")], {
        encoding: "utf8",
      });
    } catch (e) {
      output = `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}` || String(e);
    }
    expect(output).toBe("");
  });
});
