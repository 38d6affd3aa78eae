/**
 * Service settings ↔ Set-CsRgsConfiguration's properties; DefaultMusicOnHoldFile is an AudioFile
 * of Import-CsRgsAudioFile (PS:Set-CsRgsConfiguration).
 */
import type { SettingsBody } from "../../model/settings";
import { audioValue, bool, readAudio, type Mapping } from "./values";

export const settingsMapping: Mapping<SettingsBody> = {
  properties: (s, ctx) => ({
    AgentRingbackGracePeriod: s.agentRingbackGracePeriod,
    DisableCallContext: s.disableCallContext,
    DefaultMusicOnHoldFile: audioValue(s.defaultMusicOnHoldFileId, ctx, "defaultMusicOnHoldFileId"),
  }),
  body: (p, ctx) => ({
    agentRingbackGracePeriod: Number(p.AgentRingbackGracePeriod ?? 60),
    disableCallContext: bool(p.DisableCallContext),
    defaultMusicOnHoldFileId: readAudio(p.DefaultMusicOnHoldFile, "defaultMusicOnHoldFileId", ctx),
  }),
};
