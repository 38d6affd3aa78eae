/**
 * pulumi-rgs: Response Group configuration as Pulumi resources.
 *
 * `import * as rgs from "pulumi-rgs"` gives AgentGroup, Queue, HoursOfBusiness, HolidaySet, Workflow and AudioFile.
 */
export * from "./agent-group";
export * from "./queue";
export * from "./hours-of-business";
export * from "./holiday-set";
export * from "./workflow";
export * from "./audio-file";
export type { ArgsOf, CommonArgs, Inputs, OutputsOf } from "./dynamic";
