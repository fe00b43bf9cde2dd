import { beforeAll, describe, expect, it } from '@jest/globals';
import type { DatabaseSync } from 'node:sqlite';
import { insertBlueprints, insertEntities, openCatalog, rule, search } from './fixtures.ts';

/**
 * The graph of Port's relatedTo docs, one level deeper:
 *   deploymentConfig --microservice--> microservice --packages (many)--> package
 *   deploymentConfig --environment (required)--> environment
 * plus a team hierarchy whose `parent` self-relation loops back on itself.
 */
let db: DatabaseSync;

beforeAll(() => {
  db = openCatalog();
  insertBlueprints(db, {
    deploymentConfig: {
      microservice: { target: 'microservice', required: false, many: false },
      environment: { target: 'environment', required: true, many: false },
    },
    microservice: { packages: { target: 'package', required: false, many: true } },
    environment: {},
    package: {},
    team: { parent: { target: 'team', required: false, many: false } },
  });
  const deployment = (identifier: string, service: string, environment: string) => ({
    blueprint: 'deploymentConfig',
    identifier,
    relations: {
      microservice: { blueprint: 'microservice', value: service },
      environment: { blueprint: 'environment', value: environment },
    },
  });
  const service = (identifier: string, packages: string[]) => ({
    blueprint: 'microservice',
    identifier,
    relations: { packages: { blueprint: 'package', value: packages } },
  });
  insertEntities(db, [
    deployment('order-prod', 'order-svc', 'production'),
    deployment('cart-prod', 'cart-svc', 'production'),
    deployment('cart-staging', 'cart-svc', 'staging'),
    service('order-svc', ['left-pad', 'lodash']),
    service('cart-svc', ['lodash']),
    service('lonely-svc', []),
    { blueprint: 'environment', identifier: 'production', title: 'Production' },
    { blueprint: 'environment', identifier: 'staging', title: 'Staging' },
    { blueprint: 'package', identifier: 'left-pad' },
    { blueprint: 'package', identifier: 'lodash' },
    { blueprint: 'team', identifier: 'squad', relations: { parent: { blueprint: 'team', value: 'tribe' } } },
    { blueprint: 'team', identifier: 'tribe', relations: { parent: { blueprint: 'team', value: 'domain' } } },
    { blueprint: 'team', identifier: 'domain', relations: { parent: { blueprint: 'team', value: 'squad' } } },
  ]);
});

const relatedTo = (blueprint: string, value: string | string[], extra: Record<string, unknown> = {}) =>
  search(db, rule({ operator: 'relatedTo', blueprint, value, ...extra }));

describe('relatedTo', () => {
  it('upstream: what the entity depends on, transitively', () => {
    expect(relatedTo('deploymentConfig', 'order-prod', { direction: 'upstream' })).toEqual([
      'left-pad',
      'lodash',
      'order-svc',
      'production',
    ]);
  });

  it('downstream: what depends on the entity, transitively', () => {
    expect(relatedTo('environment', 'production', { direction: 'downstream' })).toEqual(['cart-prod', 'order-prod']);
    expect(relatedTo('package', 'lodash', { direction: 'downstream' })).toEqual([
      'cart-prod',
      'cart-staging',
      'cart-svc',
      'order-prod',
      'order-svc',
    ]);
  });

  it('without a direction: both, but never turning around midway', () => {
    // Not production/staging (up from a dependent) nor order-svc (down from a dependency).
    expect(relatedTo('microservice', 'cart-svc')).toEqual(['cart-prod', 'cart-staging', 'lodash']);
  });

  it('takes several identifiers', () => {
    expect(relatedTo('deploymentConfig', ['order-prod', 'cart-staging'], { direction: 'upstream' })).toEqual([
      'cart-svc',
      'left-pad',
      'lodash',
      'order-svc',
      'production',
      'staging',
    ]);
    expect(relatedTo('deploymentConfig', [], { direction: 'upstream' })).toEqual([]);
  });

  it('identifiers are looked up in the given blueprint only', () => {
    expect(relatedTo('package', 'order-prod', { direction: 'upstream' })).toEqual([]);
  });

  it('required keeps only edges of relations with that required flag', () => {
    expect(relatedTo('deploymentConfig', 'order-prod', { direction: 'upstream', required: true })).toEqual([
      'production',
    ]);
    expect(relatedTo('deploymentConfig', 'order-prod', { direction: 'upstream', required: false })).toEqual([
      'left-pad',
      'lodash',
      'order-svc',
    ]);
  });

  it('ends on cycles and does not relate an entity to itself', () => {
    expect(relatedTo('team', 'squad', { direction: 'upstream' })).toEqual(['domain', 'tribe']);
    expect(relatedTo('team', 'squad', { direction: 'downstream' })).toEqual(['domain', 'tribe']);
    // Each of the given entities is still related to the others.
    expect(relatedTo('team', ['squad', 'tribe'], { direction: 'upstream' })).toEqual(['domain', 'squad', 'tribe']);
  });

  it('combines with other rules', () => {
    expect(
      search(db, {
        combinator: 'and',
        rules: [
          { property: '$blueprint', operator: '=', value: 'deploymentConfig' },
          { operator: 'relatedTo', blueprint: 'package', value: 'lodash', direction: 'downstream' },
        ],
      }),
    ).toEqual(['cart-prod', 'cart-staging', 'order-prod']);
  });
});

