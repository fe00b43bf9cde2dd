/**
 * Resyncs on several replicas: two CatalogSync instances on one database (two AppStates, as two replicas), on a
 * fake GitHub and a Port that only counts what it is sent. Each resync of an installation runs on one replica at a
 * time (its lease), and one whose replica vanished is gone on with by another, from its checkpoint.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { AppState } from '../../../app/state/index.ts';
import { GithubAccess } from '../../../app/github/index.ts';
import { CatalogSync, type SyncSettings } from '../../../app/sync/index.ts';
import type { BulkEntity, PortClient } from '../../../src/port/index.ts';
import { type FakeGithub, startFakeGithub } from '../../helpers/fake-github.ts';
import { createTestProbot, releaseGithub } from '../../helpers/github-app.ts';
import { ENGINES } from '../../sql/engines.ts';
import { twoReplicas } from '../state/state-engines.ts';

const OWNER = 'leased';
const INSTALLATION = 6161;
const REPOSITORIES = 5;
/** 5 repositories, 2 a page: 3 pages. */
const SETTINGS: Partial<SyncSettings> = { resyncIntervalMs: 0, pageSize: 2, resyncLeaseMs: 3000, resumePollMs: 50 };

/** A Port that takes every entity and remembers how many times each was written. */
function countingPort(): PortClient & { writes: Map<string, number> } {
  const writes = new Map<string, number>();
  const port = {
    writes,
    getBlueprint: async () => ({}),
    upsertBlueprint: async () => ({}),
    bulkUpsertEntities: async (entities: BulkEntity[]) =>
      entities.map((entity, index) => {
        writes.set(entity.identifier!, (writes.get(entity.identifier!) ?? 0) + 1);
        return { index, blueprint: entity.blueprint, identifier: entity.identifier, status: 'created' };
      }),
    deleteEntity: async () => undefined,
  };
  return port as unknown as PortClient & { writes: Map<string, number> };
}

let github: FakeGithub;

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(OWNER, INSTALLATION);
  for (let index = 0; index < REPOSITORIES; index++) {
    github.addRepository({ id: 61_000 + index, name: `leased-${index}`, owner: OWNER, files: {} });
  }
});
afterAll(async () => {
  await github.close();
  releaseGithub();
});

