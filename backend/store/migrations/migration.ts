/**
 * Numbered schema changes, one list per dialect (sqlite.ts, postgres.ts). A database records the
 * highest it has applied; opening it applies the ones after, in order, in one transaction, and
 * refuses a database at a version this code has no migration for.
 */
import { KIND_NAMES } from "../../../sdk/model/kind";
import { SchemaTooNew } from "../store";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * `CHECK (<column> IN ('agent-groups', …))` from the kind registry. A migration's text is fixed
 * once databases have applied it: a new kind needs a migration that widens the check on existing
 * databases (test/store/migrations.test.ts compares a migrated database with a new one).
 */
export function kindCheck(column: string): string {
  return `CHECK (${column} IN (${KIND_NAMES.map((k) => `'${k}'`).join(",")}))`;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations[migrations.length - 1].version;
}

/** The migrations a database at `current` lacks; a database ahead of this code is refused. */
export function pending(migrations: readonly Migration[], current: number, database: string): readonly Migration[] {
  const latest = latestVersion(migrations);
  if (current > latest) throw new SchemaTooNew(database, current, latest);
  return migrations.filter((m) => m.version > current);
}
