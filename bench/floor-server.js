#!/usr/bin/env node
// The HTTP floor of the benchmark: Fastify with the service's own server options (from the built
// dist/, as `rgs serve` runs from it) and one constant route; no auth, store or log. Started as
// `rgs serve` is, a plain Node process of its own with stdout to a file, so the two compare like
// with like; prints {"msg":"listening","address"} once it listens.
"use strict";
const Fastify = require("fastify");
const { serverOptions } = require("../dist/backend/app.js");

const FLOOR_PATH = process.argv[2] || "/bench/floor";

async function main() {
  const app = Fastify(serverOptions());
  app.get(FLOOR_PATH, async () => ({ ok: true }));
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(`${JSON.stringify({ msg: "listening", address })}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  process.stderr.write(`floor server: ${(e && e.stack) || String(e)}\n`);
  process.exit(1);
});
