import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { placeAction } from '../helpers/place-action.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { type ConsoleBrowser, csrfTokenOf, decodeEntities, textOf } from './console-browser.ts';
import { createThroughApi, signedInBrowser } from './console-setup.ts';

let catalog: TestCatalog;
let receiver: Receiver;
let browser: ConsoleBrowser;

const create = (path: string, body: unknown): Promise<void> => createThroughApi(catalog, path, body);

/** An action whose form has every kind of field. */
const PROVISION = {
  identifier: 'provision',
  title: 'Provision a service <b>now</b>',
  description: 'Makes a new service & its repository',
  trigger: {
    type: 'self-service',
    operation: 'CREATE',
    blueprintIdentifier: 'service',
    userInputs: {
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]*$', description: 'Lower case' },
        notes: { type: 'string', title: 'Notes', format: 'multi-line', default: '</textarea><script>x()</script>' },
        replicas: { type: 'number', title: 'Replicas', minimum: 1, maximum: 10, default: 2 },
        public: { type: 'boolean', title: 'Public', default: true },
        tier: { type: 'string', title: 'Tier', enum: ['gold', 'silver "2"'] },
        tags: { type: 'array', title: 'Tags', items: { type: 'string' } },
        ports: { type: 'array', title: 'Ports', items: { type: 'number' } },
        regions: { type: 'array', title: 'Regions', items: { type: 'string', enum: ['eu', 'us'] } },
        owner: { type: 'string', title: 'Owner', format: 'entity', blueprint: 'team' },
        dependsOn: {
          type: 'array',
          title: 'Depends on',
          items: { type: 'string', format: 'entity', blueprint: 'service' },
        },
        config: { type: 'object', title: 'Config' },
        homepage: { type: 'string', title: 'Homepage', format: 'url' },
        secretFlag: { type: 'string', visible: false, default: 'kept' },
      },
      required: ['name', 'tier', 'owner'],
      order: ['tier', 'name'],
    },
  },
  invocationMethod: { type: 'WEBHOOK', url: 'http://127.0.0.1:9/' },
};

