/**
 * The OpenAPI 3.0 document, written from the routes' declarations (routes/) and the sdk's schemas:
 * the same schemas the service validates with. Every named schema, the recursive question
 * included, is a component, so every `$ref` resolves inside the document.
 */
import { STATUS_CODES } from "node:http";
import { z } from "zod";
import { ERROR_STATUS, type ServiceErrorCode } from "../sdk/errors";
import { Question } from "../sdk/model/call-action";
import { KIND_NAMES, type KindName } from "../sdk/model/kind";
import type { AnyRoute, Named, Operation, RawBody } from "./routes/route";
import { ERROR, ERROR_PARTS } from "./routes/views";

type Json = Record<string, unknown>;

const TARGET = { target: "openapi-3.0", unrepresentable: "any" } as const;
const COMPONENTS = "#/components/schemas/";

/** Named schemas of one direction: what callers send (input) or what the service answers (output). */
class Components {
  private readonly byId = new Map<string, z.ZodType>();

  constructor(readonly io: "input" | "output") {}

  /** A `$ref` to the schema, listing it under its id. */
  ref(named: Named): Json {
    const known = this.byId.get(named.id);
    if (known !== undefined && known !== named.schema) throw new Error(`two schemas are named ${named.id} in the OpenAPI document`);
    this.byId.set(named.id, named.schema);
    return { $ref: `${COMPONENTS}${named.id}` };
  }

  toJson(): Record<string, Json> {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of this.byId) registry.add(schema, { id });
    const { schemas } = z.toJSONSchema(registry, { ...TARGET, io: this.io, uri: (id) => `${COMPONENTS}${id}` });
    // A schema zod had to extract without a name would be referenced as a second document.
    if ("__shared" in schemas) throw new Error(`the OpenAPI document has unnamed shared schemas: ${JSON.stringify(schemas.__shared).slice(0, 2000)}`);
    return Object.fromEntries(
      Object.entries(schemas).map(([id, s]) => {
        const { $id: _uri, ...schema } = s as Json;
        return [id, schema];
      }),
    );
  }
}

export function buildOpenApi(routes: readonly AnyRoute[]): Json {
  const input = new Components("input");
  const output = new Components("output");
  // The question nests answers whose actions nest questions: named, the cycle is a $ref.
  input.ref({ id: "QuestionInput", schema: Question });
  output.ref({ id: "Question", schema: Question });
  for (const part of ERROR_PARTS) output.ref(part);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const perKind = typeof route.operation === "function";
    for (const kind of perKind ? KIND_NAMES : [undefined]) {
      const operation = typeof route.operation === "function" ? route.operation(kind as KindName) : route.operation;
      const path = kind === undefined ? route.path : route.path.replace("{kind}", kind);
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = operationJson(route, operation, kind !== undefined, input, output);
    }
  }

  const schemas = { ...output.toJson() };
  for (const [id, schema] of Object.entries(input.toJson())) {
    if (id in schemas) throw new Error(`${id} names both a request and an answer schema in the OpenAPI document`);
    schemas[id] = schema;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Response Group service",
      version: "1",
      description:
        "Response Group configuration of Lync Server 2013 and Skype for Business Server pools: agent groups, queues, hours of business, holiday sets, workflows and the service settings of each pool.",
      license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
    },
    servers: [{ url: "/", description: "The service that serves this document." }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A token of role reader, operator or admin." } },
    },
  };
}

function operationJson(route: AnyRoute, operation: Operation, perKind: boolean, input: Components, output: Components): Json {
  const parameters = [
    ...parametersOf(route.params, "path", perKind ? ["kind"] : []),
    ...parametersOf(route.query, "query"),
    ...parametersOf(route.headers, "header"),
  ];
  const responses: Record<string, Json> = {};
  for (const [status, r] of Object.entries(operation.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([name, h]) => [name, { description: h.description, schema: plain(h.schema) }])) } : {}),
      ...(r.body ? { content: { "application/json": { schema: output.ref(r.body) } } } : {}),
      ...(r.raw ? { content: binaryContent(r.raw) } : {}),
    };
  }
  for (const [status, codes] of errorsOf(route, operation)) {
    responses[status] = {
      description: `${STATUS_CODES[status]}: ${codes.join(", ")}.`,
      ...(status === 429 || status === 503 ? { headers: { "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } } } : {}),
      content: { "application/json": { schema: output.ref(ERROR) } },
    };
  }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(route.access === "public" ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.requestBody ? { requestBody: requestBodyJson(operation.requestBody, input) } : {}),
    responses,
  };
}

function requestBodyJson(body: Named | RawBody, input: Components): Json {
  if ("contentTypes" in body) return { required: true, description: body.description, content: binaryContent(body) };
  return { required: true, content: { "application/json": { schema: input.ref(body) } } };
}

function binaryContent(raw: RawBody): Json {
  return Object.fromEntries(raw.contentTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }]));
}

/** The error codes an operation may answer with, by status: its own, and those of its access and body. */
function errorsOf(route: AnyRoute, operation: Operation): [number, ServiceErrorCode[]][] {
  const codes = new Set<ServiceErrorCode>(route.errors);
  if (route.access !== "public") ["unauthorized", "rate_limited"].forEach((c) => codes.add(c as ServiceErrorCode));
  if (route.access === "operator" || route.access === "admin") codes.add("forbidden");
  if (operation.requestBody) ["validation_failed", "payload_too_large", "unsupported_media_type"].forEach((c) => codes.add(c as ServiceErrorCode));
  codes.add("internal");
  codes.add("unavailable");
  const byStatus = new Map<number, ServiceErrorCode[]>();
  for (const code of Object.keys(ERROR_STATUS) as ServiceErrorCode[]) {
    if (!codes.has(code)) continue;
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].sort(([a], [b]) => a - b);
}

function parametersOf(schema: z.ZodObject, where: "path" | "query" | "header", leaveOut: readonly string[] = []): Json[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([name]) => !leaveOut.includes(name))
    .map(([name, field]) => {
      const { description, ...json } = plain(field);
      return {
        name,
        in: where,
        required: where === "path" || !field.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: json,
      };
    });
}

/** A schema that names nothing, as OpenAPI 3.0 writes it; parameters are described as the service reads them. */
function plain(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { ...TARGET, io: "output" }) as Json;
}
