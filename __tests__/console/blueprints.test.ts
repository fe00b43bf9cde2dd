import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type ConsoleBrowser, textOf } from './console-browser.ts';
import { createThroughApi, signedInBrowser } from './console-setup.ts';

let catalog: TestCatalog;
let browser: ConsoleBrowser;

beforeAll(async () => {
  catalog = await startTestCatalog();
  for (const blueprint of [
    { identifier: 'team', title: 'Team', schema: { properties: { lead: { type: 'string' } } } },
    {
      identifier: 'service',
      title: 'Service <b>core</b>',
      schema: { properties: { language: { type: 'string' } } },
      relations: { owner: { title: 'Owned by', target: 'team', required: false, many: false } },
    },
    {
      identifier: 'deployment',
      title: 'Deployment',
      schema: { properties: {} },
      relations: {
        service: { title: 'Deploys', target: 'service', required: true, many: false },
        previous: { target: 'deployment', required: false, many: false },
      },
    },
  ]) {
    await createThroughApi(catalog, '/v1/blueprints', blueprint);
  }
  await createThroughApi(catalog, '/v1/blueprints/team/entities', { identifier: 'core' });
  browser = await signedInBrowser(catalog);
});

afterAll(async () => {
  await catalog.close();
});

describe('console blueprints', () => {
  test('the list links each blueprint to its entities, with counts', async () => {
    const page = await browser.get('/console/blueprints');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.html).toContain('<main id="main"');
    expect(page.html).toContain('<a href="/console/blueprints/team/entities">Team</a>');
    // A title is text, never markup.
    expect(page.html).toContain('Service &lt;b&gt;core&lt;/b&gt;');
    expect(page.html).not.toContain('<b>core</b>');
    const rows = /<table id="blueprints">([\s\S]*?)<\/table>/.exec(page.html)![1]!;
    expect(textOf(rows)).toContain('Title Identifier Entities Properties Relations');
    expect(textOf(rows)).toContain('Team team 1 1 0');
  });

  test('the diagram draws every blueprint and relation, with a title, a description and a text alternative', async () => {
    const page = await browser.get('/console/blueprints');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.html)![0];
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="diagram-title diagram-desc"');
    expect(svg).toContain('<title id="diagram-title">Blueprints and their relations</title>');
    expect(textOf(svg)).toContain('3 blueprints and 3 relations');
    expect(svg.match(/<g class="node">/g)).toHaveLength(3);
    expect(svg.match(/<g class="edge">/g)).toHaveLength(3);
    for (const label of ['Owned by', 'Deploys', 'previous', 'Deployment', 'Service &lt;b&gt;core&lt;/b&gt;']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    // Laid out: every box has a position and a size, every arrow a path.
    expect(svg).toMatch(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="52"/);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+" marker-end="url\(#arrow\)">/);
    // A relation of a blueprint to itself is a loop that leaves and meets its own box's bottom edge.
    const box =
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" rx="6"><\/rect>\s*<text[^>]*>Deployment<\/text>/.exec(
        svg,
      )!;
    const [left, top, width, height] = box.slice(1).map(Number) as [number, number, number, number];
    const loop =
      /<path d="M([\d.]+),([\d.]+) C[\d., ]+ ([\d.]+),([\d.]+)"[^>]*><\/path>\s*<text[^>]*>previous<\/text>/.exec(svg)!;
    const [startX, startY, endX, endY] = loop.slice(1).map(Number) as [number, number, number, number];
    for (const x of [startX, endX]) expect(x > left && x < left + width).toBe(true);
    expect(startY).toBeCloseTo(top + height, 0);
    expect(endY).toBeCloseTo(top + height, 0);
    const relations = textOf(/<ul id="relations">([\s\S]*?)<\/ul>/.exec(page.html)![1]!);
    expect(relations).toContain('Deployment → Deploys ( service , required, one) → Service <b>core</b>');
    expect(relations).toContain('Service <b>core</b> → Owned by ( owner , optional, one) → Team');
    expect(relations).toContain('Deployment → previous ( previous , optional, one) → Deployment');
  });
});
