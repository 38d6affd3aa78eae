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
export { audioRefused, keptAudioIn, newParams, idOf, poolOf, KeptAudio, type Mapping, type Properties, type WriteContext } from "./values";
