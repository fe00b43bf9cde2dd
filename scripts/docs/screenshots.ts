/**
 * `npm run docs:screenshots`: the README's pictures of the console. Starts the product as `npm start` does on a fresh
 * data directory, fills it with the example catalog, signs in with Chromium (the browser tests' harness) and saves
 * the main pages as PNGs under docs/screenshots/. Run it again after changing the console, and commit the PNGs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../__tests__/helpers/chromium.ts';
import { type Product, startProduct } from '../../__tests__/helpers/product.ts';
import { EXAMPLE_BLUEPRINTS, EXAMPLE_ENTITIES } from './example-catalog.ts';

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
    } finally {
      await chromium.close();
    }
  } finally {
    await product.stop();
  }
}

await main();
