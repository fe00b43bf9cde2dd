import { describe, expect, test } from '@jest/globals';
import { BROWSER_TEST_MS, consoleInChromium, signIn, tabTo } from './browser.ts';

const inChromium = consoleInChromium();

describe('signing in to the console in Chromium', () => {
  test(
    'a page asked for without a session opens the sign-in form; a wrong secret is refused, then the right one opens the page',
    async () => {
      const { page, product } = inChromium;
      await page.goto(`${product.url}/console/blueprints`);
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

      await page.getByLabel('Client id').fill(product.credentials.clientId);
      await page.getByLabel('Client secret').fill('not-the-secret');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const problem = page.getByRole('alert');
      expect(await problem.textContent()).toContain('The client id or the client secret is wrong.');
      // The form says what went wrong to a screen reader too, and keeps the client id for the next try.
      const form = page.locator('form', { has: page.getByLabel('Client secret') });
      expect(await form.getAttribute('aria-describedby')).toBe(await problem.getAttribute('id'));
      expect(await page.getByLabel('Client id').inputValue()).toBe(product.credentials.clientId);
      expect(await page.getByLabel('Client secret').inputValue()).toBe('');

      await page.getByLabel('Client secret').fill(product.credentials.clientSecret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${product.url}/console/blueprints`);
      await page.getByRole('heading', { level: 1, name: 'Blueprints' }).waitFor();
    },
    BROWSER_TEST_MS,
  );

  test(
    'with the keyboard alone: Enter submits the sign-in form, Tab reaches Sign out and Enter signs out',
    async () => {
      const { page, product } = inChromium;
      await page.goto(`${product.url}/console/sign-in`);
      await tabTo(page, page.getByLabel('Client id'));
      await page.keyboard.type(product.credentials.clientId);
      await page.keyboard.press('Tab');
      await page.keyboard.type(product.credentials.clientSecret);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Blueprints' }).waitFor();

      await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
    },
    BROWSER_TEST_MS,
  );

  test(
    'after signing out the console is refused: its pages open the sign-in form again',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();

      for (const path of ['/console/blueprints', '/console']) {
        await page.goto(`${product.url}${path}`);
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/console/sign-in');
      }
    },
    BROWSER_TEST_MS,
  );
});
