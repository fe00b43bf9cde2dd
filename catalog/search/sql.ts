import type { SQLInputValue } from 'node:sqlite';

/** A piece of SQL text and its `?` parameters, in order. Rule values only ever enter SQL as parameters. */
export class Sql {
  readonly text: string;
  readonly params: readonly SQLInputValue[];

  constructor(text: string, params: readonly SQLInputValue[] = []) {
    this.text = text;
    this.params = params;
  }
}

/** Tagged template: an interpolated `Sql` is spliced in, any other value becomes a `?` parameter. */
export function sql(strings: TemplateStringsArray, ...values: readonly (Sql | SQLInputValue)[]): Sql {
  let text = strings[0]!;
  const params: SQLInputValue[] = [];
  values.forEach((value, index) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1]!;
  });
  return new Sql(text, params);
}

export const TRUE = new Sql('1');
export const FALSE = new Sql('0');

/**
 * The values as rows of a subquery, for `IN (...)` and `EXISTS (...)`: one JSON parameter however many values
 * there are, so a long list never meets SQLite's limit on parameters (32,766) and is read into a lookup once.
 */
export function list(values: readonly (string | number)[]): Sql {
  return sql`SELECT value FROM json_each(${JSON.stringify(values)})`;
}

/**
 * Logical negation that treats NULL (unknown, e.g. a missing property) as false, so a negated operator matches
 * exactly the rows its positive form does not.
 */
export function not(predicate: Sql): Sql {
  return sql`NOT IFNULL(${predicate}, 0)`;
}

/**
 * Joins predicates with AND/OR as a balanced tree: SQLite refuses expressions deeper than 1000, which a flat chain
 * of a thousand rules would reach.
 */
export function combine(predicates: readonly Sql[], operator: 'AND' | 'OR'): Sql {
  if (predicates.length === 0) return operator === 'AND' ? TRUE : FALSE;
  if (predicates.length === 1) return predicates[0]!;
  const middle = Math.ceil(predicates.length / 2);
  const left = combine(predicates.slice(0, middle), operator);
  const right = combine(predicates.slice(middle), operator);
  return sql`(${left} ${new Sql(operator)} ${right})`;
}

/** Pieces joined by a fixed SQL separator. */
export function join(pieces: readonly Sql[], separator: string): Sql {
  return new Sql(
    pieces.map((piece) => piece.text).join(separator),
    pieces.flatMap((piece) => piece.params),
  );
}
