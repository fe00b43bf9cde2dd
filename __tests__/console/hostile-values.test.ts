import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type ConsoleBrowser, textOf } from './console-browser.ts';
import { createThroughApi, signedInBrowser } from './console-setup.ts';

let catalog: TestCatalog;
let browser: ConsoleBrowser;

const ENORMOUS = 'x'.repeat(300_000);
const HOSTILE_MARKDOWN = [
  '[click](javascript:alert(1))',
  '<script>alert(2)</script>',
  '<a href="javascript:alert(3)" onclick="alert(4)">raw</a>',
  '<img src=x onerror=alert(5)>',
  '[data](data:text/html,<b>hi</b>)',
  '<iframe src="https://evil.example"></iframe>',
  '[fine](https://example.com/ok)',
].join('\n\n');

/** Markup that would run a script or load something from elsewhere, wherever it is in the page. */
function expectNoActiveContent(html: string): void {
  // The console's one script is loaded by src; no other <script> element.
  expect(html.match(/<script\b/gi)).toEqual(['<script']);
  expect(html).toContain('<script src="/console/assets/console.js" defer></script>');
  // Attribute values (escaped, in double quotes) may say anything; an attribute's name may not be an event handler.
  const tags = html.replace(/"[^"]*"/g, '""').match(/<[a-z][^>]*>/gi) ?? [];
  expect(tags.filter((tag) => /\son[a-z]+\s*=/i.test(tag))).toEqual([]);
  expect(html).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):/i);
  expect(html).not.toMatch(/<(img|iframe|object|embed|style)\b/i);
}

const create = (path: string, body: unknown): Promise<void> => createThroughApi(catalog, path, body);

beforeAll(async () => {
  catalog = await startTestCatalog();
  await create('/v1/blueprints', {
    identifier: 'hostile',
    title: '<img src=x onerror=alert(6)>',
    schema: {
      properties: {
        notes: { type: 'string', title: '"><script>alert(7)</script>' },
        docs: { type: 'string', format: 'markdown' },
        homepage: { type: 'string', format: 'url' },
        link: { type: 'object', format: 'labeled-url' },
        kind: { type: 'string', enum: ['<b>bold</b>', 'plain'] },
        data: { type: 'object' },
        blob: { type: 'string' },
      },
    },
    relations: { self: { title: '<script>alert(8)</script>', target: 'hostile', required: false, many: true } },
  });
  await create('/v1/blueprints/hostile/entities', {
    identifier: 'evil',
    title: '<script>alert(9)</script>',
    team: ['</span><script>alert(10)</script>'],
    properties: {
      notes: '</td></tr></table><script>alert(11)</script>',
      docs: HOSTILE_MARKDOWN,
      // Absolute enough for the catalog's url format, and a script to a browser.
      homepage: 'javascript://example.com/%0Aalert(12)',
      link: { url: 'javascript://example.com/%0Aalert(13)', displayText: '<b>click</b>' },
      kind: '<b>bold</b>',
      data: { '<key>': '</pre><script>alert(14)</script>' },
      blob: ENORMOUS,
    },
    relations: { self: ['evil'] },
  });
  browser = await signedInBrowser(catalog);
});

afterAll(async () => {
  await catalog.close();
});

describe('hostile values in the console', () => {
  test('the blueprints page shows titles as text', async () => {
    const page = await browser.get('/console/blueprints');
    expectNoActiveContent(page.html);
    expect(textOf(page.html)).toContain('<img src=x onerror=alert(6)> → <script>alert(8)</script>');
  });

  test('the entity table shows every value as text, and cuts an enormous one', async () => {
    const page = await browser.get('/console/blueprints/hostile/entities');
    expect(page.status).toBe(200);
    expectNoActiveContent(page.html);
    const text = textOf(page.html);
    expect(text).toContain('"><script>alert(7)</script>');
    expect(text).toContain('</td></tr></table><script>alert(11)</script>');
    expect(text).toContain('javascript://example.com/%0Aalert(12)');
    expect(text).toContain(`${'x'.repeat(120)}… (299,880 more characters)`);
    expect(page.html.length).toBeLessThan(50_000);
  });

  test('the entity page renders markdown without scripts or unsafe links, and cuts an enormous value', async () => {
    const page = await browser.get('/console/blueprints/hostile/entities/evil');
    expect(page.status).toBe(200);
    expectNoActiveContent(page.html);
    expect(page.html).toContain('<a href="https://example.com/ok" rel="noopener noreferrer nofollow">fine</a>');
    const text = textOf(page.html);
    expect(text).toContain('<script>alert(9)</script>');
    expect(text).toContain('</span><script>alert(10)</script>');
    // A URL that is not http(s) is shown, never linked.
    expect(text).toContain('javascript://example.com/%0Aalert(12)');
    expect(text).toContain('<b>click</b>');
    expect(page.html).toContain('<span class="label">&lt;b&gt;bold&lt;/b&gt;</span>');
    expect(text).toContain('"</pre><script>alert(14)</script>"');
    expect(text).toContain('(200,000 more characters)');
    expect(page.html.length).toBeLessThan(ENORMOUS.length);
  });

  test('a hostile filter value is echoed as text', async () => {
    const value = '"><script>alert(15)</script>';
    const page = await browser.get(
      `/console/blueprints/hostile/entities?property=notes&operator=contains&value=${encodeURIComponent(value)}`,
    );
    expectNoActiveContent(page.html);
    expect(page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(15)&lt;/script&gt;"');
  });

  test('a hostile path is answered as text', async () => {
    const page = await browser.get('/console/blueprints/%3Cscript%3Ealert(16)%3C%2Fscript%3E/entities');
    expect(page.status).toBe(404);
    expectNoActiveContent(page.html);
    const unknown = await browser.get('/console/%3Cscript%3Ealert(17)%3C%2Fscript%3E');
    expect(unknown.status).toBe(404);
    expectNoActiveContent(unknown.html);
  });
});
