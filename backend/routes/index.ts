/** Every route of the service, in the order the OpenAPI document lists them. */
import { deleteAudioFile } from "./audio-file-delete";
import { getAudioFileContent } from "./audio-file-content";
import { getAudioFile } from "./audio-file-get";
import { importAudioFile } from "./audio-file-import";
import { listAudioFiles } from "./audio-files-list";
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
  listAudioFiles,
  importAudioFile,
  getAudioFile,
  getAudioFileContent,
  deleteAudioFile,
  listObjects,
  createObject,
  getObject,
  putObject,
  deleteObject,
];
