/**
 * Service settings (Get-/Set-CsRgsConfiguration): one per pool.
 */
import { z } from "zod";
import type { AudioUse } from "./audio-file";
import { ObjectId } from "./common";

export const SettingsSchema = z
  .strictObject({
    agentRingbackGracePeriod: z
      .int({ error: "must be a whole number of seconds" })
      .min(30, { error: "must be from 30 to 600 seconds" })
      .max(600, { error: "must be from 30 to 600 seconds" })
      .default(60)
      .describe("Seconds after an agent declines a call during which it is not offered to that agent again, 30 to 600."),
    disableCallContext: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("true hides the call context (wait time, IVR answers) from agents."),
    defaultMusicOnHoldFileId: ObjectId.nullable()
      .default(null)
      .describe("An audio file of the pool played to waiting callers of workflows without music of their own; null plays the music installed with the server."),
  })
  .describe("Application-level Response Group settings of a pool.");

export type SettingsArgs = z.input<typeof SettingsSchema>;
export type SettingsBody = z.output<typeof SettingsSchema>;

/** The audio files the settings play. */
export function settingsAudioFiles(s: SettingsBody): AudioUse[] {
  return s.defaultMusicOnHoldFileId !== null ? [{ id: s.defaultMusicOnHoldFileId, path: "defaultMusicOnHoldFileId" }] : [];
}
