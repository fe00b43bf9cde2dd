import { beforeAll, describe, expect, test } from '@jest/globals';
import { BROWSER_TEST_MS, consoleInChromium, signIn } from './browser.ts';

const inChromium = consoleInChromium();

beforeAll(async () => {
  const { api } = inChromium.product;
  await api('POST', '/v1/blueprints', {
    identifier: 'team',
    title: 'Team',
    schema: { properties: { slack: { type: 'string', format: 'url' } } },
  });
  await api('POST', '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { language: { type: 'string' }, tier: { type: 'number' } } },
    relations: { owner: { title: 'Owned by', target: 'team', required: false, many: false } },
  });
  for (const identifier of ['payments', 'search']) {
    await api('POST', '/v1/blueprints/team/entities', { identifier, title: identifier });
  }
}, BROWSER_TEST_MS);

describe('the blueprints page in Chromium', () => {
  test(
    'lists the blueprints made through the API with their counts, each a link to its entities',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product);
      const table = page.getByRole('table');
      const serviceRow = table.getByRole('row', { name: /Service/ });
      const teamRow = table.getByRole('row', { name: /Team/ });
      // Title, identifier, entities, properties, relations.
      expect((await serviceRow.getByRole('cell').allTextContents()).map((text) => text.trim())).toEqual([
        'service',
        '0',
        '2',
        '1',
      ]);
      expect((await teamRow.getByRole('cell').allTextContents()).map((text) => text.trim())).toEqual([
        'team',
        '2',
        '1',
        '0',
      ]);
      expect(await teamRow.getByRole('link', { name: 'Team' }).getAttribute('href')).toBe(
        '/console/blueprints/team/entities',
      );
    },
    BROWSER_TEST_MS,
  );

  test(
    'draws the blueprints and the relation between them as a labelled image, and lists the relation as text',
    async () => {
      const { page, product } = inChromium;
      await signIn(page, product);
      const diagram = page.getByRole('img', { name: 'Blueprints and their relations' });
      const drawn = await diagram.locator('text').allTextContents();
      expect(drawn).toEqual(expect.arrayContaining(['Service', 'service', 'Team', 'team', 'Owned by']));
      // Laid out, not stacked: the two boxes are drawn side by side and both are in view.
      const [serviceBox, teamBox] = await Promise.all(
        ['Service', 'Team'].map((title) => diagram.locator('g.node', { hasText: title }).boundingBox()),
      );
      expect(serviceBox!.width).toBeGreaterThan(0);
      expect(teamBox!.x).not.toBe(serviceBox!.x);

      const relation = page.getByRole('listitem').filter({ hasText: 'Owned by' });
      expect((await relation.textContent())!.replace(/\s+/g, ' ')).toContain(
        'Service → Owned by (owner, optional, one) → Team',
      );
      await relation.getByRole('link', { name: 'Team' }).click();
      await page.waitForURL(`${product.url}/console/blueprints/team/entities`);
    },
    BROWSER_TEST_MS,
  );
});
