import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { BROWSER_TEST_MS, consoleInChromium, signIn, tabTo } from './browser.ts';

const inChromium = consoleInChromium();

const LANGUAGES = ['Go', 'Rust', 'TypeScript'] as const;
/** More than one page of the table (50 rows): `svc-01` to `svc-55`, in identifier order. */
const MANY = Array.from({ length: 55 }, (_, index) => `svc-${String(index + 1).padStart(2, '0')}`);
const rustServices = MANY.filter((_, index) => LANGUAGES[index % 3] === 'Rust');
/** Each entity's tier (1 to 4 in turn); storefront has none. */
const TIERS = new Map<string, number | undefined>([
  ...MANY.map((identifier, index) => [identifier, (index % 4) + 1] as const),
  ['storefront', undefined],
]);

/**
 * The identifiers in the catalog's order by tier: a missing value before any number, and the identifier as the
 * tie-break, both in the direction asked for.
 */
function byTier(identifiers: readonly string[], direction: 'ascending' | 'descending'): string[] {
  const key = (identifier: string): number => TIERS.get(identifier) ?? -Infinity;
  const ascending = [...identifiers].sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
  return direction === 'ascending' ? ascending : ascending.reverse();
}

const README = [
  '## Storefront',
  '',
  'What **shoppers** see. Runbook: [the wiki](https://wiki.example.com/storefront).',
  '',
  '- served by `web`',
  '- <img src="x" onerror="document.title = \'script ran\'">',
].join('\n');

beforeAll(async () => {
  const { api } = inChromium.product;
  await api('POST', '/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: {
        readme: { title: 'README', type: 'string', format: 'markdown' },
        repository: { title: 'Repository', type: 'string', format: 'url' },
        language: { title: 'Language', type: 'string', enum: [...LANGUAGES] },
        tier: { title: 'Tier', type: 'number' },
        deployed: { title: 'Deployed', type: 'string', format: 'date-time' },
      },
    },
    relations: { team: { title: 'Owned by', target: 'team', required: false, many: false } },
  });
  await api('POST', '/v1/blueprints/team/entities', { identifier: 'web', title: 'Web' });
  const services = MANY.map((identifier, index) => ({
    identifier,
    title: `Service ${index + 1}`,
    properties: { language: LANGUAGES[index % 3], tier: TIERS.get(identifier) },
  }));
  // The bulk route takes 20 entities at most, as Port's does.
  for (let start = 0; start < services.length; start += 20) {
    await api('POST', '/v1/blueprints/service/entities/bulk', { entities: services.slice(start, start + 20) });
  }
  await api('POST', '/v1/blueprints/service/entities', {
    identifier: 'storefront',
    title: 'Storefront',
    properties: {
      readme: README,
      repository: 'https://github.com/example-org/storefront',
      language: 'TypeScript',
      deployed: '2026-11-19T09:30:00.000Z',
    },
    relations: { team: 'web' },
  });
  // A second change, for the entity page's history.
  await api('PATCH', '/v1/blueprints/service/entities/storefront', {
    properties: { deployed: '2026-11-20T09:30:00.000Z' },
  });
}, BROWSER_TEST_MS);

/** The identifiers in the table's rows, top to bottom. */
async function rowIdentifiers(page: Page): Promise<string[]> {
  const table = page.getByRole('table');
  await table.waitFor();
  return table.locator('tbody').getByRole('rowheader').allTextContents();
}

/** Chooses a filter in the table's form, which the test then submits, as a person would, by click or by Enter. */
async function chooseFilter(page: Page, property: string, operator: string, value?: string): Promise<void> {
  const filter = page.getByRole('search', { name: 'Filter entities' });
  await filter.getByLabel('Property').selectOption({ label: property });
  await filter.getByLabel('Operator').selectOption({ label: operator });
  if (value !== undefined) await filter.getByLabel('Value').fill(value);
}

