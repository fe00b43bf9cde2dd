import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { example, startTestCatalog, type TestCatalog, TEST_CREDENTIALS } from '../helpers/catalog-server.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { hasValidPortSignature } from '../helpers/signature.ts';

type ChangelogEvent = {
  action: string;
  resourceType: string;
  status: string;
  trigger: { by: { userId: string }; origin: string; at: string };
  context: { blueprint: string; entity: string; runId: string | null };
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
};

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => receiver.close());

/** The deploymentConfig example with its placeholder destination pointing at the test receiver. */
function deploymentConfig(path: string): Record<string, unknown> {
  const blueprint = example<{ changelogDestination: { url: string } }>('blueprint-deployment-config.json');
  blueprint.changelogDestination.url = `${receiver.url}${path}`;
  return blueprint;
}

const events = (path: string) =>
  receiver.requests.filter((request) => request.path === path).map((request) => request.body as ChangelogEvent);

describe('changelog destination', () => {
  let catalog: TestCatalog;
  beforeAll(async () => {
    catalog = await startTestCatalog();
    await catalog.api('POST', '/v1/blueprints', deploymentConfig('/changelog'));
  });
  afterAll(async () => catalog.close());

  test('every create, update and delete sends a signed event with the diff, in order', async () => {
    const entity = example<{ identifier: string; properties: Record<string, unknown> }>(
      'entity-deployment-config.json',
    );
    await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities', entity);
    await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities?upsert=true&merge=true', {
      identifier: entity.identifier,
      properties: { healthStatus: 'Degraded' },
    });
    await catalog.api('DELETE', `/v1/blueprints/deploymentConfig/entities/${entity.identifier}`);
    await receiver.waitFor(3);
    const received = events('/changelog');
    expect(received.map((event) => event.action)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    const [created, updated, deleted] = received;
    expect(created).toMatchObject({
      resourceType: 'entity',
      status: 'SUCCESS',
      trigger: { by: { userId: TEST_CREDENTIALS.clientId }, origin: 'API' },
      context: { blueprint: 'deploymentConfig', entity: entity.identifier, runId: null },
      diff: { before: null, after: { identifier: entity.identifier, properties: entity.properties } },
    });
    expect(updated!.diff.before).toMatchObject({ properties: { healthStatus: 'Healthy' } });
    expect(updated!.diff.after).toMatchObject({ properties: { healthStatus: 'Degraded', cpuUtil: 25 } });
    expect(deleted!.diff).toEqual({ before: expect.objectContaining({ identifier: entity.identifier }), after: null });
    expect(receiver.requests.every((request) => hasValidPortSignature(request, TEST_CREDENTIALS.clientSecret))).toBe(
      true,
    );
  });

  test('writes that change nothing send nothing: validation_only, refused writes, failed bulk items', async () => {
    receiver.requests.length = 0;
    await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities?validation_only=true', { identifier: 'dry' });
    await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities', {
      identifier: 'bad',
      properties: { cpuUtil: 'high' },
    });
    await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities/bulk', {
      entities: [{ identifier: 'good' }, { identifier: 'bad', properties: { locked: 'yes' } }],
    });
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events('/changelog').map((event) => [event.action, event.context.entity])).toEqual([['CREATE', 'good']]);
  });

  test("a failing destination is retried and one entity's events still arrive in order", async () => {
    receiver.requests.length = 0;
    receiver.respondWith([503, 500], 200);
    for (const health of ['Healthy', 'Degraded', 'Crashed', 'Restarting']) {
      await catalog.api('POST', '/v1/blueprints/deploymentConfig/entities?upsert=true', {
        identifier: 'flappy',
        properties: { healthStatus: health },
      });
    }
    await receiver.waitFor(6);
    const delivered = receiver.requests.filter((request) => request.path === '/changelog').slice(2);
    const health = delivered.map(
      (request) => (request.body as ChangelogEvent).diff.after!.properties as { healthStatus: string },
    );
    expect(health.map((properties) => properties.healthStatus)).toEqual([
      'Healthy',
      'Degraded',
      'Crashed',
      'Restarting',
    ]);
    // The first event was sent three times (two failures), the others once each.
    const first = receiver.requests.slice(0, 3).map((request) => (request.body as ChangelogEvent).action);
    expect(first).toEqual(['CREATE', 'CREATE', 'CREATE']);
  });
});

describe('surviving a restart', () => {
  test('a pending changelog event and a pending invocation are delivered by the next process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-restart-'));
    try {
      receiver.requests.length = 0;
      receiver.respondWith([], 503);
      // The first process only ever sees failures, and retries slowly: its deliveries are still pending when it stops.
      const first = await startTestCatalog({ dataDir, delivery: { baseBackoffMs: 60_000, maxBackoffMs: 60_000 } });
      await first.api('POST', '/v1/blueprints', deploymentConfig('/restart'));
      await first.api('POST', '/v1/actions', {
        identifier: 'notify',
        title: 'Notify',
        trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
        invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/invoke`, synchronized: true },
      });
      await first.api('POST', '/v1/blueprints/deploymentConfig/entities', { identifier: 'survivor' });
      const run = (await first.api<{ run: { id: string } }>('POST', '/v1/actions/notify/runs', { properties: {} })).body
        .run;
      await receiver.waitFor(2);
      await first.close({ keepData: true });
      expect(receiver.requests.map((request) => request.path).sort()).toEqual(['/invoke', '/restart']);

      receiver.respondWith([], 200);
      const second = await startTestCatalog({ dataDir });
      await receiver.waitFor(4);
      expect(
        receiver.requests
          .slice(2)
          .map((request) => request.path)
          .sort(),
      ).toEqual(['/invoke', '/restart']);
      const after = await second.api<{ run: { status: string } }>('GET', `/v1/actions/runs/${run.id}`);
      for (let i = 0; i < 50 && after.body.run.status === 'IN_PROGRESS'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after.body.run = (await second.api<{ run: { status: string } }>('GET', `/v1/actions/runs/${run.id}`)).body.run;
      }
      expect(after.body.run.status).toBe('SUCCESS');
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an invocation pending for too long is not sent: the run ends FAILURE saying why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-stale-'));
    try {
      receiver.requests.length = 0;
      receiver.respondWith([], 503);
      const first = await startTestCatalog({ dataDir, delivery: { baseBackoffMs: 60_000, maxBackoffMs: 60_000 } });
      await first.api('POST', '/v1/actions', {
        identifier: 'late',
        title: 'Late',
        trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
        invocationMethod: { type: 'WEBHOOK', url: `${receiver.url}/late` },
      });
      const run = (await first.api<{ run: { id: string } }>('POST', '/v1/actions/late/runs', { properties: {} })).body
        .run;
      await receiver.waitFor(1);
      await first.close({ keepData: true });

      receiver.respondWith([], 200);
      const second = await startTestCatalog({ dataDir, delivery: { maxInvocationAgeMs: 0 } });
      const read = await second.api<{ run: { status: string } }>('GET', `/v1/actions/runs/${run.id}`);
      expect(read.body.run.status).toBe('FAILURE');
      const logs = await second.api<{ runLogs: { message: string }[] }>('GET', `/v1/actions/runs/${run.id}/logs`);
      expect(logs.body.runLogs.map((log) => log.message)).toEqual([
        'Invocation failed: it was not delivered before the process stopped, and is now 0 s old (the limit is 0 s)',
      ]);
      expect(receiver.requests).toHaveLength(1);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
