/**
 * Rules that follow relation edges, read from `entity_relations` (one row per edge, indexed both ways).
 */
import type { Field } from './fields.ts';
import { matches, splitNegation } from './predicates.ts';
import type { RelatedToRule, RelationRule } from './schema.ts';
import { FALSE, Sql, TRUE, join, list, not, sql } from './sql.ts';

/**
 * `{relation, operator, value}`: the value is compared with each related entity's identifier (or title, with
 * `targetProperty: "$title"`); the rule holds when some related entity matches, and a negated operator holds when
 * none does. `isEmpty` holds when the relation points nowhere.
 */
export function relationRule(rule: RelationRule, now: Date): Sql {
  const byTitle = rule.targetProperty === '$title';
  const target: Field = { kind: 'column', value: byTitle ? sql`t.title` : sql`r.target_identifier` };
  const joinTarget = byTitle
    ? sql`JOIN entities t ON t.blueprint = r.target_blueprint AND t.identifier = r.target_identifier`
    : sql``;
  const someRelated = (condition: Sql): Sql =>
    sql`EXISTS (SELECT 1 FROM entity_relations r ${joinTarget} WHERE r.blueprint = e.blueprint AND r.identifier = e.identifier AND r.relation = ${rule.relation} AND ${condition})`;

  const { positive, negated } = splitNegation(rule.operator);
  const condition =
    positive === 'isEmpty'
      ? not(someRelated(TRUE))
      : someRelated(matches(target, positive, 'value' in rule ? rule.value : undefined, now));
  return negated ? not(condition) : condition;
}

/**
 * `relatedTo`, as Port documents it: `upstream` finds the entities the given ones depend on (following relations
 * forward), `downstream` the entities that depend on them (following relations backward), and no direction both.
 * The walk is transitive but never turns around, like the entity page's related entities ("all related entities
 * in the same direction ... Indirectly-related entities will not appear"), which the docs say relatedTo returns.
 * `required` keeps only edges whose relation is defined with that `required` flag.
 */
export function relatedTo(rule: RelatedToRule): Sql {
  const seeds = typeof rule.value === 'string' ? [rule.value] : rule.value;
  if (seeds.length === 0) return FALSE;
  const edgeFilter = rule.required === undefined ? TRUE : requiredIs(rule.required);
  const directions = rule.direction ? [rule.direction] : (['upstream', 'downstream'] as const);
  const walks = directions.map((direction) => walk(direction, rule.blueprint, seeds, edgeFilter));
  const definitions = join(
    walks.map((w) => w.definition),
    ', ',
  );
  const reached = join(
    walks.map((w) => w.reached),
    ' UNION ',
  );
  return sql`(e.blueprint, e.identifier) IN (WITH RECURSIVE ${definitions} ${reached})`;
}

/** The columns of an edge at the end a walk comes from (`near`) and the end it goes to (`far`). Fixed SQL. */
const EDGE_ENDS = {
  upstream: { near: ['r.blueprint', 'r.identifier'], far: ['r.target_blueprint', 'r.target_identifier'] },
  downstream: { near: ['r.target_blueprint', 'r.target_identifier'], far: ['r.blueprint', 'r.identifier'] },
} as const;

/**
 * A recursive CTE named after the direction, holding (seed, blueprint, identifier) for every entity reached from a
 * seed. UNION drops repeats, so cycles end the walk; remembering the seed lets a cycle back to a seed be dropped
 * (an entity is not related to itself) while another seed reached from the first still counts.
 */
function walk(
  direction: keyof typeof EDGE_ENDS,
  blueprint: string,
  seeds: readonly string[],
  edgeFilter: Sql,
): { definition: Sql; reached: Sql } {
  const [nearBlueprint, nearIdentifier] = EDGE_ENDS[direction].near.map((column) => new Sql(column));
  const [farBlueprint, farIdentifier] = EDGE_ENDS[direction].far.map((column) => new Sql(column));
  const name = new Sql(direction);
  const definition = sql`${name}(seed, blueprint, identifier) AS (
    SELECT ${nearIdentifier!}, ${farBlueprint!}, ${farIdentifier!} FROM entity_relations r
      WHERE ${nearBlueprint!} = ${blueprint} AND ${nearIdentifier!} IN (${list(seeds)}) AND ${edgeFilter}
    UNION
    SELECT w.seed, ${farBlueprint!}, ${farIdentifier!} FROM ${name} w
      JOIN entity_relations r ON ${nearBlueprint!} = w.blueprint AND ${nearIdentifier!} = w.identifier
      WHERE ${edgeFilter})`;
  const reached = sql`SELECT blueprint, identifier FROM ${name} WHERE NOT (blueprint = ${blueprint} AND identifier = seed)`;
  return { definition, reached };
}

/** The edge's relation, as defined on its source blueprint (`blueprints.data`), has `required` equal to `flag`. */
function requiredIs(flag: boolean): Sql {
  return sql`IFNULL((SELECT json_extract(b.data, '$.relations.' || json_quote(r.relation) || '.required') FROM blueprints b WHERE b.identifier = r.blueprint), 0) = ${flag ? 1 : 0}`;
}
