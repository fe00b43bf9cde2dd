import { OUTBOX_SCHEMA } from '../../src/outbox/index.ts';

/**
 * Numbered schema migrations. Each entry runs once, in order, inside one transaction; `PRAGMA user_version`
 * records the last one applied. Append only: never edit a migration that has shipped.
 */
export const migrations: readonly string[] = [
  // 1: blueprints, entities, relations, audit log, tokens
  `
  CREATE TABLE blueprints (
    identifier TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );

  -- properties is JSONB: json_extract on it skips re-parsing, which search over large catalogs depends on.
  CREATE TABLE entities (
    blueprint TEXT NOT NULL,
    identifier TEXT NOT NULL,
    title TEXT,
    icon TEXT,
    team TEXT NOT NULL DEFAULT '[]',
    properties BLOB NOT NULL,
    relations TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (blueprint, identifier)
  ) WITHOUT ROWID;
  CREATE INDEX entities_identifier ON entities (identifier);
  CREATE INDEX entities_blueprint_title ON entities (blueprint, title);

  -- One row per (source entity, relation, target): the dependents check and relatedTo read it by target.
  CREATE TABLE entity_relations (
    blueprint TEXT NOT NULL,
    identifier TEXT NOT NULL,
    relation TEXT NOT NULL,
    target_blueprint TEXT NOT NULL,
    target_identifier TEXT NOT NULL,
    PRIMARY KEY (blueprint, identifier, relation, target_identifier)
  ) WITHOUT ROWID;
  CREATE INDEX entity_relations_target ON entity_relations (target_blueprint, target_identifier);

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    action TEXT NOT NULL,
    blueprint TEXT,
    identifier TEXT,
    run_id TEXT,
    status TEXT NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE INDEX audit_log_identifier ON audit_log (identifier);
  CREATE INDEX audit_log_blueprint ON audit_log (blueprint);
  CREATE INDEX audit_log_run_id ON audit_log (run_id);

  CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // 2: self-service actions, their runs and logs, and the outbox of deliveries (invocations, changelog events)
  `
  CREATE TABLE actions (
    identifier TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );

  -- data holds the run as answered plus what invoking it needs (the action as it was when the run started).
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    blueprint TEXT,
    entity TEXT,
    status TEXT NOT NULL,
    external_run_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX runs_created_at ON runs (created_at);
  CREATE INDEX runs_action ON runs (action, created_at);
  CREATE INDEX runs_entity ON runs (entity, created_at);
  CREATE INDEX runs_blueprint ON runs (blueprint, created_at);
  CREATE INDEX runs_status ON runs (status, created_at);
  CREATE INDEX runs_external_run_id ON runs (external_run_id);

  CREATE TABLE run_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    message TEXT NOT NULL,
    status_label TEXT,
    termination_status TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE INDEX run_logs_run ON run_logs (run_id, id);

  -- The outbox. A row is written in the transaction of the change that causes it and deleted once delivered, so
  -- nothing is sent for a change that rolled back and nothing answered is forgotten across a restart. Rows with
  -- one ordering_key go out one at a time, in id order.
  ${OUTBOX_SCHEMA}
  `,
  // 3: INTEGRATION_ACTION runs waiting for their integration: claimed (claim-pending), then acknowledged (ack)
  `
  -- A row is added once the run's payload is rendered and deleted when the run ends. run_seq is the run's rowid in
  -- runs, the order runs were created in; visible_at (epoch ms) is when a claimed, unacknowledged run may be
  -- claimed again.
  CREATE TABLE integration_runs (
    run_id TEXT PRIMARY KEY,
    run_seq INTEGER NOT NULL,
    installation_id TEXT NOT NULL,
    visible_at INTEGER NOT NULL,
    claims INTEGER NOT NULL DEFAULT 0,
    acknowledged_at TEXT,
    acknowledged_by TEXT
  );
  CREATE INDEX integration_runs_claimable ON integration_runs (installation_id, run_seq)
    WHERE acknowledged_at IS NULL;
  `,
  // 4: the datasource of each entity: the User-Agent of the Ocean integration that wrote it last (NULL for any other
  // writer, and for every entity written before this), searched as $datasource by prefix and suffix
  `
  ALTER TABLE entities ADD COLUMN datasource TEXT;
  CREATE INDEX entities_datasource ON entities (datasource) WHERE datasource IS NOT NULL;
  `,
  // 5: the catalog's own settings (its organization id), and the Ocean integrations registered with it: each one's
  // settings and resync state, the logs it ingests and the raw examples of its kinds
  `
  CREATE TABLE catalog_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  -- data holds what the integration registered (installationAppType, version, config, changelogDestination).
  CREATE TABLE integrations (
    identifier TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    resync_state TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );

  -- record is one log record as the integration sent it; the oldest are dropped past a limit per integration.
  CREATE TABLE integration_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    integration TEXT NOT NULL,
    received_at TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX integration_logs_integration ON integration_logs (integration, id);

  CREATE TABLE integration_kind_examples (
    integration TEXT NOT NULL,
    kind TEXT NOT NULL,
    examples TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (integration, kind)
  ) WITHOUT ROWID;
  `,
];
