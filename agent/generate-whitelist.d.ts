/** cmdlet → parameter → type name, as the agent's whitelist holds it. */
export type Whitelist = Record<string, Record<string, string>>;

export function whitelistOf(catalog: unknown): Whitelist;
export function renderBlock(catalog: unknown, indent: string): string[];
export function rewrite(script: string, catalog: unknown): string;
export const SCRIPT: string;
export const CATALOG: string;
