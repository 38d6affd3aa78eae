/**
 * The OpenAPI document, generated from the same schemas the service validates with.
 */
import { z } from "zod";
import { ERROR_STATUS } from "../sdk/errors";
import { KINDS } from "../sdk/model/index";
import { SettingsSchema } from "../sdk/model/settings";
import { ServerFields } from "../sdk/model/common";

export function buildOpenApi(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const paths: Record<string, unknown> = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  const errors = (...statuses: number[]) =>
    Object.fromEntries(statuses.map((s) => [String(s), { description: codesFor(s), content: { "application/json": { schema: errorRef } } }]));
  const json = (schema: unknown) => ({ content: { "application/json": { schema } } });
  const poolParam = { name: "pool", in: "path", required: true, schema: { type: "string" }, description: "Front End pool FQDN" };
  const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

  for (const def of Object.values(KINDS)) {
    const name = def.typeName;
    schemas[`${name}Input`] = z.toJSONSchema(def.schema, { io: "input", unrepresentable: "any", target: "openapi-3.0" });
    schemas[name] = {
      allOf: [
        z.toJSONSchema(def.schema, { io: "output", unrepresentable: "any", target: "openapi-3.0" }),
        z.toJSONSchema(ServerFields, { target: "openapi-3.0" }),
      ],
    };
    const ref = { $ref: `#/components/schemas/${name}` };
    const input = { $ref: `#/components/schemas/${name}Input` };
    paths[`/v1/pools/{pool}/${def.kind}`] = {
      get: {
        summary: `List ${def.label}s (Get-${def.cmdlet})`,
        parameters: [
          poolParam,
          { name: "name", in: "query", schema: { type: "string" }, description: "Exact name, case-insensitive" },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
          { name: "cursor", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": json({ type: "object", properties: { items: { type: "array", items: ref }, nextCursor: { type: "string", nullable: true } } }),
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
      post: {
        summary: `Create a ${def.label} (New-${def.cmdlet})`,
        parameters: [poolParam, { name: "Idempotency-Key", in: "header", schema: { type: "string" } }],
        requestBody: { required: true, ...json(input) },
        responses: { "201": json(ref), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
      },
    };
    paths[`/v1/pools/{pool}/${def.kind}/{id}`] = {
      get: { summary: `Get a ${def.label}`, parameters: [poolParam, idParam], responses: { "200": json(ref), ...errors(401, 403, 404, 429, 503) } },
      put: {
        summary: `Replace a ${def.label} (Set-${def.cmdlet})`,
        parameters: [poolParam, idParam, { name: "If-Match", in: "header", required: true, schema: { type: "string" } }],
        requestBody: { required: true, ...json(input) },
        responses: { "200": json(ref), ...errors(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 503) },
      },
      delete: {
        summary: `Delete a ${def.label} (Remove-${def.cmdlet})`,
        parameters: [poolParam, idParam, { name: "If-Match", in: "header", schema: { type: "string" } }],
        responses: { "204": { description: "Deleted" }, ...errors(401, 403, 404, 409, 412, 429, 503) },
      },
    };
  }
  schemas.Settings = z.toJSONSchema(SettingsSchema, { io: "output", target: "openapi-3.0" });
  schemas.Error = {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message", "requestId"],
        properties: {
          code: { type: "string", enum: Object.keys(ERROR_STATUS) },
          message: { type: "string" },
          requestId: { type: "string" },
          details: {},
        },
      },
    },
  };
  paths["/v1/pools"] = { get: { summary: "List pools", responses: { "200": { description: "Pools" }, ...errors(401, 403) } } };
  paths["/v1/pools/{pool}"] = {
    put: { summary: "Provision a pool (admin)", parameters: [poolParam], responses: { "200": { description: "Exists" }, "201": { description: "Created" }, ...errors(400, 401, 403) } },
  };
  paths["/v1/pools/{pool}/settings"] = {
    get: { summary: "Get the pool's settings (Get-CsRgsConfiguration)", parameters: [poolParam], responses: { "200": json({ $ref: "#/components/schemas/Settings" }), ...errors(401, 403, 404) } },
    put: {
      summary: "Replace the pool's settings (Set-CsRgsConfiguration, admin)",
      parameters: [poolParam],
      requestBody: { required: true, ...json({ $ref: "#/components/schemas/Settings" }) },
      responses: { "200": json({ $ref: "#/components/schemas/Settings" }), ...errors(400, 401, 403, 404, 412) },
    },
  };
  paths["/healthz"] = { get: { summary: "200 when the store answers, 503 otherwise", security: [], responses: { "200": { description: "Healthy" }, "503": { description: "Store unreachable" } } } };
  return {
    openapi: "3.0.3",
    info: { title: "Response Group service", version: "1" },
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}

function codesFor(status: number): string {
  return Object.entries(ERROR_STATUS)
    .filter(([, s]) => s === status)
    .map(([c]) => c)
    .join(" / ");
}
