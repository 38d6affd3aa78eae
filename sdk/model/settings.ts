/**
 * Service settings (Get-/Set-CsRgsConfiguration): one per pool.
 */
import { z } from "zod";

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
  })
  .describe("Application-level Response Group settings of a pool.");

export type SettingsArgs = z.input<typeof SettingsSchema>;
export type SettingsBody = z.output<typeof SettingsSchema>;
