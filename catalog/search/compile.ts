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
}

/** Turns a validated query into a WHERE condition. Pure: reads nothing but the query and `now`. */
export function compileSearchQuery(query: SearchQuery, options: CompileOptions = {}): CompiledSearch {
  const condition = compileQuery(query, options.now ?? new Date());
  return { where: condition.text, params: [...condition.params] };
}

function compileQuery(query: SearchQuery, now: Date): Sql {
  // Rules are optional filters: with none, whatever the combinator, everything matches.
  if (query.rules.length === 0) return TRUE;
  const conditions = query.rules.map((rule) => compileRule(rule, now));
  return combine(conditions, query.combinator === 'and' ? 'AND' : 'OR');
}

function compileRule(rule: SearchRule, now: Date): Sql {
  if ('combinator' in rule) return compileQuery(rule, now);
  if (rule.operator === 'relatedTo') return relatedTo(rule);
  if ('relation' in rule) return relationRule(rule, now);
  return propertyRule(rule, now);
}

function propertyRule(rule: PropertyRule, now: Date): Sql {
  const { positive, negated } = splitNegation(rule.operator);
  const condition = matches(fieldOf(rule.property), positive, 'value' in rule ? rule.value : undefined, now);
  return negated ? not(condition) : condition;
}
