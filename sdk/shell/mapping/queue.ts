/**
 * Queue ↔ New-/Set-CsRgsQueue properties; timeout and overflow actions built with New-CsRgsCallAction.
 */
import { OVERFLOW_CANDIDATES, type QueueBody } from "../../model/queue";
import { callActionValue, enumOf, identities, idOf, list, nullableInt, nullableStr, readCallAction, str, type Mapping } from "./values";

export const queueMapping: Mapping<QueueBody> = {
  properties: (q, ctx) => ({
    Name: q.name,
    Description: q.description,
    AgentGroupIDList: identities(ctx.pool, q.agentGroupIds),
    TimeoutThreshold: q.timeoutThreshold,
    TimeoutAction: callActionValue(q.timeoutAction, ctx, "timeoutAction"),
    OverflowThreshold: q.overflowThreshold,
    OverflowCandidate: q.overflowCandidate,
    OverflowAction: callActionValue(q.overflowAction, ctx, "overflowAction"),
  }),
  body: (p, ctx) => ({
    name: str(p.Name),
    description: nullableStr(p.Description),
    agentGroupIds: list(p.AgentGroupIDList).map(idOf),
    timeoutThreshold: nullableInt(p.TimeoutThreshold),
    timeoutAction: readCallAction(p.TimeoutAction, "timeoutAction", ctx) as QueueBody["timeoutAction"],
    overflowThreshold: nullableInt(p.OverflowThreshold),
    overflowCandidate: enumOf(OVERFLOW_CANDIDATES, p.OverflowCandidate, "NewestCall"),
    overflowAction: readCallAction(p.OverflowAction, "overflowAction", ctx) as QueueBody["overflowAction"],
  }),
};
