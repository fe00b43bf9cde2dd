import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type ConsoleBrowser, decodeEntities, textOf } from './console-browser.ts';
import { createThroughApi, signedInBrowser } from './console-setup.ts';

let catalog: TestCatalog;
let browser: ConsoleBrowser;

const SERVICES = 110;
const serviceId = (index: number): string => `svc-${String(index).padStart(3, '0')}`;

const create = (path: string, body: unknown): Promise<void> => createThroughApi(catalog, path, body);

/** The rows of the entity table: each row's identifier (its row header). */
function rowIdentifiers(html: string): string[] {
  const body = /<table id="entities">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<th scope="row"><a href="[^"]*">([^<]*)<\/a><\/th>/g)].map((match) =>
    decodeEntities(match[1]!),
  );
}

function nextPageHref(html: string): string | undefined {
  const match = /<a href="([^"]*)" rel="next">Next page<\/a>/.exec(html);
  return match ? decodeEntities(match[1]!) : undefined;
}

beforeAll(async () => {
  catalog = await startTestCatalog();
  await create('/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } });
  await create('/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: {
        language: { type: 'string', title: 'Language', enum: ['go', 'ts'] },
        docs: { type: 'string', title: 'Docs', format: 'markdown' },
        homepage: { type: 'string', title: 'Homepage', format: 'url' },
        released: { type: 'string', title: 'Released', format: 'date-time' },
        stars: { type: 'number', title: 'Stars' },
        active: { type: 'boolean', title: 'Active' },
        notes: { type: 'string', title: 'Notes' },
      },
    },
    relations: { owner: { title: 'Owned by', target: 'team', required: false, many: false } },
  });
  await create('/v1/blueprints', {
    identifier: 'deployment',
    title: 'Deployment',
    schema: { properties: {} },
    relations: { service: { title: 'Deploys', target: 'service', required: true, many: false } },
  });
  await create('/v1/blueprints/team/entities', { identifier: 'core', title: 'Core team' });
  // Created in reverse order: the table's order is the catalog's, not the order of creation.
  for (let index = SERVICES - 1; index >= 0; index -= 1) {
    await create('/v1/blueprints/service/entities', {
      identifier: serviceId(index),
      title: `Service ${index}`,
      properties: { language: index % 2 === 0 ? 'go' : 'ts', stars: index },
    });
  }
  await create('/v1/blueprints/service/entities', {
    identifier: 'api',
    title: 'API',
    properties: {
      language: 'go',
      docs: '# Overview\n\nSee [the runbook](https://example.com/runbook) and **be careful**.',
      homepage: 'https://example.com/api?a=1&b=2',
      released: '2026-03-01T12:30:00.000Z',
      stars: 42,
      active: true,
    },
    relations: { owner: 'core' },
  });
  await catalog.api('PATCH', '/v1/blueprints/service/entities/api', { properties: { stars: 43 } });
  await create('/v1/blueprints/deployment/entities', {
    identifier: 'deploy-1',
    title: 'First deploy',
    relations: { service: 'api' },
  });
  await create('/v1/blueprints/deployment/entities', { identifier: 'deploy-2', relations: { service: 'api' } });
  browser = await signedInBrowser(catalog);
});

afterAll(async () => {
  await catalog.close();
});

