/**
 * What each step costs in agent requests through the shell backend, counted by the cmdlet-level
 * fake agent's request log and by the backend's counters (bench/agent-requests.ts, which also
 * writes the benchmark's figures for 1,000 objects). Counts, not times: they do not depend on the
 * machine.
 */
import { describe, expect, it } from "vitest";
import { KIND_NAMES } from "../../sdk/model/kind";
import { countAgentRequests } from "../../bench/agent-requests";

/** One whole-kind list per kind, plus one request (the pools, for the cross-pool URI check). */
const LISTS = KIND_NAMES.length + 1;

describe.each([10, 100])("agent requests for %i objects in one pool", (n) => {
  it("a refresh costs one list per kind plus one at most; a create one write plus its name lookup; an update and a delete one each", async () => {
    const { steps } = await countAgentRequests(n);

    for (const s of Object.values(steps)) expect(s.backendRequests).toBe(s.requests);

    expect(steps.refresh.operations).toBe(n);
    expect(steps.refresh.requests).toBeLessThanOrEqual(LISTS);
    expect(steps.refresh.writes).toBe(0);

    expect(steps.create.operations).toBe(n);
    expect(steps.create.writes).toBe(n);
    // The name lookups of all the creates are answered from one list of each kind.
    expect(steps.create.reads).toBeLessThanOrEqual(LISTS);
    expect(steps.create.requests).toBeLessThanOrEqual(n + LISTS);

    expect(steps.update.operations).toBeGreaterThanOrEqual(3);
    expect(steps.update.writes).toBe(steps.update.operations);
    expect(steps.update.reads).toBeLessThanOrEqual(LISTS);

    expect(steps.delete.operations).toBe(n);
    expect(steps.delete.writes).toBe(n);
    expect(steps.delete.reads).toBeLessThanOrEqual(LISTS);
  }, 120_000);
});
