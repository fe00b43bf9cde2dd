import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { type Chromium, launchChromium } from '../helpers/chromium.ts';
import { type Product, startProduct } from '../helpers/product.ts';

/**
 * The person the tests read as: in Tokyo (UTC+9, no daylight saving time), reading British English, so that a date
 * the console shows in the reader's zone differs from the UTC it is stored in, the same on every machine.
 */
export const READER = { locale: 'en-GB', timezoneId: 'Asia/Tokyo' };

/** A browser test waits on a loaded machine for a process, a browser and page loads: no duration is asserted. */
export const BROWSER_TEST_MS = 60_000;

export interface ConsoleInChromium {
  readonly product: Product;
  readonly chromium: Chromium;
  /** The test's own page, opened signed out. */
  readonly page: Page;
}

/**
 * For a test file: the product (as `npm start` runs it) and one Chromium, started before its tests and closed after
 * them; each test gets a page of its own, with no session cookie left by the test before.
 */
export function consoleInChromium(): ConsoleInChromium {
  let product: Product | undefined;
  let chromium: Chromium | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    // Chromium first: when it is missing the file fails at once, with no product process left to stop.
    chromium = await launchChromium({ reader: READER });
    product = await startProduct();
  }, BROWSER_TEST_MS);
  afterAll(async () => {
    await chromium?.close();
    await product?.stop();
  }, BROWSER_TEST_MS);
  beforeEach(async () => {
    await chromium!.context.clearCookies();
    page = await chromium!.context.newPage();
  }, BROWSER_TEST_MS);
  afterEach(async () => page?.close(), BROWSER_TEST_MS);
  return {
    get product() {
      return product!;
    },
    get chromium() {
      return chromium!;
    },
    get page() {
      return page!;
    },
  };
}

/** Signs in as a person would, through the sign-in form on the way to `path`, and waits until `path` is open. */
export async function signIn(page: Page, product: Product, path = '/console/blueprints'): Promise<void> {
  await page.goto(`${product.url}${path}`);
  await page.getByLabel('Client id').fill(product.credentials.clientId);
  await page.getByLabel('Client secret').fill(product.credentials.clientSecret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === path);
}

/**
 * Presses Tab from where the focus is until `target` has it, as a keyboard user reaches it; throws when it is not
 * reached within `presses`. Answers how many presses it took.
 */
export async function tabTo(page: Page, target: Locator, presses = 40): Promise<number> {
  for (let press = 1; press <= presses; press += 1) {
    await page.keyboard.press('Tab');
    if ((await target.and(page.locator(':focus')).count()) === 1) return press;
  }
  throw new Error(`${String(target)} was not reached with ${presses} presses of Tab`);
}
