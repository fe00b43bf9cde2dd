import { OUTBOX_SCHEMA } from '../../src/outbox/index.ts';

/** The App's own database (app.sqlite in WHARF_DATA_DIR). Append only: never edit a migration that has shipped. */
export const migrations: readonly string[] = [
  // 1: the outbox of writes to Port, invocations received, GitHub runs linked to Port runs, replay protection
  `
  ${OUTBOX_SCHEMA}

  -- One row per Port run the App was asked to dispatch: a repeated invocation of a run dispatches nothing twice.
  CREATE TABLE invocations (
    run_id TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX invocations_state ON invocations (state);

  -- GitHub workflow runs linked to Port runs, by dispatch or by run-name opt-in; the reconciler walks the open ones.
  CREATE TABLE linked_runs (
    external_run_id TEXT PRIMARY KEY,
    port_run_id TEXT NOT NULL,
    installation_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    repo TEXT NOT NULL,
    workflow_run_id INTEGER NOT NULL,
    report_status INTEGER NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0,
    linked_at INTEGER NOT NULL
  );
  CREATE INDEX linked_runs_open ON linked_runs (reported, linked_at);
  CREATE INDEX linked_runs_port_run ON linked_runs (port_run_id);

  -- Each fact happens once: a signature seen (replay), a webhook delivery handled, a run's completion reported.
  CREATE TABLE once_keys (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX once_keys_expiry ON once_keys (expires_at);
  `,
];
