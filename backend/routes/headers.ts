/** Headers the service answers with, as the OpenAPI document describes them. */
import { z } from "zod";

export const ETAG_HEADER = {
  description: 'The version of what was answered, quoted ("v3"); send it back in If-Match to change it.',
  schema: z.string(),
};

export const LOCATION_HEADER = {
  description: "The path of the object made: /v1/pools/{pool}/{kind}/{id}.",
  schema: z.string(),
};

export const REPLAYED_HEADER = {
  description: "true when the answer is the stored answer of an earlier create with the same Idempotency-Key.",
  schema: z.literal("true"),
};