describe('console entity table', () => {
  test('has a column per property, headers with scope, and 50 rows in identifier order', async () => {
    const page = await browser.get('/console/blueprints/service/entities');
    expect(page.status).toBe(200);
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(page.html)![1]!;
    expect(textOf(head)).toBe('Identifier ▲ Title Language Docs Homepage Released Stars Active Notes Updated');
    expect(head.match(/<th scope="col"/g)).toHaveLength(10);
    expect(head).toContain(
      '<th scope="col" aria-sort="ascending"><a href="/console/blueprints/service/entities?sort=-%24identifier">Identifier</a>',
    );
    const rows = rowIdentifiers(page.html);
    expect(rows).toHaveLength(50);
    expect(rows).toEqual([...rows].sort());
    expect(rows[0]).toBe('api');
    expect(page.html).toContain('<caption>Service entities, page 1</caption>');
    // Formats in cells: an enum as a label, a URL as a link, a date as <time>.
    expect(page.html).toContain('<span class="label">go</span>');
    expect(page.html).toContain('<a href="https://example.com/api?a=1&amp;b=2" rel="noopener noreferrer nofollow">');
    expect(page.html).toContain('<time datetime="2026-03-01T12:30:00.000Z">');
  });

  test('pages on with the next page link, to the last row', async () => {
    const seen: string[] = [];
    let href: string | undefined = '/console/blueprints/service/entities';
    let pages = 0;
    while (href) {
      const page = await browser.get(href);
      expect(page.status).toBe(200);
      pages += 1;
      expect(page.html).toContain(`<caption>Service entities, page ${pages}</caption>`);
      if (pages > 1) expect(page.html).toContain('>First page</a>');
      if (pages > 2) {
        expect(page.html).toContain(
          `<a href="/console/blueprints/service/entities?page=${pages - 1}" rel="prev">Previous page</a>`,
        );
      }
      seen.push(...rowIdentifiers(page.html));
      href = nextPageHref(page.html);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(SERVICES + 1);
    expect(new Set(seen).size).toBe(SERVICES + 1);
  });

  test('filters with the catalog search rules, and pages the filtered rows', async () => {
    const first = await browser.get('/console/blueprints/service/entities?property=language&operator=%3D&value=go');
    expect(first.status).toBe(200);
    expect(first.html).toContain('<option value="language" selected>Language</option>');
    expect(first.html).toContain('<option value="=" selected>is</option>');
    const firstRows = rowIdentifiers(first.html);
    expect(firstRows).toHaveLength(50);
    const second = await browser.get(nextPageHref(first.html)!);
    expect(second.html).toContain('<caption>Service entities, page 2, filtered</caption>');
    const all = [...firstRows, ...rowIdentifiers(second.html)];
    // 55 even services and the API.
    expect(all).toHaveLength(56);
    expect(all.every((id) => id === 'api' || Number(id.slice(4)) % 2 === 0)).toBe(true);
    expect(nextPageHref(second.html)).toBeUndefined();
  });

  test('a number filter compares numbers; an operator the catalog refuses is explained beside the form', async () => {
    const page = await browser.get('/console/blueprints/service/entities?property=stars&operator=%3E%3D&value=105');
    expect(rowIdentifiers(page.html)).toEqual(['svc-105', 'svc-106', 'svc-107', 'svc-108', 'svc-109']);
    const none = await browser.get('/console/blueprints/service/entities?property=%24title&operator=%3D&value=nothing');
    expect(textOf(none.html)).toContain('No entity matches the filter.');
    const refused = await browser.get('/console/blueprints/service/entities?property=stars&operator=between&value=1');
    expect(refused.status).toBe(422);
    expect(textOf(refused.html)).toContain('Choose an operator.');
    const empty = await browser.get('/console/blueprints/service/entities?property=stars&operator=%3D&value=');
    expect(textOf(empty.html)).toContain('Enter a value to compare Stars with.');
    expect(empty.html).toContain('aria-describedby="filter-problem"');
    // Words for a number would match nothing without a word: the form says what the property holds.
    const words = await browser.get('/console/blueprints/service/entities?property=stars&operator=%3E&value=many');
    expect(words.status).toBe(422);
    expect(textOf(words.html)).toContain('Stars holds a number: "many" is not a number.');
    const oneOf = await browser.get('/console/blueprints/service/entities?property=stars&operator=in&value=105%2C+x');
    expect(textOf(oneOf.html)).toContain('Stars holds a number: "x" is not a number.');
    const yesNo = await browser.get('/console/blueprints/service/entities?property=active&operator=%3D&value=yes');
    expect(textOf(yesNo.html)).toContain('Active holds true or false: "yes" is not true or false.');
    const contains = await browser.get('/console/blueprints/service/entities?property=stars&operator=contains&value=1');
    // A text operator sends the text as written, whatever the property: no number, and so no type refusal.
    expect(contains.status).toBe(200);
    expect(textOf(contains.html)).toContain('No entity matches the filter.');
  });

  test('sorts by a column from its header, both ways, and keeps the order with a filter across pages', async () => {
    const page = await browser.get('/console/blueprints/service/entities');
    const starsLink = /<th scope="col"><a href="([^"]*)">Stars<\/a><\/th>/.exec(page.html)![1]!;
    expect(decodeEntities(starsLink)).toBe('/console/blueprints/service/entities?sort=stars');
    const ascending = await browser.get(decodeEntities(starsLink));
    // Entities without the property come first, then the numbers in order.
    expect(rowIdentifiers(ascending.html).slice(0, 3)).toEqual(['svc-000', 'svc-001', 'svc-002']);
    const header = /<th scope="col" aria-sort="ascending"><a href="([^"]*)">Stars<\/a>/.exec(ascending.html);
    expect(decodeEntities(header![1]!)).toBe('/console/blueprints/service/entities?sort=-stars');
    const descending = await browser.get(decodeEntities(header![1]!));
    expect(descending.html).toContain(
      '<th scope="col" aria-sort="descending"><a href="/console/blueprints/service/entities?sort=stars">Stars</a>',
    );
    expect(rowIdentifiers(descending.html).slice(0, 3)).toEqual(['svc-109', 'svc-108', 'svc-107']);
    expect(descending.html).not.toContain('aria-sort="ascending"');

    const filtered = '/console/blueprints/service/entities?property=language&operator=%3D&value=go&sort=-stars';
    const first = await browser.get(filtered);
    expect(rowIdentifiers(first.html).slice(0, 2)).toEqual(['svc-108', 'svc-106']);
    expect(first.html).toContain('<input type="hidden" name="sort" value="-stars">');
    const second = await browser.get(nextPageHref(first.html)!);
    expect(second.html).toContain('<caption>Service entities, page 2, filtered</caption>');
    // 55 even services and the API (43 stars, on the first page): the second page has the six smallest.
    expect(rowIdentifiers(second.html)).toEqual(['svc-010', 'svc-008', 'svc-006', 'svc-004', 'svc-002', 'svc-000']);
    expect(nextPageHref(second.html)).toBeUndefined();
  });

  test('sorts by title, and says so when asked for a column it cannot sort by', async () => {
    const byTitle = await browser.get('/console/blueprints/service/entities?sort=-%24title');
    expect(rowIdentifiers(byTitle.html)[0]).toBe('svc-099');
    const other = await browser.get('/console/blueprints/service/entities?sort=-nope');
    expect(other.status).toBe(200);
    expect(textOf(other.html)).toContain('The table cannot be sorted by nope; it is sorted by identifier.');
    expect(rowIdentifiers(other.html)[0]).toBe('api');
  });

  test('an unknown blueprint is a 404 page', async () => {
    const page = await browser.get('/console/blueprints/nope/entities');
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain('blueprint "nope" not found');
  });
});

