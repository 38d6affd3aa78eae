/**
 * The HTTP face of the Response Group service (contract: api.md). `buildApp` composes the plugins
 * (plugins/) and the routes (routes/) without listening.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { TokenEntry } from "./auth";
import type { Configuration } from "./configuration";
import { buildOpenApi } from "./openapi";
import { registerAuth, type AuthFailureLimit } from "./plugins/auth";
import { registerDrain } from "./plugins/drain";
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH, registerErrors } from "./plugins/errors";
import { registerRequestLog, stdoutLog, type Log } from "./plugins/logging";
import { registerRateLimit, type RateLimit } from "./plugins/rate-limit";
import { ROUTES } from "./routes/index";
import { registerRoute, type RouteContext } from "./routes/route";
import { ResponseGroupService } from "./service";
import type { Store } from "./store/store";

export type { RateLimit } from "./plugins/rate-limit";
export { stdoutLog, type Log, type LogEntry, type StdoutLog } from "./plugins/logging";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

interface CommonOptions {
  tokens: readonly TokenEntry[];
  /** Receives one structured entry per request and per unexpected error; default: JSON lines on stdout. */
  log?: Log;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  rateLimit?: RateLimit;
  /** Failed authentications an address may make before it is refused for a while; default 20 in 60 s. */
  authFailureLimit?: AuthFailureLimit;
}

/** The app over whatever holds the configuration, or over a store through the Response Group service. */
export type AppOptions = CommonOptions &
  (
    | { configuration: Configuration; store?: never; clock?: never }
    | { store: Store; configuration?: never; /** The service's clock (idempotency keys expire by it). */ clock?: () => Date }
  );

export interface RgsApp {
  fastify: FastifyInstance;
  configuration: Configuration;
  /** The same as `configuration`. */
  service: Configuration;
  /**
   * Refuses new requests with 503, lets those in flight finish, then stops listening. Connections
   * still open after `timeoutMs` (a client that never finishes its request) are cut.
   */
  drain(timeoutMs?: number): Promise<void>;
}

/** Fastify's options for this service; the benchmark serves its HTTP floor with the same. */
export function serverOptions(bodyLimit = DEFAULT_BODY_LIMIT): FastifyServerOptions {
  return {
    logger: false,
    bodyLimit,
    genReqId: () => randomUUID(),
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: false,
    forceCloseConnections: false,
    // A pool FQDN may be 253 characters; the router's default limit of 100 would refuse it.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  };
}

export function buildApp(options: AppOptions): RgsApp {
  const log = options.log ?? stdoutLog();
  const configuration = options.configuration ?? new ResponseGroupService(options.store, options.clock);

  const app = Fastify({
    ...serverOptions(options.bodyLimit),
    frameworkErrors: frameworkErrors(log),
    clientErrorHandler: clientErrorHandler(log),
  });
  // Fastify also parses text/plain by default; the contract takes JSON only (anything else is 415).
  app.removeContentTypeParser("text/plain");

  registerErrors(app, log);
  // The order of the hooks: a draining service refuses first, then the caller is known, then counted.
  const drain = registerDrain(app);
  registerAuth(app, options.tokens, options.authFailureLimit);
  if (options.rateLimit) registerRateLimit(app, options.rateLimit);
  registerRequestLog(app, log);

  let document: Record<string, unknown> | undefined;
  const context: RouteContext = {
    configuration,
    openApi: () => (document ??= buildOpenApi(ROUTES)),
  };
  for (const route of ROUTES) registerRoute(app, route, context);

  return { fastify: app, configuration, service: configuration, drain };
}