/** Whether the address is of the table filtered on `property` with `value`: the page the filter form opens. */
function filteredOn(property: string, value: string): (url: URL) => boolean {
  return (url) => url.searchParams.get('property') === property && url.searchParams.get('value') === value;
}

function entitiesPage(path = ''): string {
  return `/console/blueprints/service/entities${path}`;
}

describe('the entity table in Chromium', () => {
  test(
    'is reached from the blueprints page and shows the entities made through the API, a column per property',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product);
      await page.getByRole('table').getByRole('link', { name: 'Service', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Service entities' }).waitFor();
      const headers = await page.getByRole('columnheader').allTextContents();
      expect(headers.map((header) => header.replace(/[▲▼]/g, '').trim())).toEqual(
        expect.arrayContaining(['Identifier', 'Title', 'README', 'Repository', 'Language', 'Tier']),
      );
      const row = page.getByRole('row', { name: /svc-02/ });
      expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['Service 2', 'Rust', '2']));
    },
    BROWSER_TEST_MS,
  );

  test(
    'is ordered by identifier (marked on its header), and pages by 50: the second page has the rest',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, entitiesPage());
      const everyIdentifier = [...MANY, 'storefront'].sort();
      expect(await rowIdentifiers(page)).toEqual(everyIdentifier.slice(0, 50));
      expect(await page.getByRole('columnheader', { name: /Identifier/ }).getAttribute('aria-sort')).toBe('ascending');
      expect(await page.locator('caption').textContent()).toContain('page 1');

      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next page' }).click();
      await page.locator('caption', { hasText: 'page 2' }).waitFor();
      expect(await rowIdentifiers(page)).toEqual(everyIdentifier.slice(50));
      expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
      await page.getByRole('link', { name: 'First page' }).click();
      await page.locator('caption', { hasText: 'page 1' }).waitFor();
      expect(await rowIdentifiers(page)).toEqual(everyIdentifier.slice(0, 50));
    },
    BROWSER_TEST_MS,
  );

  test(
    'is sorted by a column from its header, ascending then descending, an order the pages and the filter keep',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, entitiesPage());
      const everyIdentifier = [...TIERS.keys()];
      const tierHeader = page.getByRole('columnheader', { name: /Tier/ });

      await tierHeader.getByRole('link').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === 'tier');
      expect(await tierHeader.getAttribute('aria-sort')).toBe('ascending');
      expect(await page.getByRole('columnheader', { name: /Identifier/ }).getAttribute('aria-sort')).toBeNull();
      expect(await rowIdentifiers(page)).toEqual(byTier(everyIdentifier, 'ascending').slice(0, 50));

      await tierHeader.getByRole('link').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === '-tier');
      expect(await tierHeader.getAttribute('aria-sort')).toBe('descending');
      const descending = byTier(everyIdentifier, 'descending');
      expect(await rowIdentifiers(page)).toEqual(descending.slice(0, 50));

      await page.getByRole('link', { name: 'Next page' }).click();
      await page.locator('caption', { hasText: 'page 2' }).waitFor();
      expect(await rowIdentifiers(page)).toEqual(descending.slice(50));

      await chooseFilter(page, 'Language', 'is', 'Rust');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(filteredOn('language', 'Rust'));
      expect(new URL(page.url()).searchParams.get('sort')).toBe('-tier');
      expect(await rowIdentifiers(page)).toEqual(byTier(rustServices, 'descending'));
    },
    BROWSER_TEST_MS,
  );

  test(
    'filters by a property with the keyboard: Tab reaches the filter form, Enter submits it',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, entitiesPage());
      const filter = page.getByRole('search', { name: 'Filter entities' });
      await tabTo(page, filter.getByLabel('Property'));
      await chooseFilter(page, 'Language', 'is');
      await tabTo(page, filter.getByLabel('Value'));
      await page.keyboard.type('Rust');
      await page.keyboard.press('Enter');
      await page.waitForURL(filteredOn('language', 'Rust'));
      expect(await page.locator('caption').textContent()).toContain('filtered');
      expect(await rowIdentifiers(page)).toEqual(rustServices);
      // The form shows the filter it applied, so that it can be changed.
      expect(await filter.getByLabel('Value').inputValue()).toBe('Rust');

      await chooseFilter(page, 'Tier', 'is greater than', '3');
      await filter.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(filteredOn('tier', '3'));
      const fourthTier = MANY.filter((_, index) => (index % 4) + 1 > 3);
      expect(await rowIdentifiers(page)).toEqual(fourthTier);

      await page.getByRole('link', { name: 'Clear the filter' }).click();
      await page.waitForURL(`${product.url}${entitiesPage()}`);
      expect(await page.locator('caption').textContent()).toMatch(/page 1$/);
      expect(await rowIdentifiers(page)).toHaveLength(50);
    },
    BROWSER_TEST_MS,
  );

  test(
    'a filter that cannot be searched is refused with its message beside the form, and no rows',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, entitiesPage());
      const filter = page.getByRole('search', { name: 'Filter entities' });
      await chooseFilter(page, 'Tier', 'is greater than');
      await filter.getByRole('button', { name: 'Filter' }).click();
      const problem = page.getByRole('alert');
      expect((await problem.textContent())!.trim()).toBe('Enter a value to compare Tier with.');
      expect(await page.getByRole('table').count()).toBe(0);
      expect(await filter.getByLabel('Value').getAttribute('aria-invalid')).toBe('true');
      expect(await filter.getByLabel('Value').getAttribute('aria-describedby')).toBe(await problem.getAttribute('id'));
    },
    BROWSER_TEST_MS,
  );
});

