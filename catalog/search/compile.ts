import type { SQLInputValue } from 'node:sqlite';
import { fieldOf } from './fields.ts';
import { matches, splitNegation } from './predicates.ts';
import { relatedTo, relationRule } from './relations.ts';
import type { PropertyRule, SearchQuery, SearchRule } from './schema.ts';
import { Sql, TRUE, combine, not } from './sql.ts';

export interface CompileOptions {
  /** The instant date presets (`today`, `lastWeek` ...) are relative to; defaults to the current time. */
  now?: Date;
}

export interface CompiledSearch {
  /** A boolean SQL expression over the entity row aliased `e`, with `?` placeholders. */
  where: string;
  params: SQLInputValue[];
  /** Blueprint property keys the query compares with an operator an index answers (=, in, <, between...). */
  comparedProperties: string[];
}

/** Operators whose rule on a property an index on it can answer; text matching and negations read every row. */
const INDEXED_OPERATORS = new Set(['=', 'in', '>', '>=', '<', '<=', 'between']);

/** Turns a validated query into a WHERE condition. Pure: reads nothing but the query and `now`. */
export function compileSearchQuery(query: SearchQuery, options: CompileOptions = {}): CompiledSearch {
  const compared = new Set<string>();
  const condition = compileQuery(query, options.now ?? new Date(), compared);
  return { where: condition.text, params: [...condition.params], comparedProperties: [...compared] };
}

function compileQuery(query: SearchQuery, now: Date, compared: Set<string>): Sql {
  // Rules are optional filters: with none, whatever the combinator, everything matches.
  if (query.rules.length === 0) return TRUE;
  const conditions = query.rules.map((rule) => compileRule(rule, now, compared));
  return combine(conditions, query.combinator === 'and' ? 'AND' : 'OR');
}

function compileRule(rule: SearchRule, now: Date, compared: Set<string>): Sql {
  if ('combinator' in rule) return compileQuery(rule, now, compared);
  if (rule.operator === 'relatedTo') return relatedTo(rule);
  if ('relation' in rule) return relationRule(rule, now);
  if (!rule.property.startsWith('$') && INDEXED_OPERATORS.has(rule.operator)) compared.add(rule.property);
  return propertyRule(rule, now);
}

function propertyRule(rule: PropertyRule, now: Date): Sql {
  const { positive, negated } = splitNegation(rule.operator);
  const condition = matches(fieldOf(rule.property), positive, 'value' in rule ? rule.value : undefined, now);
  return negated ? not(condition) : condition;
}
