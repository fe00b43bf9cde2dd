import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';

/**
 * The two search routes over HTTP, against the real server:
 *   POST /v1/entities/search                      {combinator, rules} (+ include/exclude query) -> {ok, entities}
 *   POST /v1/blueprints/{bp}/entities/search      {query, include, exclude, limit, from} -> {ok, entities, next}
 *
 * The catalog (13 entities, written once in beforeAll and never changed by a test except where noted):
 *
 *   team         payments "Payments", platform "Platform"
 *   environment  prod "Production", staging "Staging"
 *   service      (owner -> team, optional; dependsOn -> service, many)
 *     checkout    "Checkout"      team [payments]           typescript 8080 public  [web, critical]     2025-03-01T12:00:00.000Z
 *                                                           owner payments, dependsOn [ledger, auth], description "Takes payments"
 *     ledger      "Ledger"        team [payments]           go         9000 private [critical]          2024-11-15T08:30:00Z
 *                                                           owner payments
 *     auth        "Auth Service"  team [platform]           typescript  443 public  []                  2025-01-10T00:00:00+02:00
 *                                                           owner platform
 *     search-api  "Search API"    team [platform, payments] python     8000 private [web, internal]     (no releasedAt)
 *                                                           owner platform, dependsOn [auth]
 *     legacy      (no title)      team []                   (no language, port, public, tags, releasedAt, owner), description ""
 *   deployment   (service -> service, required; environment -> environment, optional), no titles
 *     checkout-prod     checkout, prod      replicas 3  deployedAt now - 2 days
 *     checkout-staging  checkout, staging   replicas 1  deployedAt now - 20 days
 *     ledger-prod       ledger, prod        replicas 2  deployedAt now + 3 days
 *     auth-prod         auth                (no replicas, no deployedAt)
 *
 * Teams, environments and services are created before `createdMid`, deployments after it; `legacy` gets icon "Box"
 * in an update after `updatedMark`.
 */

type Problem = { ok: false; error: string; message: string };
type Entity = {
  identifier: string;
  title: string | null;
  blueprint: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};
type SearchAll = { ok: true; entities: Entity[] };
type SearchPage = { ok: true; entities: Entity[]; next: string | null };
type Rule = Record<string, unknown>;

let catalog: TestCatalog;

const DAY_MS = 86_400_000;
const times = { start: '', createdMid: '', end: '', updatedMark: '' };

const ALL = [
  'auth',
  'auth-prod',
  'checkout',
  'checkout-prod',
  'checkout-staging',
  'ledger',
  'ledger-prod',
  'legacy',
  'payments',
  'platform',
  'prod',
  'search-api',
  'staging',
];
const SERVICES = ['auth', 'checkout', 'ledger', 'legacy', 'search-api'];
const DEPLOYMENTS = ['auth-prod', 'checkout-prod', 'checkout-staging', 'ledger-prod'];
const BEFORE_MID = ['auth', 'checkout', 'ledger', 'legacy', 'payments', 'platform', 'prod', 'search-api', 'staging'];

/** Every entity but the given ones, sorted: what a negated operator answers when its positive form answers `ids`. */
const allBut = (...ids: string[]): string[] => ALL.filter((id) => !ids.includes(id));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function create(blueprint: string, entity: Record<string, unknown>): Promise<void> {
  const response = await catalog.api('POST', `/v1/blueprints/${blueprint}/entities`, entity);
  if (response.status !== 201) throw new Error(`fixture entity refused: ${JSON.stringify(response.body)}`);
}

