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
  // 2: catalog sync: what each source (a repository's mapping, a GitOps file) wrote, resync checkpoints, and the
  // last good port-app-config.yml of each scope
  `
  -- One row per entity a source produced. An entity may have several sources (the mapping and a port.yml may both
  -- write the service of a repository); it is deleted from Port only when its last source lets go of it.
  -- kind: repository, pull-request, workflow, workflow-run (the mapping's kinds) or gitops; item: which object of
  -- the repository ('' for the repository itself, a pull request number, a run id, a GitOps file path).
  CREATE TABLE sync_entities (
    blueprint TEXT NOT NULL,
    identifier TEXT NOT NULL,
    kind TEXT NOT NULL,
    repo_id INTEGER NOT NULL,
    item TEXT NOT NULL,
    installation_id INTEGER NOT NULL,
    seen_resync INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (blueprint, identifier, kind, repo_id, item)
  );
  CREATE INDEX sync_entities_source ON sync_entities (repo_id, kind, item);
  CREATE INDEX sync_entities_installation ON sync_entities (installation_id, kind);

  -- One row per full resync of an installation; cursor is the GraphQL endCursor of the last page written, so a
  -- resync that was running when the process stopped goes on from there.
  CREATE TABLE sync_resyncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    cursor TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    repositories INTEGER NOT NULL DEFAULT 0,
    entities INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX sync_resyncs_state ON sync_resyncs (state, installation_id);

  -- The last port-app-config.yml that parsed, per scope ("acme" for the organization, "acme/billing" for a
  -- repository's own): it stays in force while a broken one is in the repository.
  CREATE TABLE sync_configs (
    scope TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 3: what a resync cost on GitHub (requests of each API and GraphQL points, by GitHub's own count), and the
  // GitOps files each repository's tree listing found
  `
  ALTER TABLE sync_resyncs ADD COLUMN github_graphql INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sync_resyncs ADD COLUMN github_rest INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sync_resyncs ADD COLUMN github_points INTEGER NOT NULL DEFAULT 0;

  -- The GitOps files a recursive tree read of a repository's default branch found, by the commit it was at: a
  -- resync lists a repository again only when its branch moved, across restarts too.
  CREATE TABLE sync_listings (
    repo_id INTEGER PRIMARY KEY,
    commit_id TEXT NOT NULL,
    patterns TEXT NOT NULL,
    paths TEXT NOT NULL
  );
  `,
  // 4: integration-action runs this App claimed from Port (app/actions): acknowledged, executing, finished, so a
  // run is executed once across redeliveries and restarts, and one caught mid-way is resumed or ended saying which
  `
  -- state: claimed (acknowledgement sent, answer not recorded), acknowledged (ours, not started), executing (its
  -- GitHub work started), finished (outcome reported through the outbox).
  CREATE TABLE action_runs (
    run_id TEXT PRIMARY KEY,
    action_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    created_at INTEGER,
    claimed_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX action_runs_state ON action_runs (state, claimed_at);
  `,
];
