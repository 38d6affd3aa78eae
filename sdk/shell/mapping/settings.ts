/**
 * Service settings ↔ Set-CsRgsConfiguration's per-property parameters (its Direct parameter set).
 */
import type { SettingsBody } from "../../model/settings";
import { bool, type Mapping } from "./values";

export const settingsMapping: Mapping<SettingsBody> = {
  properties: (s) => ({ AgentRingbackGracePeriod: s.agentRingbackGracePeriod, DisableCallContext: s.disableCallContext }),
  body: (p) => ({
    agentRingbackGracePeriod: Number(p.AgentRingbackGracePeriod ?? 60),
    disableCallContext: bool(p.DisableCallContext),
  }),
};
