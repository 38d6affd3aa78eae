/**
 * pulumi-rgs: Response Group configuration as Pulumi resources.
 *
 * `import * as rgs from "pulumi-rgs"` gives AgentGroup, Queue, HoursOfBusiness, HolidaySet, Workflow, AudioFile and ServiceSettings.
 */
export * from "./agent-group";
export * from "./queue";
export * from "./hours-of-business";
export * from "./holiday-set";
export * from "./workflow";
export * from "./audio-file";
export * from "./service-settings";
export type { ArgsOf, CommonArgs, Inputs, OutputsOf } from "./dynamic";
