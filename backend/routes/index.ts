/** Every route of the service, in the order the OpenAPI document lists them. */
import { healthz } from "./healthz";
import { createObject } from "./object-create";
import { deleteObject } from "./object-delete";
import { getObject } from "./object-get";
import { putObject } from "./object-put";
import { listObjects } from "./objects-list";
import { openApiDocument } from "./openapi";
import { putPool } from "./pool-put";
import { listPools } from "./pools-list";
import type { AnyRoute } from "./route";
import { getSettings } from "./settings-get";
import { putSettings } from "./settings-put";

export const ROUTES: readonly AnyRoute[] = [
  healthz,
  openApiDocument,
  listPools,
  putPool,
  getSettings,
  putSettings,
  listObjects,
  createObject,
  getObject,
  putObject,
  deleteObject,
];
