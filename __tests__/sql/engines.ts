import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dialect, openPostgres, openSqlite, type SqlDatabase } from '../../src/sql/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres/index.ts';

/**
 * The two engines the SqlDatabase cases run on. A suite calls setUp once (beforeAll), fresh before each test: each
 * test starts from an empty schema, with its own connections (`open` opens more on the same database, as another
 * replica would).
 */
export interface Engine {
  readonly dialect: Dialect;
  setUp(suite: string): Promise<void>;
  /** An empty database for the next test. */
  fresh(): Promise<void>;
  /** Another SqlDatabase on the same database (another connection pool or file handle): closed by tearDown. */
  open(): SqlDatabase;
  tearDown(): Promise<void>;
}

abstract class BaseEngine {
  private opened: SqlDatabase[] = [];

  protected abstract openOne(): SqlDatabase;

  open(): SqlDatabase {
    const db = this.openOne();
    this.opened.push(db);
    return db;
  }

  protected async closeAll(): Promise<void> {
    const opened = this.opened;
    this.opened = [];
    await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
  }
}

class PostgresEngine extends BaseEngine implements Engine {
  readonly dialect = 'postgres' as const;
  private database: TestDatabase | undefined;

  async setUp(suite: string): Promise<void> {
    this.database = await createTestDatabase(suite);
  }

  async fresh(): Promise<void> {
    await this.closeAll();
    const admin = this.open();
    await admin.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  }

  protected openOne(): SqlDatabase {
    if (!this.database) throw new Error('setUp first');
    return openPostgres(this.database.url, { max: 4 });
  }

  async tearDown(): Promise<void> {
    await this.closeAll();
    await this.database?.drop();
  }
}

class SqliteEngine extends BaseEngine implements Engine {
  readonly dialect = 'sqlite' as const;
  private folder: string | undefined;
  private file = '';
  private count = 0;

  async setUp(suite: string): Promise<void> {
    this.folder = mkdtempSync(join(tmpdir(), `wharf-${suite}-`));
  }

  async fresh(): Promise<void> {
    await this.closeAll();
    this.file = join(this.folder!, `test-${++this.count}.sqlite`);
  }

  protected openOne(): SqlDatabase {
    return openSqlite(this.file);
  }

  async tearDown(): Promise<void> {
    await this.closeAll();
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
  }
}

export const ENGINES: readonly Engine[] = [new PostgresEngine(), new SqliteEngine()];