describe('an entity page in Chromium', () => {
  test(
    'shows markdown rendered (and no script of it run), a url as a link, a date in the reader’s zone, its history, and its relations as links both ways',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product, entitiesPage());
      await page.getByRole('link', { name: 'storefront', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Storefront' }).waitFor();
      const titleBefore = await page.title();

      const readme = page.locator('.markdown');
      await readme.getByRole('heading', { name: 'Storefront' }).waitFor();
      expect(await readme.locator('strong').textContent()).toBe('shoppers');
      expect(await readme.getByRole('listitem').first().textContent()).toBe('served by web');
      expect(await readme.getByRole('link', { name: 'the wiki' }).getAttribute('href')).toBe(
        'https://wiki.example.com/storefront',
      );
      expect(await readme.locator('[onerror]').count()).toBe(0);
      expect(await page.title()).toBe(titleBefore);

      const repository = page.getByRole('link', { name: 'https://github.com/example-org/storefront' });
      expect(await repository.getAttribute('href')).toBe('https://github.com/example-org/storefront');

      // Stored in UTC, shown in the reader's zone (READER: Tokyo, 9 hours ahead) and language.
      const deployed = page.locator('time[datetime="2026-11-20T09:30:00.000Z"]');
      expect(await deployed.textContent()).toBe('20 Nov 2026, 18:30:00');

      // Its history from the audit log, newest first, each change by the API client that made it.
      const history = page.getByRole('region', { name: 'History' }).getByRole('table');
      const changes = await history
        .locator('tbody')
        .getByRole('row')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].slice(1, 3).map((cell) => cell.textContent)),
        );
      expect(changes).toEqual([
        ['Updated', product.credentials.clientId],
        ['Created', product.credentials.clientId],
      ]);

      // Points to its team; the team's page is pointed to by the service, and links back to it.
      await page.getByRole('region', { name: 'Relations' }).getByRole('link', { name: 'Web (web)' }).click();
      await page.getByRole('heading', { level: 1, name: 'Web' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/blueprints/team/entities/web');
      const pointedToBy = page.getByRole('region', { name: 'Relations' });
      await pointedToBy.getByRole('link', { name: 'Storefront (storefront)' }).click();
      await page.getByRole('heading', { level: 1, name: 'Storefront' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(entitiesPage('/storefront'));
    },
    BROWSER_TEST_MS,
  );
});
