/**
 * The domain: the Response Group object model, the Backend interface, its HTTP client, and errors.
 * Nothing here imports Pulumi or the service.
 */
export * from "./model/index";
export * from "./errors";
export * from "./backend";
export * from "./http-client";
export * from "./json";
export * from "./views";
