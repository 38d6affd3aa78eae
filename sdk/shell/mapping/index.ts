/**
 * The mapping of every kind, by kind.
 */
import type { KindBodies } from "../../model/index";
import type { KindName } from "../../model/kind";
import { agentGroupMapping } from "./agent-group";
import { holidaySetMapping } from "./holiday-set";
import { hoursOfBusinessMapping } from "./hours-of-business";
import { queueMapping } from "./queue";
import type { Mapping } from "./values";
import { workflowMapping } from "./workflow";

export const MAPPINGS: { readonly [K in KindName]: Mapping<KindBodies[K]> } = {
  "agent-groups": agentGroupMapping,
  queues: queueMapping,
  "hours-of-business": hoursOfBusinessMapping,
  "holiday-sets": holidaySetMapping,
  workflows: workflowMapping,
};

export { settingsMapping } from "./settings";
export { AudioMark, audioMarksIn, importName, newParams, idOf, poolOf, type Mapping, type Properties, type ReadContext, type WriteContext } from "./values";