beforeAll(async () => {
  catalog = await startTestCatalog();
  receiver = await startReceiver();
  PROVISION.invocationMethod.url = `${receiver.url}/provision`;
  await create('/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await create('/v1/blueprints', { identifier: 'service', title: 'Service', schema: { properties: {} } });
  for (const [identifier, title] of [
    ['platform', 'Team platform'],
    ['payments', 'Team payments'],
    ['real_1', 'Team 100%_real'],
  ]) {
    await create('/v1/blueprints/team/entities', { identifier, title });
  }
  await create('/v1/blueprints/service/entities', { identifier: 'billing', title: 'Billing' });
  await create('/v1/blueprints/service/entities', { identifier: 'ledger', title: 'Ledger' });
  await create('/v1/actions', PROVISION);
  await create('/v1/actions', {
    identifier: 'restart',
    title: 'Restart',
    trigger: {
      type: 'self-service',
      operation: 'DAY-2',
      blueprintIdentifier: 'service',
      userInputs: { properties: { reason: { type: 'string', title: 'Reason' } }, required: ['reason'] },
    },
    invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/restart` },
  });
  browser = await signedInBrowser(catalog);
});
afterAll(async () => {
  await catalog.close();
  await receiver.close();
});

/** The form's field of an input: its wrapper, from its id to the next field. */
function fieldHtml(html: string, name: string): string {
  const start = html.indexOf(`id="field-${name}"`);
  if (start < 0) throw new Error(`no field ${name} in the page`);
  const rest = html.slice(start + 1);
  const next = /<(div|fieldset) class="field|<p><button/.exec(rest);
  return html.slice(start, next ? start + 1 + next.index : undefined);
}

const runIdOf = (location: string | null): string => {
  const match = /^\/console\/runs\/(r_[A-Za-z0-9]+)$/.exec(location ?? '');
  if (!match) throw new Error(`not a run page: ${location}`);
  return match[1]!;
};

async function runById(id: string): Promise<Record<string, unknown>> {
  const answer = await catalog.api('GET', `/v1/actions/runs/${id}`);
  expect(answer.status).toBe(200);
  return answer.body.run as Record<string, unknown>;
}

describe('the self-service list', () => {
  test('lists the actions by blueprint, each linking to its form, the entity actions saying they ask for one', async () => {
    const page = await browser.get('/console/actions');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('Provision a service <b>now</b>');
    expect(page.html).not.toContain('<b>now</b>');
    expect(page.html).toContain('href="/console/actions/provision/run"');
    expect(page.html).toContain('href="/console/actions/restart/run"');
    expect(text).toMatch(/Restart Day-2 Runs on an entity/);
  });

  test("a blueprint's table offers its CREATE actions and an entity's page its DAY-2 actions", async () => {
    const table = await browser.get('/console/blueprints/service/entities');
    expect(table.html).toContain('href="/console/actions/provision/run"');
    expect(table.html).not.toContain('/console/actions/restart/run');
    const entity = await browser.get('/console/blueprints/service/entities/billing');
    expect(entity.html).toContain('href="/console/actions/restart/run?entity=billing"');
    expect(entity.html).not.toContain('/console/actions/provision/run');
  });
});

describe('the form of an action', () => {
  test('has a labelled control per visible input, in the action order, with defaults and required marks', async () => {
    const page = await browser.get('/console/actions/provision/run');
    expect(page.status).toBe(200);
    expect(page.html).toContain('novalidate');
    const names = [...page.html.matchAll(/id="field-([A-Za-z]+)"/g)].map((match) => match[1]);
    expect(names).toEqual([
      'tier',
      'name',
      'notes',
      'replicas',
      'public',
      'tags',
      'ports',
      'regions',
      'owner',
      'dependsOn',
      'config',
      'homepage',
    ]);
    for (const name of ['name', 'notes', 'replicas', 'public', 'tier', 'tags', 'owner', 'homepage']) {
      expect(page.html).toContain(`<label for="in-${name}">`);
      expect(page.html).toMatch(new RegExp(`id="in-${name}" name="input.${name}"`));
    }
    expect(fieldHtml(page.html, 'name')).toContain('Must match the pattern ^[a-z][a-z0-9-]*$.');
    expect(fieldHtml(page.html, 'name')).toContain('required aria-required="true"');
    expect(fieldHtml(page.html, 'replicas')).toContain('value="2"');
    expect(fieldHtml(page.html, 'replicas')).toContain('At least 1, at most 10.');
    expect(fieldHtml(page.html, 'public')).toMatch(/type="checkbox" value="true" [^>]* checked/);
    // A default that tries to leave its textarea stays text inside it.
    expect(fieldHtml(page.html, 'notes')).toContain('&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;</textarea>');
    expect(fieldHtml(page.html, 'tier')).toContain(
      '<option value="silver &quot;2&quot;">silver &quot;2&quot;</option>',
    );
    expect(fieldHtml(page.html, 'regions')).toContain(
      'type="checkbox" id="in-regions-1" name="input.regions" value="us"',
    );
    expect(fieldHtml(page.html, 'homepage')).toContain('type="url"');
    // The entity picker offers the team's entities before anything is typed, and searches for more.
    const owner = fieldHtml(page.html, 'owner');
    expect(owner).toContain('data-entity-options="/console/actions/provision/inputs/owner/entity-options"');
    expect(owner).toContain('<option value="payments">Team payments</option>');
    expect(fieldHtml(page.html, 'dependsOn')).toContain('data-add-to="in-dependsOn"');
    expect(page.html).not.toContain('secretFlag');
    expect(page.html).toContain('<script src="/console/assets/action-form.js" defer></script>');
  });

  test('shows each refused value beside its field, keeps what was written, and creates no run', async () => {
    const before = (await catalog.api('GET', '/v1/actions/runs?action=provision')).body.runs as unknown[];
    const form = await browser.get('/console/actions/provision/run');
    const body = new URLSearchParams({
      _csrf: csrfTokenOf(form.html),
      'input.tier': 'gold',
      'input.name': 'Not Lower',
      'input.replicas': 'eleven',
      'input.config': '{"a": ',
      'input.owner': '',
    });
    const refused = await browser.post('/console/actions/provision/run', body.toString());
    expect(refused.status).toBe(422);
    expect(fieldHtml(refused.html, 'name')).toContain('aria-invalid="true"');
    expect(textOf(fieldHtml(refused.html, 'name'))).toContain(
      'input "name" must match the pattern ^[a-z][a-z0-9-]*$ (got "Not Lower")',
    );
    expect(fieldHtml(refused.html, 'name')).toContain('value="Not Lower"');
    expect(textOf(fieldHtml(refused.html, 'replicas'))).toContain('input "replicas" must be a number (got "eleven")');
    expect(textOf(fieldHtml(refused.html, 'config'))).toMatch(/input "config" is not valid JSON: .+/);
    expect(fieldHtml(refused.html, 'config')).toContain('{&quot;a&quot;: </textarea>');
    expect(textOf(fieldHtml(refused.html, 'owner'))).toContain('input "owner" is required');
    // Left unchecked, a checkbox is false: the default (true) is not shown again over the person's choice.
    expect(fieldHtml(refused.html, 'public')).not.toContain('checked');
    // The summary above the form lists them, each a link to its field.
    const summary = /<div class="problem-summary"[\s\S]*?<\/div>/.exec(refused.html)![0];
    expect(summary).toContain('4 inputs need a change');
    expect(summary).toContain('href="#field-replicas"');
    expect((await catalog.api('GET', '/v1/actions/runs?action=provision')).body.runs).toHaveLength(before.length);
  });

  test('a valid form creates the run with typed inputs and defaults, and opens its page', async () => {
    const form = await browser.get('/console/actions/provision/run');
    const body = new URLSearchParams({
      _csrf: csrfTokenOf(form.html),
      'input.tier': 'silver "2"',
      'input.name': 'checkout',
      'input.notes': 'line one\r\nline two',
      'input.replicas': '3',
      'input.tags': 'a\n\n b \r\nc',
      'input.ports': '80\n443',
      'input.owner': 'platform',
      'input.dependsOn': 'billing\nledger',
      'input.config': '{"tls": true}',
      'input.homepage': 'https://example.com/checkout',
    });
    body.append('input.regions', 'eu');
    body.append('input.regions', 'us');
    const created = await browser.post('/console/actions/provision/run', body.toString());
    expect(created.status).toBe(303);
    const run = await runById(runIdOf(created.location));
    expect(run.properties).toEqual({
      tier: 'silver "2"',
      name: 'checkout',
      notes: 'line one\nline two',
      replicas: 3,
      public: false,
      tags: ['a', 'b', 'c'],
      ports: [80, 443],
      regions: ['eu', 'us'],
      owner: 'platform',
      dependsOn: ['billing', 'ledger'],
      config: { tls: true },
      homepage: 'https://example.com/checkout',
      secretFlag: 'kept',
    });
    expect(run.createdBy).toBe(catalog.credentials.clientId);
    const [invocation] = await receiver.waitFor(1);
    expect(invocation!.path).toBe('/provision');
  });

  test('a DAY-2 action opened from an entity runs on it', async () => {
    const form = await browser.get('/console/actions/restart/run?entity=billing');
    expect(textOf(form.html)).toContain('Runs on Billing');
    const created = await browser.post('/console/actions/restart/run', {
      _csrf: csrfTokenOf(form.html),
      entity: 'billing',
      'input.reason': 'stuck',
    });
    expect(created.status).toBe(303);
    const run = await runById(runIdOf(created.location));
    expect(run.entity).toMatchObject({ identifier: 'billing' });
    expect(run.properties).toEqual({ reason: 'stuck' });
  });

  test('a DAY-2 action opened on its own asks for the entity, and says beside it when it is not there', async () => {
    const form = await browser.get('/console/actions/restart/run');
    expect(form.html).toContain('data-entity-options="/console/blueprints/service/entity-options"');
    const refused = await browser.post('/console/actions/restart/run', {
      _csrf: csrfTokenOf(form.html),
      'input.$entity': 'no-such-service',
      'input.reason': 'stuck',
    });
    expect(refused.status).toBe(404);
    expect(textOf(fieldHtml(refused.html, '$entity'))).toContain(
      'entity "no-such-service" of blueprint "service" not found',
    );
    expect(fieldHtml(refused.html, '$entity')).toContain('value="no-such-service"');
    const created = await browser.post('/console/actions/restart/run', {
      _csrf: csrfTokenOf(refused.html),
      'input.$entity': 'ledger',
      'input.reason': 'stuck',
    });
    expect(created.status).toBe(303);
    expect((await runById(runIdOf(created.location))).entity).toMatchObject({ identifier: 'ledger' });
  });

  test('an entity that is gone, a missing action and a form from elsewhere are refused with a message', async () => {
    expect((await browser.get('/console/actions/restart/run?entity=gone')).status).toBe(404);
    const missing = await browser.get('/console/actions/no-such-action/run');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html)).toContain('action "no-such-action" not found');
    const forged = await browser.post('/console/actions/restart/run', { entity: 'billing', 'input.reason': 'x' });
    expect(forged.status).toBe(403);
    expect(textOf(forged.html)).toContain('not sent by a page of this console');
  });

  test('a crafted form (unknown controls, controls twice, prototype names) is read as a form, nothing more', async () => {
    const form = await browser.get('/console/actions/restart/run?entity=billing');
    const body = `_csrf=${encodeURIComponent(csrfTokenOf(form.html))}&entity=billing&input.reason=first&input.reason=second&input.__proto__=x&input.constructor=y&other=z`;
    const created = await browser.post('/console/actions/restart/run', body);
    expect(created.status).toBe(303);
    expect((await runById(runIdOf(created.location))).properties).toEqual({ reason: 'first' });
  });
});

describe('defaults written as jq queries', () => {
  beforeAll(async () => {
    await create('/v1/blueprints', {
      identifier: 'app',
      title: 'App',
      schema: { properties: { version: { type: 'string' }, replicas: { type: 'number' } } },
    });
    await create('/v1/blueprints/app/entities', { identifier: 'shop', properties: { version: '1.4.2', replicas: 3 } });
    await create('/v1/actions', {
      identifier: 'redeploy',
      title: 'Redeploy',
      trigger: {
        type: 'self-service',
        operation: 'DAY-2',
        blueprintIdentifier: 'app',
        userInputs: {
          properties: {
            version: { type: 'string', title: 'Version', default: { jqQuery: '.entity.properties.version' } },
            replicas: { type: 'number', title: 'Replicas', default: { jqQuery: '.entity.properties.replicas * 2' } },
            requester: { type: 'string', title: 'Requester', default: { jqQuery: '.user.firstName' } },
            region: { type: 'string', title: 'Region', default: 'eu' },
            where: { type: 'string', title: 'Where', default: { jqQuery: '.form.region + "-1"' } },
            broken: { type: 'string', title: 'Broken', default: { jqQuery: 'error("no such thing")' } },
            endless: { type: 'string', title: 'Endless', default: { jqQuery: 'def f: f; f' } },
          },
        },
      },
      invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/redeploy` },
    });
  });

  test("are worked out from the entity, the user and the form's plain defaults when the form opens; one that fails or runs too long says why and the rest is filled", async () => {
    const page = await browser.get('/console/actions/redeploy/run?entity=shop');
    expect(page.status).toBe(200);
    expect(fieldHtml(page.html, 'version')).toContain('value="1.4.2"');
    expect(fieldHtml(page.html, 'replicas')).toContain('value="6"');
    expect(fieldHtml(page.html, 'requester')).toContain(`value="${catalog.credentials.clientId}"`);
    expect(fieldHtml(page.html, 'where')).toContain('value="eu-1"');
    expect(textOf(fieldHtml(page.html, 'broken'))).toContain('Its default could not be worked out: ');
    expect(textOf(fieldHtml(page.html, 'broken'))).toContain('no such thing');
    expect(textOf(fieldHtml(page.html, 'endless'))).toMatch(
      /Its default could not be worked out: jq ran longer than \d+ ms and was stopped \(limit: WHARF_JQ_TIMEOUT_MS\)/,
    );
    expect(fieldHtml(page.html, 'endless')).toContain('value=""');
  }, 20_000);

  test('many endless queries share one budget: the form opens with each saying why, not after each in turn', async () => {
    const endless = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`loop${i}`, { type: 'string', default: { jqQuery: 'def f: f; f' } }]),
    );
    await create('/v1/actions', {
      identifier: 'hostile_defaults',
      title: 'Hostile defaults',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: endless } },
      invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/hostile` },
    });
    const page = await browser.get('/console/actions/hostile_defaults/run');
    expect(page.status).toBe(200);
    const hints = Object.keys(endless).map((name) => textOf(fieldHtml(page.html, name)));
    for (const hint of hints) expect(hint).toContain('Its default could not be worked out: ');
    // Two workers: the last pair could not even start before the form's time was up.
    expect(hints.filter((hint) => /not worked out within \d+ ms/.test(hint)).length).toBeGreaterThanOrEqual(2);
    // The catalog still answers at once afterwards.
    expect((await browser.get('/console/actions')).status).toBe(200);
  }, 30_000);

  test('opened without its entity, the entity queries have nothing to read and the form still opens', async () => {
    const page = await browser.get('/console/actions/redeploy/run');
    expect(page.status).toBe(200);
    expect(fieldHtml(page.html, 'version')).toContain('value=""');
    expect(fieldHtml(page.html, 'where')).toContain('value="eu-1"');
  }, 20_000);
});

describe("an entity input's dataset and sort", () => {
  const options = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const page = await browser.get(`/console/actions/place/inputs/cluster/entity-options?${query}`);
    return { status: page.status, body: JSON.parse(page.html) as Record<string, unknown> };
  };
  const identifiers = (body: Record<string, unknown>): string[] =>
    (body.entities as { identifier: string }[]).map((entity) => entity.identifier);

  beforeAll(async () => {
    await create('/v1/blueprints', {
      identifier: 'cluster',
      title: 'Cluster',
      schema: { properties: { env: { type: 'string' }, size: { type: 'number' } } },
    });
    for (const [identifier, env, size] of [
      ['prod-a', 'prod', 3],
      ['prod-b', 'prod', 9],
      ['stage-a', 'staging', 5],
      ['dev-a', 'dev', 1],
    ] as const) {
      await create('/v1/blueprints/cluster/entities', { identifier, properties: { env, size } });
    }
    await create(
      '/v1/actions',
      placeAction(`${receiver.url}/place`, ['prod', 'staging', 'dev'], {
        sort: { property: 'size', order: 'DESC' },
        inputs: {
          big: {
            type: 'array',
            title: 'Big clusters',
            items: { type: 'string', format: 'entity', blueprint: 'cluster' },
            dataset: { combinator: 'and', rules: [{ property: 'size', operator: '>', value: 4 }] },
          },
          broken: {
            type: 'string',
            title: 'Broken',
            format: 'entity',
            blueprint: 'cluster',
            dataset: {
              combinator: 'and',
              rules: [{ property: 'env', operator: '=', value: { jqQuery: 'error("nope")' } }],
            },
          },
        },
      }),
    );
  });

  test("the form offers only the dataset's entities, in its sort, reading the form's defaults", async () => {
    const page = await browser.get('/console/actions/place/run');
    const cluster = fieldHtml(page.html, 'cluster');
    expect([...cluster.matchAll(/<option value="([^"]+)">/g)].map((match) => match[1])).toEqual(['prod-b', 'prod-a']);
    const big = fieldHtml(page.html, 'big');
    expect([...big.matchAll(/<option value="([^"]+)">/g)].map((match) => match[1])).toEqual(['prod-b', 'stage-a']);
    expect(textOf(fieldHtml(page.html, 'broken'))).toContain('Its choices could not be worked out: ');
    expect(textOf(fieldHtml(page.html, 'broken'))).toContain('nope');
  });

  test('a search reads the form as the person has it, and still searches by text within the dataset', async () => {
    const staging = await options(`form=${encodeURIComponent(JSON.stringify({ env: 'staging' }))}`);
    expect(identifiers(staging.body)).toEqual(['stage-a']);
    const prodB = await options(`q=b&form=${encodeURIComponent(JSON.stringify({ env: 'prod' }))}`);
    expect(identifiers(prodB.body)).toEqual(['prod-b']);
    expect(identifiers((await options('form=%7B%7D')).body)).toEqual([]);
  });

  test('a bad form value, a failing dataset query and an input that is no entity input are refused, saying why', async () => {
    const notJson = await options('form=%7Bnope');
    expect(notJson.status).toBe(422);
    expect(notJson.body.message).toMatch(/^form: not JSON/);
    expect((await options('form=%5B1%5D')).body.message).toBe('form: must be a JSON object');
    const broken = await browser.get('/console/actions/place/inputs/broken/entity-options');
    expect(broken.status).toBe(422);
    expect((JSON.parse(broken.html) as { message: string }).message).toMatch(
      /^a jq query of the dataset failed: .*nope/,
    );
    const notEntity = await browser.get('/console/actions/place/inputs/env/entity-options');
    expect(notEntity.status).toBe(404);
    expect((JSON.parse(notEntity.html) as { message: string }).message).toBe(
      'input "env" of action "place" is not an entity input',
    );
  });
});

describe('inputs shown for some values of others', () => {
  beforeAll(async () => {
    await create('/v1/actions', {
      identifier: 'gated',
      title: 'Gated',
      trigger: {
        type: 'self-service',
        operation: 'CREATE',
        userInputs: {
          properties: {
            env: { type: 'string', title: 'Environment', enum: ['prod', 'staging'], default: 'prod' },
            approver: { type: 'string', title: 'Approver', visible: { jqQuery: '.form.env == "prod"' } },
            ticket: { type: 'string', title: 'Ticket', visible: { jqQuery: '.form.env == "staging"' } },
            odd: { type: 'string', title: 'Odd', visible: { jqQuery: 'error("cannot tell")' } },
            frozen: { type: 'string', title: 'Frozen', disabled: true },
          },
          required: ['approver', 'frozen'],
        },
      },
      invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/gated` },
    });
  });

  test('the form opens with each input shown or hidden for its defaults; a failing query shows its input', async () => {
    const page = await browser.get('/console/actions/gated/run');
    expect(page.html).toContain('data-form-state="/console/actions/gated/form-state"');
    expect(page.html).toMatch(/<div class="field" id="field-approver" data-conditional>/);
    expect(page.html).toMatch(/<div class="field" id="field-ticket" data-conditional hidden>/);
    expect(page.html).toMatch(/<div class="field" id="field-odd" data-conditional>/);
    expect(textOf(fieldHtml(page.html, 'odd'))).toContain('Whether to show it could not be worked out: ');
    expect(page.html).toMatch(/<div class="field" id="field-env">/);
  });

  test("the form's state for other values, as the script asks for it", async () => {
    const state = async (form: unknown) =>
      JSON.parse(
        (await browser.get(`/console/actions/gated/form-state?form=${encodeURIComponent(JSON.stringify(form))}`)).html,
      ) as { hidden: string[]; problems: Record<string, string> };
    expect((await state({ env: 'staging' })).hidden).toEqual(['approver']);
    expect((await state({ env: 'prod' })).hidden).toEqual(['ticket']);
    expect(Object.keys((await state({})).problems)).toEqual(['odd']);
    const refused = await browser.get('/console/actions/gated/form-state?form=nope');
    expect(refused.status).toBe(422);
  });

  test('a hidden input is left out of the run, whatever was written in it', async () => {
    const form = await browser.get('/console/actions/gated/run');
    const created = await browser.post('/console/actions/gated/run', {
      _csrf: csrfTokenOf(form.html),
      'input.env': 'staging',
      'input.approver': 'bob',
      'input.ticket': 'T-1',
    });
    expect(created.status).toBe(303);
    expect((await runById(runIdOf(created.location))).properties).toEqual({ env: 'staging', ticket: 'T-1' });
  });

  test('a required input is required only while it is shown; a disabled one is never sent nor required', async () => {
    const form = await browser.get('/console/actions/gated/run');
    const refused = await browser.post('/console/actions/gated/run', {
      _csrf: csrfTokenOf(form.html),
      'input.env': 'prod',
    });
    expect(refused.status).toBe(422);
    expect(textOf(fieldHtml(refused.html, 'approver'))).toContain('input "approver" is required');
    expect(textOf(refused.html)).not.toContain('input "frozen" is required');
    expect(fieldHtml(refused.html, 'frozen')).toMatch(/<input type="text" [^>]*disabled/);
    const created = await browser.post('/console/actions/gated/run', {
      _csrf: csrfTokenOf(refused.html),
      'input.env': 'staging',
      'input.frozen': 'sent anyway',
    });
    expect(created.status).toBe(303);
    expect((await runById(runIdOf(created.location))).properties).toEqual({ env: 'staging' });
    // Over the API the form's visibility is not known: the input is required.
    const api = await catalog.api('POST', '/v1/actions/gated/runs', { properties: { env: 'staging' } });
    expect(api.status).toBe(422);
  });
});

