/** GET /v1/openapi.json: this contract as an OpenAPI 3.0 document. */
import { z } from "zod";
import { defineRoute } from "./route";

const OpenApiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .describe("An OpenAPI 3.0 document.");

export const openApiDocument = defineRoute({
  method: "GET",
  path: "/v1/openapi.json",
  access: "reader",
  errors: [],
  operation: {
    operationId: "getOpenApiDocument",
    summary: "This service's OpenAPI document",
    responses: { 200: { description: "The document.", body: { id: "OpenApiDocument", schema: OpenApiDocument } } },
  },
  async handle(_input, _reply, { openApi }) {
    return openApi();
  },
});
