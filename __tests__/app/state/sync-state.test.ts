import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { SyncState, TrackedRow } from '../../../app/state/index.ts';
import type { SourceKey } from '../../../app/sync/sources.ts';
import { ENGINES } from '../../sql/engines.ts';
import { NOW, twoReplicas } from './state-engines.ts';

const REPO = 2_200_000_001; // past 2^31: INTEGER would not hold it on PostgreSQL
const INSTALLATION = 3_000_000_002;
const repository: SourceKey = { kind: 'repository', repoId: REPO, item: '' };
const gitops = (path: string): SourceKey => ({ kind: 'gitops', repoId: REPO, item: path });
const tracked = (source: SourceKey, blueprint: string, identifier: string): TrackedRow => ({
  blueprint,
  identifier,
  ...source,
  installationId: INSTALLATION,
});

describe.each(ENGINES)('SyncState on $dialect', (engine) => {
  let a: SyncState;
  let b: SyncState;

  beforeAll(() => engine.setUp('sync-state'));
  afterAll(() => engine.tearDown());
  beforeEach(async () => {
    const replicas = await twoReplicas(engine);
    a = replicas.a.sync;
    b = replicas.b.sync;
  });

  test('track, sourceRows, repositoryRows, installationRows, claims, untrack', async () => {
    await a.track(repository, INSTALLATION, [{ blueprint: 'service', identifier: 'billing' }], NOW);
    await a.track(
      gitops('port.yml'),
      INSTALLATION,
      [
        { blueprint: 'service', identifier: 'billing' },
        { blueprint: 'team', identifier: 'payments' },
        { blueprint: 'team', identifier: 'payments' }, // twice in one write: one row
      ],
      NOW,
    );
    await a.track({ kind: 'repository', repoId: 7, item: '' }, 8, [{ blueprint: 'service', identifier: 'x' }], NOW);
    expect(await b.sourceRows(gitops('port.yml'))).toEqual([
      tracked(gitops('port.yml'), 'service', 'billing'),
      tracked(gitops('port.yml'), 'team', 'payments'),
    ]);
    expect(await b.repositoryRows(REPO)).toEqual([
      tracked(gitops('port.yml'), 'service', 'billing'),
      tracked(repository, 'service', 'billing'),
      tracked(gitops('port.yml'), 'team', 'payments'),
    ]);
    expect(await b.installationRows(INSTALLATION)).toHaveLength(3);
    expect(await b.claims({ blueprint: 'service', identifier: 'billing' })).toBe(2);
    expect(await b.blueprintEntities('service')).toBe(2);
    expect(await b.blueprintEntities('team')).toBe(1);
    await b.untrack(tracked(repository, 'service', 'billing'));
    expect(await a.claims({ blueprint: 'service', identifier: 'billing' })).toBe(1);
    expect(await a.sourceRows(repository)).toEqual([]);
  });

  test('track many entities at once (several statements), in a transaction of the caller', async () => {
    const entities = Array.from({ length: 1234 }, (_, i) => ({ blueprint: 'issue', identifier: `i-${i}` }));
    await a.transaction((tx) => a.track(repository, INSTALLATION, entities, NOW, undefined, tx));
    expect(await b.blueprintEntities('issue')).toBe(1234);
  });

  test('resyncCoveredRows: the kinds read and the GitOps files looked for; seen_resync kept by later writes', async () => {
    const resync = await a.startResync(INSTALLATION, 'acme', 'scheduled', NOW);
    await a.track(repository, INSTALLATION, [{ blueprint: 'service', identifier: 'billing' }], NOW + 1, resync.id);
    // A live event's write (no resync) keeps the resync that saw the row last.
    await a.track(repository, INSTALLATION, [{ blueprint: 'service', identifier: 'billing' }], NOW + 2);
    await a.track(
      { ...repository, kind: 'pull-request', item: '12' },
      INSTALLATION,
      [{ blueprint: 'pr', identifier: 'billing-12' }],
      NOW + 3,
    );
    await a.track(gitops('port.yml'), INSTALLATION, [{ blueprint: 'team', identifier: 'payments' }], NOW + 4);
    await a.track(gitops('docs/other.yml'), INSTALLATION, [{ blueprint: 'doc', identifier: 'd' }], NOW + 5);
    const covered = await b.resyncCoveredRows(INSTALLATION, (path) => path === 'port.yml');
    expect(covered).toEqual([
      { ...tracked(repository, 'service', 'billing'), seenResync: resync.id, updatedAt: NOW + 2 },
      { ...tracked(gitops('port.yml'), 'team', 'payments'), seenResync: null, updatedAt: NOW + 4 },
    ]);
    const withPulls = await b.resyncCoveredRows(INSTALLATION, () => false, new Set(['repository', 'pull-request']));
    expect(withPulls.map((row) => row.identifier)).toEqual(['billing-12', 'billing']);
    await b.keepGitops(INSTALLATION, REPO, resync.id);
    const kept = await a.resyncCoveredRows(INSTALLATION, () => true, new Set());
    expect(kept.map((row) => [row.item, row.seenResync])).toEqual([
      ['docs/other.yml', resync.id],
      ['port.yml', resync.id],
    ]);
  });

  test('resyncs: start, checkpoint, finish, latest, running', async () => {
    const first = await a.startResync(INSTALLATION, 'acme', 'install', NOW);
    expect(first).toEqual({
      id: first.id,
      installationId: INSTALLATION,
      owner: 'acme',
      reason: 'install',
      state: 'running',
      cursor: null,
      pages: 0,
      repositories: 0,
      entities: 0,
      errors: 0,
      deleted: 0,
      message: null,
      github: { graphql: 0, rest: 0, points: 0 },
      startedAt: NOW,
      updatedAt: NOW,
      endedAt: null,
    });
    await b.checkpoint(first.id, { cursor: 'c1', repositories: 100, entities: 250, errors: 1 }, NOW + 1);
    await b.checkpoint(
      first.id,
      { cursor: 'c2', repositories: 20, entities: 30, errors: 0, github: { graphql: 2, rest: 5, points: 3 } },
      NOW + 2,
    );
    expect(await a.resync(first.id)).toMatchObject({
      cursor: 'c2',
      pages: 2,
      repositories: 120,
      entities: 280,
      errors: 1,
      github: { graphql: 2, rest: 5, points: 3 },
      updatedAt: NOW + 2,
    });
    const second = await b.startResync(INSTALLATION, 'acme', 'scheduled', NOW + 3);
    const other = await b.startResync(9, 'other', 'scheduled', NOW + 3);
    expect(second.id).toBeGreaterThan(first.id);
    expect((await a.runningResyncs()).map((r) => r.id)).toEqual([first.id, second.id, other.id]);
    await a.finishResync(first.id, 'completed', 'done', 4, NOW + 10);
    expect(await b.resync(first.id)).toMatchObject({
      state: 'completed',
      message: 'done',
      deleted: 4,
      updatedAt: NOW + 10,
      endedAt: NOW + 10,
    });
    expect((await b.latestResync(INSTALLATION))?.id).toBe(second.id);
    expect(await b.latestResync(404)).toBeUndefined();
    expect(await b.resync(999_999)).toBeUndefined();
    expect((await a.runningResyncs()).map((r) => r.id)).toEqual([second.id, other.id]);
  });

  test('tree listings and last good configurations', async () => {
    expect(await a.listing(REPO)).toBeUndefined();
    await a.saveListing(REPO, { commit: 'abc', patterns: 'port.yml', paths: ['port.yml', 'a/port.yml'] });
    await b.saveListing(REPO, { commit: 'def', patterns: 'port.yml', paths: ['port.yml'] });
    expect(await a.listing(REPO)).toEqual({ commit: 'def', patterns: 'port.yml', paths: ['port.yml'] });

    expect(await a.lastGoodConfig('acme')).toBeUndefined();
    await a.saveGoodConfig('acme', 'acme/.github-private', 'resources: []', NOW);
    await b.saveGoodConfig('acme', 'acme/.github-private', 'resources: [1]', NOW + 1);
    await a.saveGoodConfig('acme/billing', 'acme/billing', 'x', NOW);
    expect(await a.lastGoodConfig('acme')).toEqual({ source: 'acme/.github-private', text: 'resources: [1]' });
    await b.forgetConfig('acme');
    expect(await a.lastGoodConfig('acme')).toBeUndefined();
    expect(await a.lastGoodConfig('acme/billing')).toEqual({ source: 'acme/billing', text: 'x' });
  });
});
