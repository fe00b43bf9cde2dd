/**
 * Checks entities against their blueprint. Compile once per blueprint version (callers cache the validator);
 * validate() is then a loop over the entity's keys with precompiled checks, no allocation on the valid path.
 * The first problem throws schemaMismatch (422 blueprint_schema_mismatch) naming the property or relation.
 */
import { schemaMismatch } from '../errors.ts';
import type { RelationValue } from '../model.ts';
import type { BlueprintDefinition } from './blueprint-definition.ts';
import { describeNames, describeValue } from './describe.ts';
import { entityIdentifierProblem } from './identifiers.ts';
import { compileValueCheck, type ValueCheck } from './value-check.ts';

export interface EntityToValidate {
  properties: Record<string, unknown>;
  relations: Record<string, RelationValue>;
  team: string[];
}

export interface EntityValidator {
  /** Throws schemaMismatch on the first problem. Apply defaults first: a defaulted property counts as given. */
  validate(entity: EntityToValidate): void;
  /** A copy of `properties` with the blueprint's default for each property that is absent (undefined). */
  applyDefaults(properties: Record<string, unknown>): Record<string, unknown>;
}

export function compileEntityValidator(blueprint: BlueprintDefinition): EntityValidator {
  const { properties, required } = blueprint.schema;
  const checks = new Map<string, ValueCheck>();
  for (const [name, definition] of Object.entries(properties)) checks.set(name, compileValueCheck(definition));
  const relations = new Map(Object.entries(blueprint.relations));
  const requiredRelations = [...relations].filter(([, relation]) => relation.required).map(([name]) => name);
  const defaults = Object.entries(properties)
    .filter(([, definition]) => definition.default !== undefined)
    .map(([name, definition]) => [name, definition.default] as const);
  const definedProperties = describeNames([...checks.keys()]);
  const definedRelations = describeNames([...relations.keys()]);

  function propertyProblem(values: Record<string, unknown>): string | undefined {
    for (const name in values) {
      const check = checks.get(name);
      if (!check) {
        return `property "${name}" is not defined on blueprint "${blueprint.identifier}" (defined: ${definedProperties})`;
      }
      const value = values[name];
      // null means "unset" for any property; whether it may be unset is the required check's business.
      if (value === null || value === undefined) continue;
      const problem = check(value);
      if (problem) return `property "${name}${problem.path}" ${problem.problem}`;
    }
    for (const name of required) {
      if (values[name] === undefined || values[name] === null) return `property "${name}" is required`;
    }
    return undefined;
  }

  function relationProblem(values: Record<string, RelationValue>): string | undefined {
    for (const name in values) {
      const relation = relations.get(name);
      if (!relation) {
        return `relation "${name}" is not defined on blueprint "${blueprint.identifier}" (defined: ${definedRelations})`;
      }
      const value: unknown = values[name];
      if (value === null || value === undefined) continue;
      if (relation.many) {
        if (!Array.isArray(value)) {
          return `relation "${name}" is a many relation and takes an array of entity identifiers (got ${describeValue(value)})`;
        }
        for (let index = 0; index < value.length; index++) {
          const problem = entityIdentifierProblem(value[index]);
          if (problem) return `relation "${name}[${index}]": entity identifier ${problem}`;
        }
      } else {
        if (typeof value !== 'string') {
          return `relation "${name}" takes one entity identifier as a string (got ${describeValue(value)})`;
        }
        const problem = entityIdentifierProblem(value);
        if (problem) return `relation "${name}": entity identifier ${problem}`;
      }
    }
    for (const name of requiredRelations) {
      const value = values[name];
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
        return `relation "${name}" is required`;
      }
    }
    return undefined;
  }

  function teamProblem(team: string[]): string | undefined {
    for (let index = 0; index < team.length; index++) {
      const name: unknown = team[index];
      if (typeof name !== 'string' || name.length === 0) {
        return `team[${index}] must be a team name (got ${describeValue(name)})`;
      }
    }
    return undefined;
  }

  return {
    validate(entity) {
      const problem =
        propertyProblem(entity.properties) ?? relationProblem(entity.relations) ?? teamProblem(entity.team);
      if (problem !== undefined) throw schemaMismatch(problem);
    },
    applyDefaults(values) {
      const result = { ...values };
      for (const [name, value] of defaults) {
        // Objects and arrays are copied so that no entity shares (and could change) the blueprint's default.
        if (result[name] === undefined) result[name] = typeof value === 'object' ? structuredClone(value) : value;
      }
      return result;
    },
  };
}
