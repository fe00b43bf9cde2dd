/**
 * `npm run docs:screenshots`: the README's pictures of the console. Starts the product as `npm start` does on a fresh
 * data directory, fills it with the example catalog, signs in with Chromium (the browser tests' harness) and saves
 * the main pages as PNGs under docs/screenshots/. Run it again after changing the console, and commit the PNGs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../__tests__/helpers/chromium.ts';
import { type Product, startProduct } from '../../__tests__/helpers/product.ts';
import { EXAMPLE_BLUEPRINTS, EXAMPLE_ENTITIES, exampleActions } from './example-catalog.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
/** A laptop's window: what most readers of the README see the console in. */
const VIEWPORT = { width: 1280, height: 800 };

async function loadExampleCatalog(product: Product): Promise<void> {
  for (const blueprint of EXAMPLE_BLUEPRINTS) await product.api('POST', '/v1/blueprints', blueprint);
  for (const blueprint of EXAMPLE_BLUEPRINTS) {
    for (const entity of EXAMPLE_ENTITIES[blueprint.identifier] ?? []) {
      await product.api('POST', `/v1/blueprints/${blueprint.identifier}/entities`, entity);
    }
  }
}

/**
 * The job behind the example actions: a local webhook that answers at once, then writes its run's log lines and
 * ends it through the API, as a workflow would.
 */
async function startExampleJob(product: Product): Promise<{ url: string; close: () => void; done: Promise<void> }> {
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.end('{}');
      const { runId } = JSON.parse(body) as { runId: string };
      void (async () => {
        const log = (message: string, statusLabel?: string) =>
          product.api('POST', `/v1/actions/runs/${runId}/logs`, { message, ...(statusLabel && { statusLabel }) });
        await log('Building image example-org/checkout:2.5.0', 'Building');
        await log('Pushed example-org/checkout:2.5.0 (sha256:4f2a…)');
        await log('Rolling out to staging: 3 of 3 pods ready', 'Rolling out');
        await product.api('PATCH', `/v1/actions/runs/${runId}`, {
          status: 'SUCCESS',
          statusLabel: 'Deployed',
          summary: 'Deployed **2.5.0** to _staging_.',
          link: 'https://github.com/example-org/checkout/actions/runs/1201',
        });
        finished();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/deploy`, close: () => server.close(), done };
}

async function save(page: Page, name: string): Promise<void> {
  const path = `${SCREENSHOTS}${name}.png`;
  // The whole page, so that a picture is not cut below the fold (the blueprints page runs longer than a window).
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  console.log(`saved ${path}`);
}

async function main(): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A client id as an operator might choose it; the secret shows nowhere in the pictures.
  const product = await startProduct({
    clientId: 'platform-team',
    clientSecret: randomBytes(24).toString('base64url'),
  });
  try {
    await loadExampleCatalog(product);
    const job = await startExampleJob(product);
    for (const action of exampleActions(job.url)) await product.api('POST', '/v1/actions', action);
    // A reader in UTC: the pictures show the dates as stored, and a new run on another machine changes only what
    // changed in the console.
    const chromium = await launchChromium({ reader: { locale: 'en-GB', timezoneId: 'UTC' } });
    try {
      const page = await chromium.context.newPage();
      await page.setViewportSize(VIEWPORT);
      await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });

      await page.goto(`${product.url}/console/sign-in`);
      await page.getByLabel('Client id').fill(product.credentials.clientId);
      await save(page, 'sign-in');
      await page.getByLabel('Client secret').fill(product.credentials.clientSecret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('img', { name: 'Blueprints and their relations' }).waitFor();
      await save(page, 'blueprints');

      await page.getByRole('table').getByRole('link', { name: 'Service', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Service entities' }).waitFor();
      await save(page, 'entities');

      await page.getByRole('link', { name: 'storefront', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Storefront' }).waitFor();
      await save(page, 'entity');

      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Self-service' }).click();
      await page.getByRole('heading', { level: 1, name: 'Self-service' }).waitFor();
      await save(page, 'actions');

      // The form as a person sees it after one refused value: the message beside the field and above the form.
      await page.getByRole('link', { name: 'Scaffold a service' }).click();
      await page.getByLabel('Name').fill('Checkout API');
      await page.getByLabel('Language').selectOption('Go');
      await page.getByLabel('Team').fill('payments');
      await page.getByRole('button', { name: 'Run' }).click();
      await page.locator('#form-problems').waitFor();
      await save(page, 'action-form');

      await page.goto(`${product.url}/console/actions/deploy/run?entity=checkout`);
      await page.getByLabel('Version').fill('2.5.0');
      await page.getByRole('button', { name: 'Run' }).click();
      await page.waitForURL(/\/console\/runs\/r_/);
      await job.done;
      await page.locator('#run-status[data-status="SUCCESS"]').waitFor();
      await save(page, 'run');

      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runs' }).click();
      await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
      await save(page, 'runs');
    } finally {
      await chromium.close();
    }
    job.close();
  } finally {
    await product.stop();
  }
}

await main();
