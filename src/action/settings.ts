import type { BulkEntity, EntityInput, RunPatch, SearchQuery } from '../port/index.ts';

/** The operations, as the vendor's action names them (the `operation` input, in any case). */
export const OPERATIONS = ['UPSERT', 'GET', 'SEARCH', 'BULK_UPSERT', 'DELETE', 'CREATE_RUN', 'PATCH_RUN'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** Where Port is and who calls it. */
export interface ConnectionSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per request, reading the answer included. */
  requestTimeoutMs: number;
}

export interface UpsertSettings {
  operation: 'UPSERT';
  blueprint: string;
  entity: EntityInput;
  runId?: string;
  createMissingRelatedEntities: boolean;
}

export interface GetSettings {
  operation: 'GET';
  blueprint: string;
  identifier: string;
  include?: string[];
}

export interface SearchSettings {
  operation: 'SEARCH';
  query: SearchQuery;
  include?: string[];
}

export interface BulkUpsertSettings {
  operation: 'BULK_UPSERT';
  /** From the `entities` input; each has its blueprint (the `blueprint` input fills it in where missing). */
  entities: BulkEntity[];
  /** Paths or globs in the repository, loaded before any call (see entities-file.ts). */
  entitiesFile: string[];
  /** For entities from files that name no blueprint. */
  defaultBlueprint?: string;
  runId?: string;
  createMissingRelatedEntities: boolean;
}

export interface DeleteSettings {
  operation: 'DELETE';
  blueprint: string;
  identifier: string;
  deleteDependents: boolean;
  runId?: string;
}

export interface CreateRunSettings {
  operation: 'CREATE_RUN';
  action: string;
  properties: Record<string, unknown>;
  /** The entity the run is about (the `identifier` input), for DAY-2 and DELETE actions. */
  entity?: string;
  /** Poll the run until it ends, for at most `waitTimeoutMs`. */
  wait: boolean;
  waitTimeoutMs: number;
  /** With `wait`: a run that ends FAILURE fails the step. */
  failOnRunFailure: boolean;
}

export interface PatchRunSettings {
  operation: 'PATCH_RUN';
  runId: string;
  /** Posted as a log line before the patch. */
  logMessage?: string;
  /** Empty when only a log line is asked for. */
  patch: RunPatch;
}

export type OperationSettings =
  | UpsertSettings
  | GetSettings
  | SearchSettings
  | BulkUpsertSettings
  | DeleteSettings
  | CreateRunSettings
  | PatchRunSettings;

/** Everything the step was asked to do, validated: the one object `inputs.ts` hands to `main.ts`. */
export interface Settings {
  connection: ConnectionSettings;
  /** Writes are validated (`validation_only`) or looked up, and reported, but not made. */
  dryRun: boolean;
  /** The repository's root (GITHUB_WORKSPACE): entitiesFile globs and `file://` paths stay inside it. */
  workspace: string;
  operation: OperationSettings;
}