describe('relation rules', () => {
  const inBlueprint = (blueprint: string, single: Record<string, unknown>) =>
    search(db, {
      combinator: 'and',
      rules: [{ property: '$blueprint', operator: '=', value: blueprint }, single],
    });

  it('compare the value with the related identifier', () => {
    expect(search(db, rule({ relation: 'environment', operator: '=', value: 'production' }))).toEqual([
      'cart-prod',
      'order-prod',
    ]);
    expect(search(db, rule({ relation: 'microservice', operator: 'beginsWith', value: 'cart' }))).toEqual([
      'cart-prod',
      'cart-staging',
    ]);
  });

  it('match a many relation when any related identifier matches', () => {
    expect(search(db, rule({ relation: 'packages', operator: '=', value: 'lodash' }))).toEqual([
      'cart-svc',
      'order-svc',
    ]);
    expect(search(db, rule({ relation: 'packages', operator: 'contains', value: 'pad' }))).toEqual(['order-svc']);
    expect(search(db, rule({ relation: 'packages', operator: 'in', value: ['left-pad', 'nope'] }))).toEqual([
      'order-svc',
    ]);
    expect(search(db, rule({ relation: 'packages', operator: 'containsAny', value: ['left', 'x'] }))).toEqual([
      'order-svc',
    ]);
  });

  it('negated operators hold when no related identifier matches', () => {
    expect(inBlueprint('deploymentConfig', { relation: 'environment', operator: '!=', value: 'production' })).toEqual([
      'cart-staging',
    ]);
    expect(inBlueprint('microservice', { relation: 'packages', operator: 'notIn', value: ['left-pad'] })).toEqual([
      'cart-svc',
      'lonely-svc',
    ]);
    expect(inBlueprint('microservice', { relation: 'packages', operator: 'doesNotContains', value: 'lodash' })).toEqual(
      ['lonely-svc'],
    );
  });

  it('isEmpty holds when the relation points nowhere', () => {
    expect(inBlueprint('microservice', { relation: 'packages', operator: 'isEmpty' })).toEqual(['lonely-svc']);
    expect(inBlueprint('microservice', { relation: 'packages', operator: 'isNotEmpty' })).toEqual([
      'cart-svc',
      'order-svc',
    ]);
  });

  it('targetProperty $title compares the related entity title', () => {
    expect(
      search(db, rule({ relation: 'environment', targetProperty: '$title', operator: '=', value: 'Production' })),
    ).toEqual(['cart-prod', 'order-prod']);
    expect(
      search(db, rule({ relation: 'environment', targetProperty: '$identifier', operator: '=', value: 'Production' })),
    ).toEqual([]);
  });
});
