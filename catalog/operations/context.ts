import { randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Blueprint } from '../model.ts';
import {
  ActionStore,
  AuditStore,
  BlueprintStore,
  EntityStore,
  inTransaction,
  IntegrationRunStore,
  IntegrationStore,
  RunStore,
  SettingsStore,
  TokenStore,
} from '../store/index.ts';
import { OutboxStore } from '../../src/outbox/index.ts';
import { inOneTransaction, type Outcome } from '../../src/sqlite/index.ts';
import { compileEntityValidator, type EntityValidator } from '../validation/index.ts';

/** Who asked for a write, and the run it belongs to. */
export interface Actor {
  clientId: string;
  runId?: string | undefined;
  /** The integration the write comes from (Ocean's User-Agent), recorded on the entities it writes. */
  datasource?: string | null | undefined;
}

/** Everything the catalog's operations share: the stores of one database and the per-blueprint validators. */
export class CatalogContext {
  readonly db: DatabaseSync;
  readonly blueprints: BlueprintStore;
  readonly entities: EntityStore;
  readonly audit: AuditStore;
  readonly tokens: TokenStore;
  readonly actions: ActionStore;
  readonly runs: RunStore;
  readonly integrationRuns: IntegrationRunStore;
  readonly integrations: IntegrationStore;
  readonly settings: SettingsStore;
  readonly deliveries: OutboxStore;
  /** Called after a transaction that enqueued deliveries commits, so they go out at once. */
  onDeliveriesEnqueued: () => void = () => {};
  private enqueuedInTransaction = false;
  /** Inside writeTogether: each write runs in its savepoint of the batch's transaction. */
  private batching = false;
  // Keyed by the blueprint object: the store replaces the object on every change, so a stale entry is never hit.
  private readonly validators = new WeakMap<Blueprint, EntityValidator>();
  private readonly clock: () => Date;

  constructor(db: DatabaseSync, clock: () => Date = () => new Date()) {
    this.db = db;
    this.clock = clock;
    this.blueprints = new BlueprintStore(db);
    this.entities = new EntityStore(db);
    this.audit = new AuditStore(db);
    this.tokens = new TokenStore(db);
    this.actions = new ActionStore(db);
    this.runs = new RunStore(db);
    this.integrationRuns = new IntegrationRunStore(db);
    this.integrations = new IntegrationStore(db);
    this.settings = new SettingsStore(db);
    this.deliveries = new OutboxStore(db);
  }

  /** Adds to the outbox inside the current transaction; the delivery starts once it commits. */
  enqueueDelivery(kind: 'invocation' | 'changelog', orderingKey: string, payload: unknown): void {
    this.deliveries.enqueue(kind, orderingKey, payload, this.clock().getTime());
    this.enqueuedInTransaction = true;
  }

  now(): string {
    return this.clock().toISOString();
  }

  nowDate(): Date {
    return this.clock();
  }

  /** One compiled validator per blueprint version, so each entity write only runs it. */
  validatorFor(blueprint: Blueprint): EntityValidator {
    let validator = this.validators.get(blueprint);
    if (!validator) {
      validator = compileEntityValidator(blueprint);
      this.validators.set(blueprint, validator);
    }
    return validator;
  }

  /**
   * Runs a write in one transaction (in a savepoint of the batch, inside `writeTogether`); on failure the blueprint
   * cache is dropped so it cannot outlive a rollback.
   */
  write<T>(work: () => T): T {
    this.enqueuedInTransaction = false;
    let result: T;
    try {
      result = this.batching ? work() : inTransaction(this.db, work);
    } catch (error) {
      this.blueprints.invalidate();
      this.enqueuedInTransaction = false;
      throw error;
    }
    if (this.enqueuedInTransaction) {
      this.enqueuedInTransaction = false;
      // Deliveries start on a later turn of the event loop: after the batch's commit, too.
      this.onDeliveriesEnqueued();
    }
    return result;
  }

  /**
   * Runs independent writes in one transaction, each succeeding or failing on its own: one commit for a batch
   * instead of one each. Answers each write's result or error, in order; throws when the batch cannot commit.
   */
  writeTogether<T>(works: ReadonlyArray<() => T>): Outcome<T>[] {
    this.batching = true;
    try {
      return inOneTransaction(this.db, works);
    } finally {
      this.batching = false;
    }
  }
}

/** Identifiers the server makes up when a client sends none, in the style of the vendor's. */
export function generateIdentifier(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`;
}
