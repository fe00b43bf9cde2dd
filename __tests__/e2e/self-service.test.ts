import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { placeAction } from '../helpers/place-action.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { BROWSER_TEST_MS, consoleInChromium, signIn, tabTo } from './browser.ts';

const inChromium = consoleInChromium();

/**
 * Stands in for what a self-service action invokes (a webhook on loopback): it receives the run's invocation, and
 * the test, as the job behind it, writes the run's log lines and ends it through the catalog's API.
 */
let receiver: Receiver;

const PROVISION = {
  identifier: 'provision',
  title: 'Provision a service',
  description: 'Creates a service and its repository.',
  trigger: {
    type: 'self-service',
    operation: 'CREATE',
    blueprintIdentifier: 'service',
    userInputs: {
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]*$' },
        tier: { type: 'string', title: 'Tier', enum: ['gold', 'silver'] },
        replicas: { type: 'number', title: 'Replicas', minimum: 1, maximum: 10, default: 2 },
        public: { type: 'boolean', title: 'Public', default: true },
        notes: { type: 'string', title: 'Notes', format: 'multi-line' },
        tags: { type: 'array', title: 'Tags', items: { type: 'string' } },
        regions: { type: 'array', title: 'Regions', items: { type: 'string', enum: ['eu', 'us'] } },
        owner: { type: 'string', title: 'Owner', format: 'entity', blueprint: 'team' },
        dependsOn: {
          type: 'array',
          title: 'Depends on',
          items: { type: 'string', format: 'entity', blueprint: 'service' },
        },
        config: { type: 'object', title: 'Config' },
      },
      required: ['name', 'tier', 'owner'],
    },
  },
  invocationMethod: { type: 'WEBHOOK', url: '', body: { runId: '{{ .run.id }}', inputs: '{{ .inputs }}' } },
};

