/**
 * Call flows: the graph of a pool's objects, the simulation of a call, diagrams, policy warnings
 * and a semantic diff. Reads objects only; it never talks to a backend.
 */
export * from "./assumptions";
export * from "./describe";
export * from "./diagram";
export * from "./graph";
export * from "./labels";
export * from "./lint";
export * from "./pool";
export * from "./simulate";
export * from "./time";
export { CLDR_VERSION, WINDOWS_ZONES } from "./windows-zones";