describe('entity options for pickers', () => {
  const options = async (blueprint: string, q: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const page = await browser.get(`/console/blueprints/${blueprint}/entity-options?q=${encodeURIComponent(q)}`);
    return { status: page.status, body: JSON.parse(page.html) as Record<string, unknown> };
  };

  test("finds entities by identifier or title with the catalog's search, the text taken literally", async () => {
    expect((await options('team', 'pay')).body.entities).toEqual([{ identifier: 'payments', title: 'Team payments' }]);
    expect((await options('team', '%_')).body.entities).toEqual([{ identifier: 'real_1', title: 'Team 100%_real' }]);
    expect((await options('team', '')).body.entities).toHaveLength(3);
    expect((await options('team', "' OR 1=1 --")).body.entities).toEqual([]);
  });

  test("a picker's search without a session is refused with 401, not sent to the sign-in page", async () => {
    const answer = await fetch(`${catalog.url}/console/blueprints/team/entity-options?q=pay`, { redirect: 'manual' });
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toContain('payments');
  });

  test('refuses a text too long, and an unknown blueprint', async () => {
    const long = await options('team', 'x'.repeat(201));
    expect(long.status).toBe(422);
    expect(long.body.message).toBe('q: at most 200 characters');
    const unknown = await browser.get('/console/blueprints/nope/entity-options?q=a');
    expect(unknown.status).toBe(404);
    expect(decodeEntities(unknown.html)).toContain('blueprint "nope" not found');
  });
});