beforeAll(async () => {
  receiver = await startReceiver();
  const { api } = inChromium.product;
  await api('POST', '/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await api('POST', '/v1/blueprints', { identifier: 'service', title: 'Service', schema: { properties: {} } });
  // More teams than a picker offers before anything is typed: "web-payments" is found only by searching.
  for (let index = 1; index <= 25; index += 1) {
    await api('POST', '/v1/blueprints/team/entities', { identifier: `team-${String(index).padStart(2, '0')}` });
  }
  await api('POST', '/v1/blueprints/team/entities', { identifier: 'web-payments', title: 'Payments' });
  await api('POST', '/v1/blueprints/service/entities', { identifier: 'ledger', title: 'Ledger' });
  await api('POST', '/v1/blueprints', {
    identifier: 'cluster',
    title: 'Cluster',
    schema: { properties: { env: { type: 'string' } } },
  });
  for (const [identifier, env] of [
    ['eu-prod-1', 'prod'],
    ['eu-prod-2', 'prod'],
    ['eu-stage-1', 'staging'],
  ]) {
    await api('POST', '/v1/blueprints/cluster/entities', { identifier, properties: { env } });
  }
  await api(
    'POST',
    '/v1/actions',
    placeAction('http://127.0.0.1:9/place', ['prod', 'staging'], {
      inputs: { approver: { type: 'string', title: 'Approver', visible: { jqQuery: '.form.env == "prod"' } } },
    }),
  );
  await api('POST', '/v1/actions', {
    ...PROVISION,
    invocationMethod: { ...PROVISION.invocationMethod, url: `${receiver.url}/provision` },
  });
}, BROWSER_TEST_MS);
afterAll(async () => receiver.close());

describe('self-service in Chromium', () => {
  test(
    'a form with every kind of input: a wrong value is shown beside its field, fixed, and the run opens; its log lines arrive live and it ends SUCCESS',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, '/console/actions');
      await page.getByRole('link', { name: 'Provision a service' }).click();
      await page.getByRole('heading', { level: 1, name: 'Provision a service' }).waitFor();

      // Defaults are filled in.
      expect(await page.getByLabel('Replicas').inputValue()).toBe('2');
      expect(await page.getByLabel('Public').isChecked()).toBe(true);

      await page.getByLabel('Name').fill('Not Lower');
      await page.getByLabel('Tier').selectOption('silver');
      await page.getByLabel('Replicas').fill('3');
      await page.getByLabel('Public').uncheck();
      await page.getByLabel('Notes').fill('first line\nsecond line');
      await page.getByLabel('Tags').fill('web\napi');
      await page.getByRole('checkbox', { name: 'eu' }).check();
      // The owner picker searches the catalog as one types: "web-payments" is not among the first offered (by identifier).
      const ownerOptions = page.locator('#options-owner option');
      expect(
        await ownerOptions.evaluateAll((options) => options.map((option) => option.getAttribute('value'))),
      ).not.toContain('web-payments');
      await page.getByLabel('Owner').pressSequentially('pay');
      await page.locator('#options-owner option[value="web-payments"]').waitFor({ state: 'attached' });
      await page.getByLabel('Owner').fill('web-payments');
      // The picker of an array of entities adds each one chosen as a line.
      await page.getByLabel('Find a service entity to add').fill('ledger');
      await page.getByLabel('Find a service entity to add').dispatchEvent('change');
      expect(await page.getByLabel('Depends on').inputValue()).toBe('ledger');
      await page.getByLabel('Config').fill('{"tls": true}');

      // Submitted with the keyboard.
      await tabTo(page, page.getByRole('button', { name: 'Run' }));
      await page.keyboard.press('Enter');
      const summary = page.locator('#form-problems');
      await summary.waitFor();
      expect(await page.evaluate('document.activeElement?.id')).toBe('form-problems');
      expect(await summary.textContent()).toContain('one input needs a change');
      const problem = page.locator('#problem-name');
      expect(await problem.textContent()).toBe(
        'input "name" must match the pattern ^[a-z][a-z0-9-]*$ (got "Not Lower")',
      );
      const name = page.getByLabel('Name');
      expect(await name.getAttribute('aria-invalid')).toBe('true');
      expect(await name.getAttribute('aria-describedby')).toContain('problem-name');
      // Everything else written is still there.
      expect(await page.getByLabel('Tier').inputValue()).toBe('silver');
      expect(await page.getByLabel('Public').isChecked()).toBe(false);
      expect(await page.getByLabel('Notes').inputValue()).toBe('first line\nsecond line');
      expect(await page.getByRole('checkbox', { name: 'eu' }).isChecked()).toBe(true);

      // The link in the summary leads to the field; fixed, the form creates the run and opens its page.
      await summary.getByRole('link').click();
      await name.fill('checkout');
      await page.getByRole('button', { name: 'Run' }).click();
      await page.waitForURL(/\/console\/runs\/r_[A-Za-z0-9]+$/);
      const runId = new URL(page.url()).pathname.split('/').pop()!;

      const [invocation] = await receiver.waitFor(1);
      const sent = invocation!.body as { runId: string; inputs: Record<string, unknown> };
      expect(sent.runId).toBe(runId);
      expect(sent.inputs).toEqual({
        name: 'checkout',
        tier: 'silver',
        replicas: 3,
        public: false,
        notes: 'first line\nsecond line',
        tags: ['web', 'api'],
        regions: ['eu'],
        owner: 'web-payments',
        dependsOn: ['ledger'],
        config: { tls: true },
      });

      // The job behind the action reports; the page, never reloaded, follows.
      await page.evaluate('window.notReloaded = true');
      const status = page.locator('#run-status');
      expect(await status.getAttribute('data-status')).toBe('IN_PROGRESS');
      const lines = page.locator('#run-log-lines .log-message');
      await product.api('POST', `/v1/actions/runs/${runId}/logs`, { message: 'Creating the repository' });
      await lines.filter({ hasText: 'Creating the repository' }).waitFor();
      await product.api('POST', `/v1/actions/runs/${runId}/logs`, {
        message: 'Deploying <b>checkout</b>',
        statusLabel: 'Deploying',
      });
      await lines.filter({ hasText: 'Deploying <b>checkout</b>' }).waitFor();
      await page.locator('#run-status-label').filter({ hasText: 'Deploying' }).waitFor();
      await product.api('PATCH', `/v1/actions/runs/${runId}`, {
        status: 'SUCCESS',
        summary: 'Provisioned **checkout**',
        link: 'https://github.com/acme/checkout/actions/runs/1',
      });
      await page.locator('#run-status[data-status="SUCCESS"]').waitFor();
      // The catalog's own line about the invocation first, then the job's, in order, each once.
      expect(await lines.allTextContents()).toEqual([
        expect.stringMatching(/^Invoked webhook POST http:\/\/127\.0\.0\.1:\d+\/provision \(200\)$/),
        'Creating the repository',
        'Deploying <b>checkout</b>',
      ]);
      await page.locator('#run-summary strong').filter({ hasText: 'checkout' }).waitFor();
      await page.getByRole('link', { name: 'https://github.com/acme/checkout/actions/runs/1' }).waitFor();
      expect(await page.evaluate('window.notReloaded')).toBe(true);
    },
    BROWSER_TEST_MS,
  );

  test(
    "an entity picker whose dataset reads the form offers the entities of the form's current values; an input whose visible query reads it comes and goes",
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, '/console/actions/place/run');
      const offered = () =>
        page.locator('#options-cluster option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
      // As the form opens: the default environment's clusters.
      expect(await offered()).toEqual(['eu-prod-1', 'eu-prod-2']);
      await page.getByLabel('Environment').selectOption('staging');
      await page.getByLabel('Cluster').pressSequentially('eu');
      await page.locator('#options-cluster option[value="eu-stage-1"]').waitFor({ state: 'attached' });
      expect(await offered()).toEqual(['eu-stage-1']);
      // Approver is asked for in production only: hidden as staging is chosen, shown again for prod.
      await page.locator('#field-approver').waitFor({ state: 'hidden' });
      await page.getByLabel('Environment').selectOption('prod');
      await page.locator('#field-approver').waitFor({ state: 'visible' });
    },
    BROWSER_TEST_MS,
  );
});
