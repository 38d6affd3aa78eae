/**
 * The HTTP floor of the benchmark: Fastify with the service's own server options and one constant
 * route, no auth, store or log. Run as a process of its own, as `rgs serve` is, so the load
 * generator never shares its core; prints {"msg":"listening","address"} once it listens.
 */
import Fastify from "fastify";
import { serverOptions } from "../backend/app";

export const FLOOR_PATH = "/bench/floor";

async function main(): Promise<void> {
  const app = Fastify(serverOptions());
  app.get(FLOOR_PATH, async () => ({ ok: true }));
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(`${JSON.stringify({ msg: "listening", address })}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`floor server: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
