/**
 * The Response Group service: HTTP app, rules, auth and stores.
 */
export * from "./app";
export * from "./auth";
export * from "./service";
export * from "./store/store";
export * from "./store/sqlite";
