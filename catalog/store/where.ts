import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/**
 * The WHERE clause of a list query: each `[sql, value]` whose value is given (its `?` bound to it), and each of
 * `fixed` (no parameter), all ANDed; empty when there are none.
 */
export function whereOf(
  filters: ReadonlyArray<readonly [sql: string, value: SQLInputValue | undefined]>,
  fixed: readonly string[] = [],
): { where: string; params: SQLInputValue[] } {
  const given = filters.filter(([, value]) => value !== undefined);
  const conditions = [...given.map(([sql]) => sql), ...fixed];
  return {
    where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
    params: given.map(([, value]) => value!),
  };
}

/** Statements prepared once per SQL text: list queries come in a few dozen shapes, each asked again and again. */
export class StatementCache {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  get(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
