import { expect } from '@jest/globals';
import type { TestCatalog } from '../helpers/catalog-server.ts';
import { ConsoleBrowser } from './console-browser.ts';

/** A browser signed in to the catalog's console with its credentials. */
export async function signedInBrowser(catalog: TestCatalog): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(catalog.url);
  expect((await browser.signIn(catalog.credentials)).status).toBe(303);
  return browser;
}

/** A POST to the catalog's API that must succeed: a setup that failed would leave the pages showing less. */
export async function createThroughApi(catalog: TestCatalog, path: string, body: unknown): Promise<void> {
  const answer = await catalog.api('POST', path, body);
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`${path}: ${JSON.stringify(answer.body)}`);
}
