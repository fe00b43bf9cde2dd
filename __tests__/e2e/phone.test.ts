import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { BROWSER_TEST_MS, consoleInChromium, signIn } from './browser.ts';

const inChromium = consoleInChromium();

/** A phone held upright (CSS pixels). */
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  const { api } = inChromium.product;
  await api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: Object.fromEntries(
        ['language', 'lifecycle', 'tier', 'owner', 'region', 'runtime'].map((name) => [name, { type: 'string' }]),
      ),
    },
  });
  await api('POST', '/v1/blueprints/service/entities', {
    identifier: 'a-service-with-a-rather-long-identifier',
    title: 'A service with a rather long title',
    properties: { language: 'TypeScript', lifecycle: 'Production', tier: 'Customer facing', region: 'eu-west-1' },
  });
  await api('POST', '/v1/actions', {
    identifier: 'deploy_with_a_long_identifier',
    title: 'Deploy to an environment with a long name',
    trigger: {
      type: 'self-service',
      operation: 'DAY-2',
      blueprintIdentifier: 'service',
      userInputs: {
        properties: {
          environment: { type: 'string', title: 'Environment', enum: ['production-eu-west-1-blue', 'staging'] },
          notes: { type: 'string', title: 'Notes', format: 'multi-line' },
          config: { type: 'object', title: 'Config', default: { replicas: 3, image: 'registry.example.com/a/b:1' } },
        },
      },
    },
    // Nothing listens there: the run ends FAILURE with the reason in its log, which the run page shows.
    invocationMethod: { type: 'WEBHOOK', url: 'http://127.0.0.1:9/deploy' },
  });
}, BROWSER_TEST_MS);

/** How much wider than the window the page is: a page that reads on a phone scrolls only up and down. */
async function overflow(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
}

describe('the console on a phone in Chromium', () => {
  test(
    'each page fits the width of the screen; a wide table scrolls in its own region',
    async () => {
      const { page, product } = inChromium;
      await page.setViewportSize(PHONE);
      await page.goto(`${product.url}/console/sign-in`);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await signIn(page, product);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.goto(`${product.url}/console/blueprints/service/entities`);
      // The table is wider than the phone (seven columns): it scrolls sideways inside its region, not the page.
      const region = page.getByRole('region', { name: /Service entities/ });
      expect(await region.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeGreaterThan(0);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.getByRole('link', { name: 'a-service-with-a-rather-long-identifier' }).click();
      await page.getByRole('heading', { level: 1, name: 'A service with a rather long title' }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // Self-service: the form, the run it opens, and the runs list.
      await page.getByRole('link', { name: 'Deploy to an environment with a long name' }).click();
      await page.getByLabel('Notes').waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: 'Run' }).click();
      await page.locator('#run-status[data-status="FAILURE"]').waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.goto(`${product.url}/console/runs`);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
    },
    BROWSER_TEST_MS,
  );
});
