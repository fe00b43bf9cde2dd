import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appStateMigrations, LEGACY_SQLITE_VERSIONS, openAppState } from '../../../app/state/index.ts';
import { openSqlite } from '../../../src/sql/index.ts';
import { BIG_RUN_ID, NOW } from './state-engines.ts';

const INSTALLATION = 3_000_000_003;
const REPO = 2_200_000_002;

/** Each table's columns (name, affinity, NOT NULL, default, key) and indexes: the schema as SQLite uses it. */
function schemaOf(file: string): unknown {
  const db = new DatabaseSync(file);
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sqlite_sequence', 'schema_migrations') ORDER BY name",
      )
      .all() as { name: string }[];
    return tables.map(({ name }) => ({
      name,
      columns: (db.prepare(`PRAGMA table_info(${name})`).all() as Record<string, unknown>[]).map((column) => ({
        ...column,
        // INTEGER and BIGINT: the same (integer) affinity.
        type: String(column.type).includes('INT') ? 'INTEGER' : column.type,
      })),
      indexes: (db.prepare(`PRAGMA index_list(${name})`).all() as { name: string; unique: number }[])
        .map((index) => ({
          name: index.name,
          unique: index.unique,
          columns: (db.prepare(`PRAGMA index_info(${index.name})`).all() as { name: string }[]).map((c) => c.name),
        }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    }));
  } finally {
    db.close();
  }
}

/** An app.sqlite as the synchronous AppStore left it (user_version 4, rows of every kind): see the fixture's head. */
const LEGACY_DUMP = readFileSync(new URL('../../fixtures/app-sqlite-v4.sql', import.meta.url), 'utf8');

/** The outbox rows of the dump: r_1's first (retried once, due at NOW + 100) and second, r_2's given up. */
const first = {
  id: 1,
  kind: 'port-write',
  orderingKey: 'run:r_1',
  payload: { patch: { status: 'SUCCESS' } },
  attempts: 0,
  createdAt: NOW,
};
const second = {
  id: 2,
  kind: 'port-write',
  orderingKey: 'run:r_1',
  payload: { log: 'done' },
  attempts: 0,
  createdAt: NOW + 1,
};
const failed = { id: 3 };
const resync = { id: 1 };

function writeLegacyFile(dataDir: string): void {
  const db = new DatabaseSync(join(dataDir, 'app.sqlite'));
  db.exec(LEGACY_DUMP);
  db.close();
}

describe('an app.sqlite written by the synchronous AppStore (schema version 4)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wharf-legacy-app-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('has the schema appStateMigrations 1 to LEGACY_SQLITE_VERSIONS make on SQLite', async () => {
    writeLegacyFile(dataDir);
    const fresh = openSqlite(join(dataDir, 'fresh.sqlite'));
    await fresh.migrate(appStateMigrations.slice(0, LEGACY_SQLITE_VERSIONS));
    await fresh.close();
    expect(schemaOf(join(dataDir, 'fresh.sqlite'))).toEqual(schemaOf(join(dataDir, 'app.sqlite')));
  });

  test('becomes the new store with its rows: each read back through AppState', async () => {
    writeLegacyFile(dataDir);
    const link = {
      externalRunId: `gh_${BIG_RUN_ID}`,
      portRunId: 'r_dispatched',
      installationId: INSTALLATION,
      owner: 'acme',
      repo: 'billing',
      workflowRunId: BIG_RUN_ID,
      reportStatus: true,
      reported: false,
    };
    const run = { runId: 'r_action', integrationActionType: 'create_issue', properties: { title: 'x' } };

    const state = await openAppState({ dataDir, owner: 'new' });
    try {
      expect(await state.db.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
        appStateMigrations.map((migration) => ({ version: migration.version })),
      );
      expect(await state.invocationsIn('received')).toEqual([
        { runId: 'r_received', payload: { action: 'deploy', inputs: { env: 'prod' } }, receivedAt: NOW },
      ]);
      expect((await state.invocationsIn('dispatched')).map((i) => i.runId)).toEqual(['r_dispatched']);
      expect(await state.receiveInvocation('r_received', {}, NOW + 10)).toBe(false);
      expect(await state.linkFor(link.externalRunId)).toEqual(link);
      expect(await state.openLinks(10)).toEqual([link]);
      expect(await state.markReported('gh_reported')).toBe(false);
      expect(await state.claimOnce('delivery:live', 1000, Date.now())).toBe(false);

      // The outbox: the retried row keeps its attempt and backoff, its key's later row waits, the failed one stays.
      expect(await state.outbox.depth()).toBe(2);
      expect(await state.outbox.lease(NOW + 99, 10)).toEqual([]);
      expect(await state.outbox.lease(NOW + 100, 10)).toEqual([{ ...first, attempts: 1 }]);
      await state.outbox.complete([first.id]);
      expect(await state.outbox.lease(NOW + 101, 10)).toEqual([second]);
      const next = await state.outbox.enqueue({ kind: 'port-write', orderingKey: 'run:r_3', payload: {} }, NOW);
      expect(next.id).toBeGreaterThan(failed.id);
      expect(await state.db.query("SELECT id, last_error FROM deliveries WHERE state = 'failed'")).toEqual([
        { id: failed.id, last_error: 'HTTP 422' },
      ]);

      expect(await state.actionRuns.inState('executing')).toEqual([
        { run, state: 'executing', createdAt: NOW - 10, claimedAt: NOW },
      ]);
      expect(await state.actionRuns.claim(run, undefined, NOW + 5)).toBe(false);

      expect(await state.sync.resync(resync.id)).toMatchObject({
        id: resync.id,
        installationId: INSTALLATION,
        owner: 'acme',
        reason: 'scheduled',
        state: 'running',
        cursor: 'c1',
        pages: 1,
        repositories: 1,
        entities: 1,
        startedAt: NOW,
        updatedAt: NOW + 1,
        endedAt: null,
      });
      expect(await state.sync.sourceRows({ kind: 'repository', repoId: REPO, item: '' })).toEqual([
        {
          blueprint: 'service',
          identifier: 'billing',
          kind: 'repository',
          repoId: REPO,
          item: '',
          installationId: INSTALLATION,
        },
      ]);
      expect(await state.sync.listing(REPO)).toEqual({ commit: 'abc', patterns: 'port.yml', paths: ['port.yml'] });
      expect(await state.sync.lastGoodConfig('acme')).toEqual({
        source: 'acme/.github-private',
        text: 'resources: []',
      });
      expect((await state.sync.startResync(INSTALLATION, 'acme', 'scheduled', NOW + 5)).id).toBeGreaterThan(resync.id);
    } finally {
      await state.close();
    }

    // Opened again: nothing more to migrate (user_version is left at 4).
    const again = await openAppState({ dataDir });
    expect(await again.db.query('PRAGMA user_version')).toEqual([{ user_version: LEGACY_SQLITE_VERSIONS }]);
    expect(await again.linkFor(link.externalRunId)).toEqual(link);
    await again.close();
  });

  test('a file past the versions adopted is refused, saying why', async () => {
    const db = new DatabaseSync(join(dataDir, 'app.sqlite'));
    db.exec(`PRAGMA user_version = ${LEGACY_SQLITE_VERSIONS + 1}`);
    db.close();
    await expect(openAppState({ dataDir })).rejects.toThrow(
      new RegExp(`schema version ${LEGACY_SQLITE_VERSIONS + 1} by PRAGMA user_version`),
    );
  });
});