describe('console entity page', () => {
  test('shows each property by its format', async () => {
    const page = await browser.get('/console/blueprints/service/entities/api');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>API</h1>');
    const properties = /<dl class="properties" id="properties">([\s\S]*?)<\/dl>/.exec(page.html)![1]!;
    // Markdown rendered (its heading below the page's own), sanitized links kept.
    expect(properties).toContain('<h3>Overview</h3>');
    expect(properties).toContain('<strong>be careful</strong>');
    expect(properties).toContain(
      '<a href="https://example.com/runbook" rel="noopener noreferrer nofollow">the runbook</a>',
    );
    expect(properties).toContain('<a href="https://example.com/api?a=1&amp;b=2" rel="noopener noreferrer nofollow">');
    expect(properties).toContain('<time datetime="2026-03-01T12:30:00.000Z">2026-03-01T12:30:00.000Z</time>');
    expect(properties).toContain('<span class="label">go</span>');
    expect(textOf(properties)).toContain('Stars 43 Active Yes Notes not set');
    // The script that writes dates in the reader's time zone.
    expect(page.html).toContain('<script src="/console/assets/console.js" defer></script>');
    const script = await browser.get('/console/assets/console.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.html).toContain('time[datetime]');
  });

  test('links its relations both ways', async () => {
    const page = await browser.get('/console/blueprints/service/entities/api');
    const outgoing = /<dl class="properties" id="outgoing">([\s\S]*?)<\/dl>/.exec(page.html)![1]!;
    expect(textOf(outgoing)).toBe('Owned by (Team) Core team (core)');
    expect(outgoing).toContain('href="/console/blueprints/team/entities/core"');
    const incoming = /<dl class="properties" id="incoming">([\s\S]*?)<\/dl>/.exec(page.html)![1]!;
    expect(textOf(incoming)).toBe('Deployment , through Deploys First deploy (deploy-1) deploy-2');
    expect(incoming).toContain('href="/console/blueprints/deployment/entities/deploy-1"');
    expect(incoming).toContain('href="/console/blueprints/deployment/entities/deploy-2"');
    const team = await browser.get('/console/blueprints/team/entities/core');
    const teamIncoming = /<dl class="properties" id="incoming">([\s\S]*?)<\/dl>/.exec(team.html)![1]!;
    expect(teamIncoming).toContain('href="/console/blueprints/service/entities/api"');
  });

  test('shows its history from the audit log, newest first', async () => {
    const page = await browser.get('/console/blueprints/service/entities/api');
    const history = /<table id="history">([\s\S]*?)<\/table>/.exec(page.html)![1]!;
    const rows = [...history.matchAll(/<tr><td>([\s\S]*?)<\/tr>/g)].map((match) => textOf(match[1]!));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/Updated test-client none$/);
    expect(rows[1]).toMatch(/Created test-client none$/);
  });

  test('an unknown entity is a 404 page', async () => {
    const page = await browser.get('/console/blueprints/service/entities/nope');
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain('entity "nope" of blueprint "service" not found');
  });
});