/** Builds the catalog described at the top of the file. */
async function buildFixture(): Promise<void> {
  const blueprints = [
    { identifier: 'team', title: 'Team', schema: { properties: {} } },
    { identifier: 'environment', title: 'Environment', schema: { properties: {} } },
    {
      identifier: 'service',
      title: 'Service',
      schema: {
        properties: {
          language: { type: 'string' },
          port: { type: 'number' },
          public: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string' } },
          releasedAt: { type: 'string', format: 'date-time' },
          description: { type: 'string' },
        },
        required: [],
      },
      relations: {
        owner: { title: 'Owner', target: 'team', required: false, many: false },
        dependsOn: { title: 'Depends on', target: 'service', required: false, many: true },
      },
    },
    {
      identifier: 'deployment',
      title: 'Deployment',
      schema: {
        properties: { replicas: { type: 'number' }, deployedAt: { type: 'string', format: 'date-time' } },
        required: [],
      },
      relations: {
        service: { title: 'Service', target: 'service', required: true, many: false },
        environment: { title: 'Environment', target: 'environment', required: false, many: false },
      },
    },
  ];
  for (const blueprint of blueprints) {
    const response = await catalog.api('POST', '/v1/blueprints', blueprint);
    if (response.status !== 201) throw new Error(`fixture blueprint refused: ${JSON.stringify(response.body)}`);
  }

  times.start = new Date().toISOString();
  await pause(5);
  await create('team', { identifier: 'payments', title: 'Payments' });
  await create('team', { identifier: 'platform', title: 'Platform' });
  await create('environment', { identifier: 'prod', title: 'Production' });
  await create('environment', { identifier: 'staging', title: 'Staging' });
  // Services that others depend on come first, so every relation target exists when it is written.
  await create('service', {
    identifier: 'ledger',
    title: 'Ledger',
    team: ['payments'],
    properties: { language: 'go', port: 9000, public: false, tags: ['critical'], releasedAt: '2024-11-15T08:30:00Z' },
    relations: { owner: 'payments' },
  });
  await create('service', {
    identifier: 'auth',
    title: 'Auth Service',
    team: 'platform',
    properties: {
      language: 'typescript',
      port: 443,
      public: true,
      tags: [],
      releasedAt: '2025-01-10T00:00:00+02:00',
    },
    relations: { owner: 'platform' },
  });
  await create('service', {
    identifier: 'checkout',
    title: 'Checkout',
    team: ['payments'],
    properties: {
      language: 'typescript',
      port: 8080,
      public: true,
      tags: ['web', 'critical'],
      releasedAt: '2025-03-01T12:00:00.000Z',
      description: 'Takes payments',
    },
    relations: { owner: 'payments', dependsOn: ['ledger', 'auth'] },
  });
  await create('service', {
    identifier: 'search-api',
    title: 'Search API',
    team: ['platform', 'payments'],
    properties: { language: 'python', port: 8000, public: false, tags: ['web', 'internal'] },
    relations: { owner: 'platform', dependsOn: ['auth'] },
  });
  await create('service', { identifier: 'legacy', properties: { description: '' } });
  await pause(5);
  times.createdMid = new Date().toISOString();
  await pause(5);

  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY_MS).toISOString();
  await create('deployment', {
    identifier: 'checkout-prod',
    properties: { replicas: 3, deployedAt: at(-2) },
    relations: { service: 'checkout', environment: 'prod' },
  });
  await create('deployment', {
    identifier: 'checkout-staging',
    properties: { replicas: 1, deployedAt: at(-20) },
    relations: { service: 'checkout', environment: 'staging' },
  });
  await create('deployment', {
    identifier: 'ledger-prod',
    properties: { replicas: 2, deployedAt: at(3) },
    relations: { service: 'ledger', environment: 'prod' },
  });
  await create('deployment', { identifier: 'auth-prod', relations: { service: 'auth' } });
  await pause(5);
  times.end = new Date().toISOString();

  // An update that changes updatedAt but not createdAt.
  await pause(5);
  times.updatedMark = new Date().toISOString();
  await pause(5);
  const patched = await catalog.api('PATCH', '/v1/blueprints/service/entities/legacy', { icon: 'Box' });
  if (patched.status !== 200) throw new Error(`fixture patch refused: ${JSON.stringify(patched.body)}`);
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  await buildFixture();
});
afterAll(async () => catalog.close());

/** POST /v1/entities/search with `{combinator, rules}`; the identifiers of the answer, sorted. */
async function search(rules: Rule[], combinator: 'and' | 'or' = 'and'): Promise<string[]> {
  const response = await catalog.api<SearchAll>('POST', '/v1/entities/search', { combinator, rules });
  if (response.status !== 200) throw new Error(`search failed: ${response.status} ${JSON.stringify(response.body)}`);
  expect(response.body.ok).toBe(true);
  return response.body.entities.map((entity) => entity.identifier).sort();
}

/** POST /v1/blueprints/{bp}/entities/search with the given body. */
const searchBlueprint = (blueprint: string, body: unknown) =>
  catalog.api<SearchPage>('POST', `/v1/blueprints/${blueprint}/entities/search`, body);

const rule = (property: string, operator: string, value?: unknown): Rule =>
  value === undefined ? { property, operator } : { property, operator, value };

describe('the fixture', () => {
  test('holds exactly the 13 entities the tests expect', async () => {
    expect(await search([])).toEqual(ALL);
  });
});

