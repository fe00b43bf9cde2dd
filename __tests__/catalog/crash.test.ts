import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type ChildServer, startChildServer } from '../helpers/child-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'wharf-crash-'));
const env = { WHARF_DATA_DIR: dataDir, PORT_CLIENT_ID: 'crash-client', PORT_CLIENT_SECRET: 'crash-secret' };
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function tokenFor(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: env.PORT_CLIENT_ID, clientSecret: env.PORT_CLIENT_SECRET }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

describe('crash safety', () => {
  test('every answered bulk write survives SIGKILL and the database passes its integrity check', async () => {
    server = await startChildServer(env);
    const url = server.url;
    const token = await tokenFor(url);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/v1/blueprints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ identifier: 'item', title: 'Item', schema: { properties: { n: { type: 'number' } } } }),
    });
    expect(created.status).toBe(201);

    const answered = new Set<string>();
    let killed = false;
    const writer = async (worker: number): Promise<void> => {
      for (let batch = 0; !killed; batch++) {
        const entities = Array.from({ length: 20 }, (_, i) => ({
          identifier: `w${worker}-b${batch}-${i}`,
          properties: { n: i },
        }));
        try {
          const response = await fetch(`${url}/v1/blueprints/item/entities/bulk?upsert=true`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ entities }),
          });
          if (response.status !== 200) throw new Error(`bulk write answered ${response.status}`);
          const body = (await response.json()) as { entities: { identifier: string }[] };
          for (const entity of body.entities) answered.add(entity.identifier);
        } catch (error) {
          if (killed) return;
          throw error;
        }
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    while (answered.size < 2000) await new Promise((resolve) => setTimeout(resolve, 20));
    killed = true;
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    await writers;

    const db = new DatabaseSync(join(dataDir, 'catalog.sqlite'));
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    db.close();

    server = await startChildServer(env);
    const restartedHeaders = { ...headers, authorization: `Bearer ${await tokenFor(server.url)}` };
    const listed = await fetch(`${server.url}/v1/blueprints/item/entities?include=identifier`, {
      headers: restartedHeaders,
    });
    expect(listed.status).toBe(200);
    const stored = new Set(
      ((await listed.json()) as { entities: { identifier: string }[] }).entities.map((e) => e.identifier),
    );
    const lost = [...answered].filter((identifier) => !stored.has(identifier));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(answered.size);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  });
});