describe.each(ENGINES)('resyncs on two replicas, $dialect', (engine) => {
  let states: { a: AppState; b: AppState };
  const syncs: CatalogSync[] = [];
  const warnings: string[] = [];

  /** A replica's catalog sync, writing to `port`; started (polls, renewals) only when asked. */
  function replica(state: AppState, port: PortClient, settings: Partial<SyncSettings> = {}): CatalogSync {
    const github_ = new GithubAccess(createTestProbot({ baseUrl: github.url }), {});
    const sync = new CatalogSync(
      state,
      github_,
      { ...SETTINGS, ...settings },
      {
        enqueued: () => {},
        warn: (message) => warnings.push(message),
      },
    );
    sync.handlers(port, 3);
    syncs.push(sync);
    return sync;
  }

  const resyncRows = async () =>
    states.a.db.query<{ id: number; state: string }>('SELECT id, state FROM sync_resyncs ORDER BY id');

  beforeAll(() => engine.setUp('resync-replicas'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    github.reset();
    warnings.length = 0;
    states = await twoReplicas(engine);
    // SQLite is one process's: two handles on its file in one process wait for each other's transactions with the
    // event loop blocked (busy timeout). Its two replicas share a handle here, under two owner names.
    if (engine.dialect === 'sqlite') states.b = new AppState(states.a.db, { owner: 'replica-b' });
  });
  afterEach(async () => {
    for (const sync of syncs.splice(0)) await sync.stop();
  });

  test('asked at once to resync one installation, the two replicas run it once', async () => {
    const portA = countingPort();
    const portB = countingPort();
    const a = replica(states.a, portA);
    const b = replica(states.b, portB);
    const tickets = await Promise.all([
      a.resyncs.request(INSTALLATION, OWNER, 'on demand', 'skip'),
      b.resyncs.request(INSTALLATION, OWNER, 'on demand', 'skip'),
    ]);
    expect(tickets.map((ticket) => ticket.state).sort()).toEqual(['running', 'started']);
    const started = tickets.find((ticket) => ticket.state === 'started')!;
    expect(tickets.find((ticket) => ticket.state === 'running')!.resyncId).toBe(started.resyncId);
    await Promise.all([a.idle(), b.idle()]);

    expect(await resyncRows()).toEqual([{ id: started.resyncId, state: 'completed' }]);
    expect(github.pageCursors()).toHaveLength(3);
    // Every repository written once, by one of them.
    const written = [...portA.writes, ...portB.writes];
    expect(written).toHaveLength(REPOSITORIES);
    expect(written.every(([, times]) => times === 1)).toBe(true);
    // Done: the lease is free again, and the other replica may run the next one.
    expect(await states.a.leases.holder(`resync:${INSTALLATION}`, Date.now())).toBeUndefined();
    const other = started === tickets[0] ? b : a;
    expect((await other.resyncs.request(INSTALLATION, OWNER, 'on demand', 'skip')).state).toBe('started');
    await other.idle();
    expect((await resyncRows()).map((row) => row.state)).toEqual(['completed', 'completed']);
  });

  test("a resync whose replica vanished goes on, on another replica, from its checkpoint; the first one's writes stop", async () => {
    // The third page never answers: the first replica waits for it when it "dies".
    github.fault({
      match: (request) => request.operation === 'WharfRepositoryPage' && github.pageCursors().length === 3,
      answer: { hang: true },
    });
    // Started, so that it renews its lease (and finds it lost); no poll of its own but the first.
    const a = replica(states.a, countingPort(), { resyncLeaseMs: 600, resumePollMs: 60_000 });
    a.start();
    const started = await a.resyncs.request(INSTALLATION, OWNER, 'schedule', 'skip');
    expect(started.state).toBe('started');
    while (github.pageCursors().length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const [, , thirdCursor] = github.pageCursors();
    const checkpoint = await states.a.sync.resync(started.resyncId);
    expect(checkpoint).toMatchObject({ state: 'running', pages: 2, repositories: 4, cursor: thirdCursor });

    // Another replica took its lease over and vanished too: the lease ran out. The first finds it lost at its next
    // renewal and stops, writing nothing more.
    await states.a.db.run("UPDATE work_leases SET owner = 'replica-gone', until = 0 WHERE name = $1", [
      `resync:${INSTALLATION}`,
    ]);
    await a.idle();
    expect(await states.a.sync.resync(started.resyncId)).toEqual(checkpoint);
    expect(warnings.join('\n')).toMatch(/another replica took over the resync of installation 6161/);
    github.reset();

    const portB = countingPort();
    const b = replica(states.b, portB);
    b.start();
    await b.idle();
    // Only the third page was read again, by the second replica.
    expect(github.pageCursors()).toEqual([thirdCursor]);
    expect(await states.b.sync.resync(started.resyncId)).toMatchObject({
      state: 'completed',
      pages: 3,
      repositories: REPOSITORIES,
      errors: 0,
    });
    expect([...portB.writes.keys()]).toEqual(['leased-4']);
    expect(await resyncRows()).toHaveLength(1);
  });

  test("the schedule fires on every replica; one that another replica's resync did lately is left out", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const a = replica(states.a, countingPort());
    const b = replica(states.b, countingPort(), { resyncIntervalMs: 1000 });
    b.start();
    await sleep(300);
    // a resyncs on demand 300 ms into b's interval: b's first tick (700 ms later) leaves the installation out.
    expect((await a.resyncs.request(INSTALLATION, OWNER, 'on demand', 'skip')).state).toBe('started');
    await a.idle();
    await sleep(900);
    expect((await resyncRows()).map((row) => row.state)).toEqual(['completed']);
    // Its next tick, 1700 ms after a's: more than 0.9 of the interval, so b resyncs.
    while ((await resyncRows()).length < 2) await sleep(50);
    await b.idle();
    expect(await states.a.sync.latestResync(INSTALLATION)).toMatchObject({ reason: 'schedule', state: 'completed' });
  });

  test('a resync running on a live replica is not taken over by the polls of another', async () => {
    github.fault({
      match: (request) => request.operation === 'WharfRepositoryPage' && github.pageCursors().length === 2,
      answer: { hang: true },
    });
    const a = replica(states.a, countingPort(), { resyncLeaseMs: 300 });
    a.start();
    const started = await a.resyncs.request(INSTALLATION, OWNER, 'installation created');
    while (github.pageCursors().length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const b = replica(states.b, countingPort(), { resyncLeaseMs: 300 });
    b.start();
    // Several lease lengths: a renews its lease, b's polls find it held.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await states.b.leases.holder(`resync:${INSTALLATION}`, Date.now())).toBe('replica-a');
    expect(github.pageCursors()).toHaveLength(2);
    // A change on b while a runs it: queued, to run once a's is over.
    expect((await b.resyncs.request(INSTALLATION, OWNER, 'config changed')).state).toBe('queued');
    expect(await states.a.sync.resync(started.resyncId)).toMatchObject({ state: 'running' });
    await a.stop();
    github.reset();
    // a stopped (its lease given up): b goes on with a's resync, then runs the one the change asked for.
    while ((await resyncRows()).some((row) => row.state === 'running') || (await resyncRows()).length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await b.idle();
    const rows = await resyncRows();
    expect(rows.map((row) => row.state)).toEqual(['completed', 'completed']);
    expect(rows[0]!.id).toBe(started.resyncId);
  });
});