describe('property operators on POST /v1/entities/search', () => {
  const cases: [string, Rule, string[]][] = [
    // = and != : type-sensitive, case-sensitive; != includes entities without the property
    ['= string', rule('language', '=', 'typescript'), ['auth', 'checkout']],
    ['= string is case-sensitive', rule('language', '=', 'TypeScript'), []],
    ['= number', rule('port', '=', 443), ['auth']],
    ['= number does not match a numeric string', rule('port', '=', '443'), []],
    ['= true', rule('public', '=', true), ['auth', 'checkout']],
    ['= false', rule('public', '=', false), ['ledger', 'search-api']],
    ['= array: same elements in the same order', rule('tags', '=', ['web', 'critical']), ['checkout']],
    ['= array in another order', rule('tags', '=', ['critical', 'web']), []],
    ['= date-time compares instants', rule('releasedAt', '=', '2024-11-15T08:30:00.000Z'), ['ledger']],
    ['= date-time with an offset', rule('releasedAt', '=', '2025-01-09T22:00:00Z'), ['auth']],
    ['= null: missing values', rule('port', '=', null), allBut('auth', 'checkout', 'ledger', 'search-api')],
    ['!= string', rule('language', '!=', 'typescript'), allBut('auth', 'checkout')],
    ['!= true', rule('public', '!=', true), allBut('auth', 'checkout')],
    ['!= number', rule('port', '!=', 8080), allBut('checkout')],
    ['!= null: present values', rule('port', '!=', null), ['auth', 'checkout', 'ledger', 'search-api']],

    // ordering: numbers as numbers, strings as text, date-times as instants; missing values never match
    ['> number', rule('port', '>', 8000), ['checkout', 'ledger']],
    ['>= number', rule('port', '>=', 8000), ['checkout', 'ledger', 'search-api']],
    ['< number', rule('port', '<', 8000), ['auth']],
    ['<= number', rule('port', '<=', 443), ['auth']],
    ['> number (deployment replicas)', rule('replicas', '>', 1), ['checkout-prod', 'ledger-prod']],
    ['> string', rule('language', '>', 'python'), ['auth', 'checkout']],
    ['< string', rule('language', '<', 'python'), ['ledger']],
    ['> date-time', rule('releasedAt', '>', '2025-01-01T00:00:00Z'), ['auth', 'checkout']],
    ['< date-time at an equal instant', rule('releasedAt', '<', '2025-01-09T23:00:00+01:00'), ['ledger']],
    ['<= date-time at an equal instant', rule('releasedAt', '<=', '2025-01-09T23:00:00+01:00'), ['auth', 'ledger']],
    ['>= date-time', rule('releasedAt', '>=', '2025-03-01T12:00:00.000Z'), ['checkout']],

    // contains: substring of a string, member of an array
    ['contains substring', rule('language', 'contains', 'script'), ['auth', 'checkout']],
    ['contains one letter', rule('language', 'contains', 'o'), ['ledger', 'search-api']],
    ['contains array member', rule('tags', 'contains', 'web'), ['checkout', 'search-api']],
    ['contains is not substring on arrays', rule('tags', 'contains', 'crit'), []],
    ['doesNotContains substring', rule('language', 'doesNotContains', 'o'), allBut('ledger', 'search-api')],
    ['doesNotContains array member', rule('tags', 'doesNotContains', 'critical'), allBut('checkout', 'ledger')],

    // containsAny: any substring of a string, any member of an array
    [
      'containsAny on arrays',
      rule('tags', 'containsAny', ['internal', 'critical']),
      ['checkout', 'ledger', 'search-api'],
    ],
    ['containsAny on strings', rule('language', 'containsAny', ['py', 'g']), ['ledger', 'search-api']],
    ['containsAny with nothing matching', rule('tags', 'containsAny', ['mobile']), []],

    ['beginsWith', rule('language', 'beginsWith', 'py'), ['search-api']],
    ['beginsWith is case-sensitive', rule('language', 'beginsWith', 'Py'), []],
    ['doesNotBeginsWith', rule('language', 'doesNotBeginsWith', 'py'), allBut('search-api')],
    ['endsWith', rule('language', 'endsWith', 'script'), ['auth', 'checkout']],
    ['doesNotEndsWith', rule('language', 'doesNotEndsWith', 'script'), allBut('auth', 'checkout')],

    // in / notIn: one of the values; an array holding one of them
    ['in strings', rule('language', 'in', ['go', 'python']), ['ledger', 'search-api']],
    ['in numbers', rule('port', 'in', [443, 9000]), ['auth', 'ledger']],
    ['in on arrays', rule('tags', 'in', ['internal']), ['search-api']],
    ['notIn strings', rule('language', 'notIn', ['go', 'python']), allBut('ledger', 'search-api')],
    ['notIn numbers', rule('port', 'notIn', [443, 9000]), allBut('auth', 'ledger')],

    // isEmpty: missing, null, "", [] or {}
    ['isEmpty on an array', rule('tags', 'isEmpty'), allBut('checkout', 'ledger', 'search-api')],
    ['isEmpty on a string', rule('description', 'isEmpty'), allBut('checkout')],
    ['isNotEmpty on an array', rule('tags', 'isNotEmpty'), ['checkout', 'ledger', 'search-api']],
    ['isNotEmpty on a string', rule('description', 'isNotEmpty'), ['checkout']],
    ['isNotEmpty on a number', rule('replicas', 'isNotEmpty'), ['checkout-prod', 'checkout-staging', 'ledger-prod']],

    // between / notBetween: inclusive instants; notBetween includes missing values
    [
      'between {from, to}',
      rule('releasedAt', 'between', { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' }),
      ['auth', 'checkout'],
    ],
    [
      'between is inclusive at both ends, across offsets',
      rule('releasedAt', 'between', { from: '2025-01-10T00:00:00+02:00', to: '2025-01-09T22:00:00.000Z' }),
      ['auth'],
    ],
    [
      'notBetween {from, to}',
      rule('releasedAt', 'notBetween', { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' }),
      allBut('auth', 'checkout'),
    ],
    ['between lastWeek', rule('deployedAt', 'between', { preset: 'lastWeek' }), ['checkout-prod']],
    [
      'between lastMonth',
      rule('deployedAt', 'between', { preset: 'lastMonth' }),
      ['checkout-prod', 'checkout-staging'],
    ],
    ['between nextWeek', rule('deployedAt', 'between', { preset: 'nextWeek' }), ['ledger-prod']],
    ['between nextMonth on dates in the past', rule('releasedAt', 'between', { preset: 'nextMonth' }), []],
    ['notBetween lastWeek', rule('deployedAt', 'notBetween', { preset: 'lastWeek' }), allBut('checkout-prod')],
    [
      '= with a {from, to} window',
      rule('releasedAt', '=', { from: '2024-01-01T00:00:00Z', to: '2024-12-31T23:59:59Z' }),
      ['ledger'],
    ],
  ];

  test.each(cases)('%s', async (_name, single, expected) => {
    expect(await search([single])).toEqual(expected);
  });
});

describe('meta properties', () => {
  const cases: [string, Rule, string[]][] = [
    ['$identifier =', rule('$identifier', '=', 'ledger'), ['ledger']],
    [
      '$identifier beginsWith',
      rule('$identifier', 'beginsWith', 'checkout'),
      ['checkout', 'checkout-prod', 'checkout-staging'],
    ],
    ['$identifier endsWith', rule('$identifier', 'endsWith', '-prod'), ['auth-prod', 'checkout-prod', 'ledger-prod']],
    ['$identifier contains', rule('$identifier', 'contains', 'ta'), ['checkout-staging', 'staging']],
    ['$identifier in', rule('$identifier', 'in', ['prod', 'ghost', 'auth']), ['auth', 'prod']],
    ['$identifier notIn', rule('$identifier', 'notIn', ['prod', 'auth']), allBut('auth', 'prod')],
    ['$identifier <', rule('$identifier', '<', 'c'), ['auth', 'auth-prod']],
    ['$title =', rule('$title', '=', 'Production'), ['prod']],
    ['$title contains', rule('$title', 'contains', 'Service'), ['auth']],
    [
      '$title doesNotContains includes untitled',
      rule('$title', 'doesNotContains', 'a'),
      allBut('payments', 'platform', 'search-api', 'staging'),
    ],
    ['$title isEmpty', rule('$title', 'isEmpty'), [...DEPLOYMENTS, 'legacy'].sort()],
    ['$title isNotEmpty', rule('$title', 'isNotEmpty'), allBut(...DEPLOYMENTS, 'legacy')],
    ['$team in', rule('$team', 'in', ['platform']), ['auth', 'search-api']],
    ['$team contains is membership', rule('$team', 'contains', 'payments'), ['checkout', 'ledger', 'search-api']],
    ['$team contains a part of a name', rule('$team', 'contains', 'pay'), []],
    ['$team containsAny', rule('$team', 'containsAny', ['platform', 'nobody']), ['auth', 'search-api']],
    ['$team = array', rule('$team', '=', ['platform', 'payments']), ['search-api']],
    ['$team isEmpty', rule('$team', 'isEmpty'), allBut('auth', 'checkout', 'ledger', 'search-api')],
    ['$team notIn', rule('$team', 'notIn', ['payments']), allBut('checkout', 'ledger', 'search-api')],
    ['$title = null: untitled', rule('$title', '=', null), [...DEPLOYMENTS, 'legacy'].sort()],
    [
      '$title doesNotBeginsWith includes untitled',
      rule('$title', 'doesNotBeginsWith', 'S'),
      allBut('search-api', 'staging'),
    ],
    ['$icon', rule('$icon', '=', 'Box'), ['legacy']],
    ['$createdBy', rule('$createdBy', '=', 'test-client'), ALL],
    ['$updatedBy', rule('$updatedBy', '!=', 'test-client'), []],
    ['$blueprint =', rule('$blueprint', '=', 'deployment'), DEPLOYMENTS],
    ['$blueprint in', rule('$blueprint', 'in', ['team', 'environment']), ['payments', 'platform', 'prod', 'staging']],
    ['$blueprint !=', rule('$blueprint', '!=', 'service'), allBut(...SERVICES)],
  ];

  test.each(cases)('%s', async (_name, single, expected) => {
    expect(await search([single])).toEqual(expected);
  });

  test('$createdAt against times captured while the fixture was written', async () => {
    expect(await search([rule('$createdAt', '>', times.createdMid)])).toEqual(DEPLOYMENTS);
    expect(await search([rule('$createdAt', '<=', times.createdMid)])).toEqual(BEFORE_MID);
    expect(await search([rule('$createdAt', 'between', { from: times.start, to: times.createdMid })])).toEqual(
      BEFORE_MID,
    );
    expect(await search([rule('$createdAt', 'notBetween', { from: times.start, to: times.createdMid })])).toEqual(
      DEPLOYMENTS,
    );
    expect(await search([rule('$createdAt', 'between', { from: times.start, to: times.end })])).toEqual(ALL);
    expect(await search([rule('$createdAt', '<', times.start)])).toEqual([]);
    expect(await search([rule('$createdAt', '>=', times.updatedMark)])).toEqual([]);
  });

  test('$createdAt with a preset', async () => {
    expect(await search([rule('$createdAt', 'between', { preset: 'lastDay' })])).toEqual(ALL);
    expect(await search([rule('$createdAt', 'notBetween', { preset: 'lastDay' })])).toEqual([]);
    expect(await search([rule('$createdAt', 'between', { preset: 'nextWeek' })])).toEqual([]);
  });

  test('$updatedAt moves on update, $createdAt does not', async () => {
    expect(await search([rule('$updatedAt', '>=', times.updatedMark)])).toEqual(['legacy']);
    expect(await search([rule('$updatedAt', '<', times.updatedMark)])).toEqual(allBut('legacy'));
    expect(await search([rule('$updatedAt', 'between', { from: times.start, to: times.end })])).toEqual(
      allBut('legacy'),
    );
  });
});

describe('relation rules', () => {
  const cases: [string, Rule, string[]][] = [
    [
      '= target identifier',
      { relation: 'service', operator: '=', value: 'checkout' },
      ['checkout-prod', 'checkout-staging'],
    ],
    [
      '!= includes entities without the relation',
      { relation: 'environment', operator: '!=', value: 'prod' },
      allBut('checkout-prod', 'ledger-prod'),
    ],
    [
      'contains is a substring of the target identifier',
      { relation: 'service', operator: 'contains', value: 'edg' },
      ['ledger-prod'],
    ],
    ['in over a many relation', { relation: 'dependsOn', operator: 'in', value: ['auth'] }, ['checkout', 'search-api']],
    ['notIn over a many relation', { relation: 'dependsOn', operator: 'notIn', value: ['ledger'] }, allBut('checkout')],
    [
      'isEmpty',
      { relation: 'environment', operator: 'isEmpty' },
      allBut('checkout-prod', 'checkout-staging', 'ledger-prod'),
    ],
    ['isNotEmpty', { relation: 'owner', operator: 'isNotEmpty' }, ['auth', 'checkout', 'ledger', 'search-api']],
    [
      'targetProperty $title',
      { relation: 'owner', targetProperty: '$title', operator: 'beginsWith', value: 'Pay' },
      ['checkout', 'ledger'],
    ],
    [
      'targetProperty $title =',
      { relation: 'environment', targetProperty: '$title', operator: '=', value: 'Staging' },
      ['checkout-staging'],
    ],
  ];

  test.each(cases)('%s', async (_name, single, expected) => {
    expect(await search([single])).toEqual(expected);
  });
});

describe('relatedTo', () => {
  const relatedTo = (blueprint: string, value: string | string[], extra: Rule = {}): Rule => ({
    operator: 'relatedTo',
    blueprint,
    value,
    ...extra,
  });
  const cases: [string, Rule, string[]][] = [
    [
      'upstream, transitively, never turning around',
      relatedTo('deployment', 'checkout-prod', { direction: 'upstream' }),
      ['auth', 'checkout', 'ledger', 'payments', 'platform', 'prod'],
    ],
    [
      'downstream, transitively',
      relatedTo('team', 'payments', { direction: 'downstream' }),
      ['checkout', 'checkout-prod', 'checkout-staging', 'ledger', 'ledger-prod'],
    ],
    [
      'no direction: both',
      relatedTo('service', 'auth'),
      ['auth-prod', 'checkout', 'checkout-prod', 'checkout-staging', 'platform', 'search-api'],
    ],
    ['no direction from a leaf', relatedTo('environment', 'staging'), ['checkout-staging']],
    [
      'several seeds',
      relatedTo('environment', ['prod', 'staging'], { direction: 'downstream' }),
      ['checkout-prod', 'checkout-staging', 'ledger-prod'],
    ],
    [
      'upstream over required relations only',
      relatedTo('deployment', 'checkout-prod', { direction: 'upstream', required: true }),
      ['checkout'],
    ],
    [
      'upstream over optional relations only',
      relatedTo('deployment', 'checkout-prod', { direction: 'upstream', required: false }),
      ['prod'],
    ],
    [
      'downstream over required relations only',
      relatedTo('service', 'auth', { direction: 'downstream', required: true }),
      ['auth-prod'],
    ],
    [
      'downstream over optional relations only',
      relatedTo('service', 'auth', { direction: 'downstream', required: false }),
      ['checkout', 'search-api'],
    ],
    ['a seed in another blueprint than named', relatedTo('service', 'checkout-prod'), []],
    ['a missing seed', relatedTo('service', 'ghost'), []],
    ['no seeds', relatedTo('service', []), []],
  ];

  test.each(cases)('%s', async (_name, single, expected) => {
    expect(await search([single])).toEqual(expected);
  });
});

describe('combinators', () => {
  test('and / or at the top level', async () => {
    const go = rule('language', '=', 'go');
    const publicService = rule('public', '=', true);
    expect(await search([go, publicService], 'or')).toEqual(['auth', 'checkout', 'ledger']);
    expect(await search([rule('language', '=', 'typescript'), publicService], 'and')).toEqual(['auth', 'checkout']);
    expect(await search([go, publicService], 'and')).toEqual([]);
  });

  test('nested and inside or inside and', async () => {
    const rules = [
      rule('$blueprint', '=', 'service'),
      {
        combinator: 'or',
        rules: [
          rule('language', '=', 'go'),
          { combinator: 'and', rules: [rule('public', '=', true), rule('port', '<', 1000)] },
        ],
      },
    ];
    expect(await search(rules)).toEqual(['auth', 'ledger']);
  });

  test('a relation rule and relatedTo combine with property rules', async () => {
    const rules = [
      { relation: 'environment', operator: '=', value: 'prod' },
      { operator: 'relatedTo', blueprint: 'team', value: 'payments', direction: 'downstream' },
      rule('replicas', '>=', 3),
    ];
    expect(await search(rules)).toEqual(['checkout-prod']);
    expect(await search(rules.slice(0, 2))).toEqual(['checkout-prod', 'ledger-prod']);
  });

  test('empty rules match everything, whatever the combinator', async () => {
    expect(await search([], 'and')).toEqual(ALL);
    expect(await search([], 'or')).toEqual(ALL);
    expect(await search([rule('$blueprint', '=', 'service'), { combinator: 'or', rules: [] }])).toEqual(SERVICES);
  });
});

describe('POST /v1/entities/search answers', () => {
  test('entities in (blueprint, identifier) order with their full shape', async () => {
    const response = await catalog.api<SearchAll>('POST', '/v1/entities/search', {
      combinator: 'or',
      rules: [
        rule('$identifier', '=', 'ledger'),
        rule('$identifier', '=', 'ledger-prod'),
        rule('$identifier', '=', 'prod'),
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(true);
    expect(response.body.entities.map((entity) => `${entity.blueprint}/${entity.identifier}`)).toEqual([
      'deployment/ledger-prod',
      'environment/prod',
      'service/ledger',
    ]);
    expect(response.body.entities[2]).toMatchObject({
      identifier: 'ledger',
      title: 'Ledger',
      blueprint: 'service',
      team: ['payments'],
      properties: { language: 'go', port: 9000, public: false, tags: ['critical'], releasedAt: '2024-11-15T08:30:00Z' },
      relations: { owner: 'payments' },
    });
  });

  test('include, repeated and comma-joined', async () => {
    const body = { combinator: 'and', rules: [rule('$blueprint', '=', 'team')] };
    const repeated = await catalog.api<SearchAll>('POST', '/v1/entities/search?include=identifier&include=title', body);
    expect(repeated.status).toBe(200);
    expect(repeated.body.entities).toEqual([
      { identifier: 'payments', title: 'Payments' },
      { identifier: 'platform', title: 'Platform' },
    ]);
    const joined = await catalog.api<SearchAll>('POST', '/v1/entities/search?include=identifier,title', body);
    expect(joined.body.entities).toEqual(repeated.body.entities);
  });

  test('include of a nested path', async () => {
    const response = await catalog.api<SearchAll>(
      'POST',
      '/v1/entities/search?include=identifier&include=properties.port',
      { combinator: 'and', rules: [rule('$blueprint', '=', 'service')] },
    );
    expect(response.body.entities).toEqual([
      { identifier: 'auth', properties: { port: 443 } },
      { identifier: 'checkout', properties: { port: 8080 } },
      { identifier: 'ledger', properties: { port: 9000 } },
      { identifier: 'legacy', properties: {} },
      { identifier: 'search-api', properties: { port: 8000 } },
    ]);
  });

  test('exclude', async () => {
    const response = await catalog.api<SearchAll>(
      'POST',
      '/v1/entities/search?exclude=properties,relations&exclude=createdAt',
      { combinator: 'and', rules: [rule('$identifier', '=', 'checkout')] },
    );
    expect(response.body.entities).toHaveLength(1);
    const [entity] = response.body.entities;
    expect(Object.keys(entity!).sort()).toEqual(
      ['blueprint', 'createdBy', 'identifier', 'team', 'title', 'updatedAt', 'updatedBy'].sort(),
    );
    expect(entity).toMatchObject({ identifier: 'checkout', title: 'Checkout', blueprint: 'service' });
  });
});

describe('POST /v1/blueprints/{bp}/entities/search', () => {
  const ids = (response: { body: SearchPage }) => response.body.entities.map((entity) => entity.identifier);

  test('no body: every entity of the blueprint, one page', async () => {
    const response = await searchBlueprint('service', {});
    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(true);
    expect(ids(response)).toEqual(SERVICES);
    expect(response.body.next).toBeNull();
  });

  test('no request body at all is the same as {}', async () => {
    const response = await catalog.api<SearchPage>('POST', '/v1/blueprints/environment/entities/search');
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual(['prod', 'staging']);
    expect(response.body.next).toBeNull();
  });

  test('a query only sees the blueprint of the path', async () => {
    const response = await searchBlueprint('deployment', {
      query: { combinator: 'and', rules: [rule('$identifier', 'contains', 'checkout')] },
    });
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual(['checkout-prod', 'checkout-staging']);
    expect(response.body.next).toBeNull();
  });

  test('a query over a blueprint that has no match answers an empty page', async () => {
    const response = await searchBlueprint('team', { query: { combinator: 'and', rules: [rule('port', '>', 1)] } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, entities: [], next: null });
  });

  test('paging with limit 2 visits every match exactly once, in order', async () => {
    const seen: string[] = [];
    const pages: string[][] = [];
    let from: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const response = await searchBlueprint('service', { limit: 2, ...(from === undefined ? {} : { from }) });
      expect(response.status).toBe(200);
      pages.push(ids(response));
      seen.push(...ids(response));
      if (response.body.next === null) break;
      expect(typeof response.body.next).toBe('string');
      from = response.body.next;
    }
    expect(pages).toEqual([['auth', 'checkout'], ['ledger', 'legacy'], ['search-api']]);
    expect(seen).toEqual(SERVICES);
  });

  test('paging with a query; a full last page has no next', async () => {
    const query = { combinator: 'and', rules: [rule('$identifier', '!=', 'ledger')] };
    const first = await searchBlueprint('service', { query, limit: 2 });
    expect(ids(first)).toEqual(['auth', 'checkout']);
    expect(first.body.next).not.toBeNull();
    const second = await searchBlueprint('service', { query, limit: 2, from: first.body.next });
    expect(ids(second)).toEqual(['legacy', 'search-api']);
    expect(second.body.next).toBeNull();
  });

  test('limit 1 walks all deployments; limit 1000 fits them in one page', async () => {
    const seen: string[] = [];
    let from: string | null = null;
    let pages = 0;
    do {
      const response: { body: SearchPage } = await searchBlueprint(
        'deployment',
        from ? { limit: 1, from } : { limit: 1 },
      );
      seen.push(...ids(response));
      from = response.body.next;
      pages++;
    } while (from !== null && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(DEPLOYMENTS);
    const all = await searchBlueprint('deployment', { limit: 1000 });
    expect(ids(all)).toEqual(DEPLOYMENTS);
    expect(all.body.next).toBeNull();
  });

  test('include and exclude in the body', async () => {
    const included = await searchBlueprint('service', {
      query: { combinator: 'and', rules: [rule('$team', 'in', ['platform'])] },
      include: ['identifier', 'properties.language', 'relations.owner'],
    });
    expect(included.status).toBe(200);
    expect(included.body.entities).toEqual([
      { identifier: 'auth', properties: { language: 'typescript' }, relations: { owner: 'platform' } },
      { identifier: 'search-api', properties: { language: 'python' }, relations: { owner: 'platform' } },
    ]);
    const excluded = await searchBlueprint('environment', {
      exclude: ['properties', 'relations', 'team', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'],
    });
    expect(excluded.body.entities).toEqual([
      { identifier: 'prod', title: 'Production', blueprint: 'environment' },
      { identifier: 'staging', title: 'Staging', blueprint: 'environment' },
    ]);
    const both = await searchBlueprint('environment', { include: ['identifier', 'title'], exclude: ['title'] });
    expect(both.body.entities).toEqual([{ identifier: 'prod' }, { identifier: 'staging' }]);
  });

  test('a missing blueprint is 404 not_found', async () => {
    const response = await catalog.api<Problem>('POST', '/v1/blueprints/ghost/entities/search', {});
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ ok: false, error: 'not_found', message: 'blueprint "ghost" not found' });
  });
});

describe('invalid requests are 422 invalid_request naming the spot', () => {
  const expectInvalid = (response: { status: number; body: Problem }, message: string | RegExp) => {
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    });
  };

  test.each<[string, unknown, string | RegExp]>([
    [
      'an unknown operator in a nested rule',
      {
        combinator: 'and',
        rules: [rule('port', '=', 1), { combinator: 'or', rules: [rule('language', 'equals', 'go')] }],
      },
      'body.rules[1].rules[0].operator: unknown operator "equals"; expected one of =, !=, >, >=, <, <=, contains, doesNotContains, beginsWith, doesNotBeginsWith, endsWith, doesNotEndsWith, containsAny, in, notIn, isEmpty, isNotEmpty, between, notBetween',
    ],
    ['a missing value', { combinator: 'and', rules: [rule('language', '=')] }, 'body.rules[0].value: is required'],
    ['a missing combinator', { rules: [] }, /^body\.combinator: is required$/],
    [
      'an unknown combinator',
      { combinator: 'xor', rules: [] },
      'body.combinator: expected one of and, or, received "xor"',
    ],
    ['missing rules', { combinator: 'and' }, 'body.rules: is required'],
    [
      'an unknown meta property',
      { combinator: 'and', rules: [rule('$owner', '=', 'x')] },
      'body.rules[0].property: unknown meta property "$owner"; expected one of $identifier, $title, $icon, $team, $blueprint, $createdAt, $createdBy, $updatedAt, $updatedBy, $datasource',
    ],
    [
      'an operator that does not apply to relation rules',
      { combinator: 'and', rules: [{ relation: 'service', operator: '>', value: 'a' }] },
      'body.rules[0].operator: operator ">" does not apply to relation rules; expected one of =, !=, contains, doesNotContains, beginsWith, doesNotBeginsWith, endsWith, doesNotEndsWith, containsAny, in, notIn, isEmpty, isNotEmpty',
    ],
    [
      'relatedTo without a blueprint',
      { combinator: 'and', rules: [{ operator: 'relatedTo', value: 'x' }] },
      'body.rules[0].blueprint: is required',
    ],
    [
      'between without to',
      { combinator: 'and', rules: [rule('releasedAt', 'between', { from: '2025-01-01T00:00:00Z' })] },
      'body.rules[0].value: expected {from, to} or {preset}',
    ],
    [
      'an unknown relatedTo direction',
      { combinator: 'and', rules: [{ operator: 'relatedTo', blueprint: 'service', value: 'auth', direction: 'up' }] },
      'body.rules[0].direction: expected one of upstream, downstream, received "up"',
    ],
    ['no body', undefined, 'body: is required'],
    ['a null body', 'null', 'body: expected object, received null'],
    ['an array body', [], 'body: expected object, received array'],
    [
      'a rule that is not an object',
      { combinator: 'and', rules: [rule('port', '=', 1), 'port = 1'] },
      'body.rules[1]: expected a rule object or a nested {combinator, rules} query',
    ],
  ])('POST /v1/entities/search: %s', async (_name, body, message) => {
    expectInvalid(await catalog.api<Problem>('POST', '/v1/entities/search', body), message);
  });

  test.each<[string, unknown, string | RegExp]>([
    ['limit 0', { limit: 0 }, 'body.limit: Too small: expected number to be >=1'],
    ['limit 1001', { limit: 1001 }, 'body.limit: Too big: expected number to be <=1000'],
    ['a fractional limit', { limit: 2.5 }, 'body.limit: Invalid input: expected int, received number'],
    ['a limit as a string', { limit: '2' }, 'body.limit: Invalid input: expected number, received string'],
    ['a bad from', { from: 'not-a-cursor' }, 'body.from: not a cursor this server returned as "next"'],
    ['an empty from', { from: '' }, 'body.from: not a cursor this server returned as "next"'],
    ['a from that is not a string', { from: 2 }, 'body.from: Invalid input: expected string, received number'],
    [
      'a from that decodes to the wrong shape',
      { from: Buffer.from(JSON.stringify({ blueprint: 'service' })).toString('base64url') },
      'body.from: not a cursor this server returned as "next"',
    ],
    ['an unknown body key', { limit: 2, page: 3 }, 'body: Unrecognized key: "page"'],
    ['include as a string', { include: 'identifier' }, 'body.include: Invalid input: expected array, received string'],
    // Query errors are named from `query`, not `body.query` like the other body keys (reported); accept both.
    ['a null query', { query: null }, /^body\.query: expected object, received null$/],
    [
      'a between with a number, deep in the query',
      { query: { combinator: 'or', rules: [{ combinator: 'and', rules: [rule('port', 'between', 1)] }] } },
      /^body\.query\.rules\[0\]\.rules\[0\]\.value: expected object, received number$/,
    ],
    [
      'a missing value in the query',
      { query: { combinator: 'and', rules: [rule('port', '>')] } },
      /^body\.query\.rules\[0\]\.value: is required$/,
    ],
  ])('POST /v1/blueprints/service/entities/search: %s', async (_name, body, message) => {
    expectInvalid(await catalog.api<Problem>('POST', '/v1/blueprints/service/entities/search', body), message);
  });
});
